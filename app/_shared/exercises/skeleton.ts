// Demonstration skeleton: an exercise's keyframes are a few poses written as absolute segment angles; this module
// interpolates between them and turns a pose into the 33 MediaPipe image landmarks, so the UI can draw an animated
// demonstration with the same skeleton drawing it uses for the patient (no video hosting). Pure, isomorphic.
//
// A pose's angles are measured from straight UP, clockwise positive (toward the image right), in degrees:
// 0 = pointing up, 90 = pointing right, 180 = down, -90 = left. The body's front is the trunk direction turned 90 deg
// clockwise, so a standing figure (trunk 0) faces the image right, a figure with trunk -90 (head on the left) lies on
// its back and one with trunk 90 (head on the right) lies face down or kneels on all fours.
import { z } from "zod";
import { LANDMARK_COUNT, LM, type Landmark } from "../pose/landmarks";

const angle = z.number().finite().min(-360).max(360);
export const DemoPoseSchema = z.strictObject({
  trunk: angle,
  /** shoulder -> ear; defaults to the trunk's angle */
  head: angle.optional(),
  upperArmL: angle, forearmL: angle, upperArmR: angle, forearmR: angle,
  thighL: angle, shankL: angle, thighR: angle, shankR: angle,
  /** ankle -> toe; defaults to the shank turned 90 deg toward the front */
  footL: angle.optional(), footR: angle.optional(),
});
export type DemoPose = z.infer<typeof DemoPoseSchema>;

export const DemoSchema = z.strictObject({
  /** "side": filmed side-on (left and right limbs overlap); "front": filmed from the front (limbs move in the image plane) */
  view: z.enum(["side", "front"]),
  /** the joint kept still horizontally while the figure moves (its lowest point always rests on the floor) */
  anchor: z.enum(["ankle", "knee", "hip", "shoulder", "wrist"]),
  /** keyframes at increasing times; the animation loops back to the first */
  keyframes: z.array(z.strictObject({ atS: z.number().min(0).max(60), pose: DemoPoseSchema })).min(2).max(12),
}).refine((d) => d.keyframes.every((k, i) => i === 0 || k.atS > d.keyframes[i - 1]!.atS), { message: "keyframe times must increase" })
  .refine((d) => d.keyframes[0]!.atS === 0, { message: "the first keyframe is at 0 s" });
export type Demo = z.infer<typeof DemoSchema>;

/** Segment lengths as fractions of body height (Winter's anthropometric table, rounded). */
export const SEGMENTS = { trunk: 0.3, neck: 0.11, upperArm: 0.17, forearm: 0.16, thigh: 0.245, shank: 0.245, foot: 0.12, heel: 0.035 };
const D = Math.PI / 180;

type V = { x: number; y: number };
const dir = (deg: number): V => ({ x: Math.sin(deg * D), y: Math.cos(deg * D) }); // y up
const add = (a: V, b: V, k = 1): V => ({ x: a.x + b.x * k, y: a.y + b.y * k });
const wrap = (a: number) => ((((a + 180) % 360) + 360) % 360) - 180;

/** Linear interpolation of two poses (each angle along its shortest way round). */
export function lerpPose(a: DemoPose, b: DemoPose, f: number): DemoPose {
  const out: Record<string, number> = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof DemoPose>;
  for (const k of keys) {
    const x = a[k] ?? defaultOf(a, k), y = b[k] ?? defaultOf(b, k);
    out[k] = x + wrap(y - x) * f;
  }
  return out as DemoPose;
}
function defaultOf(p: DemoPose, k: keyof DemoPose): number {
  if (k === "head") return p.trunk;
  if (k === "footL") return p.shankL - 90;
  if (k === "footR") return p.shankR - 90;
  return 0;
}

