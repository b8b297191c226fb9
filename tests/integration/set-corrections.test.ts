// The therapist's count beside the automatic one (exerciseSets.annotate), on a real database and the real HTTP API:
// corrections are kept as they were given; once the server has counted the set, corrections without a count are
// applied to the server's automatic count (its number is the record); impossible corrections are refused with a
// clear error and change nothing; clinicians and other clinics cannot correct.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Recorder, type KV, type SendResult, type Transport } from "../../app/_lib/recording/recorder";
import { registerExerciseSetSummariser, type ExerciseSetSummariser } from "../../app/_shared/recording/summary";
import { databaseKinds } from "../support/databases";
import { twoClinicServer } from "../support/two-clinics";
import { recordedSweep } from "../support/samples";
import type { SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const memoryKV = (): KV => {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k), keys: () => [...map.keys()] };
};
const dose = { sets: 2, reps: 4, restSeconds: 30 };
/** Stands in for the engine's summariser: counts forward bends past 40 deg (this test is about corrections). */
const countBends: ExerciseSetSummariser = (_k, _v, _d, samples) => {
  let n = 0, up = false;
  for (const s of samples) {
    const a = s.angles.trunkFlexion;
    if (a === null) continue;
    if (!up && a > 40) up = true;
    else if (up && a < 20) (up = false), n++;
  }
  return { automaticCount: n, repetitions: [], holdTimes: [], flags: [] };
};

