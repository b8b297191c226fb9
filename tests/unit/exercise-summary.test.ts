import assert from "node:assert/strict";
import { test } from "node:test";
import { CATALOGUE_VERSION, getExercise } from "@/app/_shared/exercises/catalogue";
import type { HoldSpec, RepSpec } from "@/app/_shared/exercises/spec";
import { ExerciseInputError, ExerciseSession, summarizeExerciseSet, summarizeFrames } from "@/app/_shared/exercises/summary";
import { demoLandmarksAt } from "@/app/_shared/exercises/skeleton";
import { JOINT_ANGLES_VERSION } from "@/app/_shared/pose/joint-angles";
import { FORM_VERSION } from "@/app/_shared/exercises/form";
import { TRACKER_VERSION } from "@/app/_shared/exercises/trackers";
import { emptyMeasures, MEASURES } from "@/app/_shared/pose/measures";
import { packSamples, unpackSamples, type PoseSample } from "@/app/_shared/pose/sample";
import { insideOf, repSet, rng, series, type Key } from "./exercise-series";

test("the summary of a set equals the live session's result on the same series (reps, sides, faults)", () => {
  for (const key of ["squat@1", "bird-dog@1", "bridge@1"]) {
    const ex = getExercise(key)!;
    const spec = ex.tracker as RepSpec;
    const shapes = Array.from({ length: 6 }, (_, i) => ({ upS: 1 + (i % 3) * 0.4, downS: 1.2, holdS: spec.holdAtTarget ? ex.dose.holdS! + 0.6 : 0.3, restS: 0.7, ...(i === 3 ? { peak: (spec.machines[0]!.start + spec.machines[0]!.target) / 2 } : {}) }));
    const frames = series(repSet(spec, spec.machines, shapes), { noise: 1.5, seed: 21, spikeEvery: 19, position: spec.positions[0]! });
    const live = new ExerciseSession(ex, ex.dose);
    let shown = 0;
    for (const f of frames) {
      for (const e of live.pushFrame(f)) if (e.type === "rep-counted") shown = e.total;
      assert.equal(live.snapshot()!.counts.total, shown, "the snapshot's count is the last counted event's");
    }
    live.finish();
    const server = summarizeFrames(key, ex.dose, frames);
    assert.deepEqual(server, live.result(), key);
    assert.ok(server.reps.length >= 4 && server.rejected.length >= 1, key);
  }
});

test("hold summaries: held seconds, pauses with reasons, faults with faulty seconds", () => {
  const ex = getExercise("plank@1")!;
  const spec = ex.tracker as HoldSpec;
  const base = Object.fromEntries(spec.zones[0]!.conditions.map((c) => [c.measure, insideOf(c)]));
  base.bodyLine = 0;
  const keys: Key[] = [{ t: 0, v: base }, { t: 8000, v: base }, { t: 8100, v: { ...base, bodyLine: -17 } }, { t: 12000, v: { ...base, bodyLine: -17 } }, { t: 12100, v: { ...base, bodyLine: -40 } }, { t: 14000, v: { ...base, bodyLine: -40 } }, { t: 14100, v: base }, { t: 24000, v: base }];
  const frames = series(keys, { noise: 0.8, seed: 3, position: "prone" });
  const r = summarizeFrames(ex, ex.dose, frames);
  assert.equal(r.kind, "hold");
  assert.ok(Math.abs(r.hold!.heldS.none! - 22) <= 0.8, `held ${r.hold!.heldS.none}`);
  assert.equal(r.complete, true);
  assert.deepEqual(r.hold!.pauses.map((p) => p.code), ["line-lost"]);
  assert.ok(r.faults["hips-sagging"]!.seconds >= 3);
  assert.equal(r.faults["hips-sagging"]!.label, "Hips sagging");
  assert.deepEqual(r.versions, { exercise: "plank@1", catalogue: CATALOGUE_VERSION, trackerSpec: 1, tracker: TRACKER_VERSION, form: FORM_VERSION, formSet: "plank", jointAngles: JOINT_ANGLES_VERSION });
});

