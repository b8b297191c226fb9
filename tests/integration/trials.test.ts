// Trials through tRPC on a real database: idempotent chunk uploads, nothing lost or duplicated
// across a reconnect, server-side summaries, and bad chunks refused without damage.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { base64ToBytes, bytesToBase64, packSamples, type PoseSample } from "../../app/_shared/pose/sample";
import { decodeChunk } from "../../app/_shared/recording/codec";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { chunked, flexionSweep } from "../support/samples";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;

for (const kind of databaseKinds()) {
  describe(`trials on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, patient: HttpClient;
    const open = async (clinic: SeededClinic, t: HttpClient) => {
      const r = await t.call("mutation", "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true);
      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      return { visitId: r.data.visit.id as string, token: (r.data.joinPath as string).split("/").pop()! };
    };
    /** Starts a trial; `ranMs` back-dates its start so that samples of that much recording lie in the past. */
    const start = async (visitId: string, protocolKey = "trunk-flexion", ranMs = 10 * 60_000) => {
      const r = await th.call("mutation", "trials.start", { visitId, protocolKey });
      assert.equal(r.ok, true, JSON.stringify(r));
      if (ranMs) await s.db.assessmentTrial.update({ where: { id: r.data.id }, data: { startedAt: new Date(Date.now() - ranMs) } });
      return r.data.id as string;
    };
    const upload = (token: string, trialId: string, ch: object) => patient.call("mutation", "trials.uploadChunk", { token, trialId, ...ch });

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
      th = new HttpClient(s.url);
      await th.signIn(A.therapist.email, PASSWORD);
      patient = new HttpClient(s.url);
    });
    after(async () => {
      await s.close();
    });

    test("a cut connection mid-trial: every sample reaches the database exactly once", async () => {
      const { visitId, token } = await open(A, th);
      const trialId = await start(visitId);
      const samples = flexionSweep({ reps: 3, peakDeg: 80 });
      const chunks = chunked(samples);
      // Online: the first third arrives; then the link drops after the server stored chunk k but before the
      // browser saw the answer, so the browser retries it; the rest is flushed out of order on reconnect.
      const k = Math.floor(chunks.length / 3);
      for (const ch of chunks.slice(0, k + 1)) assert.equal((await upload(token, trialId, ch)).data.stored, true);
      const retry = await upload(token, trialId, chunks[k]!);
      assert.deepEqual(retry.data, { stored: false, duplicate: true, seq: k });
      const rest = chunks.slice(k + 1);
      for (const ch of [...rest.filter((_, i) => i % 2 === 1), ...rest.filter((_, i) => i % 2 === 0)]) {
        const r = await upload(token, trialId, ch);
        assert.equal(r.ok, true, JSON.stringify(r));
      }
      for (const ch of chunks.slice(0, 3)) assert.equal((await upload(token, trialId, ch)).data.duplicate, true);
      const early = await patient.call("mutation", "trials.finish", { token, trialId, chunkCount: chunks.length + 1 });
      assert.equal(early.ok, false);
      const fin = await patient.call("mutation", "trials.finish", { token, trialId, chunkCount: chunks.length });
      assert.equal(fin.ok, true, JSON.stringify(fin));

      const rows = await s.db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(rows.map((r) => r.seq), chunks.map((c) => c.seq));
      assert.ok(rows.every((r) => r.format === 2 && r.endMs !== null), "stored in the compact format, with each chunk's end");
      const stored = rows.flatMap((r) => decodeChunk(new Uint8Array(r.samples), r.format));
      assert.equal(stored.length, samples.length);
      assert.deepEqual(stored.map((x) => x.t), samples.map((x) => x.t));
      // the summary is the server's, computed from stored samples
      const trial = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: trialId } });
      assert.equal(trial.status, "COMPLETED");
      const summary = trial.summary as { reps: { peakDeg: number }[]; bestDeg: number; vsNormal: string; sampleCount: number };
      assert.equal(summary.reps.length, 3);
      assert.ok(Math.abs(summary.bestDeg - 80) < 0.5, `best ${summary.bestDeg}`);
      assert.equal(summary.vsNormal, "below");
      assert.equal(summary.sampleCount, samples.length);

      // the review API gives them back
      const got = await th.call("query", "trials.get", { trialId });
      assert.equal(decodeChunk(base64ToBytes(got.data.samples), got.data.format).length, samples.length);
      const list = await th.call("query", "trials.forPatient", { patientId: A.patient.id });
      assert.ok(list.data.some((t: { id: string }) => t.id === trialId));
    });

    test("bad chunks are refused with clear errors and stored data stays intact", async () => {
      const { visitId, token } = await open(A, th);
      const trialId = await start(visitId, "trunk-extension");
      const chunks = chunked(flexionSweep({ reps: 1 }));
      assert.equal((await upload(token, trialId, chunks[1]!)).ok, true);
      const before = await s.db.angleSampleChunk.findMany({ where: { trialId } });
      const cases: [string, object, string][] = [
        ["malformed base64", { ...chunks[0]!, samples: "@@not-base64@@" }, "BAD_REQUEST"],
        ["partial record", { ...chunks[0]!, samples: Buffer.from(base64ToBytes(chunks[0]!.samples).slice(0, 100)).toString("base64") }, "BAD_REQUEST"],
        ["oversized", { ...chunks[0]!, samples: "A".repeat(40_000) }, "BAD_REQUEST"],
        ["negative seq", { ...chunks[0]!, seq: -1 }, "BAD_REQUEST"],
        ["startMs mismatch", { ...chunks[0]!, startMs: 999 }, "BAD_REQUEST"],
        ["out of order (overlaps chunk 1)", { ...chunks[2]!, seq: 0 }, "BAD_REQUEST"],
        ["different bytes for a stored seq", { ...chunks[0]!, seq: 1 }, "CONFLICT"],
        ["rate", { ...chunks[0]!, rateHz: 10_000 }, "BAD_REQUEST"],
      ];
      for (const [name, ch, code] of cases) {
        const r = await upload(token, trialId, ch);
        assert.equal(r.ok, false, name);
        if (!r.ok) assert.equal(r.error.data.code, code, `${name}: ${r.error.message}`);
      }
      // non-monotonic samples inside a chunk
      const sw = flexionSweep({ reps: 1 }).slice(0, 5).reverse();
      const r = await upload(token, trialId, { seq: 5, startMs: sw[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(sw)) });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, /increase/);
      // a foreign trial: clinic B's token cannot feed clinic A's trial, a wrong token nothing at all
      const thB = new HttpClient(s.url);
      await thB.signIn(B.therapist.email, PASSWORD);
      const vb = await open(B, thB);
      const foreign = await upload(vb.token, trialId, chunks[0]!);
      assert.equal(foreign.ok, false);
      if (!foreign.ok) assert.equal(foreign.error.data.code, "NOT_FOUND");
      const bogus = await upload("A".repeat(43), trialId, chunks[0]!);
      assert.equal(bogus.ok, false);
      if (!bogus.ok) assert.equal(bogus.error.data.code, "UNAUTHORIZED");
      // another clinic's therapist can't see or stop it
      for (const [k, p] of [["query", "trials.get"], ["mutation", "trials.discard"], ["mutation", "trials.complete"]] as const) {
        const x = await thB.call(k, p, { trialId });
        assert.equal(x.ok, false, p);
        if (!x.ok) assert.equal(x.error.data.code, "NOT_FOUND", p);
      }
      const after_ = await s.db.angleSampleChunk.findMany({ where: { trialId } });
      assert.deepEqual(after_.map((c) => [c.seq, Buffer.from(c.samples).toString("hex")]), before.map((c) => [c.seq, Buffer.from(c.samples).toString("hex")]));
      // discarded trials take nothing more
      assert.equal((await th.call("mutation", "trials.discard", { trialId })).ok, true);
      const late = await upload(token, trialId, chunks[0]!);
      assert.equal(late.ok, false);
      assert.equal(await s.db.angleSampleChunk.count({ where: { trialId } }), 0);
    });

    test("security finding 8: every sample's time and values are checked against the trial and all stored chunks", async () => {
      const { visitId, token } = await open(A, th);
      const trialId = await start(visitId, "trunk-flexion", 60_000); // recording for a minute so far
      const sweep = flexionSweep({ reps: 3 });
      const chunks = chunked(sweep);
      const legacy = (seq: number, part: PoseSample[]) => ({ seq, startMs: part[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(part)) });
      const part = (k: number) => sweep.slice(15 * k, 15 * k + 15).map((x) => structuredClone(x));
      for (const k of [0, 4]) assert.equal((await upload(token, trialId, chunks[k]!)).ok, true);
      const before = await s.db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" } });
      const huge = part(1);
      huge[huge.length - 1]!.t = 2 ** 32 - 1; // the probe's chunk: only its first time was checked
      const future = part(1).map((x, i) => ({ ...x, t: 120_000 + i * 66 })); // 2 min into a trial that ran 1 min
      const angle = part(1);
      angle[7]!.angles.trunkFlexion = 300; // fits the record (+-327.67) but is no angle
      const burst = part(1).map((x, i) => ({ ...x, t: 1000 + i })); // 15 samples in 14 ms
      const cases: [string, object, RegExp][] = [
        ["last sample at 2^32-1 ms", legacy(1, huge), /longest recording|future/],
        ["samples 2 min into a 1-min trial", legacy(1, future), /future/],
        ["an impossible angle", legacy(1, angle), /not a possible angle/],
        ["15 samples in 14 ms", legacy(1, burst), /Hz/],
        // seq 2 between stored seqs 0 and 4 (neither adjacent) with times after seq 4's: the neighbours two seqs away count
        ["after a later stored chunk", legacy(2, part(5)), /out of order.*chunk 4/],
        ["before an earlier stored chunk", legacy(6, part(3)), /out of order.*chunk 4/],
        ["overlapping an earlier stored chunk", legacy(2, part(0).map((x) => ({ ...x, t: x.t + 500 }))), /out of order.*chunk 0/],
      ];
      for (const [name, ch, re] of cases) {
        const r = await upload(token, trialId, ch);
        assert.equal(r.ok, false, name);
        if (!r.ok) {
          assert.equal(r.error.data.code, "BAD_REQUEST", `${name}: ${r.error.message}`);
          assert.match(r.error.message, re, name);
        }
      }
      const after_ = await s.db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(after_.map((c) => [c.seq, Buffer.from(c.samples).toString("hex")]), before.map((c) => [c.seq, Buffer.from(c.samples).toString("hex")]));
      // the well-behaved chunks still go in, in any order, and a stopped trial takes nothing recorded long after its stop
      for (const k of [2, 1, 3]) assert.equal((await upload(token, trialId, chunks[k]!)).ok, true, `chunk ${k}`);
      await s.db.assessmentTrial.update({ where: { id: trialId }, data: { endedAt: new Date(Date.now() - 59_000) } }); // stopped 1 s in
      const late = await upload(token, trialId, legacy(5, part(5).map((x) => ({ ...x, t: x.t + 40_000 }))));
      assert.equal(late.ok, false);
      if (!late.ok) assert.match(late.error.message, /after the recording was stopped/);
    });

    test("chunks stored before the compact format (format 1, no endMs) stay readable and keep their place in time", async () => {
      const { visitId, token } = await open(A, th);
      const trialId = await start(visitId);
      const sweep = flexionSweep({ reps: 2 });
      const chunks = chunked(sweep);
      // rows as the code before format 2 wrote them: raw 206-byte records, no format (defaults to 1), no endMs
      for (const k of [0, 1]) {
        const part = sweep.slice(15 * k, 15 * k + 15);
        await s.db.angleSampleChunk.create({ data: { trialId, seq: k, startMs: part[0]!.t, rateHz: 15, sampleCount: part.length, samples: Buffer.from(packSamples(part)) } });
      }
      const overlapping = await upload(token, trialId, { ...chunks[1]!, seq: 2 });
      assert.equal(overlapping.ok, false);
      if (!overlapping.ok) assert.match(overlapping.error.message, /out of order.*chunk 1/);
      assert.equal((await upload(token, trialId, chunks[0]!)).data.duplicate, true, "a retry of an old row is still a duplicate");
      for (const ch of chunks.slice(2)) assert.equal((await upload(token, trialId, ch)).ok, true);
      const fin = await patient.call("mutation", "trials.finish", { token, trialId, chunkCount: chunks.length });
      assert.equal(fin.ok, true, JSON.stringify(fin));
      assert.equal((fin.data.summary as { reps: unknown[] }).reps.length, 2);
      const rows = await s.db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" } });
      assert.deepEqual(rows.map((r) => r.format), [1, 1, ...chunks.slice(2).map(() => 2)]);
      const got = await th.call("query", "trials.get", { trialId });
      assert.deepEqual(decodeChunk(base64ToBytes(got.data.samples), got.data.format).map((x) => x.t), sweep.map((x) => x.t));
    });

    test("trial rules: only during a visit in progress, one recording at a time, clinicians read-only", async () => {
      const r = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      const notStarted = await th.call("mutation", "trials.start", { visitId: r.data.visit.id, protocolKey: "trunk-flexion" });
      assert.equal(notStarted.ok, false);
      const { visitId } = await open(A, th);
      const bad = await th.call("mutation", "trials.start", { visitId, protocolKey: "moonwalk" });
      assert.equal(bad.ok, false);
      if (!bad.ok) assert.ok((bad.error.data.zodError as { fieldErrors: Record<string, string[]> }).fieldErrors.protocolKey);
      const t1 = await start(visitId);
      const t2 = await th.call("mutation", "trials.start", { visitId, protocolKey: "posture" });
      assert.equal(t2.ok, false);
      if (!t2.ok) assert.equal(t2.error.data.code, "CONFLICT");
      const pain = await th.call("mutation", "trials.annotate", { trialId: t1, painDuring: 11 });
      assert.equal(pain.ok, false);
      assert.equal((await th.call("mutation", "trials.annotate", { trialId: t1, painDuring: 4, note: "catch at 40°" })).data.painDuring, 4);
      const forced = await th.call("mutation", "trials.complete", { trialId: t1 });
      assert.ok(forced.data.qualityFlags.includes("INCOMPLETE"));
      const cl = new HttpClient(s.url);
      await cl.signIn(A.clinician.email, PASSWORD);
      const x = await cl.call("mutation", "trials.start", { visitId, protocolKey: "posture" });
      assert.equal(x.ok, false);
      if (!x.ok) assert.equal(x.error.data.code, "FORBIDDEN");
      assert.equal((await cl.call("query", "trials.get", { trialId: t1 })).ok, true);
    });
  });
}
