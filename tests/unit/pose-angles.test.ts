import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import {
  bodyAxisAngle,
  classifyView,
  facingFromScore,
  facingScore,
  headForward,
  hipFlexion,
  imageTrunkAngle,
  kneeFlexion,
  lateralFlexion,
  pelvicTilt,
  shoulderTilt,
  trunkFlexion,
  trunkRotation,
} from "@/app/_shared/pose/angles";
import { angleFromVertical, signedAngle2, toPixels, toWorld, wrapDeg } from "@/app/_shared/pose/geometry";
import { LANDMARK_COUNT, LANDMARK_NAMES, LM, type Landmark } from "@/app/_shared/pose/landmarks";
import { frontFrame, H, sideFrame, W, worldRotated } from "./pose-fixtures";

const near = (a: number | undefined | null, b: number, tol = 0.05, msg = "") => {
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= tol, `${msg} expected ${b} ± ${tol}, got ${a}`);
};
const px = (f: ReturnType<typeof sideFrame>, roll = 0) => toPixels(f.image!, f.width, f.height, roll);

test("landmark names cover the 33 BlazePose indices in order", () => {
  assert.equal(LANDMARK_NAMES.length, LANDMARK_COUNT);
  assert.equal(LANDMARK_NAMES[0], "nose");
  assert.equal(LANDMARK_NAMES[23], "leftHip");
  assert.equal(LANDMARK_NAMES[32], "rightFootIndex");
});

test("geometry helpers", () => {
  near(angleFromVertical({ x: 0, y: 0 }, { x: 1, y: 1 }), 45);
  near(angleFromVertical({ x: 0, y: 0 }, { x: -1, y: 0 }), -90);
  near(signedAngle2({ x: 1, y: 0 }, { x: 0, y: 1 }), 90);
  near(wrapDeg(190), -170);
  near(wrapDeg(-180), 180);
});

test("aspect ratio is corrected: a 45 deg line in pixels reads 45 deg in a 4:3 frame", () => {
  // normalised (0.5,0.5) -> (0.5 + 100/640, 0.5 - 100/480) is 45 deg in pixels but not in normalised units
  const lm: Landmark[] = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, z: 0 }));
  lm[1] = { x: 0.5 + 100 / W, y: 0.5 - 100 / H, z: 0 };
  const p = toPixels(lm, W, H);
  near(angleFromVertical(p[0]!, p[1]!), 45, 1e-9);
});

test("trunk flexion, side-on, both facing directions, 0..90 and extension", () => {
  for (const facing of [1, -1] as const) {
    for (const deg of [-20, 0, 10, 30, 45, 60, 90]) {
      const f = sideFrame({ flexionDeg: deg, facing });
      const p = px(f);
      const fac = facingFromScore(facingScore(p));
      assert.equal(fac, facing, `facing for ${deg}`);
      near(trunkFlexion(p, fac)?.value, deg, 0.01, `flexion ${deg} facing ${facing}`);
    }
  }
  assert.equal(trunkFlexion(px(sideFrame()), 0), null, "unknown facing gives no value");
});

test("facing is taken from the face when the feet are not visible", () => {
  const f = sideFrame({ flexionDeg: 20, facing: -1 });
  for (const i of [LM.leftHeel, LM.rightHeel, LM.leftFootIndex, LM.rightFootIndex]) f.image![i]!.visibility = 0.05;
  assert.equal(facingFromScore(facingScore(px(f))), -1);
});

test("lateral flexion is signed toward the subject's right, facing the camera or away", () => {
  for (const facingCamera of [true, false]) {
    for (const deg of [-30, -10, 0, 15, 30]) {
      const p = px(frontFrame({ lateralDeg: deg, facingCamera }));
      near(lateralFlexion(p).value, deg, 0.01, `lateral ${deg} facingCamera ${facingCamera}`);
    }
  }
  // facing the camera, a bend to the subject's right moves the shoulders to the IMAGE LEFT
  assert.ok(imageTrunkAngle(px(frontFrame({ lateralDeg: 20 }))).value < 0);
});

test("view classification: side-on vs frontal", () => {
  const s = classifyView(px(sideFrame({ flexionDeg: 45 })));
  assert.equal(s.view, "sagittal");
  assert.ok(s.yawDeg > 80);
  const fr = classifyView(px(frontFrame({ lateralDeg: 20 })));
  assert.equal(fr.view, "frontal");
  assert.equal(fr.facingCamera, true);
  assert.equal(classifyView(px(frontFrame({ facingCamera: false }))).facingCamera, false);
});

