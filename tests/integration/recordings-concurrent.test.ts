// Chunk uploads arriving together (the group-committing writer in server/services/recordings.ts puts the chunks that
// arrive while a commit runs into one transaction): every answer is the one the chunk would get alone, and every
// sample is stored exactly once, on the real HTTP API and a real database.
//  - three recordings, all their chunks sent at once, each chunk twice (a retry racing its first send): one stored,
//    the other a duplicate;
//  - in the same burst, a chunk with other samples under a stored seq (CONFLICT) and one whose times overlap its
//    neighbour (BAD_REQUEST): refused, and nothing else in their batch is lost;
//  - a chunk for a recording closed meanwhile is refused, while a retry of one of its stored chunks is a duplicate;
//  - chunks of one recording in the same batch are checked against each other (a batch's checks read the stored
//    neighbours once, before its chunks are inserted together): of two new chunks whose times overlap, one is stored;
//    the same seq twice is stored once (a duplicate, or a conflict for other samples).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { base64ToBytes, bytesToBase64, packSamples } from "../../app/_shared/pose/sample";
import { CHUNK_FORMAT, decodeChunk, encodeChunk } from "../../app/_shared/recording/codec";
import { uploadChunkInput } from "../../app/_shared/recording/schemas";
import { uploadChunk } from "../../server/services/recordings";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { chunked, flexionSweep } from "../support/samples";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;

