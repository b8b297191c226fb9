// Several server processes behind one Redis: two real server processes (child processes, as in production) share
// the database, the session secret and a real redis-server on loopback. The patient is on process A and the therapist
// on process B; a whole visit runs across them, dashboards on either process see status changes, and when A is
// killed mid-trial (SIGKILL: no clean shutdown) the patient reconnects to B and every live sample and every stored
// chunk arrives exactly once. Sign-in and patient handshake limits are one budget for both processes.
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { RelayInbox, RelayOutbox } from "../../app/_lib/realtime/relay";
import { decodeChunk } from "../../app/_shared/recording/codec";
import { createDb, type Db } from "../../server/db/client";
import { freshDatabaseUrl } from "../support/databases";
import { tmpDir } from "../support/env";
import { startRedis, type TestRedis } from "../support/redis";
import { chunked, flexionSweep } from "../support/samples";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient } from "../support/server";
import { connect, newInstance, next, patientAuth, send, sleep, stateWhere, therapistAuth, type Conn, type Server } from "./realtime-support";

const here = path.dirname(fileURLToPath(import.meta.url));
type Node = { url: string; child: ChildProcess; as: Server };

function startNode(env: Record<string, string>): Promise<Node> {
  const child = fork(path.join(here, "../support/cluster-node.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, CLUSTER_ENV: JSON.stringify(env) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (c) => reject(new Error(`server process exited (${c})`)));
    child.once("message", (m: { port: number }) => {
      const url = `http://127.0.0.1:${m.port}`;
      resolve({ url, child, as: { url } as Server });
    });
  });
}
const kill = (n: Node) => new Promise<void>((r) => (n.child.exitCode !== null ? r() : (n.child.once("exit", () => r()), n.child.kill("SIGKILL"))));

