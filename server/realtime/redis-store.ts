// The room store shared by several server processes: one JSON value per visit in Redis, read-modify-write under
// WATCH/MULTI (optimistic: `fn` is pure and is retried when another process wrote the room meanwhile), a sorted set of
// rooms by the earliest `disconnectedAt` of a reconnecting participant for the sweeper, and a set of live rooms for
// count(). Keys expire after a day without writes, so a crashed cluster leaves nothing behind for long.
import type { Redis } from "ioredis";
import type { RoomStore, StoredRoom } from "./store";

const ROOM_TTL_S = 24 * 3600;
const MAX_RETRIES = 50;

export class RedisRoomStore implements RoomStore {
  private key = (visitId: string) => `${this.prefix}room:${visitId}`;
  private readonly reconnecting: string;
  private readonly live: string;

  /** `redis` must be a connection of its own (WATCH state is per connection); `prefix` namespaces the keys. */
  constructor(private redis: Redis, private prefix = "pv:") {
    this.reconnecting = `${prefix}rooms:reconnecting`;
    this.live = `${prefix}rooms`;
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
        if (room) {
          const next: StoredRoom = { ...room, rev: (cur?.rev ?? 0) + 1 };
          tx.set(key, JSON.stringify(next), "EX", ROOM_TTL_S).sadd(this.live, visitId);
          const gone = [next.patient, next.therapist]
            .filter((p) => p && p.presence === "reconnecting" && p.disconnectedAt !== null)
            .map((p) => p!.disconnectedAt!);
          if (gone.length) tx.zadd(this.reconnecting, Math.min(...gone), visitId);
          else tx.zrem(this.reconnecting, visitId);
        } else tx.del(key).srem(this.live, visitId).zrem(this.reconnecting, visitId);
        const done = await tx.exec(); // null: the key changed after WATCH, try again
        return done === null ? { retry: true as const } : { retry: false as const, result };
      });
      if (!res.retry) return res.result;
    }
    throw new Error(`room ${visitId}: too much contention (${MAX_RETRIES} retries)`);
  }

  async expired(before: number): Promise<string[]> {
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