/** The pose at time tS of a looping demonstration. */
export function demoPoseAt(demo: Demo, tS: number): DemoPose {
  const ks = demo.keyframes;
  const period = ks[ks.length - 1]!.atS;
  const t = period > 0 ? ((tS % period) + period) % period : 0;
  for (let i = 1; i < ks.length; i++) {
    const a = ks[i - 1]!, b = ks[i]!;
    if (t <= b.atS) return lerpPose(a.pose, b.pose, (t - a.atS) / (b.atS - a.atS));
  }
  return ks[ks.length - 1]!.pose;
}

export interface RenderOptions {
  /** frame width / height */
  aspect?: number;
  /** body height as a fraction of the frame height */
  scale?: number;
  /** floor line as a fraction of the frame height from the top */
  floorY?: number;
  /** anchor joint's x as a fraction of the frame width */
  anchorX?: number;
  /** visibility of the far side's landmarks in a side view */
  farVisibility?: number;
}

/** Joint positions in body-height units (y up, mid-hip at the origin). */
export function jointsOf(pose: DemoPose, view: "side" | "front"): Map<number, V> {
  const S = SEGMENTS;
  const m = new Map<number, V>();
  const hip = { x: 0, y: 0 };
  const trunk = dir(pose.trunk);
  const sh = add(hip, trunk, S.trunk);
  // the trunk's perpendicular: in a front view the subject's right is on the image left (facing the camera)
  const across = { x: trunk.y, y: -trunk.x }; // trunk turned 90 deg clockwise
  const half = view === "front" ? { sh: 0.09, hip: 0.065 } : { sh: 0.006, hip: 0.006 };
  // side-on, the near and far joints nearly overlap: a small horizontal offset, as in real side-on footage
  const offset = view === "front" ? across : { x: 1, y: 0 };
  const place = (l: number, r: number, c: V, h: number) => {
    m.set(l, add(c, offset, h));
    m.set(r, add(c, offset, -h));
  };
  place(LM.leftShoulder, LM.rightShoulder, sh, half.sh);
  place(LM.leftHip, LM.rightHip, hip, half.hip);
  for (const s of ["L", "R"] as const) {
    const shP = m.get(s === "L" ? LM.leftShoulder : LM.rightShoulder)!;
    const hipP = m.get(s === "L" ? LM.leftHip : LM.rightHip)!;
    const el = add(shP, dir(pose[`upperArm${s}`]), S.upperArm);
    const wr = add(el, dir(pose[`forearm${s}`]), S.forearm);
    const knee = add(hipP, dir(pose[`thigh${s}`]), S.thigh);
    const ankle = add(knee, dir(pose[`shank${s}`]), S.shank);
    const footDeg = pose[`foot${s}`] ?? pose[`shank${s}`] - 90;
    const toe = view === "front" ? add(ankle, dir(pose[`shank${s}`]), 0.03) : add(ankle, dir(footDeg), S.foot);
    const heel = view === "front" ? add(ankle, dir(pose[`shank${s}`]), 0.02) : add(ankle, dir(footDeg), -S.heel);
    const L = s === "L";
    m.set(L ? LM.leftElbow : LM.rightElbow, el);
    m.set(L ? LM.leftWrist : LM.rightWrist, wr);
    for (const [a, b] of [[LM.leftPinky, LM.rightPinky], [LM.leftIndex, LM.rightIndex], [LM.leftThumb, LM.rightThumb]] as const) {
      m.set(L ? a : b, add(wr, dir(pose[`forearm${s}`]), 0.04));
    }
    m.set(L ? LM.leftKnee : LM.rightKnee, knee);
    m.set(L ? LM.leftAnkle : LM.rightAnkle, ankle);
    m.set(L ? LM.leftHeel : LM.rightHeel, heel);
    m.set(L ? LM.leftFootIndex : LM.rightFootIndex, toe);
  }
  // Head: the ears on the neck line, the face toward the front (side view) or the camera (front view).
  const neck = dir(pose.head ?? pose.trunk);
  const front = { x: neck.y, y: -neck.x };
  const earC = add(sh, neck, S.neck);
  if (view === "side") {
    m.set(LM.leftEar, add(earC, offset, 0.004));
    m.set(LM.rightEar, add(earC, offset, -0.004));
    const nose = add(add(earC, front, 0.055), neck, 0.012);
    m.set(LM.nose, nose);
    for (const [i, k] of [[LM.leftEyeInner, 0.045], [LM.leftEye, 0.04], [LM.leftEyeOuter, 0.035], [LM.rightEyeInner, 0.045], [LM.rightEye, 0.04], [LM.rightEyeOuter, 0.035]] as const) {
      m.set(i, add(add(earC, front, k), neck, 0.03));
    }
    m.set(LM.mouthLeft, add(add(earC, front, 0.045), neck, -0.02));
    m.set(LM.mouthRight, add(add(earC, front, 0.045), neck, -0.02));
  } else {
    m.set(LM.leftEar, add(earC, across, 0.055));
    m.set(LM.rightEar, add(earC, across, -0.055));
    m.set(LM.nose, add(earC, neck, -0.005));
    for (const [l, r, k] of [[LM.leftEyeInner, LM.rightEyeInner, 0.012], [LM.leftEye, LM.rightEye, 0.025], [LM.leftEyeOuter, LM.rightEyeOuter, 0.035]] as const) {
      m.set(l, add(add(earC, across, k), neck, 0.02));
      m.set(r, add(add(earC, across, -k), neck, 0.02));
    }
    m.set(LM.mouthLeft, add(add(earC, across, 0.02), neck, -0.03));
    m.set(LM.mouthRight, add(add(earC, across, -0.02), neck, -0.03));
  }
  return m;
}