for (const kind of databaseKinds()) {
  describe(`exercise set corrections on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, thB: HttpClient, cl: HttpClient, patient: HttpClient;
    let previous: ExerciseSetSummariser | null = null;

    const transport: Transport = {
      async send(token, c): Promise<SendResult> {
        const r = await patient.call("mutation", "recordings.uploadChunk", { token, ...c });
        return r.ok ? "ok" : { fatal: r.error.message };
      },
      async finish(token, trialId, chunkCount): Promise<SendResult> {
        const r = await patient.call("mutation", "recordings.finish", { token, trialId, chunkCount });
        return r.ok ? "ok" : { fatal: r.error.message };
      },
    };
    /** A finished set of 4 bends, counted by the server. */
    const countedSet = async () => {
      const v = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(v.ok, true, JSON.stringify(v));
      const visitId = v.data.visit.id as string, token = (v.data.joinPath as string).split("/").pop()!;
      await s.db.visit.update({ where: { id: visitId }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      const r = await th.call("mutation", "exerciseSets.start", { visitId, exerciseKey: "squat", exerciseVersion: 1, cameraView: "SAGITTAL", dose, frameAspect: 4 / 3 });
      assert.equal(r.ok, true, JSON.stringify(r));
      const setId = r.data.id as string;
      await s.db.assessmentTrial.update({ where: { id: setId }, data: { startedAt: new Date(Date.now() - 600_000) } });
      const rec = new Recorder(memoryKV(), transport, setId, token);
      for (const x of await recordedSweep({ seconds: 20, repMs: 5000 })) rec.add(x);
      assert.equal(await rec.stop(), true);
      assert.deepEqual(rec.errors, []);
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.equal(row.status, "COMPLETED");
      assert.equal(row.automaticCount, 4);
      return { visitId, setId };
    };

    before(async () => {
      ({ s, A, B, th, thB, cl, patient } = await twoClinicServer(kind));
      // after the server's start, which registers the exercise engine
      previous = registerExerciseSetSummariser(countBends);
    });
    after(async () => {
      registerExerciseSetSummariser(previous);
      await s.close();
    });

    test("corrections without a count are applied to the server's automatic count; both are kept", async () => {
      const { setId } = await countedSet();
      // one repetition not counted, one added, one more not counted: 4 - 2 + 1
      const corrections = [{ action: "remove", rep: 2 }, { action: "add", atMs: 9000 }, { action: "remove", rep: 4 }];
      const r = await th.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections, painDuring: 2, effort: 5, note: "two too shallow" });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual([r.data.automaticCount, r.data.correctedCount, r.data.painDuring, r.data.effort, r.data.note], [4, 3, 2, 5, "two too shallow"]);
      assert.deepEqual(r.data.corrections, corrections);
      // a count the therapist gives is kept as given
      const given = await th.call("mutation", "exerciseSets.annotate", { trialId: setId, correctedCount: 5, corrections: [{ action: "add", atMs: 1000 }] });
      assert.equal(given.data.correctedCount, 5);
      // taking every correction back clears the therapist's count
      const none = await th.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections: [] });
      assert.deepEqual([none.data.automaticCount, none.data.correctedCount], [4, null]);
      const read = await cl.call("query", "exerciseSets.get", { trialId: setId });
      assert.equal(read.ok, true, "clinicians read the set");
      assert.equal(read.data.automaticCount, 4);
    });

    test("the patient CSV has a row per set with the dose, both counts and the effort (issue 14)", async () => {
      const { setId } = await countedSet();
      assert.equal((await th.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections: [{ action: "remove", rep: 2 }], effort: 6 })).ok, true);
      const r = await cl.call("query", "records.patientCsv", { patientId: A.patient.id });
      assert.equal(r.ok, true, JSON.stringify(r));
      const [head, ...rows] = (r.data.csv as string).trim().split("\r\n").map((l: string) => l.split(","));
      const col = (name: string) => head!.indexOf(name);
      const row = rows.find((x) => x[col("trial_id")] === setId)!;
      assert.ok(row, "the set has a row");
      assert.equal(row[col("protocol")], "Squat");
      // columns after the dose cell shift by the commas inside it: read them from the end of the row
      const fromEnd = (name: string) => row[row.length - (head!.length - col(name))];
      assert.deepEqual([row[col("kind")], row[col("place")], fromEnd("automatic_count"), fromEnd("corrected_count"), fromEnd("effort_borg")], ["exercise", "visit", "4", "3", "6"]);
      const stored = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.equal(row[col("rep_count")], String((stored.repetitions as unknown[]).length), "one ROM per stored repetition");
      const line = row.join(",");
      assert.ok(line.includes('""sets"":2') && line.includes('""reps"":4') && line.includes('""restSeconds"":30'), `the dose, as JSON in one quoted cell: ${line}`);
    });

    test("impossible corrections are refused with a clear error and change nothing", async () => {
      const { setId } = await countedSet();
      assert.equal((await th.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections: [{ action: "remove", rep: 1 }] })).data.correctedCount, 3);
      for (const [corrections, message] of [
        [[{ action: "remove", rep: 5 }], /Repetition 5 was not counted: the set has 4/],
        [[{ action: "remove", rep: 1 }, { action: "remove", rep: 1 }], /only once/],
        [[{ action: "undo", rep: 1 }], /./],
        [[{ action: "add", atMs: -5 }], /./],
      ] as const) {
        const r = await th.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections });
        assert.equal(r.ok, false, JSON.stringify(corrections));
        if (!r.ok) {
          assert.equal(r.error.data.code, "BAD_REQUEST");
          assert.match(r.error.message, message);
        }
      }
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.deepEqual([row.correctedCount, row.corrections], [3, [{ action: "remove", rep: 1 }]], "the earlier correction stands");
    });

    test("clinicians cannot correct a set and another clinic cannot see or change it", async () => {
      const { setId } = await countedSet();
      const c = await cl.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections: [{ action: "remove", rep: 1 }] });
      assert.equal(c.ok, false);
      if (!c.ok) assert.equal(c.error.data.code, "FORBIDDEN");
      const b = await thB.call("mutation", "exerciseSets.annotate", { trialId: setId, corrections: [{ action: "remove", rep: 1 }], effort: 3 });
      assert.equal(b.ok, false);
      if (!b.ok) assert.equal(b.error.data.code, "NOT_FOUND");
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.deepEqual([row.correctedCount, row.corrections, row.effort], [null, null, null]);
    });
  });
}
