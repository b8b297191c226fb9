/**
 * Fixed-window failure counters for sign-in (per account and per source address). In-process:
 * with several server processes, move these counters to the shared store (Redis) as well.
 */
export class RateLimiter {
  private hits = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly limit: number, private readonly windowMs: number, private readonly now = () => Date.now()) {}

  /** Seconds until the key may try again, or 0 when it is not blocked. */
  blockedFor(key: string): number {
    const h = this.hits.get(key);
    if (!h || h.resetAt <= this.now()) return 0;
    return h.count >= this.limit ? Math.ceil((h.resetAt - this.now()) / 1000) : 0;
  }
  hit(key: string): void {
    const t = this.now();
    const h = this.hits.get(key);
    if (!h || h.resetAt <= t) this.hits.set(key, { count: 1, resetAt: t + this.windowMs });
    else h.count++;
    if (this.hits.size > 50_000) this.sweep();
  }
  reset(key: string): void {
    this.hits.delete(key);
  }
  private sweep(): void {
    const t = this.now();
    for (const [k, h] of this.hits) if (h.resetAt <= t) this.hits.delete(k);
  }
}