describe("several server processes with Redis", () => {
  let redis: TestRedis;
  let db: Db;
  let A: Node, B: Node;
  let clinic: SeededClinic;
  let th: HttpClient;
  let env: Record<string, string>;

  before(async () => {
    redis = await startRedis();
    const dbUrl = process.env.TEST_PG_URL ? await freshDatabaseUrl("postgres") : `file:${path.join(tmpDir(), "cluster.db")}`;
    env = { DATABASE_URL: dbUrl, REDIS_URL: redis.url, SESSION_SECRET: crypto.randomBytes(32).toString("base64url") };
    A = await startNode(env); // applies the migrations
    B = await startNode(env);
    db = await createDb(dbUrl);
    clinic = await seedClinic(db);
    th = new HttpClient(B.url);
    await th.signIn(clinic.therapist.email, PASSWORD);
  });
  after(async () => {
    await Promise.all([A, B].filter(Boolean).map(kill));
    await db?.$disconnect();
    await redis?.stop();
  });

  const schedule = async () => {
    const r = await th.call("mutation", "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 60_000), durationMin: 30 });
    assert.equal(r.ok, true, JSON.stringify(r));
    return { visitId: r.data.visit.id as string, token: (r.data.joinPath as string).split("/").pop()! };
  };

  test("patient on A, therapist on B: waiting room, admit, signals and live data across; dashboards on both processes see it", async () => {
    const v = await schedule();
    const staffA = await connect(A.as, { role: "staff" }, { cookie: th.cookie });
    const staffB = await connect(B.as, { role: "staff" }, { cookie: th.cookie });
    const therapist = await connect(B.as, therapistAuth(v.visitId), { cookie: th.cookie });
    const waitingA = next(staffA, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "WAITING", 15_000);
    const waitingB = next(staffB, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "WAITING", 15_000);
    const patient = await connect(A.as, { ...patientAuth(v.token), name: "Across Nodes" });
    await stateWhere(therapist, (s) => s.patient?.presence === "online" && s.patient.name === "Across Nodes", 15_000);
    assert.equal((await waitingA).patientName, "Across Nodes");
    assert.equal((await waitingB).patientName, "Across Nodes");

    const liveA = next(staffA, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "IN_PROGRESS", 15_000);
    assert.equal((await send(therapist, "visit:admit", {})).ok, true); // on B; the patient's socket is on A
    await stateWhere(patient, (s) => s.status === "IN_PROGRESS", 15_000);
    assert.ok((await liveA).startedAt);

    const offer = next(therapist, "signal", () => true, 15_000);
    assert.equal((await send(patient, "signal", { to: therapist.instanceId, description: { type: "offer", sdp: "v=0\r\n" } })).ok, true);
    assert.equal((await offer).from, patient.instanceId);
    const got: number[] = [];
    const inbox = new RelayInbox({ send: async () => false, ack: (m) => void therapist.socket.emit("relay:ack", m) }, (m) => void got.push(m.seq));
    therapist.socket.on("relay", (m) => inbox.receive(m));
    for (let i = 0; i < 30; i++) assert.equal((await send(patient, "relay", { ns: "pose.live", seq: i, base: 0, data: { i } })).ok, true);
    await waitFor(() => got.length === 30, 15_000);
    assert.deepEqual(got, [...Array(30).keys()]);

    const endedA = next(staffA, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "ENDED", 15_000);
    const endedP = next(patient, "visit:ended", () => true, 15_000);
    assert.equal((await send(therapist, "visit:end", {})).ok, true);
    await endedP;
    await endedA;
    assert.equal((await db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "ENDED");
    for (const c of [staffA, staffB, therapist, patient]) c.socket.close();
  });

  test("signing out on process A closes that session's sockets on process B too", async () => {
    const other = new HttpClient(A.url);
    await other.signIn(clinic.admin.email, PASSWORD);
    const onB = await connect(B.as, { role: "staff" }, { cookie: other.cookie });
    const closed = new Promise<string>((r) => onB.socket.once("disconnect", (reason) => r(reason)));
    const out = await other.call("mutation", "auth.signOut", {});
    assert.equal(out.ok, true, JSON.stringify(out));
    assert.equal(await Promise.race([closed, sleep(10_000).then(() => "still connected")]), "io server disconnect");
  });

  test("the sign-in limit is one counter for all processes: 3 wrong passwords on A and 2 on B spend it", async () => {
    const email = clinic.clinician.email;
    const codes: string[] = [];
    for (const [node, n] of [[A, 3], [B, 3]] as const)
      for (let i = 0; i < n; i++) {
        const r = await new HttpClient(node.url).call("mutation", "auth.signIn", { email, password: "wrong-password-123" });
        codes.push(r.ok ? "OK" : r.error.data.code);
      }
    assert.deepEqual(codes, [...Array(5).fill("UNAUTHORIZED"), "TOO_MANY_REQUESTS"]);
    // The right password is refused too while the account is locked, on either process.
    const right = await new HttpClient(A.url).call("mutation", "auth.signIn", { email, password: PASSWORD });
    assert.equal(right.ok ? "OK" : right.error.data.code, "TOO_MANY_REQUESTS");
  });

  test("patient handshakes with one link spend one budget on both processes: 10 across A and B get in, the 11th is refused (per process they would all pass)", async () => {
    const v = await schedule();
    // The therapist watches the room, so that each patient's leave is written before the next one joins (two
    // processes on one SQLite file otherwise race for its write lock).
    const therapist = await connect(B.as, therapistAuth(v.visitId), { cookie: th.cookie });
    const outcomes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const node = i % 2 === 0 ? A : B;
      try {
        const inst = newInstance();
        const c = await connect(node.as, patientAuth(v.token, inst));
        outcomes.push("ok");
        await stateWhere(therapist, (st) => st.patient?.instanceId === inst, 15_000);
        c.socket.close();
        await stateWhere(therapist, (st) => st.patient === null, 15_000);
      } catch (e) {
        outcomes.push((e as { data?: { code: string } }).data?.code ?? String(e));
      }
    }
    assert.deepEqual(outcomes, [...Array(10).fill("ok"), "RATE_LIMITED"]);
    // one audit row for the link's refusals, whichever process refused
    assert.equal(await db.auditEvent.count({ where: { recordId: v.visitId, action: "visit.join.limited" } }), 1);
    therapist.socket.close();
  });

  test("process A is killed mid-trial: the patient reconnects to B; every live sample and every stored chunk arrives exactly once", async () => {
    const v = await schedule();
    const therapist = await connect(B.as, therapistAuth(v.visitId), { cookie: th.cookie });
    const pInstance = newInstance();
    let patient: Conn = await connect(A.as, patientAuth(v.token, pInstance));
    assert.equal((await send(therapist, "visit:admit", {})).ok, true);
    await stateWhere(patient, (s) => s.status === "IN_PROGRESS", 15_000);

    // Live samples: the app's own reliable relay on both ends.
    const delivered: number[] = [];
    const inbox = new RelayInbox({ send: async () => false, ack: (m) => void therapist.socket.emit("relay:ack", m) }, (m) => void delivered.push((m.data as { i: number }).i));
    therapist.socket.on("relay", (m) => inbox.receive(m));
    const wire = { socket: patient.socket };
    const outbox = new RelayOutbox({
      send: async (m) => {
        const r = await send(wire.socket, "relay", m, 2_000).catch(() => ({ ok: false }));
        return r.ok;
      },
      ack: () => {},
    });
    const bindAcks = (c: Conn) => c.socket.on("relay:ack", (m) => m.sender === pInstance && outbox.onAck(m.ns, m.upTo));
    bindAcks(patient);

    // Stored samples: the trial's chunks, uploaded over HTTP to the patient's process.
    const start = await th.call("mutation", "trials.start", { visitId: v.visitId, protocolKey: "trunk-flexion" });
    assert.equal(start.ok, true, JSON.stringify(start));
    const trialId = start.data.id as string;
    const samples = flexionSweep({ reps: 3, peakDeg: 80 });
    // The recording "ran" as long as its samples (the server refuses samples from the future).
    await db.assessmentTrial.update({ where: { id: trialId }, data: { startedAt: new Date(Date.now() - samples.at(-1)!.t - 2_000) } });
    const chunks = chunked(samples);
    const k = Math.floor(chunks.length / 2);
    const onA = new HttpClient(A.url);
    for (const ch of chunks.slice(0, k + 1)) assert.equal((await onA.call("mutation", "trials.uploadChunk", { token: v.token, trialId, ...ch })).data.stored, true);
    for (let i = 0; i < 25; i++) outbox.send("pose.live", { i });
    await waitFor(() => delivered.length === 25, 15_000);

    // A dies without a clean shutdown; the patient goes on sending meanwhile (those messages are not delivered).
    await kill(A);
    for (let i = 25; i < 40; i++) outbox.send("pose.live", { i });
    await sleep(300);
    patient = await connect(B.as, patientAuth(v.token, pInstance)); // same page: a network blip, same instance
    wire.socket = patient.socket;
    bindAcks(patient);
    await stateWhere(therapist, (s) => s.patient?.presence === "online", 15_000);
    await outbox.resend();
    for (let i = 40; i < 50; i++) outbox.send("pose.live", { i });
    await waitFor(() => delivered.length >= 50, 20_000);
    await sleep(300);
    assert.deepEqual(delivered, [...Array(50).keys()], "every live sample once, in order");

    // The browser did not see the answer for chunk k before A died: it sends it again to B, then the rest.
    const onB = new HttpClient(B.url);
    const again = await onB.call("mutation", "trials.uploadChunk", { token: v.token, trialId, ...chunks[k]! });
    assert.equal(again.data.duplicate, true);
    for (const ch of chunks.slice(k + 1)) assert.equal((await onB.call("mutation", "trials.uploadChunk", { token: v.token, trialId, ...ch })).ok, true);
    const fin = await onB.call("mutation", "trials.finish", { token: v.token, trialId, chunkCount: chunks.length });
    assert.equal(fin.ok, true, JSON.stringify(fin));
    const rows = await db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" } });
    assert.deepEqual(rows.map((r) => r.seq), chunks.map((c) => c.seq));
    const stored = rows.flatMap((r) => decodeChunk(new Uint8Array(r.samples), r.format));
    assert.deepEqual(stored.map((x) => x.t), samples.map((x) => x.t));

    for (const c of [therapist, patient]) c.socket.close();
    A = await startNode(env); // for after()
  });
});

async function waitFor(pred: () => boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error("timed out");
    await sleep(20);
  }
}
