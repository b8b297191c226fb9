// Clinical angle library: pure functions on one frame's landmarks. All angles in degrees.
//
// Image landmarks vs world landmarks — which one each measure uses, and why (numbers: `npm run bench:accuracy`,
// README "Pose measurement accuracy"):
//  * Trunk flexion, lateral flexion, hip/knee flexion, head-forward, shoulder/pelvic tilt, sway: IMAGE landmarks,
//    aspect-corrected to pixels. Benchmark (lite, unsmoothed): side-on trunk flexion MAE 2.0 deg / p95 3.8 from image
//    landmarks vs 3.6 / 7.5 from world landmarks (which also carry a +2.8 deg bias); frontal lateral flexion 0.7 / 1.3
//    (image) vs 3.0 / 7.0 (world); and in a frontal view the world trunk vector leans forward by 10-18 deg that are not
//    there (the network guesses depth from one view). Image angles are exact when the movement happens in a plane
//    parallel to the image, which is what the camera guidance asks for (flexion side-on, lateral flexion from the front).
//  * Trunk rotation: WORLD landmarks, because rotation about the vertical axis is invisible in a single image plane;
//    it is reported as a low-confidence estimate (one camera cannot measure it reliably).
//  * trunkFlexionWorld / lateralFlexionWorld are kept for the benchmark's comparison only.
import {
  angleFromVertical,
  clamp,
  dist2,
  dot3,
  mid2,
  mid3,
  norm3,
  type P2,
  type P3,
  RAD2DEG,
  signedAngle2,
  sub2,
  sub3,
} from "./geometry";
import { LM } from "./landmarks";

export type View = "frontal" | "sagittal" | "oblique" | "unknown";
/** +1: the subject faces the image right; -1: faces the image left; 0: unknown. */
export type Facing = 1 | -1 | 0;

/** A measured value with the visibility of the landmarks it came from (0..1). */
export interface Reading {
  value: number;
  seen: number;
}

const pts = (p: P2[], a: number, b: number, c: number, d: number): [P2, P2, P2, P2] => [p[a]!, p[b]!, p[c]!, p[d]!];
const minSeen = (...ps: { s: number }[]) => Math.min(...ps.map((q) => q.s));
const meanSeen = (...ps: { s: number }[]) => ps.reduce((a, q) => a + q.s, 0) / ps.length;

// ---------------------------------------------------------------- view and facing

export interface ViewEstimate {
  view: View;
  /** estimated body yaw vs the camera, 0 = facing the camera (or its back to it), 90 = side-on */
  yawDeg: number;
  /** for a frontal view: true if the subject faces the camera (their left side on the image right) */
  facingCamera: boolean | null;
}

/**
 * Side-on vs frontal from the apparent body width: (shoulder width + hip width) / trunk length is about 1.1-1.2 in
 * a frontal view and near 0 side-on, so yaw ~ acos(ratio / FRONTAL_RATIO). A forward bend seen from the front
 * shortens the trunk and only makes it look more frontal, and a side-on bend keeps the widths near 0, so the
 * classification is stable during the movements we measure.
 */
export const FRONTAL_WIDTH_RATIO = 1.15;
export function classifyView(p: P2[]): ViewEstimate {
  const [ls, rs, lh, rh] = pts(p, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip);
  if (minSeen(ls, rs, lh, rh) < 0.2) return { view: "unknown", yawDeg: NaN, facingCamera: null };
  const trunk = dist2(mid2(lh, rh), mid2(ls, rs));
  if (!(trunk > 1)) return { view: "unknown", yawDeg: NaN, facingCamera: null };
  const ratio = (dist2(ls, rs) + dist2(lh, rh)) / trunk;
  const yawDeg = Math.acos(clamp(ratio / FRONTAL_WIDTH_RATIO, 0, 1)) * RAD2DEG;
  const view: View = yawDeg < 35 ? "frontal" : yawDeg > 60 ? "sagittal" : "oblique";
  // The subject's left side appears on the image right when they face the camera.
  const leftToRight = ls.x - rs.x + (lh.x - rh.x);
  return { view, yawDeg, facingCamera: view === "sagittal" ? null : leftToRight > 0 };
}

/**
 * Which way a side-on subject faces, from the feet (heel -> toe points forward) and the face (the nose is in front of
 * the ears). Returns a score in about [-1, 1] (+ = facing the image right) weighted by visibility; |score| small =
 * unknown. Feet are preferred: during a deep forward bend the face turns to the floor but the feet stay put.
 */
