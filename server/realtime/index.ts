// Socket.IO on the same HTTP server and port as Next.js, under /socket.io: handshake auth (rate
// limited), one room per visit, one per clinic, a validating dispatcher in front of every event, and
// every socket tied to the session or link that opened it (sessions.ts).
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import {
  C2S_ROLES,
  C2S_SCHEMAS,
  C2S_SIZE,
  jsonSize,
  LIMITS,
  protocolError,
  SOCKET_PATH,
  type Ack,
  type C2SEvent,
  type C2SEvents,
  type ProtocolError,
  type S2CEvents,
} from "../../app/_shared/protocol";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { eventBus, type EventBus } from "../services/events";
import { authenticate, HandshakeError, type SocketData } from "./auth";
import { HandshakeLimits, type HandshakeLimitOptions } from "./limits";
import { relayAlerts } from "./alerts";
import { clinicRoom, RoomManager, type IO, type RoomManagerOptions, type Sock } from "./rooms";
import { LiveSessions } from "./sessions";
import { MemoryRoomStore, type RoomStore } from "./store";

export type RealtimeDeps = { db: Db; env: Env };
export type RealtimeOptions = RoomManagerOptions & {
  store?: RoomStore;
  /** A Socket.IO adapter shared by several processes (scale.ts); none = this process alone. */
  adapter?: Parameters<IO["adapter"]>[0];
  sweepEveryMs?: number;
  /** The service events to follow (default: the process's bus). */
  events?: EventBus;
  handshakeLimits?: HandshakeLimitOptions;
  /** How often every live socket's session or link is re-checked against the database. */
  sessionCheckEveryMs?: number;
};
export type Realtime = { io: IO; rooms: RoomManager; sessions: LiveSessions; close(): Promise<void> };

/** Events that change the visit: the session and the assignment are re-checked first. */
const PRIVILEGED = new Set<C2SEvent>(["visit:admit", "visit:decline", "visit:end"]);

/** Token bucket per socket. */
class Bucket {
  private tokens: number;
  private at = Date.now();
  rejected = 0;
  constructor(private rate: number, private burst: number) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.rejected++;
    return false;
  }
}

/** Sockets that keep flooding after being rate limited this many times are disconnected. */
const MAX_REJECTED = 2000;

export function attachRealtime(httpServer: HttpServer, deps: RealtimeDeps, opts: RealtimeOptions = {}): Realtime {
  const io: IO = new Server<C2SEvents, S2CEvents, Record<string, never>, SocketData>(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    destroyUpgrade: false, // other upgrade requests (Next.js dev HMR) are handled elsewhere
    maxHttpBufferSize: LIMITS.packet,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    // Browsers connect same-origin; the handshake checks Origin for cookie-authenticated sockets.
    cors: undefined,
  });
  if (opts.adapter) io.adapter(opts.adapter);
  const log = opts.log ?? ((m: string) => console.warn(m));
  const rooms = new RoomManager(io, opts.store ?? new MemoryRoomStore(), deps, opts);
  const sessions = new LiveSessions(rooms, deps.db, log);
  rooms.onClosed = (e) => sessions.onEvent(e);
  const unsubscribe = (opts.events ?? eventBus.get()).subscribe((e) => sessions.onEvent(e));
  const unrelayAlerts = relayAlerts(io, opts.events ?? eventBus.get());
  const limits = new HandshakeLimits(opts.handshakeLimits);

  io.use((socket, next) => {
    socket.data = { kind: "pending" };
    authenticate(socket, { ...deps, limits }).then(
      (d) => {
        socket.data = d;
        next();
      },
      (e: unknown) => {
        if (e instanceof HandshakeError) return next(e);
        log(`[realtime] handshake failed: ${e instanceof Error ? e.stack : String(e)}`);
        next(new HandshakeError("INTERNAL"));
      },
    );
  });

  io.on("connection", (socket: Sock) => {
    const d = socket.data;
    const bucket = new Bucket(LIMITS.ratePerSec, LIMITS.rateBurst);

    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (r: Ack) => void) : null;
      const name = typeof event === "string" ? event.slice(0, 40) : "?";
      const reply = (res: Ack) => {
        if (ack) ack(res);
        else if (!res.ok) socket.emit("server:error", { event: name, code: (res as ProtocolError).code, message: (res as ProtocolError).message });
      };
      if (!bucket.take()) {
        if (bucket.rejected > MAX_REJECTED) socket.disconnect(true);
        else if (ack) ack(protocolError("RATE_LIMITED"));
        return;
      }
      if (typeof event !== "string" || !Object.hasOwn(C2S_SCHEMAS, event)) return reply(protocolError("UNKNOWN_EVENT"));
      const e = event as C2SEvent;
      if (args.length !== 1) return reply(protocolError("BAD_REQUEST", "Send exactly one payload object."));
      if (jsonSize(args[0]) > C2S_SIZE[e]) return reply(protocolError("TOO_LARGE", `The message is larger than ${C2S_SIZE[e]} bytes.`));
      if (d.kind !== "participant") return reply(e === "ping" ? { ok: true, t: 0, serverTime: Date.now() } as Ack : protocolError("FORBIDDEN"));
      if (!C2S_ROLES[e].includes(d.role)) return reply(protocolError("FORBIDDEN"));
      const parsed = C2S_SCHEMAS[e].safeParse(args[0]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return reply(protocolError("BAD_REQUEST", issue ? `${issue.path.join(".") || "payload"}: ${issue.message}` : undefined));
      }
      const run = PRIVILEGED.has(e)
        ? sessions.authorise(socket, d).then((refused) => (refused ? protocolError(refused) : rooms.handle(socket, d, e, parsed.data as never)))
        : rooms.handle(socket, d, e, parsed.data as never);
      run.then(reply, (err: unknown) => {
        log(`[realtime] ${e} failed: ${err instanceof Error ? err.stack : String(err)}`);
        reply(protocolError("INTERNAL"));
      });
    });

    if (d.kind === "pending") return void socket.disconnect(true);
    if (!sessions.add(socket)) return; // what opened it ended while the handshake ran
    if (d.kind === "staff") {
      void socket.join(clinicRoom(d.clinicId));
      return;
    }
    socket.on("disconnect", (reason) => {
      rooms.leave(socket, d, reason).catch((err: unknown) => log(`[realtime] leave failed: ${err instanceof Error ? err.stack : String(err)}`));
    });
    rooms.join(socket, d).catch((err: unknown) => {
      log(`[realtime] join failed: ${err instanceof Error ? err.stack : String(err)}`);
      socket.emit("server:error", { event: "join", code: "INTERNAL", message: protocolError("INTERNAL").message });
      socket.disconnect(true);
    });
  });

  const sweeper = setInterval(() => {
    rooms.sweep().catch((err: unknown) => log(`[realtime] sweep failed: ${String(err)}`));
  }, opts.sweepEveryMs ?? 2_000);
  sweeper.unref();
  const recheck = setInterval(() => {
    sessions.revalidate().catch((err: unknown) => log(`[realtime] session re-check failed: ${String(err)}`));
  }, opts.sessionCheckEveryMs ?? 60_000);
  recheck.unref();

  return {
    io,
    rooms,
    sessions,
    close: async () => {
      clearInterval(sweeper);
      clearInterval(recheck);
      unsubscribe();
      unrelayAlerts();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await rooms.idle(); // the leaves that closing the sockets started
    },
  };
}
