// The server's result is the record: exercise sets recorded through the one recording pipeline (real HTTP API, real
// database) are summarised by the exercise engine from their stored samples — the real pipeline's samples of the
// squat_good clip (tests/fixtures/exercise-sets) — with the frame aspect stored with the set. Sets stored PENDING
// before the engine was registered are summarised when it is. Bad uploads in the middle of a set are refused with
// clear errors and leave the stored set and its result intact; clinicians cannot start or change sets.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ExerciseSession } from "../../app/_shared/exercises/summary";
import { bytesToBase64, type PoseSample } from "../../app/_shared/pose/sample";
import { encodeChunk } from "../../app/_shared/recording/codec";
import { hasExerciseSetSummariser, registerExerciseSetSummariser } from "../../app/_shared/recording/summary";
import { registerExerciseEngine } from "../../server/services/exercise-sets";
import { loadSetFixture } from "../fixtures/exercise-sets/index";
import { databaseKinds } from "../support/databases";
import { twoClinicServer } from "../support/two-clinics";
import type { SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const fx = loadSetFixture("squat_good");
const dose = { sets: 1, reps: 6, restSeconds: 30 };

for (const kind of databaseKinds()) {
  describe(`the exercise engine on the server (${kind})`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, thB: HttpClient, cl: HttpClient, patient: HttpClient;
    const open = async () => {
      const r = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true, JSON.stringify(r));
      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      return { visitId: r.data.visit.id as string, token: (r.data.joinPath as string).split("/").pop()! };
    };
    const startSet = async (visitId: string, extra: object = {}) => {
      const r = await th.call("mutation", "exerciseSets.start", { visitId, exerciseKey: "squat", exerciseVersion: 1, cameraView: "SAGITTAL", dose, frameAspect: fx.frameAspect, ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      await s.db.assessmentTrial.update({ where: { id: r.data.id }, data: { startedAt: new Date(Date.now() - 600_000) } });
      return r.data.id as string;
    };
    const chunk = (token: string, trialId: string, seq: number, part: PoseSample[], extra: object = {}) =>
      ({ token, trialId, seq, startMs: part[0]!.t, rateHz: 5, format: 2, samples: bytesToBase64(encodeChunk(part)), ...extra });
    const parts = (xs: PoseSample[], n = 40) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
    const upload = async (token: string, id: string, xs: PoseSample[]) => {
      const ps = parts(xs);
      for (let i = 0; i < ps.length; i++) {
        const r = await patient.call("mutation", "recordings.uploadChunk", chunk(token, id, i, ps[i]!));
        assert.equal(r.ok, true, JSON.stringify(r));
      }
      return ps.length;
    };

    before(async () => {
      ({ s, A, B, th, thB, cl, patient } = await twoClinicServer(kind));
    });
    after(async () => {
      await registerExerciseEngine(s.db);
      await s.close();
    });

    test("the server starts with the engine registered; a finished set is summarised from its stored samples", async () => {
      assert.equal(hasExerciseSetSummariser(), true);
      const { visitId, token } = await open();
      const id = await startSet(visitId);
      const n = await upload(token, id, fx.decoded);
      const fin = await patient.call("mutation", "recordings.finish", { token, trialId: id, chunkCount: n });
      assert.equal(fin.ok, true, JSON.stringify(fin));
      assert.equal(fin.data.status, "COMPLETED");
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id } });
      assert.equal(row.frameAspect, fx.frameAspect, "the frame aspect is stored with the set");
      assert.equal(row.automaticCount, fx.truth.count, "the clip's 4 full squats; its 2 partial ones are not counted");
      assert.equal((row.repetitions as unknown[]).length, fx.truth.count);
      const summary = row.summary as { versions: { exercise: string }; rejected: { code: string }[]; faults: Record<string, unknown>; flags: string[] };
      assert.equal(summary.versions.exercise, "squat@1");
      assert.deepEqual(summary.rejected.map((r) => r.code), ["not-far-enough", "not-far-enough"]);
      assert.deepEqual(summary.faults, {});
      assert.ok(!summary.flags.includes("FRAME_ASPECT_ASSUMED"));
      // the live session in the patient's browser, fed the same stored samples, counted the same
      const live = new ExerciseSession("squat@1", fx.dose, { frameAspect: fx.frameAspect });
      for (const x of fx.decoded) live.pushSample(x);
      live.finish();
      assert.equal(live.result().counts.total, row.automaticCount);
      // readers see it, clinic-scoped
      const got = await cl.call("query", "exerciseSets.get", { trialId: id });
      assert.equal(got.ok, true);
      assert.equal(got.data.automaticCount, fx.truth.count);
      assert.equal((await thB.call("query", "exerciseSets.get", { trialId: id })).ok, false);
    });

    test("sets stored PENDING before the engine was registered are summarised when it is", async () => {
      registerExerciseSetSummariser(null);
      const { visitId, token } = await open();
      const id = await startSet(visitId, { frameAspect: undefined });
      const n = await upload(token, id, fx.decoded);
      assert.equal((await patient.call("mutation", "recordings.finish", { token, trialId: id, chunkCount: n })).data.status, "PENDING");
      assert.equal((await s.db.assessmentTrial.findUniqueOrThrow({ where: { id } })).status, "PENDING");
      const done = await registerExerciseEngine(s.db);
      assert.ok(done >= 1);
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id } });
      assert.equal(row.status, "COMPLETED", "summarised without anyone reading it");
      assert.equal(row.automaticCount, fx.truth.count);
      assert.ok((row.summary as { flags: string[] }).flags.includes("FRAME_ASPECT_ASSUMED"), "no stored aspect: 4:3 assumed, and said");
    });

    test("bad uploads in the middle of a set are refused with clear errors; the stored set and its result are intact", async () => {
      const { visitId, token } = await open();
      const other = await open();
      const id = await startSet(visitId);
      const ps = parts(fx.decoded);
      for (const i of [0, 1]) assert.equal((await patient.call("mutation", "recordings.uploadChunk", chunk(token, id, i, ps[i]!))).ok, true);
      const before = (await s.db.angleSampleChunk.findMany({ where: { trialId: id }, orderBy: { seq: "asc" } })).map((c) => Buffer.from(c.samples).toString("hex"));
      const bent = (f: (x: PoseSample) => PoseSample) => ps[2]!.map(f);
      const cases: [string, object, RegExp][] = [
        ["a sample from the future", chunk(token, id, 2, bent((x) => ({ ...x, t: x.t + 1_200_000 }))), /lies in the future/],
        ["out of order (overlaps chunk 1)", chunk(token, id, 2, ps[1]!), /out of order/],
        ["another visit's link", chunk(other.token, id, 2, ps[2]!), /not found/i],
        ["malformed bytes", { ...chunk(token, id, 2, ps[2]!), samples: bytesToBase64(Uint8Array.from({ length: 120 }, (_, i) => (i * 91) & 255)) }, /malformed/],
        ["oversized", { ...chunk(token, id, 2, ps[2]!), samples: "A".repeat(60_000) }, /too large/i],
      ];
      for (const [name, c, re] of cases) {
        const r = await patient.call("mutation", "recordings.uploadChunk", c);
        assert.equal(r.ok, false, name);
        if (!r.ok) assert.match(JSON.stringify(r.error), re, `${name}: ${r.error.message}`);
      }
      // clinicians cannot start or change sets
      for (const [p, input] of [["exerciseSets.start", { visitId, exerciseKey: "squat", exerciseVersion: 1, cameraView: "SAGITTAL", dose }], ["exerciseSets.complete", { trialId: id }], ["exerciseSets.annotate", { trialId: id, correctedCount: 1 }]] as const) {
        const r = await cl.call("mutation", p, input);
        assert.equal(r.ok, false, p);
        if (!r.ok) assert.equal(r.error.data.code, "FORBIDDEN", p);
      }
      const after = (await s.db.angleSampleChunk.findMany({ where: { trialId: id }, orderBy: { seq: "asc" } })).map((c) => Buffer.from(c.samples).toString("hex"));
      assert.deepEqual(after, before, "nothing stored was changed");
      // the rest arrives; the result is the truth's, as if nothing had been refused
      for (let i = 2; i < ps.length; i++) assert.equal((await patient.call("mutation", "recordings.uploadChunk", chunk(token, id, i, ps[i]!))).ok, true);
      const fin = await patient.call("mutation", "recordings.finish", { token, trialId: id, chunkCount: ps.length });
      assert.equal(fin.data.status, "COMPLETED");
      assert.equal((await s.db.assessmentTrial.findUniqueOrThrow({ where: { id } })).automaticCount, fx.truth.count);
      // a completed set takes nothing more
      const late = await patient.call("mutation", "recordings.uploadChunk", chunk(token, id, ps.length, ps[ps.length - 1]!.map((x) => ({ ...x, t: x.t + 60_000 }))));
      assert.equal(late.ok, false);
      if (!late.ok) assert.match(late.error.message, /completed and takes no more samples/);
    });

    test("a set of an exercise the library does not have, or with an impossible frame aspect, is refused at start", async () => {
      const { visitId } = await open();
      for (const [extra, re] of [[{ exerciseKey: "moonwalk" }, /Unknown exercise moonwalk/], [{ exerciseVersion: 99 }, /Unknown exercise squat version 99/], [{ frameAspect: 0 }, /Frame aspect/], [{ rollDeg: 90 }, /roll/]] as const) {
        const r = await th.call("mutation", "exerciseSets.start", { visitId, exerciseKey: "squat", exerciseVersion: 1, cameraView: "SAGITTAL", dose, ...(extra as object) });
        assert.equal(r.ok, false, JSON.stringify(extra));
        if (!r.ok) {
          assert.equal(r.error.data.code, "BAD_REQUEST");
          assert.match(JSON.stringify(r.error), re);
        }
      }
      assert.equal(await s.db.assessmentTrial.count({ where: { visitId } }), 0);
    });
  });
}
