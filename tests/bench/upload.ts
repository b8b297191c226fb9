// What one recording upload costs the server (issue 16: the upload, not the relay, is the app's extra CPU per visit).
//   npm run bench:upload            K=20 recordings × N=60 chunks, waves of K concurrent uploads
//   env: BENCH_K, BENCH_N, BENCH_PASSES (a comma list of service,http,socket: the passes to run; all by default; e.g.
//   `BENCH_PASSES=socket node --cpu-prof --expose-gc --import tsx tests/bench/upload.ts` profiles the socket path alone)
// The real server runs in this process (SQLite, no Next.js) with K live visits (therapist and patient connected and
// admitted, a trunk-flexion trial started on each). Two passes over fresh trials: (1) the service function
// `uploadChunk` called directly (zod, decode, per-sample validation, canonical re-encode, database), (2) the same
// uploads as tRPC over HTTP on loopback (the browser's path outside a live visit: home practice, offline buffers),
// (3) the same uploads over the patient's visit socket (recording:chunk, the browser's path in a live visit). CPU per upload is this process's CPU (for the HTTP
// pass it includes the client's fetch and superjson; the direct pass is the reference measured in the same run), and
// the heap after a forced GC every 100 waves shows whether the upload path keeps anything.
import { uploadChunkInput } from "../../app/_shared/recording/schemas";
import { bytesToBase64 } from "../../app/_shared/pose/sample";
import { CHUNK_FORMAT, encodeChunk } from "../../app/_shared/recording/codec";
import { uploadChunk } from "../../server/services/recordings";
import { recordedSweep } from "../support/samples";
import { seedClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { speedIndexMs } from "../support/speed-index";
import { connect, newVisit, patientAuth, staffCookie, therapistAuth, type Conn } from "../integration/realtime-support";

const K = Number(process.env.BENCH_K ?? 20);
const N = Number(process.env.BENCH_N ?? 60);
const PASSES = new Set((process.env.BENCH_PASSES ?? "service,http,socket").split(","));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (npm run bench:upload does)");

const speedBefore = speedIndexMs();
const s = await startTestServer({ realtime: { handshakeLimits: { perAddress: { points: 1e6, durationSec: 60 } } } });
const c = await seedClinic(s.db);
const staff = new HttpClient(s.url);
staff.cookie = await staffCookie(s, c.therapist.email);
const conns: Conn[] = [];
const visits: { visitId: string; token: string }[] = [];
const patients = new Map<string, Conn>();
for (let i = 0; i < K; i++) {
  const v = await newVisit(s, c);
  const th = await connect(s, therapistAuth(v.visitId), { cookie: staff.cookie, origin: s.url });
  const pa = await connect(s, patientAuth(v.token), { origin: s.url });
  conns.push(th, pa);
  patients.set(v.token, pa);
  await th.socket.timeout(5_000).emitWithAck("visit:admit", {});
  visits.push(v);
}
// One second of the recording as the patient's recorder sends it: 15 samples of a realistic recorded trial (33
// jittering landmarks) in the current compact format, encoded before the clock starts (the browser's work).
const sweep = await recordedSweep({ seconds: 60 });
const chunkBytes = Array.from({ length: N }, (_, seq) => {
  const from = (seq * 15) % (sweep.length - 15);
  const part = sweep.slice(from, from + 15).map((x, k) => ({ ...x, t: seq * 1000 + 1 + k * 66 }));
  return { startMs: part[0]!.t, samples: bytesToBase64(encodeChunk(part)) };
});

async function pass(label: string, send: (body: Record<string, unknown>) => Promise<boolean>) {
  const trials: { token: string; trialId: string }[] = [];
  for (const v of visits) {
    const t = await staff.call("mutation", "trials.start", { visitId: v.visitId, protocolKey: "trunk-flexion" });
    if (!t.ok) throw new Error(t.error.message);
    // As if the trial had started an hour ago, so that N seconds of samples are not "in the future".
    await s.db.assessmentTrial.update({ where: { id: t.data.id as string }, data: { startedAt: new Date(Date.now() - 3_600_000) } });
    trials.push({ token: v.token, trialId: t.data.id as string });
  }
  const heap: number[] = [];
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let seq = 0; seq < N; seq++) {
    if (seq % 100 === 0) (gc!(), heap.push(process.memoryUsage().heapUsed));
    await Promise.all(
      trials.map(async (t) => {
        const ok = await send({ token: t.token, trialId: t.trialId, seq, rateHz: 15, format: CHUNK_FORMAT, ...chunkBytes[seq]! });
        if (!ok) failed++;
      }),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  gc!();
  heap.push(process.memoryUsage().heapUsed);
  for (const t of trials) await staff.call("mutation", "trials.discard", { trialId: t.trialId }).catch(() => null);
  const perUpload = (cpu.user + cpu.system) / 1000 / (K * N);
  console.log(`  ${label.padEnd(34)} ${(K * N).toString().padStart(6)} uploads (${failed} failed)  CPU ${perUpload.toFixed(2)} ms per upload  wall ${(wall / N).toFixed(1)} ms per wave of ${K}  heap after GC ${heap.map((h) => (h / 1048576).toFixed(1)).join(" → ")} MB`);
  return perUpload;
}

console.log(`Chunk upload cost — ${K} live visits, ${N} one-second chunks (15 samples) each, waves of ${K} concurrent uploads; SQLite`);
const skip = async () => NaN;
const direct = PASSES.has("service") ? await pass("service call (reference)", (b) => uploadChunk(s.db, s.env.SESSION_SECRET, uploadChunkInput.parse(b)).then(() => true, () => false)) : await skip();
const client = new HttpClient(s.url);
const http = PASSES.has("http") ? await pass("tRPC over HTTP (home, offline flush)", (b) => client.call("mutation", "trials.uploadChunk", b).then((r) => r.ok)) : await skip();
const socket = PASSES.has("socket")
  ? await pass("recording:chunk over the socket", ({ token, ...chunk }) =>
      (patients.get(token as string)!.socket.timeout(10_000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean }> }).emitWithAck("recording:chunk", chunk).then((r) => r.ok, () => false))
  : await skip();
console.log(`tRPC over HTTP / service call: ${(http / direct).toFixed(2)}×; socket / service call: ${(socket / direct).toFixed(2)}×; socket / tRPC over HTTP: ${(socket / http).toFixed(2)}×`);
console.log(`machine speed index (ms for a fixed loop, lower is faster): ${speedBefore} before, ${speedIndexMs()} after`);
for (const x of conns) x.socket.close();
await s.close();
process.exit(0);
