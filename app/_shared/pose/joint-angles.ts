// Joint angles for guided exercises: pure functions of one frame's IMAGE landmarks (aspect-corrected pixels, y up),
// a body-position classifier (standing, sitting, kneeling, supine, prone, quadruped, side-lying) and per-measure
// gating that says why a measure is withheld.
//
// Why image landmarks only: the server recomputes every exercise result from the stored PoseSamples, which keep the
// 33 image landmarks (x, y, visibility) but not the world landmarks, so anything a tracker counts on must be computable
// from those. World-landmark variants (`pelvicRotationWorld`) are exported for comparison and benches only.
// The frame's aspect ratio (width / height) is needed to turn normalised landmarks into pixels; a recording must
// store it beside its samples.
//
// Conventions (all degrees):
//  * "up" is the image up after the optional camera-roll correction, so for floor exercises it is "away from the floor".
//  * "anterior" is the body's front: for upright positions from the facing direction (feet, face: angles.facingScore),
//    for supine "up", for prone and quadruped "down". Signed hip flexion and head flexion use it.
//  * Raise heights (armRaise, legRaise) are the segment's angle from hanging straight down: 0 = hanging, 90 =
//    horizontal, 180 = pointing straight up. They do not depend on which way the patient faces.
import { classifyView, facingFromScore, facingScore, type Facing, headForward, lateralFlexion, trunkFlexion, type View, type ViewEstimate } from "./angles";
import { angleFromVertical, clamp, dist2, type P2, type P3, RAD2DEG, signedAngle2, sub2, toPixels, toWorld } from "./geometry";
import { LANDMARK_COUNT, LM, type Landmark } from "./landmarks";
import { MIN_SEEN, visibilityConfidence } from "./quality";

/** Bump when a definition below changes: a stored exercise result names the version that produced it. */
/** 2: a trunk leaning far forward on the feet (squat bottom, sit-to-stand lean) is standing or sitting, not prone. */
/** 3: adds pelvicRoll, pelvic rotation on the hip-joint width of real bodies (PELVIS_WIDTH_TO_TRUNK 0.35); pelvicRotation
 * keeps joint angles 2's width (0.48) so that results named with it (bird-dog@1, @2) are recomputed as they were. */
export const JOINT_ANGLES_VERSION = 3;

export const POSITIONS = ["standing", "sitting", "kneeling", "supine", "prone", "quadruped", "side-lying"] as const;
export type Position = (typeof POSITIONS)[number];

export const EXERCISE_MEASURES = [
  "kneeFlexionL", "kneeFlexionR", "kneeFlexion",
  "hipFlexionL", "hipFlexionR", "hipFlexion",
  "elbowFlexionL", "elbowFlexionR", "elbowFlexion",
  "shoulderFlexionL", "shoulderFlexionR",
  "armRaiseL", "armRaiseR", "legRaiseL", "legRaiseR",
  "bodyLine", "bodyLineKnee", "trunkFloorAngle", "thighFloorAngle", "trunkInclination", "lateralLean",
  "pelvicRotation", "pelvicRoll", "headFlexion", "headForward", "footLiftL", "footLiftR",
] as const;
export type ExerciseMeasure = (typeof EXERCISE_MEASURES)[number];

export type WithheldCode = "not-seen" | "out-of-frame" | "wrong-view" | "unknown-facing" | "wrong-position" | "no-body";
export interface Withheld {
  code: WithheldCode;
  message: string;
}

export interface ExerciseMeasureInfo {
  label: string;
  /** what a larger value means */
  positive: string;
  unit: "deg" | "ratio";
}

