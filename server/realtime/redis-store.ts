// The room store shared by several server processes: one JSON value per visit in Redis, read-modify-write under
// WATCH/MULTI (optimistic: `fn` is pure and is retried when another process wrote the room meanwhile), a sorted set of
// rooms by the earliest `disconnectedAt` of a reconnecting participant for the sweeper, and a set of live rooms for
// count(). Keys expire after a day without writes, so a crashed cluster leaves nothing behind for long.
//
// The relay's hot path reads rooms through peek(): a per-process cache of recently read rooms, so a live message costs
// no Redis round trip. Every write publishes the room's id on an invalidation channel in the same MULTI, and every other
// process drops its copy when it hears it (a subscriber reconnect drops them all, since messages may have been missed);
// a copy is also dropped after `cacheMs` whatever happens. This process's own writes refresh its copy.
import crypto from "node:crypto";
import type { Redis } from "ioredis";
import type { RoomStore, StoredRoom } from "./store";

const ROOM_TTL_S = 24 * 3600;
const MAX_RETRIES = 50;

export type RedisRoomStoreOptions = {
  /** A subscriber connection (may be shared with other channels): without it peek() does not cache. */
  sub?: Redis;
  /** Longest a cached room is used (ms). */
  cacheMs?: number;
};

export class RedisRoomStore implements RoomStore {
  private key = (visitId: string) => `${this.prefix}room:${visitId}`;
  private readonly reconnecting: string;
  private readonly live: string;
  private readonly channel: string;
  private readonly origin = crypto.randomBytes(6).toString("hex");
  private readonly cacheMs: number;
  private cache = new Map<string, { room: StoredRoom | null; at: number }>();
  private reading = new Map<string, Promise<StoredRoom | null>>();
  /** Bumped on every invalidation: a read that started before one is not cached. */
  private gen = 0;

  /** `redis` must be a connection of its own (WATCH state is per connection); `prefix` namespaces the keys. */
  constructor(private redis: Redis, private prefix = "pv:", opts: RedisRoomStoreOptions = {}) {
    this.reconnecting = `${prefix}rooms:reconnecting`;
    this.live = `${prefix}rooms`;
    this.channel = `${prefix}rooms:changed`;
    this.cacheMs = opts.sub ? (opts.cacheMs ?? 2_000) : 0;
    const sub = opts.sub;
    if (sub) {
      void sub.subscribe(this.channel).catch(() => {});
      sub.on("message", (ch: string, msg: string) => {
        if (ch !== this.channel) return;
        const [origin, visitId] = msg.split(" ");
        if (origin === this.origin || !visitId) return;
        this.gen++;
        this.cache.delete(visitId);
      });
      // A reconnected subscriber may have missed invalidations.
      sub.on("ready", () => this.drop());
      sub.on("close", () => this.drop());
    }
  }

  private drop() {
    this.gen++;
    this.cache.clear();
  }

  async peek(visitId: string): Promise<Readonly<StoredRoom> | null> {
    if (!this.cacheMs) return this.get(visitId);
    const hit = this.cache.get(visitId);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.room;
    let r = this.reading.get(visitId);
    if (!r) {
      const gen = this.gen;
      r = this.get(visitId).then((room) => {
        if (gen === this.gen) this.cache.set(visitId, { room, at: Date.now() });
        return room;
      });
      this.reading.set(visitId, r);
      void r.then(
        () => this.reading.delete(visitId),
        () => this.reading.delete(visitId),
      );
    }
    return r;
  }

  async get(visitId: string): Promise<StoredRoom | null> {
    const v = await this.redis.get(this.key(visitId));
    return v ? (JSON.parse(v) as StoredRoom) : null;
  }

  async update<T>(visitId: string, fn: (room: StoredRoom | null) => { room: StoredRoom | null; result: T }): Promise<T> {
    const key = this.key(visitId);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      // WATCH state is per connection, so this process's WATCH..EXEC runs one at a time on the store's connection.
      const res = await this.exclusive(async () => {
        await this.redis.watch(key);
        const raw = await this.redis.get(key);
        const cur = raw ? (JSON.parse(raw) as StoredRoom) : null;
        const { room, result } = fn(cur ? structuredClone(cur) : null);
        const tx = this.redis.multi();
        let next: StoredRoom | null = null;
        if (room) {
          next = { ...room, rev: (cur?.rev ?? 0) + 1 };
          tx.set(key, JSON.stringify(next), "EX", ROOM_TTL_S).sadd(this.live, visitId);
          const gone = [next.patient, next.therapist]
            .filter((p) => p && p.presence === "reconnecting" && p.disconnectedAt !== null)
            .map((p) => p!.disconnectedAt!);
          if (gone.length) tx.zadd(this.reconnecting, Math.min(...gone), visitId);
          else tx.zrem(this.reconnecting, visitId);
        } else tx.del(key).srem(this.live, visitId).zrem(this.reconnecting, visitId);
        if (this.cacheMs) tx.publish(this.channel, `${this.origin} ${visitId}`);
        const done = await tx.exec(); // null: the key changed after WATCH, try again
        if (done === null) return { retry: true as const };
        if (this.cacheMs) {
          // Our own write: the copy is the new room (a read that raced it is not cached).
          this.gen++;
          this.cache.set(visitId, { room: next ? structuredClone(next) : null, at: Date.now() });
        }
        return { retry: false as const, result };
      });
      if (!res.retry) return res.result;
    }
    throw new Error(`room ${visitId}: too much contention (${MAX_RETRIES} retries)`);
  }

  async expired(before: number): Promise<string[]> {
    const now = Date.now(); // the sweeper calls this every few seconds: forget stale copies
    for (const [id, c] of this.cache) if (now - c.at >= this.cacheMs) this.cache.delete(id);
    return this.redis.zrangebyscore(this.reconnecting, "-inf", `(${before}`);
  }

  async count(): Promise<number> {
    return this.redis.scard(this.live);
  }

  // WATCH state belongs to the connection, so this process's transactions must not interleave on it.
  private queue: Promise<unknown> = Promise.resolve();
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }
}
