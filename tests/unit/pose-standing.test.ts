// Issue 15 round 3: standing within 1 deg of the truth without calibration with the camera off side-on. The fixture
// holds real PoseLandmarker output (image and world landmarks, lite and full) of the held-out clips
// offaxis_flexion_15 / _25 (tests/media/exercises: the shared rig, camera 15 deg toward the subject's front / 25 deg
// toward its back, standing with its trunk at -2.5 deg), from the live `bench:accuracy -- --slow=4` run of 2026-12-02
// 06:16 (run F): the 20 frames before a standing stretch and 40 of it. MODEL_BIAS was never fitted on these clips.
// With v1's single line per model the standing read -1.4 (lite, 15 deg), +1.2 (lite, 25 deg), +1.5 deg (full, 25).
import assert from "node:assert/strict";
import fs from "node:fs";
import test from "node:test";
import { LANDMARK_COUNT, type Landmark, type PoseFrame } from "@/app/_shared/pose/landmarks";
import { PoseProcessor } from "@/app/_shared/pose/processor";

interface Fx {
  truthDeg: number;
  size: [number, number];
  frames: Array<{ t: number; model: string; standing: boolean; lm: number[]; seen: number[] | null; wlm: number[] }>;
}
const FIXTURE = JSON.parse(fs.readFileSync(new URL("./fixtures/pose-standing-offaxis.json", import.meta.url), "utf8")) as Record<string, Fx>;

function frame(f: Fx["frames"][number], size: [number, number]): PoseFrame {
  const image: Landmark[] = [], world: Landmark[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const vis = f.seen?.[i] ?? f.lm[3 * i + 2]!;
    image.push({ x: f.lm[3 * i]!, y: f.lm[3 * i + 1]!, z: 0, visibility: vis });
    world.push({ x: f.wlm[3 * i]!, y: f.wlm[3 * i + 1]!, z: f.wlm[3 * i + 2]!, visibility: vis });
  }
  return { t: f.t, width: size[0], height: size[1], image, world, model: f.model };
}

test("standing 15 and 25 deg off side-on (held-out clips, real landmarks): the shown trunk angle is within 1 deg of the rig's stance", () => {
  assert.equal(Object.keys(FIXTURE).length, 4);
  for (const [name, fx] of Object.entries(FIXTURE)) {
    const proc = new PoseProcessor({ guidance: {} });
    const errors: number[] = [];
    for (const f of fx.frames) {
      const v = proc.process(frame(f, fx.size)).angles.trunkFlexion;
      if (f.standing && v !== null) errors.push(v - fx.truthDeg);
    }
    assert.ok(errors.length >= 30, `${name}: ${errors.length} standing frames with a value`);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    assert.ok(Math.abs(mean) <= 1, `${name}: standing error ${mean.toFixed(2)} deg`);
  }
});
