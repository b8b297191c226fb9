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
import { RedisRoomStore } from "./redis-store";
import type { RoomStore } from "./store";

export type ScaleOut = { store: RoomStore; adapter: ReturnType<typeof createAdapter>; redis: Redis; close(): Promise<void> };

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
  await Promise.all([pub.connect(), sub.connect(), store.connect(), general.connect()]);
  const prefix = opts.prefix ?? "pv:";
  return {
    store: new RedisRoomStore(store, prefix),
    adapter: createAdapter(pub, sub, { key: `${prefix}socket.io` }),
    redis: general,
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit(), store.quit(), general.quit()]);
    },
  };
}