/** Stored samples of a demonstration (the landmarks the pose engine would have produced), with noise. */
function demoSamples(key: string, seconds: number, hz = 15): PoseSample[] {
  const ex = getExercise(key)!;
  const rand = rng(5);
  const out: PoseSample[] = [];
  for (let t = 0; t <= seconds * 1000; t += Math.round(1000 / hz)) {
    const lm = demoLandmarksAt(ex.demo, t / 1000);
    out.push({
      t, view: "sagittal", confidence: 0.9, angles: emptyMeasures(), conf: Object.fromEntries(MEASURES.map((k) => [k, 0])) as PoseSample["conf"],
      landmarks: lm.flatMap((l) => [l.x + (rand() - 0.5) * 0.002, l.y + (rand() - 0.5) * 0.002, l.visibility ?? 1]),
    });
  }
  return out;
}

test("from stored samples: the server's summary of the packed chunk equals the live session on the same samples", () => {
  const samples = unpackSamples(packSamples(demoSamples("squat", 9.2)));
  const input = { exercise: "squat@1", dose: getExercise("squat")!.dose, frameAspect: 4 / 3 };
  const server = summarizeExerciseSet(input, samples);
  const live = new ExerciseSession("squat@1", input.dose, { frameAspect: 4 / 3 });
  for (const s of samples) live.pushSample(s);
  live.finish();
  assert.deepEqual(server, live.result());
  assert.equal(server.counts.total, 3);
  // the demo squat bends the knees to 90 deg with the trunk 35 deg forward: deep enough, chest up, no faults
  assert.ok(server.reps.every((r) => r.peakDeg > 84 && r.peakDeg < 92), JSON.stringify(server.reps.map((r) => r.peakDeg)));
  assert.deepEqual(server.faults, {});
  assert.ok(server.reps.every((r) => r.tempo.totalS > 0.8 && r.tempo.totalS < 3));
  // and the unquantised live samples agree on the count and within a tenth of a degree on the peaks
  const raw = demoSamples("squat", 9.2);
  const live2 = new ExerciseSession("squat@1", input.dose, { frameAspect: 4 / 3 });
  raw.forEach((s) => live2.pushSample(s));
  live2.finish();
  const r2 = live2.result();
  assert.equal(r2.counts.total, 3);
  r2.reps.forEach((r, i) => assert.ok(Math.abs(r.peakDeg - server.reps[i]!.peakDeg) <= 0.1));
});

test("bad input is refused with a clear error; self-reported exercises have nothing to count", () => {
  const dose = getExercise("squat")!.dose;
  assert.throws(() => summarizeExerciseSet({ exercise: "squat@9", dose, frameAspect: 4 / 3 }, []), (e: unknown) => e instanceof ExerciseInputError && /Unknown exercise squat@9/.test(e.message));
  assert.throws(() => summarizeExerciseSet({ exercise: "squat@1", dose: { ...dose, sets: 0 }, frameAspect: 4 / 3 }, []), /Invalid set: dose.sets: At least 1 set/);
  assert.throws(() => summarizeExerciseSet({ exercise: "squat@1", dose, frameAspect: Number.NaN }, []), /frameAspect/);
  assert.throws(() => new ExerciseSession("squat@1", { sets: 2 }), /Invalid dose/);
  const empty = summarizeExerciseSet({ exercise: "squat@1", dose, frameAspect: 4 / 3 }, []);
  assert.equal(empty.counts.total, 0);
  assert.equal(empty.complete, false);
  const self = new ExerciseSession("abdominal-drawing-in@1", getExercise("abdominal-drawing-in")!.dose);
  assert.equal(self.selfReported, true);
  assert.deepEqual(self.pushSample(demoSamples("squat", 0.1)[0]!), []);
  assert.equal(self.result().kind, "self-reported");
});
