// Small 2D/3D vector helpers for the angle library. Pure functions, no DOM/Node APIs.
import { LANDMARK_COUNT, type Landmark, type PoseFrame, seen } from "./landmarks";

export const RAD2DEG = 180 / Math.PI;
export const DEG2RAD = Math.PI / 180;

/** A point in pixel units with y pointing UP (so angles read like a protractor), plus how well it was seen. */
export interface P2 {
  x: number;
  y: number;
  /** min(visibility, presence) of the source landmark, 0..1 */
  s: number;
  /** whether the landmark lies inside the frame (with a small margin) */
  inFrame: boolean;
}

/** A world point in metres with y pointing UP (MediaPipe's world y points down). */
export interface P3 {
  x: number;
  y: number;
  z: number;
  s: number;
}

const IN_FRAME_MARGIN = 0.02;

/**
 * Converts normalised image landmarks to aspect-correct pixel points (y up), optionally removing a camera roll.
 * rollDeg: the angle by which true verticals appear rotated clockwise on screen (top leaning to the image right);
 * the points are rotated back about the frame centre so verticals become vertical again.
 */
export function toPixels(image: Landmark[], width: number, height: number, rollDeg = 0): P2[] {
  const c = Math.cos(rollDeg * DEG2RAD);
  const sn = Math.sin(rollDeg * DEG2RAD);
  const cx = width / 2;
  const cy = height / 2;
  const out: P2[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const l = image[i];
    if (!l) {
      out.push({ x: NaN, y: NaN, s: 0, inFrame: false });
      continue;
    }
    const inFrame = l.x >= -IN_FRAME_MARGIN && l.x <= 1 + IN_FRAME_MARGIN && l.y >= -IN_FRAME_MARGIN && l.y <= 1 + IN_FRAME_MARGIN;
    let x = l.x * width - cx;
    let y = cy - l.y * height;
    if (rollDeg !== 0) {
      // rotate counter-clockwise by rollDeg (y up)
      const rx = x * c - y * sn;
      const ry = x * sn + y * c;
      x = rx;
      y = ry;
    }
    out.push({ x, y, s: seen(l), inFrame });
  }
  return out;
}

/** World landmarks with y flipped to point up. */
export function toWorld(world: Landmark[]): P3[] {
  const out: P3[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const l = world[i];
    out.push(l ? { x: l.x, y: -l.y, z: l.z, s: seen(l) } : { x: NaN, y: NaN, z: NaN, s: 0 });
  }
  return out;
}

export function framePixels(frame: PoseFrame, rollDeg = 0): P2[] | null {
  return frame.image ? toPixels(frame.image, frame.width, frame.height, rollDeg) : null;
}

export const mid2 = (a: P2, b: P2): P2 => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, s: Math.min(a.s, b.s), inFrame: a.inFrame && b.inFrame });
export const mid3 = (a: P3, b: P3): P3 => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, z: (a.z + b.z) / 2, s: Math.min(a.s, b.s) });
export const dist2 = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(b.x - a.x, b.y - a.y);

/** Angle of the vector from→to measured from straight UP, degrees; + when `to` is to the image right of `from`. */
export function angleFromVertical(from: { x: number; y: number }, to: { x: number; y: number }): number {
  return Math.atan2(to.x - from.x, to.y - from.y) * RAD2DEG;
}

/** Signed angle from vector a to vector b (2D, y up), degrees, counter-clockwise positive, in (-180, 180]. */
export function signedAngle2(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.atan2(a.x * b.y - a.y * b.x, a.x * b.x + a.y * b.y) * RAD2DEG;
}

export const sub2 = (a: { x: number; y: number }, b: { x: number; y: number }) => ({ x: a.x - b.x, y: a.y - b.y });
export const sub3 = (a: P3, b: P3) => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
export const dot3 = (a: { x: number; y: number; z: number }, b: { x: number; y: number; z: number }) => a.x * b.x + a.y * b.y + a.z * b.z;
export const norm3 = (a: { x: number; y: number; z: number }) => Math.hypot(a.x, a.y, a.z);

/** Wraps an angle to (-180, 180]. */
export function wrapDeg(a: number): number {
  let x = a % 360;
  if (x <= -180) x += 360;
  if (x > 180) x -= 360;
  return x;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function stddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

export const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