export function facingScore(p: P2[]): number {
  const [ls, rs, lh, rh] = pts(p, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip);
  const scale = Math.max(dist2(mid2(lh, rh), mid2(ls, rs)), 1);
  let score = 0;
  let weight = 0;
  for (const [heel, toe] of [
    [LM.leftHeel, LM.leftFootIndex],
    [LM.rightHeel, LM.rightFootIndex],
  ] as const) {
    const h = p[heel]!, t = p[toe]!;
    const w = Math.min(h.s, t.s);
    if (w < 0.3) continue;
    score += 2 * w * clamp((t.x - h.x) / (0.15 * scale), -1, 1);
    weight += 2 * w;
  }
  const nose = p[LM.nose]!;
  const le = p[LM.leftEar]!, re = p[LM.rightEar]!;
  const earW = Math.max(le.s, re.s);
  if (nose.s > 0.3 && earW > 0.3) {
    const ear = le.s >= re.s ? le : re;
    const w = Math.min(nose.s, earW);
    score += w * clamp((nose.x - ear.x) / (0.1 * scale), -1, 1);
    weight += w;
  }
  return weight > 0 ? score / weight : 0;
}

export function facingFromScore(score: number): Facing {
  return score > 0.25 ? 1 : score < -0.25 ? -1 : 0;
}

/** The subject's "right" direction along the image x axis in a frontal view: -1 (image left) when they face the camera. */
export function rightDirection(p: P2[]): 1 | -1 {
  const [ls, rs, lh, rh] = pts(p, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip);
  const d = rh.x - lh.x + (rs.x - ls.x);
  return d >= 0 ? 1 : -1;
}

// ---------------------------------------------------------------- trunk

/** Image angle of the mid-hip -> mid-shoulder line from vertical (+ = shoulders to the image right). */
export function imageTrunkAngle(p: P2[]): Reading {
  const [ls, rs, lh, rh] = pts(p, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip);
  return { value: angleFromVertical(mid2(lh, rh), mid2(ls, rs)), seen: meanSeen(ls, rs, lh, rh) };
}

/**
 * Trunk flexion (+) / extension (-) in a sagittal view: angle between the mid-hip -> mid-shoulder line and vertical,
 * signed so that leaning in the facing direction is positive. Returns null when the facing is unknown.
 */
export function trunkFlexion(p: P2[], facing: Facing): Reading | null {
  if (facing === 0) return null;
  const a = imageTrunkAngle(p);
  return { value: facing * a.value, seen: a.seen };
}

/** Lateral trunk flexion in a frontal view: + = toward the subject's RIGHT (either facing the camera or away). */
export function lateralFlexion(p: P2[]): Reading {
  const a = imageTrunkAngle(p);
  return { value: rightDirection(p) * a.value, seen: a.seen };
}

/**
 * Trunk rotation ESTIMATE from world landmarks: the angle about the vertical axis from the hip line to the shoulder
 * line (+ = shoulders turned toward the subject's right). Low confidence: depth comes from one camera.
 */
export function trunkRotation(w: P3[]): Reading {
  const ls = w[LM.leftShoulder]!, rs = w[LM.rightShoulder]!, lh = w[LM.leftHip]!, rh = w[LM.rightHip]!;
  const h = sub3(rh, lh);
  const s = sub3(rs, ls);
  // top-down (x, z) plane
  const cross = h.x * s.z - h.z * s.x;
  const dot = h.x * s.x + h.z * s.z;
  return { value: Math.atan2(-cross, dot) * RAD2DEG, seen: meanSeen(ls, rs, lh, rh) };
}

