import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Db } from "../db/client";
import type { Env } from "../env";

export type RealtimeDeps = { db: Db; env: Env };
export type Realtime = { io: Server; close(): Promise<void> };

/** Socket.IO on the same HTTP server and port as Next.js, under /socket.io. */
export function attachRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
  void deps;
  const io = new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    destroyUpgrade: false, // other upgrade requests (Next.js dev HMR) are handled elsewhere
    maxHttpBufferSize: 256 * 1024,
  });
  io.use((_socket, next) => next(new Error("Realtime visits are not enabled yet")));
  return {
    io,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
