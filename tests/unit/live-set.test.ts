// The patient's live counter (app/_lib/exercise/live-set.ts): the samples it records are exactly what the recording
// pipeline stores, and the count it shows equals what the server's summariser computes from those stored samples.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getExercise } from "@/app/_shared/exercises/catalogue";
import { demoLandmarksAt } from "@/app/_shared/exercises/skeleton";
import { summarizeExerciseSet } from "@/app/_shared/exercises/summary";
import { MEASURES } from "@/app/_shared/pose/measures";
import type { PoseSample } from "@/app/_shared/pose/sample";
import { CHUNK_FORMAT, decodeChunk, encodeChunk } from "@/app/_shared/recording/codec";
import { defaultDoseForm, doseProblem, engineDose, recordingDose } from "@/app/_lib/exercise/dose";
import { asStored, LiveSet } from "@/app/_lib/exercise/live-set";
import { exerciseControlMsg, exerciseStateMsg } from "@/app/_shared/protocol";

function rng(seed: number) {
  return () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
}
/** An exercise's demonstration as pose samples (what the pose worker would give for a perfect performer). */
function demoSamples(key: string, loops: number, hz = 15): PoseSample[] {
  const ex = getExercise(key)!;
  const period = ex.demo.keyframes[ex.demo.keyframes.length - 1]!.atS;
  const rand = rng(7);
  const out: PoseSample[] = [];
  for (let t = 0; t <= period * loops * 1000; t += 1000 / hz) {
    const lm = demoLandmarksAt(ex.demo, t / 1000).map((l) => ({ ...l, x: l.x + (rand() - 0.5) * 0.0015, y: l.y + (rand() - 0.5) * 0.0015 }));
    out.push({
      t: t + 0.4, view: "sagittal", confidence: 0.9, angles: Object.fromEntries(MEASURES.map((k) => [k, null])) as PoseSample["angles"],
      conf: Object.fromEntries(MEASURES.map((k) => [k, 0])) as PoseSample["conf"], landmarks: lm.flatMap((l) => [l.x, l.y, l.visibility ?? 1]),
    });
  }
  return out;
}

describe("LiveSet", () => {
  test("records what the server stores and counts what the server counts", () => {
    const ex = getExercise("squat")!;
    const dose = engineDose(ex, { ...defaultDoseForm(ex), reps: 3 });
    const recorded: PoseSample[] = [];
    const live = new LiveSet(ex, dose, 4 / 3, { add: (s) => recorded.push(s) });
    const counted: number[] = [];
    live.onEvents((evs) => evs.forEach((e) => e.type === "rep-counted" && counted.push(e.total)));
    for (const s of demoSamples("squat", 3)) live.push(s);
    live.finish();
    const v = live.view();
    assert.equal(v.counts.total, 3);
    assert.deepEqual(counted, [1, 2, 3], "each repetition announced once, as it is counted");
    assert.equal(v.complete, true);
    assert.equal(v.reps.length, 3);
    assert.ok(v.reps.every((r) => r.endMs > r.startMs && r.peakDeg > 55));
    // the samples handed to the recorder are the stored ones: the codec gives them back unchanged
    assert.equal(recorded.length, v.samples);
    assert.deepEqual(decodeChunk(encodeChunk(recorded), CHUNK_FORMAT), recorded);
    assert.ok(recorded.every((s) => Number.isInteger(s.t)));
    // the server's summariser over those samples gives the same count and repetitions
    const server = summarizeExerciseSet({ exercise: "squat@1", dose, frameAspect: 4 / 3 }, recorded);
    assert.equal(server.counts.total, v.counts.total);
    assert.deepEqual(server.reps.map((r) => [r.startMs, r.endMs, r.peakDeg]), v.reps.map((r) => [r.startMs, r.endMs, r.peakDeg]));
    // what the patient's screen shows is a valid state message
    assert.equal(exerciseStateMsg.safeParse({ setId: "s1", phase: "active", ...v, framing: undefined, perSide: undefined }).success, false, "strict: no extra fields");
    const { perSide: _p, ...msg } = v;
    assert.equal(exerciseStateMsg.safeParse({ setId: "s1", phase: "active", ...msg }).success, true);
  });

  test("ignores samples out of order or before the set, counts alternating sides per side", () => {
    const ex = getExercise("bird-dog")!;
    const live = new LiveSet(ex, engineDose(ex, { ...defaultDoseForm(ex), reps: 2 }), 4 / 3, null);
    const samples = demoSamples("bird-dog", 2);
    for (const s of samples) live.push(s);
    const before = live.view().samples;
    live.push({ ...samples[3]! });
    live.push({ ...samples[3]!, t: -50 });
    assert.equal(live.view().samples, before, "old and negative times are ignored");
    assert.equal(live.view().perSide, true);
    assert.equal(live.view().counts.left + live.view().counts.right, live.view().counts.total);
  });

  test("the stored form of a sample is stable", () => {
    const s = demoSamples("squat", 1)[5]!;
    assert.deepEqual(asStored(asStored(s)), asStored(s));
  });
});

describe("doses and control messages", () => {
  test("the catalogue's defaults make a valid dose in both spellings, and the start message carries it", () => {
    for (const key of ["squat", "plank", "bird-dog", "bridge"]) {
      const ex = getExercise(key);
      if (!ex) continue;
      const form = defaultDoseForm(ex);
      assert.equal(doseProblem(ex, form), null, key);
      const d = engineDose(ex, form, "right");
      const start = exerciseControlMsg.safeParse({ type: "start", setId: "set_1", exercise: `${ex.key}@${ex.version}`, setNumber: 1, dose: d, frameAspect: 16 / 9 });
      assert.equal(start.success, true, `${key}: ${JSON.stringify(start.error?.issues)}`);
      const rd = recordingDose(d);
      assert.equal(rd.sets, form.sets);
      assert.equal(rd.reps, form.reps ?? undefined);
      assert.equal(rd.holdSeconds, form.holdS ?? undefined);
    }
  });
  test("bad doses and malformed messages are refused with a reason", () => {
    const ex = getExercise("squat")!;
    assert.match(doseProblem(ex, { ...defaultDoseForm(ex), reps: null }) ?? "", /repetitions/i);
    assert.match(doseProblem(ex, { ...defaultDoseForm(ex), sets: 0 }) ?? "", /Sets must be 1–10/);
    assert.match(doseProblem(ex, { ...defaultDoseForm(ex), reps: 2.5 }) ?? "", /whole/);
    for (const bad of [null, {}, { type: "start" }, { type: "stop", setId: "x".repeat(80) }, { type: "start", setId: "a", exercise: "squat", setNumber: 1, dose: {}, frameAspect: 1 }, { type: "explode", setId: "a" }]) {
      assert.equal(exerciseControlMsg.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(exerciseStateMsg.safeParse({ setId: "a", phase: "active", counts: { left: -1, right: 0, none: 0, total: 0 } }).success, false);
  });
});
