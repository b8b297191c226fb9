// ICE servers for a visit: STUN as configured, TURN with short-lived credentials in coturn's
// `use-auth-secret` (TURN REST API) scheme: username "<expiry-unix>:<visitId>",
// credential base64(HMAC-SHA1(TURN_SECRET, username)). coturn checks both without a database.
import crypto from "node:crypto";
import type { IceServer } from "../../app/_shared/protocol";
import type { Env } from "../env";

const list = (s: string) => s.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);

export function turnCredential(secret: string, username: string): string {
  return crypto.createHmac("sha1", secret).update(username).digest("base64");
}

export function iceServersFor(
  env: Pick<Env, "STUN_URLS" | "TURN_URLS" | "TURN_SECRET" | "TURN_TTL_SECONDS">,
  visitId: string,
  now = Date.now(),
): { iceServers: IceServer[]; expiresAt: number | null } {
  const iceServers: IceServer[] = [];
  const stun = list(env.STUN_URLS);
  if (stun.length) iceServers.push({ urls: stun });
  const turn = list(env.TURN_URLS);
  if (turn.length && env.TURN_SECRET) {
    const expiry = Math.floor(now / 1000) + env.TURN_TTL_SECONDS;
    const username = `${expiry}:${visitId}`;
    iceServers.push({ urls: turn, username, credential: turnCredential(env.TURN_SECRET, username) });
    return { iceServers, expiresAt: expiry * 1000 };
  }
  return { iceServers, expiresAt: null };
}
