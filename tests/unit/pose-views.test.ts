// View gating: one image angle (mid-hip -> mid-shoulder from vertical) is trunk flexion side-on and lateral flexion
// from the front. From an oblique camera it is neither: both are withheld with the reason, never reported twice.
import assert from "node:assert/strict";
import { test } from "node:test";
import { computeGuidance } from "@/app/_shared/pose/guidance";
import { LM, type PoseFrame } from "@/app/_shared/pose/landmarks";
import { MEASURES, TRUNK_IMAGE_ANGLE, viewFactor, withheldReason } from "@/app/_shared/pose/measures";
import { PoseProcessor } from "@/app/_shared/pose/processor";
import { frameFromPx, frontFrame, sideFrame } from "./pose-fixtures";

const D = Math.PI / 180;
/**
 * A subject turned `yawDeg` from facing the camera (0 = frontal, 90 = side-on), feet pointing to the image right,
 * whose trunk line makes `imageDeg` with the image vertical (+ = shoulders to the image right).
 */
function turnedFrame(yawDeg: number, imageDeg: number, t = 0): PoseFrame {
  const c = Math.cos(yawDeg * D);
  const mh: [number, number] = [320, 250];
  const ms: [number, number] = [mh[0] + 120 * Math.sin(imageDeg * D), mh[1] - 120 * Math.cos(imageDeg * D)];
  // facing the camera the subject's left is on the image right; turned, the widths shrink by cos(yaw)
  const px = new Map<number, [number, number]>([
    [LM.leftHip, [mh[0] + 25 * c, mh[1]]], [LM.rightHip, [mh[0] - 25 * c, mh[1]]],
    [LM.leftShoulder, [ms[0] + 45 * c, ms[1]]], [LM.rightShoulder, [ms[0] - 45 * c, ms[1]]],
    [LM.leftKnee, [mh[0] + 20 * c, 340]], [LM.rightKnee, [mh[0] - 20 * c, 340]],
    [LM.leftAnkle, [mh[0] + 20 * c, 430]], [LM.rightAnkle, [mh[0] - 20 * c, 430]],
    [LM.leftHeel, [mh[0] + 20 * c - 8, 438]], [LM.rightHeel, [mh[0] - 20 * c - 8, 438]],
    [LM.leftFootIndex, [mh[0] + 20 * c + 25, 442]], [LM.rightFootIndex, [mh[0] - 20 * c + 25, 442]],
    [LM.nose, [ms[0] + 12, ms[1] - 45]], [LM.leftEar, [ms[0] + 2, ms[1] - 48]], [LM.rightEar, [ms[0] - 2, ms[1] - 48]],
    [LM.leftEye, [ms[0] + 6, ms[1] - 52]], [LM.rightEye, [ms[0] + 4, ms[1] - 52]],
  ]);
  return frameFromPx(px, { t });
}

function run(frames: PoseFrame[], wantView: "sagittal" | "frontal" | "any" = "any") {
  const p = new PoseProcessor({ guidance: { wantView } });
  return frames.map((f) => p.process(f));
}
const series = (make: (t: number) => PoseFrame, n = 30) => Array.from({ length: n }, (_, i) => make(i * 66));

test("view table: the trunk image angle is withheld from an oblique camera, with the reason; other measures only lose confidence", () => {
  for (const k of TRUNK_IMAGE_ANGLE) {
    assert.equal(viewFactor(k, "oblique"), 0, k);
    assert.match(withheldReason(k, "oblique")!, /bending forward and bending sideways look the same/);
  }
  assert.equal(viewFactor("trunkFlexion", "sagittal"), 1);
  assert.equal(withheldReason("trunkFlexion", "sagittal"), null);
  assert.equal(viewFactor("lateralFlexion", "frontal"), 1);
  assert.match(withheldReason("trunkFlexion", "frontal")!, /turn side-on/);
  assert.match(withheldReason("lateralFlexion", "sagittal")!, /face the camera/);
  assert.equal(viewFactor("kneeFlexionR", "oblique"), 0.5);
  assert.equal(withheldReason("kneeFlexionR", "oblique"), null);
  assert.equal(withheldReason("sway", "oblique"), null);
  // every measure: withheld exactly when the factor is 0
  for (const k of MEASURES) for (const v of ["frontal", "sagittal", "oblique", "unknown"] as const) assert.equal(viewFactor(k, v) === 0, withheldReason(k, v) !== null, `${k} ${v}`);
});

test("oblique camera, trunk at 39.8 deg in the image: neither flexion nor lateral flexion is reported, both say why", () => {
  const out = run(series((t) => turnedFrame(48, 39.8, t)));
  const last = out.at(-1)!;
  assert.equal(last.seen, true);
  assert.equal(last.view.view, "oblique", `yaw ${last.view.yawDeg}`);
  for (const r of out) {
    assert.equal(r.angles.trunkFlexion, null);
    assert.equal(r.angles.lateralFlexion, null);
    assert.equal(r.conf.trunkFlexion, 0);
    assert.equal(r.conf.lateralFlexion, 0);
    assert.equal(r.sample?.angles.trunkFlexion ?? null, null);
  }
  assert.match(last.withheld.trunkFlexion!, /at an angle/);
  assert.match(last.withheld.lateralFlexion!, /at an angle/);
  // what the view can still measure is kept
  assert.notEqual(last.angles.kneeFlexionR, null);
});

test("the same image angle side-on is flexion only, from the front lateral flexion only", () => {
  const side = run(series((t) => sideFrame({ flexionDeg: 39.8, t }))).at(-1)!;
  assert.equal(side.view.view, "sagittal");
  assert.ok(Math.abs(side.angles.trunkFlexion! - 39.8) < 1, `flexion ${side.angles.trunkFlexion}`);
  assert.equal(side.angles.lateralFlexion, null);
  assert.equal(side.withheld.trunkFlexion, undefined);
  assert.match(side.withheld.lateralFlexion!, /face the camera/);

  const front = run(series((t) => frontFrame({ lateralDeg: 25, t }))).at(-1)!;
  assert.equal(front.view.view, "frontal");
  assert.ok(Math.abs(front.angles.lateralFlexion! - 25) < 1, `lateral ${front.angles.lateralFlexion}`);
  assert.equal(front.angles.trunkFlexion, null);
});

test("at no yaw is one image angle reported as both trunk flexion and lateral flexion", () => {
  for (let yaw = 0; yaw <= 90; yaw += 5) {
    for (const r of run(series((t) => turnedFrame(yaw, 30, t), 20)))
      assert.ok(r.angles.trunkFlexion === null || r.angles.lateralFlexion === null, `yaw ${yaw}: ${r.angles.trunkFlexion} and ${r.angles.lateralFlexion}`);
  }
});

test("framing: an oblique stance blocks the start of a side-on or frontal measurement and says why", () => {
  const g = computeGuidance(turnedFrame(48, 0), { wantView: "sagittal" });
  const item = g.items.find((i) => i.code === "turn-sideways")!;
  assert.equal(item.severity, "block");
  assert.match(item.message, /at an angle to the camera/);
  assert.equal(g.ok, false);
  const f = computeGuidance(turnedFrame(48, 0), { wantView: "frontal" });
  assert.equal(f.items.find((i) => i.code === "face-camera")!.severity, "block");
  // side-on for a side-on measure: no view item
  assert.equal(computeGuidance(sideFrame(), { wantView: "sagittal" }).items.some((i) => i.code === "turn-sideways"), false);
});
