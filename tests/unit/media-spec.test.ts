// The exercise-clip generator's spec, timeline and event truth (tests/media/tools/spec.ts), and the committed clips'
// consistency (every clip in the spec has its mp4 and truth, within the size/length limits, with no spec warnings).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { MP_LANDMARKS } from "../media/tools/pose";
import { buildTimeline, ClipSpec, computeEvents, framePlan, MAX_FRAMES, resolvePoses, runs, SpecFile } from "../media/tools/spec";

const DIR = path.resolve(import.meta.dirname, "../media/exercises");
const spec = SpecFile.parse(JSON.parse(fs.readFileSync(path.join(DIR, "spec.json"), "utf8")));
// the training clips of the pose engine's view-dependent model bias (issue 15), kept apart from the clips it is judged on
const TRAIN_DIR = path.resolve(import.meta.dirname, "../media/training");
const trainSpec = SpecFile.parse(JSON.parse(fs.readFileSync(path.join(TRAIN_DIR, "spec.json"), "utf8")));

const clip = (over: Record<string, unknown>) =>
  ClipSpec.parse({
    name: "t",
    exercise: "x",
    description: "x",
    view: "sagittal",
    scene: { camera: { azimuthDeg: 90, dist: 3, height: 1 }, anchor: "ankles" },
    start: "a",
    reps: { measure: "m", direction: "up", enter: 50 },
    segments: [{ pause: 1 }],
    ...over,
  });
const poses = resolvePoses(SpecFile.shape.poses.parse({ a: { position: "standing" }, b: { extends: "a", "trunk.pitch": 100 }, v: { extends: "a", "trunk.pitch": 40 } }));

test("the committed spec parses, every pose resolves and every clip fits the 8-bit frame code", () => {
  const p = resolvePoses(spec.poses);
  assert.ok(spec.clips.length >= 11);
  for (const c of spec.clips) {
    const tl = buildTimeline(c, p);
    assert.ok(tl.frameCount <= MAX_FRAMES && tl.durationS <= 20, c.name);
  }
  const names = spec.clips.map((c) => c.name);
  for (const want of ["squat_good", "squat_shallow", "squat_lean", "sit_to_stand", "bridge", "bird_dog", "press_up", "standing_extension", "plank_sag", "hamstring_stretch", "offaxis_flexion_15", "offaxis_flexion_25", "offaxis_side_bend"]) {
    assert.ok(names.includes(want), want);
  }
});

test("the training spec parses, and its clips are named train_* and shared with no clip of the benchmark", () => {
  const p = resolvePoses(trainSpec.poses);
  assert.ok(trainSpec.clips.length >= 5);
  for (const c of trainSpec.clips) {
    assert.match(c.name, /^train_/);
    assert.ok(!spec.clips.some((e) => e.name === c.name), c.name);
    const tl = buildTimeline(c, p);
    assert.ok(tl.frameCount <= MAX_FRAMES && tl.durationS <= 20, c.name);
  }
});

test("bad specs are refused with a clear message", () => {
  assert.throws(() => SpecFile.parse({ ...spec, poses: { x: { "trunk.pich": 3 } } }), /unknown pose channel .*trunk\.pich/);
  assert.throws(() => clip({ scene: { camera: { azimuthDeg: 90, dist: 3, height: 1 }, anchor: "ankles", plant: ["feet"] } }), /planting the feet/);
  assert.throws(() => clip({ reps: undefined, segments: [{ rep: { to: "b", down: 1, up: 1 } }] }), /needs `reps`/);
  assert.throws(() => resolvePoses(SpecFile.shape.poses.parse({ a: { extends: "b" }, b: { extends: "a" } })), /cycle/);
  assert.throws(() => buildTimeline(clip({ segments: [{ pause: 18 }] }), poses), /8-bit frame code/);
});

test("timeline: repetition times, partial depth, via poses and easing", () => {
  const c = clip({ segments: [{ pause: 1 }, { rep: { to: "b", down: 1, pause: 0.4, up: 0.6 } }, { rep: { to: "b", down: 0.6, up: 0.4, depth: 0.4 } }, { rep: { to: "b", down: 1.2, up: 1.2, via: "v" } }] });
  const tl = buildTimeline(c, poses);
  assert.deepEqual(tl.reps.map((r) => [r.start, r.bottom, r.end, r.depth].map((v) => Math.round(v * 1e6) / 1e6)), [[1, 2.2, 3, 1], [3, 3.6, 4, 0.4], [4, 5.2, 6.4, 1]]);
  assert.equal(tl.frameCount, 96);
  const plan = framePlan(tl, 15);
  assert.equal(plan[0]!.pose["trunk.pitch"], 0);
  assert.equal(plan[20]!.phase, "down");
  assert.equal(plan[30]!.phase, "bottom");
  assert.ok(Math.abs(plan[33]!.pose["trunk.pitch"] - 100) < 1e-9, "at the bottom pause"); // t = 2.2
  assert.ok(Math.abs(plan[54]!.pose["trunk.pitch"] - 40) < 1e-9, "a 40 % partial rep reaches 40");
  assert.ok(Math.abs(plan[69]!.pose["trunk.pitch"] - 40) < 1e-9, "halfway down a via rep = the via pose");
  assert.equal(plan.at(-1)!.rep, 3);
});

