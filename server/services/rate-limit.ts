// Rate limits, on rate-limiter-flexible. One factory (createLimiter) picks the store, so every limit
// of the server (sign-in here, socket handshakes in server/realtime) moves to a shared store together:
// today RateLimiterMemory (one process); with several processes pass a backend built on
// RateLimiterRedis, e.g.
//   const redisBackend: LimiterBackend = (o) =>
//     new RateLimiterRedis({ ...o, storeClient: redis, insuranceLimiter: new RateLimiterMemory(o) });
// and hand it to createLimiter / createSignInLimits.
//
// Counters are taken BEFORE the guarded work (consume first, refund when the attempt turns out fine),
// so parallel attempts cannot all pass a check that none of them has counted yet.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type LimitSpec = {
  /** Names the counters in the store (the key prefix): must be unique per kind of limit. */
  name: string;
  /** Points (attempts) allowed per window. */
  points: number;
  /** Window length in seconds (fixed window, starting at the first consume of a key). */
  durationSec: number;
  /** When set, a key over its limit stays blocked this long instead of until the window ends. */
  blockDurationSec?: number;
};

export type LimitDecision = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

/** The library's common options (keyPrefix, points, duration, blockDuration). */
export type LimiterOptions = ConstructorParameters<typeof RateLimiterMemory>[0];
/** Builds the store-specific limiter from the library's options. */
export type LimiterBackend = (opts: LimiterOptions) => RateLimiterAbstract;

export const memoryBackend: LimiterBackend = (opts) => new RateLimiterMemory(opts);

/**
 * Counters shared by every server process (REDIS_URL). While Redis is unreachable each process falls back to its own
 * memory counters (the library's insurance limiter) rather than letting everything through or refusing everyone.
 */
export const redisBackend =
  (client: unknown): LimiterBackend =>
  (opts) =>
    new RateLimiterRedis({ ...opts, storeClient: client, insuranceLimiter: new RateLimiterMemory(opts) });

/** A named limit. Methods never throw for "over the limit"; they throw only if the store fails. */
export class Limiter {
  constructor(
    readonly spec: LimitSpec,
    private readonly rl: RateLimiterAbstract,
  ) {}

  /** Takes `points` from the key's budget; refused (and nothing else changes) when it is spent. */
  async consume(key: string, points = 1): Promise<LimitDecision> {
    try {
      const r = await this.rl.consume(key, points);
      return { ok: true, remaining: r.remainingPoints };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, e.msBeforeNext) };
      throw e;
    }
  }

  /** Gives points back (an attempt that turned out fine). */
  async refund(key: string, points = 1): Promise<void> {
    await this.rl.reward(key, points);
  }

  /** Forgets the key (e.g. the account's failures after a successful sign-in). */
  async reset(key: string): Promise<void> {
    await this.rl.delete(key);
  }

  /** Points used in the current window (0 when none). */
  async used(key: string): Promise<number> {
    const r = await this.rl.get(key);
    return r?.consumedPoints ?? 0;
  }
}

export function createLimiter(spec: LimitSpec, backend: LimiterBackend = memoryBackend): Limiter {
  if (!(spec.points > 0) || !(spec.durationSec > 0)) throw new Error(`rate limit ${spec.name}: points and duration must be positive`);
  return new Limiter(
    spec,
    backend({ keyPrefix: `pv:${spec.name}`, points: spec.points, duration: spec.durationSec, blockDuration: spec.blockDurationSec ?? 0 }),
  );
}

/** Sign-in: 5 attempts per account and 30 per client address in 15 minutes (successes are refunded). */
export type SignInLimits = { account: Limiter; address: Limiter };

export function createSignInLimits(backend: LimiterBackend = memoryBackend): SignInLimits {
  return {
    account: createLimiter({ name: "signin:account", points: 5, durationSec: 15 * 60 }, backend),
    address: createLimiter({ name: "signin:address", points: 30, durationSec: 15 * 60 }, backend),
  };
}