export const EXERCISE_MEASURE_INFO: Record<ExerciseMeasure, ExerciseMeasureInfo> = {
  kneeFlexionL: { label: "Knee flexion L", positive: "more bent", unit: "deg" },
  kneeFlexionR: { label: "Knee flexion R", positive: "more bent", unit: "deg" },
  kneeFlexion: { label: "Knee flexion", positive: "more bent (better-seen knee)", unit: "deg" },
  hipFlexionL: { label: "Hip flexion L", positive: "flexion (negative: extension)", unit: "deg" },
  hipFlexionR: { label: "Hip flexion R", positive: "flexion (negative: extension)", unit: "deg" },
  hipFlexion: { label: "Hip flexion", positive: "flexion (better-seen hip)", unit: "deg" },
  elbowFlexionL: { label: "Elbow flexion L", positive: "more bent", unit: "deg" },
  elbowFlexionR: { label: "Elbow flexion R", positive: "more bent", unit: "deg" },
  elbowFlexion: { label: "Elbow flexion", positive: "more bent (better-seen elbow)", unit: "deg" },
  shoulderFlexionL: { label: "Shoulder elevation L", positive: "arm further from the trunk (180 = overhead)", unit: "deg" },
  shoulderFlexionR: { label: "Shoulder elevation R", positive: "arm further from the trunk (180 = overhead)", unit: "deg" },
  armRaiseL: { label: "Arm raise L", positive: "higher (0 hanging, 90 horizontal)", unit: "deg" },
  armRaiseR: { label: "Arm raise R", positive: "higher (0 hanging, 90 horizontal)", unit: "deg" },
  legRaiseL: { label: "Leg raise L", positive: "thigh higher (0 hanging, 90 horizontal)", unit: "deg" },
  legRaiseR: { label: "Leg raise R", positive: "thigh higher (0 hanging, 90 horizontal)", unit: "deg" },
  bodyLine: { label: "Body line (shoulder–hip–ankle)", positive: "hips above the line (piking); negative: sagging", unit: "deg" },
  bodyLineKnee: { label: "Body line (shoulder–hip–knee)", positive: "hips above the line; negative: below", unit: "deg" },
  trunkFloorAngle: { label: "Trunk to floor", positive: "shoulders higher than hips", unit: "deg" },
  thighFloorAngle: { label: "Thigh to floor", positive: "hip higher than knee (better-seen side)", unit: "deg" },
  trunkInclination: { label: "Trunk inclination", positive: "leaning forward (negative: backward)", unit: "deg" },
  lateralLean: { label: "Trunk side lean", positive: "to the subject's right", unit: "deg" },
  pelvicRotation: { label: "Pelvic rotation (v2 scale)", positive: "right hip higher", unit: "deg" },
  pelvicRoll: { label: "Pelvic rotation", positive: "right hip higher", unit: "deg" },
  headFlexion: { label: "Head and neck flexion", positive: "head curled toward the front", unit: "deg" },
  headForward: { label: "Head forward", positive: "ear ahead of shoulder", unit: "deg" },
  footLiftL: { label: "Left foot lift", positive: "higher, in leg lengths", unit: "ratio" },
  footLiftR: { label: "Right foot lift", positive: "higher, in leg lengths", unit: "ratio" },
};

export interface PositionEstimate {
  position: Position | null;
  /** why no position, or what decided it */
  reason: string;
}

export interface FramingInfo {
  /** the landmarks a whole-body exercise needs (head, shoulders, hips, knees, ankles) lie inside the frame */
  wholeBodyInFrame: boolean;
  cut: ("top" | "bottom" | "left" | "right")[];
  /** long axis of the trunk from the image horizontal, 0..90 (0 = lying level) */
  trunkFromHorizontal: number;
  /** apparent body width / trunk length (classifyView's ratio); side-on ~0, frontal ~1.15 */
  widthRatio: number;
}

export interface JointAngles {
  t: number;
  bodySeen: boolean;
  view: ViewEstimate;
  position: PositionEstimate;
  facing: Facing;
  /** +1: the body's front is clockwise from the hip->shoulder direction in the image; 0 unknown */
  anterior: 1 | -1 | 0;
  values: Record<ExerciseMeasure, number | null>;
  conf: Record<ExerciseMeasure, number>;
  withheld: Partial<Record<ExerciseMeasure, Withheld>>;
  framing: FramingInfo;
}

// ------------------------------------------------------------------ geometry helpers

const seenOf = (...ps: P2[]) => Math.min(...ps.map((q) => q.s));
const ok = (q: P2) => Number.isFinite(q.x) && Number.isFinite(q.y);
/** Interior angle at b of the triangle a-b-c, 0..180. */
export function interiorAngle(a: P2, b: P2, c: P2): number {
  return Math.abs(signedAngle2(sub2(a, b), sub2(c, b)));
}
/** Angle of from->to measured from straight DOWN, 0..180 (0 hanging, 90 horizontal, 180 straight up). */
export function elevationFromDown(from: { x: number; y: number }, to: { x: number; y: number }): number {
  return Math.abs(signedAngle2({ x: 0, y: -1 }, sub2(to, from)));
}
function mid(a: P2, b: P2): P2 {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, s: Math.min(a.s, b.s), inFrame: a.inFrame && b.inFrame };
}
/** The better-seen of a left/right pair of points, or their midpoint when both are seen about equally. */
function better(l: P2, r: P2): P2 {
  if (Math.abs(l.s - r.s) < 0.1) return { ...mid(l, r), s: Math.max(l.s, r.s) };
  return l.s > r.s ? l : r;
}

