// Streaming load benchmark: live visits against ONE server process, ramped until the relay's p99 passes 50 ms, and in
// the same run the same load through a bare Socket.IO relay (~20 lines, the same messages and acknowledgements) as the
// reference.
//   npm run bench:load                      ramp both (steps of BENCH_STEP visits, BENCH_STEP_S seconds each)
//   npm run bench:load -- --soak            then 10 min at 80 % of the app's capacity, memory slope reported
//   npm run bench:load -- --cluster         all on PostgreSQL, plus two server processes with Redis: visits routed by id
//                                           (both participants on one process, as the deployment's proxy routes them),
//                                           then patients on one and therapists on the other (every message crosses
//                                           Redis; BENCH_CLUSTER=affinity skips it): CPU per visit against one process
//   BENCH_JSON=1 for JSON; BENCH_MAX_VISITS (default 400), BENCH_STEP (25), BENCH_STEP_S (10), BENCH_SOAK_S (600)
//   BENCH_CPU_PROF=<dir>: V8 CPU profiles of the server processes (tests/bench/cpu-profile.ts reads them); BENCH_ONLY=app;
//   BENCH_ADMISSION=1: the app's admission control on (server/realtime/admission.ts); BENCH_NO_UPLOAD=1: live messages
//   only, no chunk uploads (splits the relay's cost from the recording's); BENCH_UPLOAD=http: chunks as tRPC calls over
//   HTTP (the app's path before recording:chunk; the default sends them over the patient's socket, as the app does)
// Each visit: a patient sends the app's real live pose message (one packed sample, as PatientAssessment sends it) at
// 20 Hz with the app's acknowledged relay, and uploads a trial chunk (15 samples) once a second over its socket
// (recording:chunk, acknowledged once stored); the therapist receives
// and acknowledges. Both participants of a visit live in the same generator process (one clock), and the visits are
// split over 2 generator processes that share the machine's cores with the server, as a real test rig would here.
// Everything is on loopback and bounded: at most BENCH_MAX_VISITS visits, each step BENCH_STEP_S seconds.
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { speedIndexMs } from "../support/speed-index";

const self = fileURLToPath(import.meta.url);
/** Which of n processes a visit goes to, as a proxy hashing the socket URL's `visit` parameter would send it (FNV-1a). */
const visitShard = (visitId: string, n: number) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < visitId.length; i++) h = Math.imul(h ^ visitId.charCodeAt(i), 0x01000193) >>> 0;
  return h % n;
};
const P99_LIMIT_MS = 50;
const RATE_HZ = 20;
type Cpu = { user: number; system: number };
type ServerStat = { cpuMs: number; rss: number; heap: number; at: number; redisCpuMs?: number };
type Visit = { visitId: string; token: string; trialId: string | null };
/**
 * `secondUrl`: the cluster's second process. `affinity` false: patients on the first process, therapists on the second
 * (every live message crosses Redis: the worst case); true: both participants of a visit on the process its visit id
 * hashes to, as the deployment's proxy routes them (server/realtime/README.md, "Deployment").
 */
type Boot = { url: string; secondUrl?: string; affinity?: boolean; cookie: string; visits: Visit[] };
type GenReport = { sent: number; received: number; lat: number[]; uploads: number; uploadFails: number; joinMs: number[]; joinFails: number; busyRefusals: number; resends: number; cpuMs: number };

const arg = (k: string) => process.argv.includes(k);
const cpuMs = (c: Cpu) => (c.user + c.system) / 1000;
const pct = (a: number[], p: number) => {
  if (!a.length) return NaN;
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function ipc<T>(child: ChildProcess, msg: unknown, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const f = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off("message", f);
        child.off("exit", x);
        resolve(m[key] as T);
      }
    };
    const x = (c: number | null) => reject(new Error(`child exited (${c}) before answering ${key}`));
    child.on("message", f);
    child.once("exit", x);
    if (msg !== null) child.send(msg as never);
  });
}

/** A server process's side of the IPC: CPU and memory on request, a GC, a clean stop; then it reports it is up. */
function serve(boot: Boot, close: () => Promise<void>) {
  process.on("message", (m: string) => {
    if (m === "stat") {
      const mem = process.memoryUsage();
      process.send!({ stat: { cpuMs: cpuMs(process.cpuUsage()), rss: mem.rss, heap: mem.heapUsed, at: performance.now() } satisfies ServerStat });
    }
    if (m === "gc") {
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ gced: true });
    }
    if (m === "stop") void close().then(() => process.exit(0));
  });
  process.send!({ boot });
}

