// Short-lived TURN credentials on the client: when to renew them, and whether they are still good enough for an ICE
// restart. The server issues coturn `use-auth-secret` credentials that expire (TURN_TTL_SECONDS); a relay allocation
// made with an expired username is refused by coturn, so an ICE restart after expiry would gather no relay candidate
// and, with `iceTransportPolicy: "relay"`, fail. Renewal therefore runs on a timer well before expiry, and a restart
// first renews when the credentials are close to expiring. Pure logic; the timers live in call.ts.
import type { IceServer } from "../../_shared/protocol";

export type IceConfig = { iceServers: IceServer[]; expiresAt: number | null };

/** Lead time before expiry: a quarter of the lifetime, between 10 s and 10 min. */
export function renewalLead(lifetimeMs: number): number {
  return Math.min(10 * 60_000, Math.max(10_000, lifetimeMs / 4));
}

export class IceCredentials {
  private cfg: IceConfig = { iceServers: [], expiresAt: null };
  private receivedAt = 0;

  set(cfg: IceConfig, now: number) {
    this.cfg = cfg;
    this.receivedAt = now;
  }
  get servers(): IceServer[] {
    return this.cfg.iceServers;
  }
  get expiresAt(): number | null {
    return this.cfg.expiresAt;
  }
  /** Milliseconds from `now` until the credentials should be renewed; null when they never expire. */
  renewIn(now: number): number | null {
    if (this.cfg.expiresAt === null) return null;
    const lead = renewalLead(this.cfg.expiresAt - this.receivedAt);
    return Math.max(0, this.cfg.expiresAt - lead - now);
  }
  /** True when the credentials expire within the renewal lead (or have expired): renew before using them. */
  stale(now: number): boolean {
    const r = this.renewIn(now);
    return r !== null && r === 0;
  }
}
