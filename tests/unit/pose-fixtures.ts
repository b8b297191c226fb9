// Constructed landmark frames with known angles, for the pose unit tests (not a test file itself).
import { LANDMARK_COUNT, LM, type Landmark, type PoseFrame } from "@/app/_shared/pose/landmarks";

export const W = 640;
export const H = 480;
const D = Math.PI / 180;

type Px = [number, number];
function frameFromPx(px: Map<number, Px>, opts: { t?: number; vis?: number; width?: number; height?: number; world?: Landmark[] | null } = {}): PoseFrame {
  const width = opts.width ?? W, height = opts.height ?? H;
  const image: Landmark[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const p = px.get(i) ?? [width / 2, height / 2];
    image.push({ x: p[0] / width, y: p[1] / height, z: 0, visibility: px.has(i) ? (opts.vis ?? 0.99) : 0.1, presence: 0.99 });
  }
  return { t: opts.t ?? 0, width, height, image, world: opts.world ?? null };
}

/** Rotates pixel points about the frame centre by rollDeg clockwise on screen (a tilted camera). */
function roll(px: Map<number, Px>, rollDeg: number, width = W, height = H): Map<number, Px> {
  if (!rollDeg) return px;
  const c = Math.cos(rollDeg * D), s = Math.sin(rollDeg * D);
  const out = new Map<number, Px>();
  for (const [k, [x, y]] of px) {
    const dx = x - width / 2, dy = y - height / 2; // y down: clockwise on screen
    out.set(k, [width / 2 + dx * c - dy * s, height / 2 + dx * s + dy * c]);
  }
  return out;
}

export interface SideOpts {
  flexionDeg?: number;
  facing?: 1 | -1;
  hipFlexDeg?: number; // thigh forward from vertical
  kneeFlexDeg?: number; // shank backward relative to thigh
  headForwardDeg?: number;
  rollDeg?: number;
  t?: number;
  vis?: number;
  scale?: number;
  x0?: number;
}

/** A side-on subject: trunk flexed by flexionDeg from vertical (in the facing direction). */
export function sideFrame(o: SideOpts = {}): PoseFrame {
  const f = o.facing ?? 1, k = o.scale ?? 1, x0 = o.x0 ?? 320;
  const th = (o.flexionDeg ?? 0) * D, hf = (o.hipFlexDeg ?? 0) * D, kf = (o.kneeFlexDeg ?? 0) * D;
  const hip: Px = [x0, 250];
  const knee: Px = [hip[0] + f * 90 * k * Math.sin(hf), hip[1] + 90 * k * Math.cos(hf)];
  const ankle: Px = [knee[0] + f * 90 * k * Math.sin(hf - kf), knee[1] + 90 * k * Math.cos(hf - kf)];
  const sh: Px = [hip[0] + f * 120 * k * Math.sin(th), hip[1] - 120 * k * Math.cos(th)];
  const hfd = ((o.headForwardDeg ?? 10) * D);
  const ear: Px = [sh[0] + f * 35 * k * Math.sin(th + hfd), sh[1] - 35 * k * Math.cos(th + hfd)];
  const nose: Px = [ear[0] + f * 12 * k * Math.cos(th), ear[1] + 3];
  const px = new Map<number, Px>();
  for (const [a, b] of [[LM.leftHip, LM.rightHip], [LM.leftKnee, LM.rightKnee], [LM.leftAnkle, LM.rightAnkle], [LM.leftShoulder, LM.rightShoulder], [LM.leftEar, LM.rightEar]] as const) {
    const p = a === LM.leftHip ? hip : a === LM.leftKnee ? knee : a === LM.leftAnkle ? ankle : a === LM.leftShoulder ? sh : ear;
    const off = a === LM.leftEar ? 0 : 1; // the far side is offset by a pixel, like a real side view
    px.set(a, [p[0] + off, p[1]]);
    px.set(b, [p[0] - off, p[1]]);
  }
  px.set(LM.nose, nose);
  for (const [heel, toe] of [[LM.leftHeel, LM.leftFootIndex], [LM.rightHeel, LM.rightFootIndex]] as const) {
    px.set(heel, [ankle[0] - f * 8 * k, ankle[1] + 8 * k]);
    px.set(toe, [ankle[0] + f * 25 * k, ankle[1] + 10 * k]);
  }
  return frameFromPx(roll(px, o.rollDeg ?? 0), { t: o.t, vis: o.vis });
}