if (arg("--server")) {
  // ---------------- a server: the app, or the bare reference relay ----------------
  const kind = process.argv[process.argv.indexOf("--server") + 1];
  const maxVisits = Number(process.env.BENCH_MAX_VISITS ?? 400);
  let url: string;
  let cookie = "";
  const visits: Visit[] = [];
  let close: () => Promise<void>;
  if (kind === "app") {
    const { startTestServer, HttpClient } = await import("../support/server");
    const { seedClinic, PASSWORD } = await import("../support/seed");
    const { scheduleVisit } = await import("../../server/services/visits");
    const { testEnv } = await import("../support/env");
    const shared: Record<string, string> = {};
    if (process.env.BENCH_DATABASE_URL) shared.DATABASE_URL = process.env.BENCH_DATABASE_URL;
    if (process.env.BENCH_REDIS_URL) shared.REDIS_URL = process.env.BENCH_REDIS_URL;
    if (process.env.BENCH_SECRET) shared.SESSION_SECRET = process.env.BENCH_SECRET;
    // Every generated client comes from loopback: lift the per-address handshake limit (the per-link one stays).
    // Admission control off (as in the runs before it existed), so that the ramp measures the relay's own capacity;
    // BENCH_ADMISSION=1 turns it on with its defaults, as in production (joins past saturation refused, and retried
    // by the generators after the retry time as the app's client does).
    const admission = process.env.BENCH_ADMISSION === "1" ? {} : false;
    const s = await startTestServer({ env: testEnv(shared), realtime: { handshakeLimits: { perAddress: { points: 1_000_000, durationSec: 60 } }, admission } });
    if (process.env.BENCH_SEED === "0") {
      // A second process of a cluster: same database, same Redis; the first one seeded.
      serve({ url: s.url, cookie: "", visits: [] }, s.close);
      await new Promise(() => {});
    }
    const c = await seedClinic(s.db);
    const caller = { db: s.db, env: s.env, ip: "bench", user: { id: c.therapist.id, clinicId: c.clinic.id, email: c.therapist.email, name: c.therapist.name, role: "THERAPIST" as const, mustChangePassword: false } };
    for (let i = 0; i < maxVisits; i++) {
      const r = await scheduleVisit(caller, { patientId: c.patient.id, scheduledAt: new Date(Date.now() + 60_000), durationMin: 120, reason: "" });
      visits.push({ visitId: r.visit.id, token: r.joinPath.slice("/join/".length), trialId: null });
    }
    const http = new HttpClient(s.url);
    await http.signIn(c.therapist.email, PASSWORD);
    url = s.url;
    cookie = http.cookie;
    close = s.close;
  } else {
    // The reference: a bare Socket.IO relay. Same events and acknowledgements, no auth, validation, store or DB.
    const http = await import("node:http");
    const { Server } = await import("socket.io");
    const srv = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        JSON.parse(body || "null");
        res.setHeader("content-type", "application/json");
        res.end('{"result":{"data":{"json":{"stored":true}}}}');
      });
    });
    const io = new Server(srv, { path: "/socket.io", serveClient: false });
    io.on("connection", (s) => {
      const { visitId, role } = s.handshake.auth as { visitId: string; role: string };
      void s.join(`${visitId}:${role}`);
      const peer = `${visitId}:${role === "patient" ? "therapist" : "patient"}`;
      s.emit("session:welcome", { instanceId: s.id });
      s.on("relay", (m, ack) => (io.to(peer).emit("relay", { ...m, from: s.id, fromRole: role }), ack?.({ ok: true })));
      s.on("relay:ack", (m, ack) => (io.to(peer).emit("relay:ack", m), ack?.({ ok: true })));
      s.on("visit:admit", (_m, ack) => ack?.({ ok: true }));
      s.on("recording:chunk", (m, ack) => ack?.({ ok: true, stored: true, duplicate: false, seq: (m as { seq: number }).seq }));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    for (let i = 0; i < maxVisits; i++) visits.push({ visitId: `v${i}`, token: `t${i}`, trialId: null });
    close = () => new Promise((r) => io.close(() => r()));
  }
  serve({ url, cookie, visits }, close);
} else if (arg("--gen")) {
  // ---------------- a load generator: both participants of its visits ----------------
  const { io: ioc } = await import("socket.io-client");
  const { RelayInbox, RelayOutbox } = await import("../../app/_lib/realtime/relay");
  const { HttpClient } = await import("../support/server");
  const { bytesToBase64, packSamples } = await import("../../app/_shared/pose/sample");
  const { flexionSweep, recordedSweep } = await import("../support/samples");
  const { CHUNK_FORMAT, encodeChunk } = await import("../../app/_shared/recording/codec");
  // One second of the recording as the patient's recorder sends it (app/_lib/recording/recorder.ts): 15 samples of a
  // realistic recorded trial (33 jittering landmarks), timed from the trial's start, in the current compact format.
  // Encoded once per seq and shared by the visits (the encoding is the browser's work, not the generator's).
  const recorded = await recordedSweep({ seconds: 60 });
  const chunks = new Map<number, { seq: number; startMs: number; rateHz: number; format: number; samples: string }>();
  const chunkOf = (seq: number) => {
    let c = chunks.get(seq);
    if (!c) {
      const from = (seq * 15) % (recorded.length - 15);
      const part = recorded.slice(from, from + 15).map((x, k) => ({ ...x, t: seq * 1000 + 1 + k * 66 }));
      chunks.set(seq, (c = { seq, startMs: part[0]!.t, rateHz: 15, format: CHUNK_FORMAT, samples: bytesToBase64(encodeChunk(part)) }));
    }
    return c;
  };
  const { PROTOCOL_VERSION } = await import("../../app/_shared/protocol");
  let boot: Boot;
  let kind = "app";
  const sweep = flexionSweep({ reps: 40, peakDeg: 70 });
  const viaHttp = process.env.BENCH_UPLOAD === "http";
  type Live = { stop: () => void; sockets: { close: () => void }[] };
  const live: Live[] = [];
  const totals = { sent: 0, received: 0 };
  let lastCpu = 0;
  let rep: GenReport = { sent: 0, received: 0, lat: [], uploads: 0, uploadFails: 0, joinMs: [], joinFails: 0, busyRefusals: 0, resends: 0, cpuMs: 0 };
  const rid = () => Math.random().toString(36).slice(2, 14).padEnd(12, "x");
  /** Like the app's client (app/_lib/realtime/call.ts): a SERVER_BUSY refusal is retried after its retry time. */
  const connect = async (auth: Record<string, unknown>, cookie?: string): Promise<ReturnType<typeof ioc>> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await connectOnce(auth, cookie);
      } catch (e) {
        const d = (e as { data?: { code?: string; retryAfterMs?: number } }).data;
        if (d?.code !== "SERVER_BUSY" || attempt >= 4) throw e;
        rep.busyRefusals++;
        await new Promise((r) => setTimeout(r, d.retryAfterMs ?? 2_000));
      }
    }
  };
  /** The process a visit's participant connects to (one process unless cluster mode). */
  const urlFor = (visitId: string, role: "patient" | "therapist") => {
    if (!boot.secondUrl) return boot.url;
    if (boot.affinity) return visitShard(visitId, 2) === 0 ? boot.url : boot.secondUrl;
    return role === "therapist" ? boot.secondUrl : boot.url;
  };
  const connectOnce = ({ url, ...auth }: Record<string, unknown>, cookie?: string) =>
    new Promise<ReturnType<typeof ioc>>((resolve, reject) => {
      const base = String(url);
      const s = ioc(base, { path: "/socket.io", transports: ["websocket"], auth: { v: PROTOCOL_VERSION, ...auth }, extraHeaders: cookie ? { cookie, origin: base } : { origin: base }, reconnection: false, forceNew: true });
      const t = setTimeout(() => (s.close(), reject(new Error("join timeout"))), 8_000);
      s.once("session:welcome", () => (clearTimeout(t), resolve(s)));
      s.once("connect_error", (e) => (clearTimeout(t), s.close(), reject(e)));
    });
  const ack = <T>(s: ReturnType<typeof ioc>, ev: string, p: unknown) => (s.timeout(5_000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<T> }).emitWithAck(ev, p).catch(() => ({ ok: false }) as T);

  async function startVisit(v: Visit) {
    const t0 = performance.now();
    const tInst = rid();
    const pInst = rid();
    let th, pa;
    try {
      th = await connect(kind !== "bare" ? { role: "therapist", visitId: v.visitId, instanceId: tInst, url: urlFor(v.visitId, "therapist") } : { role: "therapist", visitId: v.visitId, url: boot.url }, boot.cookie);
      pa = await connect(kind !== "bare" ? { role: "patient", token: v.token, instanceId: pInst, name: "Load Patient", consent: true, url: urlFor(v.visitId, "patient") } : { role: "patient", visitId: v.visitId, url: boot.url });
      const a = await ack<{ ok: boolean }>(th, "visit:admit", {});
      if (!a.ok) throw new Error("admit failed");
      rep.joinMs.push(performance.now() - t0);
      if (kind !== "bare") {
        // The therapist starts a trial, so the chunk uploads are real writes of a recording.
        const staff = new HttpClient(urlFor(v.visitId, "therapist"));
        staff.cookie = boot.cookie;
        const r = await staff.call("mutation", "trials.start", { visitId: v.visitId, protocolKey: "trunk-flexion" });
        if (r.ok) v.trialId = r.data.id as string;
      }
    } catch (e) {
      if (rep.joinFails++ === 0 && !process.env.BENCH_JSON) console.warn(`  (first failed join: ${e instanceof Error ? e.message : String(e)})`);
      th?.close();
      pa?.close();
      return;
    }
    const thS = th, paS = pa;
    // The therapist: receives live messages through the app's inbox (dedup, in order) and acknowledges them.
    const inbox = new RelayInbox({ send: async () => false, ack: (m) => void thS.emit("relay:ack", m) }, (m) => {
      const d = m.data as { capturedAt: number };
      rep.received++;
      totals.received++;
      rep.lat.push(performance.now() - d.capturedAt);
    });
    thS.on("relay", (m) => inbox.receive(m));
    const outbox = new RelayOutbox({ send: async (m) => (await ack<{ ok: boolean }>(paS, "relay", m)).ok, ack: () => {} });
    paS.on("relay:ack", (m: { ns: string; upTo: number }) => outbox.onAck(m.ns, m.upTo));
    const http = kind !== "bare" ? new HttpClient(urlFor(v.visitId, "patient")) : null;
    let i = 0;
    let seq = 0;
    const tick = setInterval(() => {
      i++;
      const s = sweep[i % sweep.length]!;
      outbox.send("pose.live", { trialId: v.trialId, capturedAt: performance.now(), samples: bytesToBase64(packSamples([s])) });
      rep.sent++;
      totals.sent++;
      // As the app does: the go-back-N check runs once a second (VisitCall's 1 s timer), not per message.
      if (i % RATE_HZ === 0 && outbox.retransmit()) rep.resends++;
      if (i % RATE_HZ === 0 && process.env.BENCH_NO_UPLOAD !== "1") {
        // One second of the recording: 15 samples timed from the trial's start, as the patient's recorder sends them.
        const body = { token: v.token, trialId: v.trialId, ...chunkOf(seq) };
        seq++;
        const { token: _t, ...chunk } = body;
        // As the app sends them (app/_lib/recording/transport.ts): over the visit's socket while it is up;
        // BENCH_UPLOAD=http sends them as tRPC calls over HTTP, as the app did before recording:chunk.
        const p = viaHttp
          ? http && v.trialId ? http.call("mutation", "trials.uploadChunk", body).then((r) => r.ok) : fetch(`${boot.url}/api/trpc/trials.uploadChunk`, { method: "POST", body: JSON.stringify({ json: body }) }).then((r) => r.ok)
          : ack<{ ok: boolean }>(paS, "recording:chunk", chunk).then((r) => r.ok);
        void p.then((ok) => (ok ? rep.uploads++ : rep.uploadFails++), () => rep.uploadFails++);
      }
    }, 1000 / RATE_HZ);
    live.push({ stop: () => clearInterval(tick), sockets: [thS, paS] });
  }

  process.on("message", async (m: { boot?: Boot; kind?: string; start?: Visit[]; report?: true; stop?: true }) => {
    if (m.boot) {
      boot = m.boot;
      kind = m.kind!;
      process.send!({ ready: true });
    } else if (m.start) {
      rep.joinMs = [];
      rep.joinFails = 0;
      rep.busyRefusals = 0;
      await Promise.all(m.start.map(startVisit));
      process.send!({ started: { live: live.length, joinMs: rep.joinMs, joinFails: rep.joinFails, busyRefusals: rep.busyRefusals } });
    } else if (m.report) {
      const now = cpuMs(process.cpuUsage());
      const out = { ...rep, cpuMs: now - lastCpu };
      lastCpu = now;
      rep = { sent: 0, received: 0, lat: [], uploads: 0, uploadFails: 0, joinMs: [], joinFails: 0, busyRefusals: 0, resends: 0, cpuMs: 0 };
      process.send!({ report: out });
    } else if (m.stop) {
      for (const l of live) l.stop();
      await new Promise((r) => setTimeout(r, 2_000)); // the last messages and resends land
      for (const l of live) l.sockets.forEach((s) => s.close());
      process.send!({ totals });
      setTimeout(() => process.exit(0), 200);
    }
  });
} else {
  // ---------------- the orchestrator ----------------
  const maxVisits = Number(process.env.BENCH_MAX_VISITS ?? 400);
  const stepVisits = Number(process.env.BENCH_STEP ?? 25);
  const stepS = Number(process.env.BENCH_STEP_S ?? 10);
  const soakS = Number(process.env.BENCH_SOAK_S ?? 600);
  /** The soak's heap after a forced GC is sampled this often: 60 samples in 10 minutes, so that the slope's confidence
   * interval can tell a trend from the live set's own swing (about 8 MB between samples in the runs of 2026-12-02). */
  const SOAK_SAMPLE_S = Number(process.env.BENCH_SOAK_SAMPLE_S ?? 10);
  const speedBefore = speedIndexMs();
  const clusterMode = arg("--cluster");
  const shared: { db?: () => Promise<string>; stop?: () => void } = {};
  if (clusterMode) {
    const { startPgCluster } = await import("../support/pg-cluster.mjs");
    const pg = await startPgCluster();
    const pgc = await import("pg");
    let n = 0;
    shared.db = async () => {
      const name = `pv_load_${process.pid}_${n++}`;
      const admin = new pgc.default.Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(pg.url);
      u.pathname = `/${name}`;
      return u.toString();
    };
    shared.stop = () => pg.stop();
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // BENCH_CPU_PROF=<dir>: every server process writes a V8 CPU profile there when it stops (read it with
  // `npx tsx tests/bench/cpu-profile.ts <file>`).
  const profArgs = (name: string) =>
    process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${name}`] : []; // one file per thread
  type Step = { visits: number; live: number; redisCores: number; msgsPerS: number; deliveredPct: number; p50: number; p95: number; p99: number; serverCpuMsPerVisitS: number; serverCores: number; memPerVisitKiB: number; genCores: number; uploadsPerS: number; uploadFails: number; joinP99Ms: number; joinFails: number; busyRefusals: number; resends: number };

  async function ramp(kind: "app" | "bare" | "cluster" | "split", fixedVisits?: number, holdS?: number) {
    const dbEnv: Record<string, string> = shared.db ? { BENCH_DATABASE_URL: await shared.db() } : {};
    const redis = kind === "cluster" || kind === "split" ? await (await import("../support/redis")).startRedis() : null;
    const secret = (await import("node:crypto")).randomBytes(32).toString("base64url");
    const spawnServer = (k: string, extra: Record<string, string>) =>
      fork(self, ["--server", k], { execArgv: ["--import", "tsx", "--expose-gc", ...profArgs(`${kind}-${k}`)], stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, BENCH_MAX_VISITS: String(fixedVisits ?? maxVisits), BENCH_SECRET: secret, ...dbEnv, ...extra } });
    const serverKind = kind === "bare" ? "bare" : "app";
    const server = spawnServer(serverKind, redis ? { BENCH_REDIS_URL: redis.url } : {});
    const boot = await ipc<Boot>(server, null, "boot");
    const servers = [server];
    if (redis) {
      const second = spawnServer("app", { BENCH_REDIS_URL: redis.url, BENCH_SEED: "0" });
      boot.secondUrl = (await ipc<Boot>(second, null, "boot")).url;
      boot.affinity = kind === "cluster";
      servers.push(second);
    }
    const gens = [0, 1].map(() => fork(self, ["--gen"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
    await Promise.all(gens.map((g) => ipc(g, { boot, kind }, "ready")));
    // In cluster mode the figures are the sum over both processes and redis-server (its CPU from /proc/<pid>/stat:
    // utime + stime in clock ticks, 100 a second on Linux).
    const redisCpuMs = () => {
      if (!redis) return 0;
      const f = fs.readFileSync(`/proc/${redis.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    };
    const stat = async (): Promise<ServerStat> => {
      const all = await Promise.all(servers.map((x) => ipc<ServerStat>(x, "stat", "stat")));
      const r = redisCpuMs();
      const sum = all.reduce((a, x) => ({ cpuMs: a.cpuMs + x.cpuMs, rss: a.rss + x.rss, heap: a.heap + x.heap, at: Math.max(a.at, x.at) }), { cpuMs: 0, rss: 0, heap: 0, at: 0 });
      return { ...sum, cpuMs: sum.cpuMs + r, redisCpuMs: r };
    };
    const gc = () => Promise.all(servers.map((x) => ipc(x, "gc", "gced")));
    const steps: Step[] = [];
    const mem0 = (await gc(), await stat());
    let running = 0;
    const soak: { t: number; rss: number; heap: number }[] = [];
    for (;;) {
      const target = fixedVisits ?? Math.min(maxVisits, running + stepVisits);
      const add = boot.visits.slice(running, target);
      const joins = await Promise.all(gens.map((g, gi) => ipc<{ live: number; joinMs: number[]; joinFails: number; busyRefusals: number }>(g, { start: add.filter((_, i) => i % 2 === gi) }, "started")));
      // Visits actually running (joins refused by admission control or timed out are not): CPU and heap are per live visit.
      const liveVisits = Math.max(1, joins.reduce((a, r) => a + r.live, 0));
      running = target;
      await sleep(1_500); // settle, then measure
      await Promise.all(gens.map((g) => ipc<GenReport>(g, { report: true }, "report")));
      const s0 = await stat();
      const dur = holdS ?? stepS;
      const t0 = performance.now();
      if (holdS) {
        while (performance.now() - t0 < dur * 1000) {
          await sleep(Math.min(SOAK_SAMPLE_S * 1000, dur * 1000 - (performance.now() - t0)));
          await gc();
          const st = await stat();
          soak.push({ t: (performance.now() - t0) / 1000, rss: st.rss, heap: st.heap });
        }
      } else await sleep(dur * 1000);
      const s1 = await stat();
      const reps = await Promise.all(gens.map((g) => ipc<GenReport>(g, { report: true }, "report")));
      const secs = (s1.at - s0.at) / 1000;
      const lat = reps.flatMap((r) => r.lat);
      const sent = reps.reduce((a, r) => a + r.sent, 0);
      const received = reps.reduce((a, r) => a + r.received, 0);
      await gc();
      const sm = await stat();
      const step: Step = {
        visits: running,
        msgsPerS: Math.round(received / secs),
        // received in the window / sent in the window (messages in flight at its edges can make it pass 100 %)
        deliveredPct: +((100 * received) / Math.max(1, sent)).toFixed(1),
        p50: +pct(lat, 50).toFixed(1),
        p95: +pct(lat, 95).toFixed(1),
        p99: +pct(lat, 99).toFixed(1),
        live: liveVisits,
        serverCpuMsPerVisitS: +((s1.cpuMs - s0.cpuMs) / secs / liveVisits).toFixed(2),
        serverCores: +((s1.cpuMs - s0.cpuMs) / secs / 1000).toFixed(2),
        redisCores: +(((s1.redisCpuMs ?? 0) - (s0.redisCpuMs ?? 0)) / secs / 1000).toFixed(2),
        memPerVisitKiB: +((sm.heap - mem0.heap) / liveVisits / 1024).toFixed(1),
        genCores: +(reps.reduce((a, r) => a + r.cpuMs, 0) / 1000 / secs).toFixed(2),
        uploadsPerS: +(reps.reduce((a, r) => a + r.uploads, 0) / secs).toFixed(1),
        uploadFails: reps.reduce((a, r) => a + r.uploadFails, 0),
        joinP99Ms: +pct(joins.flatMap((r) => r.joinMs), 99).toFixed(0),
        joinFails: joins.reduce((a, r) => a + r.joinFails, 0),
        busyRefusals: joins.reduce((a, r) => a + r.busyRefusals, 0),
        resends: reps.reduce((a, r) => a + r.resends, 0),
      };
      steps.push(step);
      if (!process.env.BENCH_JSON)
        console.log(`  ${kind.padEnd(4)} ${String(step.visits).padStart(4)} visits (${step.live} live)  ${String(step.msgsPerS).padStart(5)} msg/s  delivered ${step.deliveredPct}%  relay p50/p95/p99 ${step.p50}/${step.p95}/${step.p99} ms  server ${step.serverCores} cores${redis ? ` (redis-server ${step.redisCores})` : ""} = ${step.serverCpuMsPerVisitS} core-ms/s per visit  heap ${step.memPerVisitKiB} KiB/visit  generators ${step.genCores} cores  uploads ${step.uploadsPerS}/s (${step.uploadFails} failed)  joins p99 ${step.joinP99Ms} ms (${step.joinFails} failed, ${step.busyRefusals} SERVER_BUSY refusals retried)  resends ${step.resends}`);
      // Past the limit for two steps in a row, or at the cap: stop (bounded in count and time).
      const over = (x: Step | undefined) => !!x && (x.p99 > P99_LIMIT_MS || x.deliveredPct < 99);
      if (fixedVisits || running >= maxVisits || (over(step) && over(steps.at(-2)))) break;
    }
    const ends = await Promise.all(gens.map((g) => ipc<{ sent: number; received: number }>(g, { stop: true }, "totals")));
    const total = { sent: ends.reduce((a, x) => a + x.sent, 0), received: ends.reduce((a, x) => a + x.received, 0) };
    for (const x of servers) x.send("stop");
    await Promise.all(servers.map((x) => new Promise((r) => (x.exitCode !== null ? r(null) : x.once("exit", r)))));
    await redis?.stop();
    const okSteps = steps.filter((x) => x.p99 <= P99_LIMIT_MS && x.deliveredPct >= 99);
    const capacity = okSteps.length ? Math.max(...okSteps.map((x) => x.visits)) : 0;
    const atCap = okSteps.find((x) => x.visits === capacity);
    // The heap's least-squares slope over the soak, with its 95 % confidence interval (slope ± t·SE; Student's t
    // rounded: 2.0 from 30 samples, 2.3 from 10, 2.78 below): the slope alone, over a live set that swings between samples, does not say whether
    // it grows. Also the median of the first and of the last third of the samples.
    let slope: number | null = null, slopeCi: number | null = null, thirds: [number, number] | null = null;
    if (soak.length >= 3) {
      const n = soak.length, mx = soak.reduce((a, x) => a + x.t, 0) / n, my = soak.reduce((a, x) => a + x.heap, 0) / n;
      const sxx = soak.reduce((a, x) => a + (x.t - mx) ** 2, 0);
      slope = soak.reduce((a, x) => a + (x.t - mx) * (x.heap - my), 0) / sxx;
      const ssr = soak.reduce((a, x) => a + (x.heap - (my + slope! * (x.t - mx))) ** 2, 0);
      const t = n >= 30 ? 2.0 : n >= 10 ? 2.3 : 2.78;
      slopeCi = n > 2 ? t * Math.sqrt(ssr / (n - 2) / sxx) : null;
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const k = Math.max(1, Math.floor(n / 3));
      thirds = [med(soak.slice(0, k).map((x) => x.heap)), med(soak.slice(-k).map((x) => x.heap))];
    }
    if (!process.env.BENCH_JSON) console.log(`  ${kind}: ${total.received} of ${total.sent} live messages delivered over the whole ramp (${((100 * total.received) / Math.max(1, total.sent)).toFixed(2)} %)`);
    return { kind, steps, total, capacity, cpuPerVisitAtCapacity: atCap?.serverCpuMsPerVisitS ?? NaN, soak, heapSlopeBytesPerMin: slope === null ? null : +(slope * 60).toFixed(0), heapSlopeCi95BytesPerMin: slopeCi === null ? null : +(slopeCi * 60).toFixed(0), heapMedianThirds: thirds };
  }

  console.log(`Streaming load — one server process, ${RATE_HZ} Hz live pose messages + 1 chunk upload/s per visit, steps of ${stepVisits} visits × ${stepS} s, p99 limit ${P99_LIMIT_MS} ms; ${os.cpus().length} cores`);
  // BENCH_ONLY=app (e.g. for a profile) skips the reference; the ratios then read 0.
  const only = process.env.BENCH_ONLY;
  const app = await ramp("app");
  const bare = only === "app" ? { ...app, kind: "bare", steps: [], capacity: 0, cpuPerVisitAtCapacity: NaN } : await ramp("bare");
  // --cluster: two processes with Redis, visits routed by id (as the proxy of the deployment does), then (unless
  // BENCH_CLUSTER=affinity) the worst case without routing: every patient on one process, every therapist on the other.
  const cluster = clusterMode ? await ramp("cluster") : null;
  const split = clusterMode && process.env.BENCH_CLUSTER !== "affinity" ? await ramp("split") : null;
  let soak: Awaited<ReturnType<typeof ramp>> | null = null;
  if (arg("--soak") && app.capacity > 0) {
    const n = Math.max(1, Math.round(app.capacity * 0.8));
    console.log(`  soak: ${n} visits (80 % of ${app.capacity}) for ${soakS} s`);
    soak = await ramp("app", n, soakS);
  }
  /** Two processes + Redis against one process: server CPU per visit at the largest common step within the limit. */
  function vsOneProcess(c: Awaited<ReturnType<typeof ramp>>) {
    const common = c.steps.filter((x) => x.p99 <= P99_LIMIT_MS && app.steps.some((a) => a.visits === x.visits)).at(-1);
    const a = common && app.steps.find((x) => x.visits === common.visits);
    return { capacity: c.capacity, steps: c.steps, cpuPerVisitVsOneProcess: common && a ? { visits: common.visits, ratio: +(common.serverCpuMsPerVisitS / a.serverCpuMsPerVisitS).toFixed(2) } : null };
  }
  const speedAfter = speedIndexMs();
  const result = {
    speedIndexMs: { before: speedBefore, after: speedAfter },
    loadAverage: fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    app: { capacity: app.capacity, cpuPerVisit: app.cpuPerVisitAtCapacity, delivered: app.total, steps: app.steps },
    bare: { capacity: bare.capacity, cpuPerVisit: bare.cpuPerVisitAtCapacity, delivered: bare.total, steps: bare.steps },
    ratios: {
      capacity: +(app.capacity / Math.max(1, bare.capacity)).toFixed(2),
      // CPU per visit compared at the same number of visits: the largest step both ran within the limit
      cpuPerVisit: (() => {
        const common = app.steps.filter((a) => a.p99 <= P99_LIMIT_MS && bare.steps.some((b) => b.visits === a.visits)).at(-1);
        const b = common && bare.steps.find((x) => x.visits === common.visits);
        return common && b ? { visits: common.visits, ratio: +(common.serverCpuMsPerVisitS / b.serverCpuMsPerVisitS).toFixed(2) } : null;
      })(),
    },
    cluster: cluster ? vsOneProcess(cluster) : null,
    split: split ? vsOneProcess(split) : null,
    soak: soak ? { visits: soak.steps[0]?.visits, seconds: soakS, heapSlopeBytesPerMin: soak.heapSlopeBytesPerMin, heapSlopeCi95BytesPerMin: soak.heapSlopeCi95BytesPerMin, heapMedianThirds: soak.heapMedianThirds, samples: soak.soak, step: soak.steps[0] } : null,
  };
  if (process.env.BENCH_JSON) console.log(JSON.stringify(result));
  else {
    if (only === "app") console.log(`capacity at p99 ≤ ${P99_LIMIT_MS} ms: app ${app.capacity} visits (the bare relay was skipped: BENCH_ONLY=app)`);
    else console.log(`capacity at p99 ≤ ${P99_LIMIT_MS} ms: app ${app.capacity} visits, bare relay ${bare.capacity} visits → app / bare ${result.ratios.capacity}× (target ≥ 0.9×)`);
    if (result.ratios.cpuPerVisit) console.log(`server CPU per visit at ${result.ratios.cpuPerVisit.visits} visits: app / bare ${result.ratios.cpuPerVisit.ratio}× (target ≤ 1.15×)`);
    for (const [label, c] of [["visits routed by id", result.cluster], ["patients on one, therapists on the other", result.split]] as const)
      if (c)
        console.log(`two processes + Redis, ${label}: capacity ${c.capacity} visits; server CPU per visit vs one process` + (c.cpuPerVisitVsOneProcess ? ` at ${c.cpuPerVisitVsOneProcess.visits} visits: ${c.cpuPerVisitVsOneProcess.ratio}× (target ≤ 1.3×; redis-server's CPU counted)` : ": no common step within the limit"));
    if (result.soak) {
      const xs = result.soak.samples, mb = (b: number) => (b / 1048576).toFixed(1);
      const first = xs[0], last = xs.at(-1);
      const kib = (b: number | null) => (b === null ? "–" : (b / 1024).toFixed(0));
      const th = result.soak.heapMedianThirds;
      console.log(`soak: ${result.soak.visits} visits for ${soakS} s, heap slope ${kib(result.soak.heapSlopeBytesPerMin)} ± ${kib(result.soak.heapSlopeCi95BytesPerMin)} KiB/min (95 % interval)` + (th ? `, median heap of the first / last third ${mb(th[0])} / ${mb(th[1])} MB` : "") + (first && last ? ` (heap after GC ${mb(first.heap)} → ${mb(last.heap)} MB, RSS ${mb(first.rss)} → ${mb(last.rss)} MB, every ${xs.length > 1 ? Math.round((last.t - first.t) / (xs.length - 1)) : 0} s: ${xs.map((x) => mb(x.heap)).join(" ")})` : ""));
    }
    console.log(`machine speed index (ms for a fixed loop, lower is faster): ${speedBefore} before, ${speedAfter} after; load average ${result.loadAverage}`);
  }
  shared.stop?.();
  process.exit(0);
}