const ANCHOR = { ankle: [LM.leftAnkle, LM.rightAnkle], knee: [LM.leftKnee, LM.rightKnee], hip: [LM.leftHip, LM.rightHip], shoulder: [LM.leftShoulder, LM.rightShoulder], wrist: [LM.leftWrist, LM.rightWrist] } as const;

/** A pose as 33 normalised image landmarks (MediaPipe order), ready for the skeleton overlay or the angle code. */
export function renderPose(pose: DemoPose, view: "side" | "front", anchor: Demo["anchor"] = "hip", o: RenderOptions = {}): Landmark[] {
  const aspect = o.aspect ?? 4 / 3, scale = o.scale ?? 0.7, floorY = o.floorY ?? 0.92, anchorX = o.anchorX ?? 0.5;
  const j = jointsOf(pose, view);
  let minY = Infinity;
  for (const v of j.values()) minY = Math.min(minY, v.y);
  const [a, b] = ANCHOR[anchor];
  const ax = (j.get(a)!.x + j.get(b)!.x) / 2;
  const far = o.farVisibility ?? 0.75;
  const out: Landmark[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const v = j.get(i)!;
    // image x: fraction of width; one body unit is `scale` frame heights
    const x = anchorX + ((v.x - ax) * scale) / aspect;
    const y = floorY - (v.y - minY) * scale;
    const isRight = [LM.rightShoulder, LM.rightElbow, LM.rightWrist, LM.rightPinky, LM.rightIndex, LM.rightThumb, LM.rightHip, LM.rightKnee, LM.rightAnkle, LM.rightHeel, LM.rightFootIndex, LM.rightEar, LM.rightEye, LM.rightEyeInner, LM.rightEyeOuter, LM.mouthRight].includes(i as never);
    out.push({ x, y, z: 0, visibility: view === "side" && isRight ? far : 0.97, presence: 0.99 });
  }
  return out;
}

/** Landmarks of a demonstration at time tS. */
export function demoLandmarksAt(demo: Demo, tS: number, o: RenderOptions = {}): Landmark[] {
  return renderPose(demoPoseAt(demo, tS), demo.view, demo.anchor, o);
}