/** World-landmark alternatives (benchmark comparison only; see the header comment for why they are not used). */
export function trunkFlexionWorld(w: P3[]): Reading {
  const ls = w[LM.leftShoulder]!, rs = w[LM.rightShoulder]!, lh = w[LM.leftHip]!, rh = w[LM.rightHip]!;
  const v = sub3(mid3(ls, rs), mid3(lh, rh));
  const right = horizontalUnit(sub3(rh, lh));
  const forward = { x: -right.z, y: 0, z: right.x }; // right x up
  const fwd = dot3(v, forward);
  return { value: Math.atan2(fwd, v.y) * RAD2DEG, seen: meanSeen(ls, rs, lh, rh) };
}
export function lateralFlexionWorld(w: P3[]): Reading {
  const ls = w[LM.leftShoulder]!, rs = w[LM.rightShoulder]!, lh = w[LM.leftHip]!, rh = w[LM.rightHip]!;
  const v = sub3(mid3(ls, rs), mid3(lh, rh));
  const right = horizontalUnit(sub3(rh, lh));
  return { value: Math.asin(clamp(dot3(v, right) / Math.max(norm3(v), 1e-9), -1, 1)) * RAD2DEG, seen: meanSeen(ls, rs, lh, rh) };
}
function horizontalUnit(v: { x: number; z: number }) {
  const n = Math.hypot(v.x, v.z) || 1;
  return { x: v.x / n, y: 0, z: v.z / n };
}

// ---------------------------------------------------------------- hips and knees (sagittal)

export type Side = "left" | "right";
const SIDE = {
  left: { shoulder: LM.leftShoulder, hip: LM.leftHip, knee: LM.leftKnee, ankle: LM.leftAnkle },
  right: { shoulder: LM.rightShoulder, hip: LM.rightHip, knee: LM.rightKnee, ankle: LM.rightAnkle },
} as const;

/**
 * Hip flexion (+) / extension (-): angle between the thigh (hip -> knee) and the trunk line continued downward
 * (shoulder -> hip), + when the knee is in front of that line. Needs a side-on view and a known facing.
 */
export function hipFlexion(p: P2[], side: Side, facing: Facing): Reading | null {
  if (facing === 0) return null;
  const j = SIDE[side];
  const sh = p[j.shoulder]!, hip = p[j.hip]!, knee = p[j.knee]!;
  return { value: facing * signedAngle2(sub2(hip, sh), sub2(knee, hip)), seen: minSeen(sh, hip, knee) };
}

/** Knee flexion (+) / hyperextension (-): angle between thigh (hip -> knee) and shank (knee -> ankle), side-on. */
export function kneeFlexion(p: P2[], side: Side, facing: Facing): Reading | null {
  if (facing === 0) return null;
  const j = SIDE[side];
  const hip = p[j.hip]!, knee = p[j.knee]!, ankle = p[j.ankle]!;
  return { value: -facing * signedAngle2(sub2(knee, hip), sub2(ankle, knee)), seen: minSeen(hip, knee, ankle) };
}

// ---------------------------------------------------------------- posture

/**
 * Head-forward posture (sagittal): inclination of the mid-shoulder -> ear line from vertical, + = ear in front of the
 * shoulder (forward head). Uses the better-seen ear. 0 = ear straight above the shoulder.
 */
export function headForward(p: P2[], facing: Facing): Reading | null {
  if (facing === 0) return null;
  const ls = p[LM.leftShoulder]!, rs = p[LM.rightShoulder]!;
  const le = p[LM.leftEar]!, re = p[LM.rightEar]!;
  const ear = le.s >= re.s ? le : re;
  return { value: facing * angleFromVertical(mid2(ls, rs), ear), seen: Math.min(meanSeen(ls, rs), ear.s) };
}

/** Tilt of the line through two paired points vs horizontal, + when the subject's RIGHT point is lower. */
function pairTilt(left: P2, right: P2): Reading {
  return { value: Math.atan2(left.y - right.y, Math.abs(left.x - right.x)) * RAD2DEG, seen: minSeen(left, right) };
}
/** Shoulder tilt (frontal): + = right shoulder lower. */
export const shoulderTilt = (p: P2[]): Reading => pairTilt(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
/** Pelvic tilt in the frontal plane (pelvic obliquity, from the hip joint centres): + = right hip lower. */
export const pelvicTilt = (p: P2[]): Reading => pairTilt(p[LM.leftHip]!, p[LM.rightHip]!);

/**
 * Whole-body inclination: mid-ankle -> mid-shoulder line from vertical (+ = shoulders to the image right). Its
 * variability over time is the standing sway; its median during a still neutral stance is the camera roll.
 */
export function bodyAxisAngle(p: P2[]): Reading {
  const [ls, rs, la, ra] = pts(p, LM.leftShoulder, LM.rightShoulder, LM.leftAnkle, LM.rightAnkle);
  return { value: angleFromVertical(mid2(la, ra), mid2(ls, rs)), seen: meanSeen(ls, rs, la, ra) };
}
