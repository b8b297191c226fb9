// Builds the whole server: environment, database (migrated), HTTP API, Socket.IO and Next.js on one port.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "./db/client";
import { deployMigrations } from "./db/schema-engine";
import type { Env } from "./env";
import { createApiHandler } from "./http/api";
import { createFhirHandler } from "./http/fhir";
import { isHttps } from "./http/request";
import { applySecurityHeaders } from "./http/security";
import { attachRealtime, type Realtime, type RealtimeOptions } from "./realtime/index";
import { connectScaleOut } from "./realtime/scale";
import { createSignInLimits, memoryBackend, redisBackend } from "./services/rate-limit";
import { eventBus } from "./services/events";
import { DEMO, demoLinkHint, seedDemo } from "./services/seed";
import { startScheduler, type Scheduler } from "./services/scheduler";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type Started = { url: string; port: number; db: Db; realtime: Realtime; server: http.Server; scheduler: Scheduler; close(): Promise<void> };

export async function startServer(env: Env, opts: { dev?: boolean; next?: boolean; log?: (m: string) => void; realtime?: RealtimeOptions } = {}): Promise<Started> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const dev = opts.dev ?? false;
  const applied = await deployMigrations(env.DATABASE_URL);
  if (applied.length) log(`[db] applied migrations: ${applied.join(", ")}`);
  const db = await createDb(env.DATABASE_URL);
  const seeded = await seedDemo(db, env);

  // Several processes (REDIS_URL): rooms, socket routing and rate limits shared in Redis (server/realtime/scale.ts).
  const scale = env.REDIS_URL ? await connectScaleOut(env.REDIS_URL) : null;
  const api = createApiHandler({ db, env, signInLimits: createSignInLimits(scale ? redisBackend(scale.redis) : memoryBackend) });
  const fhir = createFhirHandler({ db, env });
  type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  type Upgrade = (req: http.IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => Promise<void>;
  let nextHandler: Handler | null = null;
  let nextUpgrade: Upgrade | null = null;
  let nextApp: { close?: () => Promise<void> } | null = null;
  if (opts.next !== false) {
    const { default: next } = await import("next");
    const app = next({ dev, dir: ROOT, hostname: env.HOST, port: env.PORT, turbopack: dev });
    await app.prepare();
    nextHandler = app.getRequestHandler() as Handler;
    nextUpgrade = app.getUpgradeHandler() as unknown as Upgrade;
    nextApp = app as unknown as { close?: () => Promise<void> };
  }

  const server = http.createServer((req, res) => {
    applySecurityHeaders(req, res, { dev, https: isHttps(req, env) });
    fhir(req, res)
      .then((done) => done || api(req, res))
      .then(async (handled) => {
        if (handled) return;
        if (!nextHandler) {
          res.statusCode = 404;
          res.end("Not found");
          return;
        }
        await nextHandler(req, res);
      })
      .catch((e: unknown) => {
        console.error("[http] request failed:", e);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  // The services publish on the process's bus; with Redis every process hears every event.
  if (scale) eventBus.set(scale.events);
  const realtime = attachRealtime(server, { db, env }, { ...opts.realtime, ...(scale ? { store: scale.store, adapter: scale.adapter } : {}) });
  server.on("upgrade", (req, socket, head) => {
    if (req.url?.startsWith("/socket.io/")) return; // Socket.IO's own listener takes it
    if (nextUpgrade) void nextUpgrade(req, socket, head).catch(() => socket.destroy());
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const shownHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  const url = env.PUBLIC_ORIGIN ?? `http://${shownHost}:${port}`;
  if (seeded) {
    log(
      [
        "[demo] Created the demo clinic. Sign in with:",
        `  therapist  ${DEMO.therapist.email} / ${DEMO.therapist.password}`,
        `  clinician  ${DEMO.clinician.email} / ${DEMO.clinician.password}`,
        `  admin      ${DEMO.admin.email} / ${DEMO.admin.password}`,
        `  demo patient link: ${url}${seeded.joinPath}`,
        "  (shown only this once; later, open the demo visit and press \"Create new link\")",
      ].join("\n"),
    );
  } else {
    const hint = await demoLinkHint(db, env, url).catch(() => null);
    if (hint) log(hint);
  }

  // reminders, missed home sessions, mail retries (SCHEDULER_INTERVAL_S; off in tests unless set)
  const scheduler = startScheduler(db, env, { log });
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await scheduler.stop();
      const realtimeClosed = realtime.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3000).unref();
      });
      await realtimeClosed;
      await nextApp?.close?.().catch(() => {});
      await scale?.close();
      await db.$disconnect();
    })());
  return { url, port, db, realtime, server, scheduler, close };
}
