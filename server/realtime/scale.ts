// Several server processes: with REDIS_URL set, Socket.IO rooms and socket ids reach every process through the
// `@socket.io/redis-adapter` (pub/sub), and the room store is shared in Redis. Without it, one process keeps its
// embedded in-memory behaviour.
//
// Why the pub/sub adapter and not the Redis Streams adapter: the streams adapter's selling point is Socket.IO's
// connection-state recovery across nodes, and its known failure cases are exactly ours — no recovery when the original
// server died, recovery failing on very fast reconnects or before any packet, the same offset replayed on repeated
// drops. PoseVisit does not rely on it: live data has its own end-to-end sequence numbers, acknowledgements and resend
// (app/_lib/realtime/relay.ts), stored samples go through the idempotent chunk pipeline, and a rejoining participant
// takes its seat back from the shared room store. So the simpler, more widely used pub/sub adapter is enough.
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import crypto from "node:crypto";
import { MemoryEventBus, type EventBus, type ServiceEvent, type ServiceEventHandler } from "../services/events";
import { RedisRoomStore } from "./redis-store";
import type { RoomStore } from "./store";

export type ScaleOut = { store: RoomStore; adapter: ReturnType<typeof createAdapter>; redis: Redis; events: EventBus; close(): Promise<void> };

/**
 * Service events (session ended, link revoked, visit closed, …) for every process: each process closes the sockets it
 * holds. The publishing process delivers to its own subscribers at once (so a sign-out's sockets here are closed before
 * it answers) and through Redis to the others, which skip their own messages.
 */
export class RedisEventBus implements EventBus {
  private readonly local: MemoryEventBus;
  private readonly origin = crypto.randomBytes(8).toString("hex");
  constructor(private pub: Redis, sub: Redis, private channel: string, log: (m: string) => void) {
    this.local = new MemoryEventBus(log);
    void sub.subscribe(channel).catch((e: Error) => log(`[events] subscribe failed: ${e.message}`));
    sub.on("message", (ch: string, raw: string) => {
      if (ch !== channel) return;
      try {
        const m = JSON.parse(raw) as { origin: string; e: ServiceEvent };
        if (m.origin !== this.origin) void this.local.publish(m.e);
      } catch (e) {
        log(`[events] bad message on ${channel}: ${String(e)}`);
      }
    });
  }
  async publish(e: ServiceEvent): Promise<void> {
    await this.local.publish(e);
    await this.pub.publish(this.channel, JSON.stringify({ origin: this.origin, e }));
  }
  subscribe(fn: ServiceEventHandler): () => void {
    return this.local.subscribe(fn);
  }
}

export async function connectScaleOut(url: string, opts: { prefix?: string; log?: (m: string) => void } = {}): Promise<ScaleOut> {
  const log = opts.log ?? ((m: string) => console.warn(m));
  const mk = (name: string) => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: `posevisit-${name}` });
    r.on("error", (e: Error) => log(`[redis:${name}] ${e.message}`));
    return r;
  };
  const pub = mk("pub");
  const sub = mk("sub");
  const store = mk("store");
  const general = mk("general");
  const eventsSub = mk("events");
  await Promise.all([pub.connect(), sub.connect(), store.connect(), general.connect(), eventsSub.connect()]);
  const prefix = opts.prefix ?? "pv:";
  return {
    store: new RedisRoomStore(store, prefix, { sub: eventsSub }),
    adapter: createAdapter(pub, sub, { key: `${prefix}socket.io` }),
    redis: general,
    events: new RedisEventBus(general, eventsSub, `${prefix}events`, log),
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit(), store.quit(), general.quit(), eventsSub.quit()]);
    },
  };
}