test("hip and knee flexion (side-on)", () => {
  for (const facing of [1, -1] as const) {
    const p = px(sideFrame({ facing, hipFlexDeg: 40, kneeFlexDeg: 60, flexionDeg: 10 }));
    near(hipFlexion(p, "left", facing)?.value, 50, 0.01, "hip = thigh forward + trunk forward");
    near(hipFlexion(p, "right", facing)?.value, 50, 0.6);
    near(kneeFlexion(p, "left", facing)?.value, 60, 0.01);
  }
  // a forward bend over straight vertical legs: hip flexion equals trunk flexion
  near(hipFlexion(px(sideFrame({ flexionDeg: 70 })), "left", 1)?.value, 70, 0.01);
  near(kneeFlexion(px(sideFrame({ flexionDeg: 70 })), "left", 1)?.value, 0, 0.01);
});

test("head forward, shoulder tilt, pelvic tilt, body axis", () => {
  near(headForward(px(sideFrame({ headForwardDeg: 25 })), 1)?.value, 25, 0.01);
  near(headForward(px(sideFrame({ headForwardDeg: 25, facing: -1 })), -1)?.value, 25, 0.01);
  for (const facingCamera of [true, false]) {
    const p = px(frontFrame({ shoulderDropDeg: 8, pelvisDropDeg: -5, facingCamera }));
    near(shoulderTilt(p).value, 8, 0.01, "right shoulder lower = +");
    near(pelvicTilt(p).value, -5, 0.01, "left hip lower = -");
  }
  near(bodyAxisAngle(px(frontFrame())).value, 0, 0.01);
});

test("trunk rotation estimate from world landmarks", () => {
  for (const deg of [-30, 0, 20, 45]) near(trunkRotation(toWorld(worldRotated(deg))).value, deg, 0.01, `rotation ${deg}`);
});

test("a tilted camera biases image angles; removing the roll restores them", () => {
  const f = sideFrame({ flexionDeg: 30, rollDeg: 7 });
  near(trunkFlexion(px(f), 1)?.value, 37, 0.01, "roll adds to the angle");
  near(trunkFlexion(px(f, 7), 1)?.value, 30, 0.01, "corrected");
});

// The clips' ground-truth pixel coordinates through the same functions: 2D angles must match the truth exactly.
const MEDIA = path.resolve(import.meta.dirname, "../../../shared/media");
function truthFrames(name: string): Array<Record<string, number[] & number>> | null {
  const f = path.join(MEDIA, `${name}.truth.json`);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")).frames : null;
}
function lmFromTruth(fr: Record<string, number[]>): Landmark[] {
  const lm: Landmark[] = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, z: 0, visibility: 0.99 }));
  const set = (i: number, k: string) => {
    const v = fr[k]!;
    lm[i] = { x: v[0]! / W, y: v[1]! / H, z: 0, visibility: 0.99 };
  };
  set(LM.leftHip, "hipLeftPx");
  set(LM.rightHip, "hipRightPx");
  set(LM.leftShoulder, "shoulderLeftPx");
  set(LM.rightShoulder, "shoulderRightPx");
  return lm;
}

test("truth JSON pixel coordinates: sagittal flexion (subject faces image right)", (t) => {
  const frames = truthFrames("synthetic_sagittal_flexion");
  if (!frames) return t.skip(`no test media at ${MEDIA}`);
  for (const fr of frames) {
    const p = toPixels(lmFromTruth(fr as unknown as Record<string, number[]>), W, H);
    near(trunkFlexion(p, 1)?.value, fr.trunkFlexionDeg as unknown as number, 0.15, `frame ${fr.i}`);
  }
});

test("truth JSON pixel coordinates: frontal lateral flexion and shoulder tilt", (t) => {
  const frames = truthFrames("synthetic_frontal_lateral");
  if (!frames) return t.skip(`no test media at ${MEDIA}`);
  for (const fr of frames) {
    const p = toPixels(lmFromTruth(fr as unknown as Record<string, number[]>), W, H);
    near(lateralFlexion(p).value, fr.lateralFlexionDeg as unknown as number, 0.15, `frame ${fr.i}`);
  }
  const at30 = frames.find((f) => (f.lateralFlexionDeg as unknown as number) === 30)!;
  const p = toPixels(lmFromTruth(at30 as unknown as Record<string, number[]>), W, H);
  assert.ok(shoulderTilt(p).value > 40, "side bend to the right drops the right shoulder (~49 deg)");
});
