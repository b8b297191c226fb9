// `recording:chunk`: a patient's live visit socket feeds the one recording pipeline (server/realtime/uploads.ts →
// uploadVisitChunk), with the same checks as recordings.uploadChunk over tRPC, on a real server and database:
//  - stored once; a retry is a duplicate; other samples under a stored seq are a CONFLICT; bad samples BAD_REQUEST;
//  - chunks sent partly over the socket and partly over tRPC make one complete recording, every sample once, in order;
//  - only the patient of THIS visit: the therapist's socket is refused, a recording of another visit is not found,
//    a visit whose link was revoked (socket closed) or that ended long ago takes nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeChunk } from "../../app/_shared/recording/codec";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { chunked, flexionSweep } from "../support/samples";
import { seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { connect, newVisit, patientAuth, send, sendRaw, staffCookie, therapistAuth, type Conn, type Server } from "./realtime-support";

for (const kind of databaseKinds()) {
  describe(`recording chunks over the visit socket on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic;
    let staff: HttpClient;
    const open: Conn[] = [];

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      staff = new HttpClient(s.url);
      staff.cookie = await staffCookie(s, A.therapist.email);
    });
    after(async () => {
      for (const c of open) c.socket.close();
      await s.close();
    });

    /** A running visit with both participants connected and a trunk-flexion trial started 10 minutes ago. */
    const liveTrial = async () => {
      const v = await newVisit(s, A);
      const th = await connect(s, therapistAuth(v.visitId), { cookie: staff.cookie, origin: s.url });
      const pa = await connect(s, patientAuth(v.token), { origin: s.url });
      open.push(th, pa);
      const admitted = await send(th, "visit:admit", {});
      assert.equal(admitted.ok, true, JSON.stringify(admitted));
      const t = await staff.call("mutation", "trials.start", { visitId: v.visitId, protocolKey: "trunk-flexion" });
      assert.equal(t.ok, true, JSON.stringify(t));
      await s.db.assessmentTrial.update({ where: { id: t.data.id as string }, data: { startedAt: new Date(Date.now() - 600_000) } });
      return { ...v, th, pa, trialId: t.data.id as string };
    };
    const storedSeqs = async (trialId: string) => (await s.db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" }, select: { seq: true } })).map((c) => c.seq);

    test("stored once, a retry is a duplicate, other samples under a stored seq a conflict, bad samples refused", async () => {
      const v = await liveTrial();
      const chunks = chunked(flexionSweep({ reps: 1 }));
      const first = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...chunks[0]! });
      assert.deepEqual(first, { ok: true, stored: true, duplicate: false, seq: 0 });
      const retry = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...chunks[0]! });
      assert.deepEqual(retry, { ok: true, stored: false, duplicate: true, seq: 0 });
      const other = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...chunks[1]!, seq: 0 });
      assert.equal(other.ok, false);
      assert.equal(!other.ok && other.code, "CONFLICT");
      // a sample 20 minutes in the future of a trial that started 10 minutes ago
      const late = chunked(flexionSweep({ reps: 1 }).map((x) => ({ ...x, t: x.t + 1_200_000 })))[0]!;
      const future = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...late, seq: 5 });
      assert.equal(!future.ok && future.code, "BAD_REQUEST", JSON.stringify(future));
      assert.match(!future.ok ? future.message : "", /future/);
      // malformed payloads never reach the service
      const bad = await sendRaw(v.pa, "recording:chunk", { trialId: v.trialId, seq: -1, startMs: 0, rateHz: 15, samples: "!!" });
      assert.equal(!bad.ok && bad.code, "BAD_REQUEST");
      const extra = await sendRaw(v.pa, "recording:chunk", { token: v.token, trialId: v.trialId, ...chunks[1]! });
      assert.equal(!extra.ok && extra.code, "BAD_REQUEST", "no token field: the socket is the credential");
      assert.deepEqual(await storedSeqs(v.trialId), [0]);
    });

    test("chunks over the socket and over tRPC make one complete recording, every sample once and in order", async () => {
      const v = await liveTrial();
      const samples = flexionSweep({ reps: 2 });
      const chunks = chunked(samples);
      assert.ok(chunks.length >= 6);
      const patientHttp = new HttpClient(s.url);
      // odd seqs over tRPC, even ones over the socket, sent out of order, each twice
      const order = [...chunks.keys()].reverse();
      await Promise.all(
        order.flatMap((i) => {
          const c = chunks[i]!;
          const viaSocket = () => send(v.pa, "recording:chunk", { trialId: v.trialId, ...c }).then((r) => assert.equal(r.ok, true, JSON.stringify(r)));
          const viaTrpc = () => patientHttp.call("mutation", "recordings.uploadChunk", { token: v.token, trialId: v.trialId, ...c }).then((r) => assert.equal(r.ok, true, JSON.stringify(r)));
          return i % 2 === 0 ? [viaSocket(), viaSocket()] : [viaTrpc(), viaSocket()];
        }),
      );
      const fin = await patientHttp.call("mutation", "recordings.finish", { token: v.token, trialId: v.trialId, chunkCount: chunks.length });
      assert.equal(fin.ok, true, JSON.stringify(fin));
      const rows = await s.db.angleSampleChunk.findMany({ where: { trialId: v.trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(rows.map((r) => r.seq), [...chunks.keys()]);
      const times = rows.flatMap((r) => decodeChunk(new Uint8Array(r.samples), r.format).map((x) => x.t));
      assert.deepEqual(times, samples.map((x) => x.t));
      const trial = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: v.trialId } });
      assert.equal(trial.status, "COMPLETED");
      // the recording is closed now: a late chunk is refused, a retry of a stored one is still a duplicate
      const late = chunked(flexionSweep({ reps: 1 }).map((x) => ({ ...x, t: x.t + samples.at(-1)!.t + 100 })))[0]!;
      const closed = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...late, seq: chunks.length });
      assert.equal(!closed.ok && closed.code, "BAD_REQUEST", JSON.stringify(closed));
      assert.match(!closed.ok ? closed.message : "", /completed and takes no more samples/);
      const dup = await send(v.pa, "recording:chunk", { trialId: v.trialId, ...chunks[2]! });
      assert.deepEqual(dup, { ok: true, stored: false, duplicate: true, seq: 2 });
      assert.deepEqual(await storedSeqs(v.trialId), [...chunks.keys()]);
    });

    test("only the patient of this visit, for this visit's recordings, while the visit takes uploads", async () => {
      const v = await liveTrial();
      const w = await liveTrial();
      const c = chunked(flexionSweep({ reps: 1 }))[0]!;
      const fromTherapist = await send(v.th, "recording:chunk", { trialId: v.trialId, ...c });
      assert.equal(!fromTherapist.ok && fromTherapist.code, "FORBIDDEN");
      const otherVisit = await send(v.pa, "recording:chunk", { trialId: w.trialId, ...c });
      assert.equal(!otherVisit.ok && otherVisit.code, "NOT_FOUND", JSON.stringify(otherVisit));
      assert.deepEqual(await storedSeqs(w.trialId), []);
      // the visit ended an hour ago (past the late-upload window): nothing more is taken
      await s.db.visit.update({ where: { id: w.visitId }, data: { status: "ENDED", endedAt: new Date(Date.now() - 3_600_000) } });
      const ended = await send(w.pa, "recording:chunk", { trialId: w.trialId, ...c });
      assert.equal(!ended.ok && ended.code, "JOIN_ENDED", JSON.stringify(ended));
      assert.deepEqual(await storedSeqs(w.trialId), []);
      // the link revoked, or rotated to a new one, while this socket is still open (its close event not yet heard, as
      // on another process): the socket's chunks are refused at once, as the old token's are over tRPC
      const x = await liveTrial();
      const first = await send(x.pa, "recording:chunk", { trialId: x.trialId, ...c });
      assert.equal(first.ok, true, JSON.stringify(first));
      const rotated = await liveTrial();
      await s.db.visit.update({ where: { id: x.visitId }, data: { joinRevokedAt: new Date() } });
      await s.db.visit.update({ where: { id: rotated.visitId }, data: { joinTokenHash: "rotated-to-another-link" } });
      const next = chunked(flexionSweep({ reps: 2 }))[1]!;
      for (const [conn, trialId] of [[x.pa, x.trialId], [rotated.pa, rotated.trialId]] as const) {
        assert.equal(conn.socket.connected, true);
        const r = await send(conn, "recording:chunk", { trialId, ...next });
        assert.equal(!r.ok && r.code, "JOIN_ENDED", JSON.stringify(r));
      }
      assert.deepEqual(await storedSeqs(x.trialId), [0]);
      assert.deepEqual(await storedSeqs(rotated.trialId), []);
      // and revoking through the app closes the patient's socket (server/realtime/sessions.ts)
      const gone = new Promise<void>((r) => v.pa.socket.once("disconnect", () => r()));
      const rev = await staff.call("mutation", "visits.revokeLink", { visitId: v.visitId });
      assert.equal(rev.ok, true, JSON.stringify(rev));
      await gone;
      assert.deepEqual(await storedSeqs(v.trialId), []);
    });
  });
}