export interface FrontOpts {
  lateralDeg?: number; // + toward the subject's right
  facingCamera?: boolean;
  shoulderDropDeg?: number; // + right shoulder lower
  pelvisDropDeg?: number; // + right hip lower
  rollDeg?: number;
  t?: number;
  vis?: number;
  scale?: number;
  sway?: number; // horizontal px offset of the shoulders
  world?: Landmark[] | null;
}

/** A subject seen from the front (or the back). */
export function frontFrame(o: FrontOpts = {}): PoseFrame {
  const k = o.scale ?? 1;
  const rightDir = o.facingCamera === false ? 1 : -1; // subject's right along image x
  const lat = (o.lateralDeg ?? 0) * D;
  const mh: Px = [320, 250];
  const ms: Px = [mh[0] + rightDir * 120 * k * Math.sin(lat) + (o.sway ?? 0), mh[1] - 120 * k * Math.cos(lat)];
  const pair = (m: Px, half: number, dropDeg: number): [Px, Px] => {
    const dy = half * Math.tan(dropDeg * D);
    const right: Px = [m[0] + rightDir * half, m[1] + dy];
    const left: Px = [m[0] - rightDir * half, m[1] - dy];
    return [left, right];
  };
  const [lh, rh] = pair(mh, 25 * k, o.pelvisDropDeg ?? 0);
  const [ls, rs] = pair(ms, 45 * k, o.shoulderDropDeg ?? 0);
  const px = new Map<number, Px>([
    [LM.leftHip, lh], [LM.rightHip, rh], [LM.leftShoulder, ls], [LM.rightShoulder, rs],
    [LM.leftKnee, [lh[0], 340]], [LM.rightKnee, [rh[0], 340]], [LM.leftAnkle, [lh[0], 430]], [LM.rightAnkle, [rh[0], 430]],
    [LM.leftHeel, [lh[0], 438]], [LM.rightHeel, [rh[0], 438]], [LM.leftFootIndex, [lh[0], 442]], [LM.rightFootIndex, [rh[0], 442]],
    [LM.nose, [ms[0], ms[1] - 45 * k]], [LM.leftEar, [ms[0] - rightDir * 12 * k, ms[1] - 48 * k]], [LM.rightEar, [ms[0] + rightDir * 12 * k, ms[1] - 48 * k]],
    [LM.leftEye, [ms[0] - rightDir * 6 * k, ms[1] - 52 * k]], [LM.rightEye, [ms[0] + rightDir * 6 * k, ms[1] - 52 * k]],
  ]);
  return frameFromPx(roll(px, o.rollDeg ?? 0), { t: o.t, vis: o.vis, world: o.world });
}

/** World landmarks (metres, y down, z away from the camera) for a subject facing the camera with the shoulders
 * turned by rotDeg toward the subject's right relative to the hips. */
export function worldRotated(rotDeg: number): Landmark[] {
  const out: Landmark[] = Array.from({ length: LANDMARK_COUNT }, () => ({ x: 0, y: 0, z: 0, visibility: 0.99 }));
  const r = rotDeg * D;
  // facing the camera: the subject's right is -x. Turning right moves the right shoulder away (+z).
  out[LM.rightHip] = { x: -0.1, y: 0, z: 0, visibility: 0.99 };
  out[LM.leftHip] = { x: 0.1, y: 0, z: 0, visibility: 0.99 };
  out[LM.rightShoulder] = { x: -0.18 * Math.cos(r), y: -0.5, z: 0.18 * Math.sin(r), visibility: 0.99 };
  out[LM.leftShoulder] = { x: 0.18 * Math.cos(r), y: -0.5, z: -0.18 * Math.sin(r), visibility: 0.99 };
  return out;
}

export { frameFromPx };