type Reading = { value: number; seen: number; inFrame: boolean };
const read = (value: number, ...ps: P2[]): Reading => ({ value, seen: seenOf(...ps), inFrame: ps.every((q) => q.inFrame) });

export type Side = "L" | "R";
const J = {
  L: { sh: LM.leftShoulder, el: LM.leftElbow, wr: LM.leftWrist, hip: LM.leftHip, knee: LM.leftKnee, ankle: LM.leftAnkle },
  R: { sh: LM.rightShoulder, el: LM.rightElbow, wr: LM.rightWrist, hip: LM.rightHip, knee: LM.rightKnee, ankle: LM.rightAnkle },
} as const;

// ------------------------------------------------------------------ joint angles (pure)

/** Knee flexion, 0 = straight, from the hip-knee-ankle angle; works in any position filmed side-on. */
export function kneeFlexionOf(p: P2[], side: Side): Reading {
  const j = J[side];
  const a = p[j.hip]!, b = p[j.knee]!, c = p[j.ankle]!;
  return read(180 - interiorAngle(a, b, c), a, b, c);
}

/** Elbow flexion, 0 = straight. */
export function elbowFlexionOf(p: P2[], side: Side): Reading {
  const j = J[side];
  const a = p[j.sh]!, b = p[j.el]!, c = p[j.wr]!;
  return read(180 - interiorAngle(a, b, c), a, b, c);
}

/**
 * Hip flexion (+) / extension (-): the thigh (hip->knee) against the trunk line continued downward (shoulder->hip),
 * + when the knee is on the body's front side. `anterior` as in JointAngles (0 = unknown: no value).
 */
export function hipFlexionOf(p: P2[], side: Side, anterior: 1 | -1 | 0): Reading | null {
  if (anterior === 0) return null;
  const j = J[side];
  const sh = p[j.sh]!, hip = p[j.hip]!, knee = p[j.knee]!;
  return read(anterior * signedAngle2(sub2(hip, sh), sub2(knee, hip)), sh, hip, knee);
}

/** Shoulder elevation: the upper arm (shoulder->elbow) against the trunk line pointing down (0 = arm by the side). */
export function shoulderFlexionOf(p: P2[], side: Side): Reading {
  const j = J[side];
  const sh = p[j.sh]!, hip = p[j.hip]!, el = p[j.el]!;
  return read(Math.abs(signedAngle2(sub2(hip, sh), sub2(el, sh))), sh, hip, el);
}

/** Arm raise: shoulder->wrist from hanging straight down. */
export function armRaiseOf(p: P2[], side: Side): Reading {
  const j = J[side];
  const sh = p[j.sh]!, wr = p[j.wr]!;
  return read(elevationFromDown(sh, wr), sh, wr);
}

/** Leg raise: the thigh (hip->knee) from hanging straight down (quadruped rest 0, lying flat 90). */
export function legRaiseOf(p: P2[], side: Side): Reading {
  const j = J[side];
  const hip = p[j.hip]!, knee = p[j.knee]!;
  return read(elevationFromDown(hip, knee), hip, knee);
}

