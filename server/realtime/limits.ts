// Handshake rate limits (rate-limiter-flexible). Memory stores serve one process; with REDIS_URL the same limits live
// in Redis (RateLimiterRedis through rate-limit.ts's backend, as sign-in does), so every process spends one budget.
//  - patient handshakes per patient link (keyed by the link's HMAC, never the token itself);
//  - patient handshakes per client address;
//  - refused handshakes per address (unknown/expired/revoked link, no valid session), checked first.
// A refused or limited handshake never reaches the room, so it cannot take the connected patient's seat.
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { memoryBackend, type LimiterBackend } from "../services/rate-limit";

export type Limit = { points: number; durationSec: number };
export type HandshakeLimitOptions = { perLink?: Limit; perAddress?: Limit; failuresPerAddress?: Limit };

export const DEFAULT_HANDSHAKE_LIMITS: Required<HandshakeLimitOptions> = {
  /** A reload or a reconnect is one handshake; ten a minute is far beyond a real patient's. */
  perLink: { points: 10, durationSec: 60 },
  /** Patients join from their own homes; a shared address (NAT) still fits many visits. */
  perAddress: { points: 60, durationSec: 60 },
  failuresPerAddress: { points: 30, durationSec: 600 },
};

/** `first`: this is the first refusal of the key's window (audit it once, not every time). */
export type LimitResult = { ok: true } | { ok: false; retryMs: number; first: boolean };

export class HandshakeLimits {
  readonly perLink: RateLimiterAbstract;
  readonly perAddress: RateLimiterAbstract;
  readonly failures: RateLimiterAbstract;
  private readonly failurePoints: number;

  /** `backend`: where the counters live (memory: this process; redisBackend: shared by every process). */
  constructor(opts: HandshakeLimitOptions = {}, backend: LimiterBackend = memoryBackend) {
    const o = { ...DEFAULT_HANDSHAKE_LIMITS, ...opts };
    this.perLink = backend({ keyPrefix: "pv:hs-link", points: o.perLink.points, duration: o.perLink.durationSec });
    this.perAddress = backend({ keyPrefix: "pv:hs-addr", points: o.perAddress.points, duration: o.perAddress.durationSec });
    this.failures = backend({ keyPrefix: "pv:hs-fail", points: o.failuresPerAddress.points, duration: o.failuresPerAddress.durationSec });
    this.failurePoints = o.failuresPerAddress.points;
  }

  /** Takes one point; a refusal still counts, so hammering does not shorten the wait. */
  static async take(limiter: RateLimiterAbstract, key: string): Promise<LimitResult> {
    try {
      await limiter.consume(key);
      return { ok: true };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      return { ok: false, retryMs: e.msBeforeNext, first: e.consumedPoints === limiter.points + 1 };
    }
  }

  /** Is this address blocked for having too many refused handshakes? (Does not count.) */
  async blockedForFailures(address: string): Promise<LimitResult> {
    const r = await this.failures.get(address);
    return r && r.consumedPoints >= this.failurePoints ? { ok: false, retryMs: r.msBeforeNext, first: false } : { ok: true };
  }

  /** Counts a refused handshake; true when this one used the address's last point (it is blocked from now on). */
  async failed(address: string): Promise<boolean> {
    try {
      const r = await this.failures.consume(address);
      return r.consumedPoints === this.failurePoints;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      return false;
    }
  }
}
