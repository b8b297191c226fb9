// Counting regression on what the REAL pipeline saw: pose samples that Chromium's fake camera + MediaPipe lite + the
// app's pose processor produced for one pass of five exercise clips (bird dog twice, two versions) (tests/fixtures/exercise-sets, written by
// `npm run bench:exercises -- --fixtures`), stored in the compact chunk format as the server stores a set. The
// server's summariser (summarizeExerciseSet) must give the clip's truth: repetitions (per side), hold seconds, faults.
import assert from "node:assert/strict";
import { test } from "node:test";
import { summarizeExerciseSet } from "@/app/_shared/exercises/summary";
import { loadSetFixture, setFixtureNames } from "../fixtures/exercise-sets/index";

// bird_dog: bird-dog@3 on the quiet run of 2026-12-02 (17 analysed frames/s); bird_dog_v2: bird-dog@2 on the loaded run
// of 2026-12-01 (4.4 frames/s), kept so that results named bird-dog@2 are still recomputed as they were
const NAMES = ["squat_good", "squat_shallow", "bird_dog", "bird_dog_v2", "plank_sag", "bridge"];

test("the fixtures are there", () => {
  for (const n of NAMES) assert.ok(setFixtureNames().includes(n), n);
});

for (const name of NAMES) {
  test(`${name}: the set's result from the real pipeline's samples matches the clip's truth`, () => {
    const f = loadSetFixture(name);
    assert.ok(f.decoded.length > 40, `${f.decoded.length} samples`);
    const r = summarizeExerciseSet({ exercise: f.exercise, dose: f.dose, frameAspect: f.frameAspect }, f.decoded);
    assert.equal(r.versions.exercise, f.exercise);
    assert.equal(r.counts.total, f.truth.count, `counted ${r.counts.total}, truth ${f.truth.count}; rejected: ${r.rejected.map((x) => `${x.code} (${x.reason})`).join("; ")}`);
    if (f.truth.perSide) assert.deepEqual({ left: r.counts.left, right: r.counts.right }, f.truth.perSide);
    for (const [rule, n] of Object.entries(f.truth.repFaults)) {
      assert.equal(r.faults[rule]?.reps.length ?? 0, n, `${rule}: ${JSON.stringify(r.faults[rule] ?? null)}`);
    }
    // no fault the truth does not have
    for (const [rule, fs] of Object.entries(r.faults)) if (fs.reps.length) assert.ok(f.truth.repFaults[rule], `unexpected ${rule} on ${fs.reps.join(", ")}`);
    if (f.truth.heldS !== undefined) {
      const held = Object.values(r.hold?.heldS ?? {}).reduce((a: number, b) => a + (b ?? 0), 0);
      assert.ok(Math.abs(held - f.truth.heldS) <= 1, `held ${held} s, truth ${f.truth.heldS} s`);
    }
    for (const code of f.truth.holdFaults ?? []) {
      const c = code.replace(/^pause:/, "");
      assert.ok(r.hold?.pauses.some((p) => c === "*" || p.code === c), `the hold pauses with ${c}: ${JSON.stringify(r.hold?.pauses)}`);
    }
  });
}