/** The chain used for a body line: the better-seen side's shoulder, hip and ankle (or knee). */
function lineChain(p: P2[], end: "ankle" | "knee"): [P2, P2, P2] {
  const sh = better(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
  const hip = better(p[LM.leftHip]!, p[LM.rightHip]!);
  const e = end === "ankle" ? better(p[LM.leftAnkle]!, p[LM.rightAnkle]!) : better(p[LM.leftKnee]!, p[LM.rightKnee]!);
  return [sh, hip, e];
}

/**
 * Body line: how far the hip lies off the straight line from the shoulder to the ankle (or knee), as the angle at the
 * hip: 0 = straight, + = hip above the line (away from the floor: piking, or a bridge pushed past neutral),
 * - = below it (sagging; in a bridge, hips not yet up). Meaningful when the body is roughly horizontal.
 */
export function bodyLineOf(p: P2[], end: "ankle" | "knee"): Reading {
  const [s, h, e] = lineChain(p, end);
  const dev = 180 - interiorAngle(s, h, e);
  const cross = (e.x - s.x) * (h.y - s.y) - (e.y - s.y) * (h.x - s.x);
  const above = Math.sign(cross) * Math.sign(e.x - s.x || 1);
  return read(above >= 0 ? dev : -dev, s, h, e);
}

/** Trunk to floor: the hip->shoulder line above the horizontal, -90..90 (+ = shoulders higher than the hips). */
export function trunkFloorAngleOf(p: P2[]): Reading {
  const hip = mid(p[LM.leftHip]!, p[LM.rightHip]!), sh = mid(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
  return read(Math.atan2(sh.y - hip.y, Math.abs(sh.x - hip.x)) * RAD2DEG, hip, sh);
}

/** Thigh to floor: the knee->hip line above the horizontal (+ = hip higher than the knee), better-seen side. */
export function thighFloorAngleOf(p: P2[]): Reading {
  const hip = better(p[LM.leftHip]!, p[LM.rightHip]!), knee = better(p[LM.leftKnee]!, p[LM.rightKnee]!);
  return read(Math.atan2(hip.y - knee.y, Math.abs(hip.x - knee.x)) * RAD2DEG, hip, knee);
}

/** Joint angles 2's expected pelvis width over trunk length (a rough guess from classifyView's width ratio): pelvicRotation. */
export const PELVIS_WIDTH_TO_TRUNK_V2 = 0.48;

/**
 * Hip-joint-centre width as a fraction of trunk length (mid-hip to mid-shoulder joint centres), for pelvic rotation
 * side-on, where the width itself cannot be seen. 0.35 from three sources that agree: anthropometry (hip joint centres
 * ~0.72 x the ASIS distance, ~0.17 m, over a ~0.49 m trunk at 1.75 m), the shared frontal clip's rig (0.34 on its
 * joint centres) and BlazePose's reference landmarks on the real frontal squat clip (0.34-0.35 turned ~25 deg, so
 * ~0.38 face-on). With v2's 0.48 a 16 deg roll read 10-11 deg (bird_dog clip, truth's joint centres).
 */
export const PELVIS_WIDTH_TO_TRUNK = 0.35;

/**
 * Pelvic rotation about the body's long axis, for a horizontal trunk filmed side-on (quadruped, supine, prone): the
 * far and near hip separate vertically when the pelvis rolls. asin(height difference / expected pelvis width), + when
 * the subject's RIGHT hip is higher. The expected width is `widthToTrunk` x trunk length (or the measured hip distance
 * when that is larger). pelvicRoll uses PELVIS_WIDTH_TO_TRUNK; pelvicRotation (joint angles 2) the v2 width.
 */
export function pelvicRotationOf(p: P2[], widthToTrunk = PELVIS_WIDTH_TO_TRUNK): Reading {
  const lh = p[LM.leftHip]!, rh = p[LM.rightHip]!;
  const trunk = dist2(mid(lh, rh), mid(p[LM.leftShoulder]!, p[LM.rightShoulder]!));
  const width = Math.max(widthToTrunk * trunk, dist2(lh, rh), 1e-6);
  return read(Math.asin(clamp((rh.y - lh.y) / width, -1, 1)) * RAD2DEG, lh, rh);
}

/** World-landmark pelvic rotation: the hip line (left->right) out of the horizontal plane, + = right hip higher. */
export function pelvicRotationWorld(w: P3[]): number {
  const lh = w[LM.leftHip]!, rh = w[LM.rightHip]!;
  return Math.atan2(rh.y - lh.y, Math.hypot(rh.x - lh.x, rh.z - lh.z)) * RAD2DEG;
}

/** Head and neck flexion: the shoulder->ear line against the hip->shoulder line, + = head curled toward the front. */
export function headFlexionOf(p: P2[], anterior: 1 | -1 | 0): Reading | null {
  if (anterior === 0) return null;
  const hip = mid(p[LM.leftHip]!, p[LM.rightHip]!), sh = mid(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
  const ear = better(p[LM.leftEar]!, p[LM.rightEar]!);
  return read(-anterior * signedAngle2(sub2(sh, hip), sub2(ear, sh)), hip, sh, ear);
}

/** How far one ankle is above the other, in leg lengths (hip->ankle of the lower leg). */
export function footLiftOf(p: P2[], side: Side): Reading {
  const j = J[side], o = J[side === "L" ? "R" : "L"];
  const a = p[j.ankle]!, b = p[o.ankle]!, hip = p[o.hip]!;
  const leg = Math.max(dist2(hip, b), 1e-6);
  return read((a.y - b.y) / leg, a, b, hip);
}

// ------------------------------------------------------------------ position, anterior direction

function segElev(p: P2[], a: number, b: number): number {
  return elevationFromDown(p[a]!, p[b]!);
}

/**
 * Body position from one frame. Upright trunk (within 40 deg of vertical): kneeling when a shank lies near the floor
 * (knee about as low as the feet, shank near horizontal), sitting when a thigh is near horizontal with the feet below
 * the knees, else standing. Trunk within 40 deg of horizontal: side-lying when the shoulders are stacked (seen from the
 * front or back), quadruped when the thighs hang down under the hips, else supine / prone from which way the face
 * (nose vs ears) or the bent knees point. In between: no position.
 */
export function classifyPosition(p: P2[]): PositionEstimate {
  const lh = p[LM.leftHip]!, rh = p[LM.rightHip]!, ls = p[LM.leftShoulder]!, rs = p[LM.rightShoulder]!;
  if (![lh, rh, ls, rs].every(ok) || Math.max(lh.s, rh.s) < MIN_SEEN / 2 || Math.max(ls.s, rs.s) < MIN_SEEN / 2) {
    return { position: null, reason: "the shoulders and hips are not seen" };
  }
  const hip = mid(lh, rh), sh = mid(ls, rs);
  const trunk = dist2(hip, sh);
  if (!(trunk > 1)) return { position: null, reason: "the trunk is not seen" };
  const fromVertical = Math.abs(angleFromVertical(hip, sh));
  const sideSeen = (i: number, k: number) => p[i]!.s >= 0.3 && p[k]!.s >= 0.3 && ok(p[i]!) && ok(p[k]!);
  const legs = (["L", "R"] as const).filter((s) => sideSeen(J[s].hip, J[s].knee));
  if (fromVertical <= 40) {
    const feetY = Math.min(...(["L", "R"] as const).map((s) => p[J[s].ankle]!).filter((q) => q.s >= 0.3 && ok(q)).map((q) => q.y), Infinity);
    for (const s of legs) {
      if (!sideSeen(J[s].knee, J[s].ankle)) continue;
      const knee = p[J[s].knee]!;
      const thigh = dist2(p[J[s].hip]!, knee);
      if (segElev(p, J[s].knee, J[s].ankle) >= 55 && Number.isFinite(feetY) && knee.y - feetY < 0.35 * thigh) {
        return { position: "kneeling", reason: "a knee rests on the floor with the trunk upright" };
      }
    }
    const thighLevel = (s: "L" | "R") => {
      const th = segElev(p, J[s].hip, J[s].knee);
      const shankVertical = sideSeen(J[s].knee, J[s].ankle) ? segElev(p, J[s].knee, J[s].ankle) <= 40 : true;
      return th >= 55 && th <= 125 && shankVertical;
    };
    // every seen thigh level (one thigh raised while standing on the other leg is not sitting)
    if (legs.length && legs.every(thighLevel)) return { position: "sitting", reason: "thighs level, trunk upright" };
    return legs.length ? { position: "standing", reason: "trunk and thighs upright" } : { position: null, reason: "the legs are not seen" };
  }
  // On the feet with the trunk leaning far forward (the bottom of a squat, a sit-to-stand's lean, a deep hinge): a knee
  // stands a shank's height above the feet on a steep shank, and the shoulders are above the hips. Lying and
  // all-fours positions have the knees on the floor or a shank that slopes (hook lying), or the shoulders at or below
  // the hips (a bridge).
  if (fromVertical > 40 && sh.y - hip.y > 0.15 * trunk) {
    const feetLow = Math.min(...[LM.leftAnkle, LM.rightAnkle, LM.leftHeel, LM.rightHeel].map((i) => p[i]!).filter((q) => q.s >= 0.3 && ok(q)).map((q) => q.y), Infinity);
    const onFeet = legs.filter((s) => {
      if (!sideSeen(J[s].knee, J[s].ankle) || !Number.isFinite(feetLow)) return false;
      const knee = p[J[s].knee]!, ankle = p[J[s].ankle]!;
      const shank = dist2(knee, ankle);
      return segElev(p, J[s].knee, J[s].ankle) <= 35 && knee.y - feetLow > 0.7 * shank && hip.y - feetLow > 0.5 * shank;
    });
    if (onFeet.length) {
      const thighsLevel = onFeet.every((s) => {
        const th = segElev(p, J[s].hip, J[s].knee);
        return th >= 60 && th <= 120 && Math.abs(p[J[s].hip]!.y - p[J[s].knee]!.y) < 0.35 * dist2(p[J[s].hip]!, p[J[s].knee]!);
      });
      return thighsLevel && fromVertical <= 65
        ? { position: "sitting", reason: "thighs level, leaning forward on a seat" }
        : { position: "standing", reason: "on the feet, trunk leaning forward" };
    }
  }
  if (fromVertical < 50) return { position: null, reason: "between upright and lying" };
  // Horizontal trunk.
  if (Math.min(ls.s, rs.s) >= 0.3 && Math.abs(ls.y - rs.y) > 0.35 * trunk && Math.abs(ls.y - rs.y) > 2 * Math.abs(ls.x - rs.x)) {
    return { position: "side-lying", reason: "shoulders stacked one above the other" };
  }
  // all fours: a thigh hangs down under the hips with its knee on the floor (about as low as the feet); a forward
  // bend while standing also has hanging thighs, but its knees are a shank's length above the feet
  const feetLow = Math.min(...[LM.leftAnkle, LM.rightAnkle, LM.leftFootIndex, LM.rightFootIndex].map((i) => p[i]!).filter((q) => q.s >= 0.3 && ok(q)).map((q) => q.y), Infinity);
  const kneeDown = legs.find((s) => {
    const knee = p[J[s].knee]!, h = p[J[s].hip]!;
    const thigh = dist2(h, knee);
    return segElev(p, J[s].hip, J[s].knee) <= 40 && h.y > knee.y && (!Number.isFinite(feetLow) || knee.y - feetLow < 0.35 * thigh);
  });
  if (kneeDown) return { position: "quadruped", reason: "on hands and knees, thighs under the hips" };
  // Face up or down: the nose relative to the ears, across the trunk (up = away from the floor).
  const nose = p[LM.nose]!, ear = better(p[LM.leftEar]!, p[LM.rightEar]!);
  const u = { x: (sh.x - hip.x) / trunk, y: (sh.y - hip.y) / trunk };
  const nUp = u.x >= 0 ? { x: -u.y, y: u.x } : { x: u.y, y: -u.x }; // the trunk normal with a positive y
  if (nose.s >= 0.4 && ear.s >= 0.3 && ok(nose) && ok(ear)) {
    const d = ((nose.x - ear.x) * nUp.x + (nose.y - ear.y) * nUp.y) / trunk;
    if (d > 0.04) return { position: "supine", reason: "lying face up" };
    if (d < -0.04) return { position: "prone", reason: "lying face down" };
  }
  // Knees bent up while lying means face up (prone knees cannot rise above the hips).
  for (const s of legs) if (p[J[s].knee]!.y - hip.y > 0.3 * trunk) return { position: "supine", reason: "lying with the knees up" };
  return { position: null, reason: "lying, but face up or down is not clear" };
}

/** The body's front relative to the hip->shoulder direction: +1 clockwise (see JointAngles.anterior). */
export function anteriorOf(p: P2[], position: Position | null, facing: Facing): 1 | -1 | 0 {
  const hip = mid(p[LM.leftHip]!, p[LM.rightHip]!), sh = mid(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
  const u = sub2(sh, hip);
  const cw = { x: u.y, y: -u.x }; // u rotated 90 deg clockwise (y up)
  const sgn = (v: number): 1 | -1 | 0 => (v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0);
  switch (position) {
    case "supine":
      return sgn(cw.y);
    case "prone":
    case "quadruped":
      return sgn(-cw.y);
    case "side-lying":
      return 0;
    default:
      // upright or unknown: facing +1 means the front is the image right
      return facing === 0 ? 0 : sgn(cw.x * facing);
  }
}

// ------------------------------------------------------------------ gating and the whole set

type Need = { views: readonly View[]; positions?: readonly Position[]; horizontal?: boolean };
const SIDE_ON: readonly View[] = ["sagittal", "oblique"];
const ANY: readonly View[] = ["sagittal", "oblique", "frontal"];
const NEED: Record<ExerciseMeasure, Need> = {
  kneeFlexionL: { views: SIDE_ON }, kneeFlexionR: { views: SIDE_ON }, kneeFlexion: { views: SIDE_ON },
  hipFlexionL: { views: SIDE_ON }, hipFlexionR: { views: SIDE_ON }, hipFlexion: { views: SIDE_ON },
  elbowFlexionL: { views: SIDE_ON }, elbowFlexionR: { views: SIDE_ON }, elbowFlexion: { views: SIDE_ON },
  shoulderFlexionL: { views: ANY }, shoulderFlexionR: { views: ANY },
  armRaiseL: { views: ANY }, armRaiseR: { views: ANY }, legRaiseL: { views: ANY }, legRaiseR: { views: ANY },
  // a body line lies in the image plane side-on for planks and bridges, and from the front for a side plank
  bodyLine: { views: ANY, horizontal: true }, bodyLineKnee: { views: ANY, horizontal: true },
  trunkFloorAngle: { views: SIDE_ON },
  thighFloorAngle: { views: SIDE_ON, horizontal: true },
  trunkInclination: { views: SIDE_ON, positions: ["standing", "sitting", "kneeling"] },
  lateralLean: { views: ["frontal", "oblique"], positions: ["standing", "sitting", "kneeling"] },
  pelvicRotation: { views: SIDE_ON, horizontal: true },
  pelvicRoll: { views: SIDE_ON, horizontal: true },
  headFlexion: { views: SIDE_ON },
  headForward: { views: SIDE_ON, positions: ["standing", "sitting", "kneeling"] },
  footLiftL: { views: ANY, positions: ["standing"] }, footLiftR: { views: ANY, positions: ["standing"] },
};

const VIEW_WORDS: Record<View, string> = { sagittal: "side-on", frontal: "from the front", oblique: "at an angle", unknown: "unclear" };

export interface MeasureInput {
  t: number;
  /** 33 normalised image landmarks (MediaPipe order) */
  image: readonly Landmark[];
  /** frame width / height, e.g. 4/3 */
  aspect: number;
  /** camera roll to remove (calibration), deg */
  rollDeg?: number;
}

/** Landmarks of a stored PoseSample ([x, y, visibility] x 33) as MediaPipe landmarks. */
export function landmarksFromSample(flat: readonly number[]): Landmark[] {
  const out: Landmark[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const x = flat[3 * i], y = flat[3 * i + 1], v = flat[3 * i + 2];
    out.push({ x: Number.isFinite(x) ? x! : NaN, y: Number.isFinite(y) ? y! : NaN, z: 0, visibility: Number.isFinite(v) ? v! : 0 });
  }
  return out;
}

const H_PX = 1000;

/** Every exercise measure for one frame, each with its confidence, or withheld with the reason. */
export function measureJointAngles(input: MeasureInput): JointAngles {
  const aspect = Number.isFinite(input.aspect) && input.aspect > 0.2 && input.aspect < 5 ? input.aspect : 4 / 3;
  const p = toPixels(input.image as Landmark[], aspect * H_PX, H_PX, input.rollDeg ?? 0);
  const values = Object.fromEntries(EXERCISE_MEASURES.map((k) => [k, null])) as Record<ExerciseMeasure, number | null>;
  const conf = Object.fromEntries(EXERCISE_MEASURES.map((k) => [k, 0])) as Record<ExerciseMeasure, number>;
  const withheld: Partial<Record<ExerciseMeasure, Withheld>> = {};
  const framing = framingOf(p, aspect);
  const core = [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip].map((i) => p[i]!);
  const bodySeen = core.every(ok) && core.reduce((a, q) => a + q.s, 0) / 4 >= MIN_SEEN && core.every((q) => q.s >= MIN_SEEN / 2);
  const view = bodySeen ? classifyView(p) : { view: "unknown" as View, yawDeg: NaN, facingCamera: null };
  const position = bodySeen ? classifyPosition(p) : { position: null, reason: "the body is not seen" };
  const facing = bodySeen ? facingFromScore(facingScore(p)) : 0;
  const anterior = bodySeen ? anteriorOf(p, position.position, facing) : 0;
  const base = { t: input.t, bodySeen, view, position, facing, anterior, values, conf, withheld, framing };
  if (!bodySeen) {
    for (const k of EXERCISE_MEASURES) withheld[k] = { code: "no-body", message: "The camera cannot see your shoulders and hips clearly." };
    return base;
  }
  const best = (l: Reading | null, r: Reading | null): Reading | null => {
    if (!l) return r;
    if (!r) return l;
    if (Math.abs(l.seen - r.seen) < 0.1) return { value: (l.value + r.value) / 2, seen: Math.max(l.seen, r.seen), inFrame: l.inFrame && r.inFrame };
    return l.seen > r.seen ? l : r;
  };
  const kL = kneeFlexionOf(p, "L"), kR = kneeFlexionOf(p, "R");
  const hL = hipFlexionOf(p, "L", anterior), hR = hipFlexionOf(p, "R", anterior);
  const eL = elbowFlexionOf(p, "L"), eR = elbowFlexionOf(p, "R");
  const trunkInc = trunkFlexion(p, facing);
  const head = headForward(p, facing);
  const lat = lateralFlexion(p);
  const pair = (r: { value: number; seen: number } | null, ...idx: number[]): Reading | null =>
    r ? { value: r.value, seen: r.seen, inFrame: idx.every((i) => p[i]!.inFrame) } : null;
  const readings: Record<ExerciseMeasure, Reading | null> = {
    kneeFlexionL: kL, kneeFlexionR: kR, kneeFlexion: best(kL, kR),
    hipFlexionL: hL, hipFlexionR: hR, hipFlexion: best(hL, hR),
    elbowFlexionL: eL, elbowFlexionR: eR, elbowFlexion: best(eL, eR),
    shoulderFlexionL: shoulderFlexionOf(p, "L"), shoulderFlexionR: shoulderFlexionOf(p, "R"),
    armRaiseL: armRaiseOf(p, "L"), armRaiseR: armRaiseOf(p, "R"), legRaiseL: legRaiseOf(p, "L"), legRaiseR: legRaiseOf(p, "R"),
    bodyLine: bodyLineOf(p, "ankle"), bodyLineKnee: bodyLineOf(p, "knee"),
    trunkFloorAngle: trunkFloorAngleOf(p),
    thighFloorAngle: thighFloorAngleOf(p),
    trunkInclination: pair(trunkInc, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip),
    lateralLean: pair(lat, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip),
    pelvicRotation: pelvicRotationOf(p, PELVIS_WIDTH_TO_TRUNK_V2),
    pelvicRoll: pelvicRotationOf(p),
    headFlexion: headFlexionOf(p, anterior),
    headForward: pair(head, LM.leftShoulder, LM.rightShoulder),
    footLiftL: footLiftOf(p, "L"), footLiftR: footLiftOf(p, "R"),
  };
  const facingNeeded = new Set<ExerciseMeasure>(["hipFlexionL", "hipFlexionR", "hipFlexion", "headFlexion", "trunkInclination", "headForward"]);
  for (const k of EXERCISE_MEASURES) {
    const need = NEED[k];
    const r = readings[k];
    if (!need.views.includes(view.view)) {
      withheld[k] = { code: "wrong-view", message: `${EXERCISE_MEASURE_INFO[k].label} needs the camera ${need.views.includes("frontal") ? "side-on or in front" : "side-on"}; it sees you ${VIEW_WORDS[view.view]}.` };
      continue;
    }
    if (need.positions && !(position.position && need.positions.includes(position.position))) {
      withheld[k] = { code: "wrong-position", message: `${EXERCISE_MEASURE_INFO[k].label} is measured ${need.positions.join(" or ")}; position: ${position.position ?? position.reason}.` };
      continue;
    }
    if (need.horizontal && framing.trunkFromHorizontal > 50) {
      withheld[k] = { code: "wrong-position", message: `${EXERCISE_MEASURE_INFO[k].label} is measured with the body near horizontal.` };
      continue;
    }
    if (!r) {
      withheld[k] = facingNeeded.has(k)
        ? { code: "unknown-facing", message: "Which way you face is not clear: keep your face and feet in view." }
        : { code: "not-seen", message: `${EXERCISE_MEASURE_INFO[k].label}: not seen.` };
      continue;
    }
    if (!r.inFrame) {
      withheld[k] = { code: "out-of-frame", message: `${EXERCISE_MEASURE_INFO[k].label}: part of the body is outside the picture.` };
      continue;
    }
    const c = visibilityConfidence(r.seen) * (view.view === "oblique" && need.views !== ANY ? 0.5 : 1);
    if (!(c > 0) || !Number.isFinite(r.value)) {
      withheld[k] = { code: "not-seen", message: `${EXERCISE_MEASURE_INFO[k].label}: the joints are not seen clearly.` };
      continue;
    }
    values[k] = r.value;
    conf[k] = c;
  }
  return base;
}

function framingOf(p: P2[], aspect: number): FramingInfo {
  const W = aspect * H_PX;
  const idx = [LM.nose, LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip, LM.leftKnee, LM.rightKnee, LM.leftAnkle, LM.rightAnkle];
  const cut = new Set<FramingInfo["cut"][number]>();
  for (const i of idx) {
    const q = p[i]!;
    if (!ok(q) || q.s < 0.3) continue;
    if (q.inFrame) continue;
    // pixel coordinates are centred, y up
    if (q.y > H_PX / 2) cut.add("top");
    else if (q.y < -H_PX / 2) cut.add("bottom");
    if (q.x < -W / 2) cut.add("left");
    else if (q.x > W / 2) cut.add("right");
  }
  const hip = mid(p[LM.leftHip]!, p[LM.rightHip]!), sh = mid(p[LM.leftShoulder]!, p[LM.rightShoulder]!);
  const trunk = dist2(hip, sh);
  const fromVert = Math.abs(angleFromVertical(hip, sh));
  const ratio = trunk > 1 ? (dist2(p[LM.leftShoulder]!, p[LM.rightShoulder]!) + dist2(p[LM.leftHip]!, p[LM.rightHip]!)) / trunk : NaN;
  return {
    wholeBodyInFrame: cut.size === 0 && idx.every((i) => p[i]!.inFrame),
    cut: [...cut],
    trunkFromHorizontal: Number.isFinite(fromVert) ? Math.abs(90 - fromVert) : NaN,
    widthRatio: ratio,
  };
}

/** World landmarks helper re-exported for callers comparing image and world results. */
export { toWorld };