test("events: counted reps, per-rep faults at the peak or the extreme, frame faults, holds with a minimum length, abs:", () => {
  const c = clip({
    segments: [{ rep: { to: "b", down: 1, up: 1 } }, { rep: { to: "b", down: 1, up: 1, depth: 0.3 } }, { rep: { to: "b", down: 1, up: 1 } }],
    faults: [
      { name: "deep", measure: "m", scope: "rep", above: 80 },
      { name: "lean", measure: "k", scope: "rep", above: 30 },
      { name: "leanAnywhere", measure: "k", scope: "rep", at: "extreme", above: 30 },
      { name: "negative", measure: "abs:k", scope: "frame", above: 45 },
    ],
    hold: { measure: "m", target: 0, within: 5, minS: 0.5 },
  });
  const tl = buildTimeline(c, poses);
  // m peaks at 90 (rep 1), 27 (rep 2, partial), 70 (rep 3); k spikes to 40 off the peak in rep 3 and to -50 in rep 1
  const angles = framePlan(tl, 15).map((f) => {
    const m = f.pose["trunk.pitch"] * (f.rep === 3 ? 0.7 : 0.9);
    const k = f.rep === 3 && f.phase === "up" && f.t > 5.4 && f.t < 5.6 ? 40 : f.rep === 1 && f.t > 0.2 && f.t < 0.4 ? -50 : 0;
    return { m, k };
  });
  const ev = computeEvents(c, tl, angles);
  assert.deepEqual(ev.reps.map((r) => r.counted), [true, false, true]);
  assert.deepEqual(ev.expectedCount, { total: 2 });
  assert.deepEqual(ev.faults.deep, [{ start: 0, end: 2, rep: 1 }]);
  assert.deepEqual(ev.faults.lean, [], "k is 0 at every peak frame");
  assert.deepEqual(ev.faults.leanAnywhere, [{ start: 4, end: 6, rep: 3 }]);
  assert.equal(ev.faults.negative!.length, 1);
  assert.ok(ev.holds.every((h) => h.end - h.start >= 0.5));
  assert.equal(ev.warnings.length, 0);
  assert.deepEqual(runs([false, true, true, false, true], 10), [{ start: 0.1, end: 0.3 }, { start: 0.4, end: 0.5 }]);
  assert.deepEqual(runs([false, true, true, false, true], 10, 0.2), [{ start: 0.1, end: 0.3 }]);
});

test("committed clips (exercises and training): each spec clip has an mp4 (<= 300 KB) and a truth with every frame, 33 landmarks and no warnings", () => {
  for (const [dir, set] of [[DIR, spec], [TRAIN_DIR, trainSpec]] as const)
    for (const c of set.clips) {
      const mp4 = path.join(dir, `${c.name}.mp4`), tf = path.join(dir, `${c.name}.truth.json`);
      assert.ok(fs.existsSync(mp4) && fs.existsSync(tf), `${c.name}: run npm run media:exercises (or media:training)`);
      assert.ok(fs.statSync(mp4).size <= 300 * 1024, `${c.name}.mp4 too large`);
      const t = JSON.parse(fs.readFileSync(tf, "utf8"));
      assert.equal(t.frames.length, t.frameCount, c.name);
      assert.equal(t.frames.length, buildTimeline(c, resolvePoses(set.poses)).frameCount, `${c.name}: truth is stale, regenerate`);
      assert.deepEqual(t.landmarks, [...MP_LANDMARKS]);
      assert.ok(t.frames.every((f: { lm: unknown[]; i: number }, i: number) => f.i === i && f.lm.length === 33), c.name);
      assert.deepEqual(t.checks.warnings, [], c.name);
      assert.ok(t.checks.minFloorClearanceM > -0.005, `${c.name}: the body goes through the floor`);
      const full = t.events.reps.filter((r: { depth: number }) => r.depth >= 0.9).length;
      assert.ok(t.events.expectedCount.total >= full, c.name);
    }
});
