// The one summariser entry point: assessment trials go to the assessment summary, exercise sets to the registered
// exercise-set summariser (PENDING without one, or when it fails), anything else is an error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { registerExerciseSetSummariser, summariseRecording } from "@/app/_shared/recording/summary";
import { flexionSweep } from "../support/samples";

const samples = flexionSweep({ reps: 3, peakDeg: 80 });
const dose = { sets: 3, reps: 10, restSeconds: 60, perSide: false };

test("assessment trials are summarised by the assessment summary", () => {
  const r = summariseRecording({ kind: "assessment", specKey: "trunk-flexion", specVersion: 1 }, samples, { incomplete: false });
  assert.equal(r.status, "COMPLETED");
  if (r.status === "COMPLETED") assert.equal((r.summary as { reps: unknown[] }).reps.length, 3);
  assert.throws(() => summariseRecording({ kind: "assessment", specKey: "moonwalk", specVersion: 1 }, samples, { incomplete: false }), /Unknown assessment/);
  assert.throws(() => summariseRecording({ kind: "dance", specKey: "x", specVersion: 1 }, samples, { incomplete: false }), /Unknown recording kind/);
});

test("exercise sets: PENDING until a summariser is registered, then its validated result; a failing one leaves them PENDING", () => {
  registerExerciseSetSummariser(null);
  const spec = { kind: "exercise", specKey: "bridge", specVersion: 2, dose };
  assert.equal(summariseRecording(spec, samples, { incomplete: false }).status, "PENDING");
  const seen: unknown[] = [];
  registerExerciseSetSummariser((key, version, d, s) => {
    seen.push([key, version, d.reps, s.length]);
    return { automaticCount: 9, repetitions: [{ romDeg: 30 }], holdTimes: [], flags: ["FAST"], tempoMeanMs: 1200 };
  });
  const r = summariseRecording(spec, samples, { incomplete: true });
  assert.deepEqual(seen, [["bridge", 2, 10, samples.length]]);
  assert.equal(r.status, "COMPLETED");
  if (r.status === "COMPLETED") {
    assert.deepEqual(r.exercise, { automaticCount: 9, repetitions: [{ romDeg: 30 }], holdTimes: [] });
    assert.deepEqual(r.flags, ["FAST", "INCOMPLETE"]);
    assert.equal(r.summary.tempoMeanMs, 1200, "whatever else the result holds is kept in the summary");
  }
  registerExerciseSetSummariser(() => ({ automaticCount: -1 }) as never);
  const bad = summariseRecording(spec, samples, { incomplete: false });
  assert.equal(bad.status, "PENDING");
  if (bad.status === "PENDING") assert.match(bad.reason, /failed/);
  registerExerciseSetSummariser(() => {
    throw new Error("boom");
  });
  assert.equal(summariseRecording(spec, samples, { incomplete: false }).status, "PENDING");
  registerExerciseSetSummariser(null);
});
