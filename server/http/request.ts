import type { IncomingMessage } from "node:http";
import type { Env } from "../env";

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function clientIp(req: IncomingMessage, env: Env): string {
  if (env.TRUST_PROXY) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  return (req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
}

export function isHttps(req: IncomingMessage, env: Env): boolean {
  if (env.PUBLIC_ORIGIN) return env.PUBLIC_ORIGIN.startsWith("https:");
  if (env.TRUST_PROXY && req.headers["x-forwarded-proto"] === "https") return true;
  return "encrypted" in req.socket && Boolean((req.socket as { encrypted?: boolean }).encrypted);
}

export function expectedOrigin(req: IncomingMessage, env: Env): string {
  if (env.PUBLIC_ORIGIN) return new URL(env.PUBLIC_ORIGIN).origin;
  return `${isHttps(req, env) ? "https" : "http"}://${req.headers.host ?? "localhost"}`;
}

/**
 * True unless the browser says the request came from another origin. Browsers send Origin on every
 * POST and Sec-Fetch-Site on every request; clients without either (curl, server-to-server) carry no
 * ambient credentials of a victim, so they are let through.
 */
export function isSameOrigin(req: IncomingMessage, env: Env): boolean {
  const origin = req.headers.origin;
  if (origin) return origin === expectedOrigin(req, env);
  const site = req.headers["sec-fetch-site"];
  return site === undefined || site === "same-origin" || site === "none";
}

export function serializeCookie(name: string, value: string, secure: boolean, opts: { maxAgeSec?: number; expires?: Date } = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (secure) parts.push("Secure");
  if (opts.maxAgeSec !== undefined) parts.push(`Max-Age=${opts.maxAgeSec}`);
  if (opts.expires) parts.push(`Expires=${opts.expires.toUTCString()}`);
  return parts.join("; ");
}