for (const kind of databaseKinds()) {
  describe(`concurrent chunk uploads on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic;
    let th: HttpClient;
    const patient = () => new HttpClient(s.url);

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      th = new HttpClient(s.url);
      await th.signIn(A.therapist.email, PASSWORD);
    });
    after(async () => {
      await s.close();
    });

    const recording = async () => {
      const r = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true, JSON.stringify(r));
      const visitId = r.data.visit.id as string;
      await s.db.visit.update({ where: { id: visitId }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      const t = await th.call("mutation", "trials.start", { visitId, protocolKey: "trunk-flexion" });
      assert.equal(t.ok, true, JSON.stringify(t));
      // recording for 10 minutes already, so that the samples lie in the past
      await s.db.assessmentTrial.update({ where: { id: t.data.id }, data: { startedAt: new Date(Date.now() - 600_000) } });
      return { token: (r.data.joinPath as string).split("/").pop()!, trialId: t.data.id as string };
    };

    test("a burst of uploads of three recordings, each chunk twice, with a conflicting and an out-of-order one: each answered as alone, every sample stored once", async () => {
      const recs = await Promise.all([recording(), recording(), recording()]);
      const samples = flexionSweep({ reps: 4 }); // 15 Hz, about 14 s: 15 chunks of 15
      const chunks = chunked(samples);
      type Call = { label: string; rec: number; seq: number; body: object };
      const calls: Call[] = [];
      recs.forEach((r, ri) => {
        for (const c of chunks) {
          calls.push({ label: "first", rec: ri, seq: c.seq, body: { token: r.token, trialId: r.trialId, ...c } });
          calls.push({ label: "retry", rec: ri, seq: c.seq, body: { token: r.token, trialId: r.trialId, ...c } });
        }
      });
      // Recording 0, seq 3: other samples under the same seq (shifted 1 ms, so valid on their own).
      const other = samples.slice(45, 60).map((x) => ({ ...x, t: x.t + 1, angles: { ...x.angles, trunkFlexion: 12 } }));
      calls.push({ label: "conflict", rec: 0, seq: 3, body: { token: recs[0]!.token, trialId: recs[0]!.trialId, seq: 3, startMs: other[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(other)) } });
      // Recording 1, seq 100: its times overlap chunk 14's (they start before it ends).
      const late = samples.slice(samples.length - 10);
      calls.push({ label: "overlap", rec: 1, seq: 100, body: { token: recs[1]!.token, trialId: recs[1]!.trialId, seq: 100, startMs: late[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(late)) } });
      // Mixed order, all at once.
      const order = calls.map((_, i) => i).sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101));
      const answers = await Promise.all(order.map(async (i) => ({ call: calls[i]!, r: await patient().call("mutation", "trials.uploadChunk", calls[i]!.body) })));

      for (const ri of [0, 1, 2]) {
        for (const c of chunks) {
          const mine = answers.filter((a) => a.call.rec === ri && a.call.seq === c.seq && (a.call.label === "first" || a.call.label === "retry"));
          const conflictWon = ri === 0 && c.seq === 3 && answers.some((a) => a.call.label === "conflict" && a.r.ok && a.r.data.stored);
          if (conflictWon) {
            // the conflicting chunk got in first: both real sends are conflicts now
            for (const a of mine) assert.equal(a.r.ok ? "ok" : a.r.error.data.code, "CONFLICT");
            continue;
          }
          assert.deepEqual(mine.map((a) => (a.r.ok ? (a.r.data.stored ? "stored" : "duplicate") : a.r.error.data.code)).sort(), ["duplicate", "stored"], `recording ${ri} chunk ${c.seq}`);
        }
      }
      const conflict = answers.find((a) => a.call.label === "conflict")!;
      const overlap = answers.find((a) => a.call.label === "overlap")!;
      assert.equal(overlap.r.ok ? "ok" : overlap.r.error.data.code, "BAD_REQUEST");
      assert.match(overlap.r.ok ? "" : overlap.r.error.message, /out of order/);

      for (const [ri, r] of recs.entries()) {
        const stored = await s.db.angleSampleChunk.findMany({ where: { trialId: r.trialId }, orderBy: { seq: "asc" } });
        assert.deepEqual(stored.map((x) => x.seq), chunks.map((c) => c.seq), `recording ${ri}: every seq once, nothing else`);
        const got = stored.flatMap((x) => decodeChunk(new Uint8Array(x.samples), x.format));
        if (ri === 0 && conflict.r.ok) {
          assert.equal(got.length, samples.length); // the conflicting samples took seq 3
          continue;
        }
        // the conflicting chunk either got in first (stored; then recording 0's real sends were conflicts, above) or is one
        assert.equal(conflict.r.ok ? (conflict.r.data.stored ? "stored" : "duplicate") : conflict.r.error.data.code, conflict.r.ok ? "stored" : "CONFLICT");
        assert.deepEqual(got.map((x) => x.t), samples.map((x) => x.t), `recording ${ri}: every sample once, in order`);
      }
    });

    test("a recording closed meanwhile takes no new chunk, while a retry of a stored one is still a duplicate", async () => {
      const r = await recording();
      const chunks = chunked(flexionSweep({ reps: 1 }));
      const first = chunks.slice(0, 3);
      const answers = await Promise.all(first.map((c) => patient().call("mutation", "trials.uploadChunk", { token: r.token, trialId: r.trialId, ...c })));
      assert.deepEqual(answers.map((a) => a.ok && a.data.stored), [true, true, true]);
      await s.db.assessmentTrial.update({ where: { id: r.trialId }, data: { status: "DISCARDED" } });
      const after = await Promise.all([
        patient().call("mutation", "trials.uploadChunk", { token: r.token, trialId: r.trialId, ...chunks[1]! }),
        patient().call("mutation", "trials.uploadChunk", { token: r.token, trialId: r.trialId, ...chunks[3]! }),
      ]);
      assert.equal(after[0]!.ok && after[0]!.data.duplicate, true);
      assert.equal(after[1]!.ok ? "ok" : after[1]!.error.data.code, "BAD_REQUEST");
      assert.equal(await s.db.angleSampleChunk.count({ where: { trialId: r.trialId } }), 3);
      // what is stored is what was sent
      const stored = await s.db.angleSampleChunk.findMany({ where: { trialId: r.trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(stored.map((x) => decodeChunk(new Uint8Array(x.samples), x.format).length), first.map((c) => decodeChunk(base64ToBytes(c.samples), 1).length));
    });
    test("chunks of one recording arriving together are checked against each other, not only against what is stored", async () => {
      const [busy, r] = [await recording(), await recording()];
      const samples = flexionSweep({ reps: 1 });
      const part = (from: number, n: number, dt = 0) => samples.slice(from, from + n).map((x) => ({ ...x, t: x.t + dt }));
      const body = (rec: { token: string; trialId: string }, seq: number, xs: typeof samples) =>
        uploadChunkInput.parse({ token: rec.token, trialId: rec.trialId, seq, startMs: xs[0]!.t, rateHz: 15, format: CHUNK_FORMAT, samples: bytesToBase64(encodeChunk(xs)) });
      // The service itself, on the server's own database handle (its writer): the first upload starts a commit, the
      // others arrive while it runs and are written together in the next batch.
      const send = (b: ReturnType<typeof body>) => uploadChunk(s.db, s.env.SESSION_SECRET, b).then((x) => (x.stored ? "stored" : "duplicate"), (e: { code?: string }) => e.code ?? "error");
      const a = part(0, 15), overlapping = part(10, 15, 1); // seq 1 starts before seq 0 ends
      const c = part(30, 15);
      const got = await Promise.all([
        send(body(busy, 0, part(0, 15))),
        send(body(r, 0, a)), send(body(r, 1, overlapping)),
        send(body(r, 2, c)), send(body(r, 2, c)), // a retry racing its first send
        send(body(r, 3, part(45, 15))), send(body(r, 3, part(45, 15, 1))), // other samples under the same seq
      ]);
      assert.equal(got[0], "stored");
      // seq 0 and 1 overlap: whichever is checked first is stored, the other refused as out of order; never both
      assert.deepEqual([got[1], got[2]].sort(), ["BAD_REQUEST", "stored"]);
      assert.deepEqual([got[3], got[4]].sort(), ["duplicate", "stored"]);
      assert.deepEqual([got[5], got[6]].sort(), ["CONFLICT", "stored"]);
      const stored = await s.db.angleSampleChunk.findMany({ where: { trialId: r.trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(stored.map((x) => x.seq), [got[1] === "stored" ? 0 : 1, 2, 3]);
      const times = stored.flatMap((x) => decodeChunk(new Uint8Array(x.samples), x.format).map((y) => y.t));
      assert.deepEqual(times, [...times].sort((x, y) => x - y), "time runs forward across what is stored");
      assert.equal(new Set(times).size, times.length, "no sample twice");
    });
  });
}
