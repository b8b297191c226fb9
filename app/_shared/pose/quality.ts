// Quality control: visibility/presence gating, outlier rejection, per-sample confidence.
import type { P2 } from "./geometry";
import { LM } from "./landmarks";

/** A landmark counts as seen at or above this min(visibility, presence). */
export const MIN_SEEN = 0.5;

/** Landmarks that must be seen (and inside the frame) for ANY sample to be produced. */
export const CORE_LANDMARKS = [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip] as const;

/**
 * Whether the body is properly seen: the 4 trunk landmarks inside the frame with a mean visibility >= MIN_SEEN and
 * none below MIN_SEEN / 2 (side-on, the far shoulder/hip is occluded and MediaPipe's visibility for it drops, but
 * its estimate is still usable for the mid-points). When false, no sample at all is produced (never a zero).
 */
export function bodySeen(p: P2[] | null): boolean {
  if (!p) return false;
  let sum = 0;
  for (const i of CORE_LANDMARKS) {
    const q = p[i]!;
    if (!q.inFrame || !(q.s >= MIN_SEEN / 2) || !Number.isFinite(q.x)) return false;
    sum += q.s;
  }
  return sum / CORE_LANDMARKS.length >= MIN_SEEN;
}

/** Landmarks a measure needs inside the frame. */
export function allInFrame(p: P2[], idx: readonly number[]): boolean {
  return idx.every((i) => p[i]!.inFrame);
}

/** Maps landmark visibility (MIN_SEEN..1) to a 0..1 confidence. */
export function visibilityConfidence(seen: number): number {
  if (!(seen >= MIN_SEEN)) return 0;
  return Math.min(1, 0.3 + (0.7 * (seen - MIN_SEEN)) / (0.9 - MIN_SEEN));
}

export interface OutlierGateOptions {
  /** fastest physiological change, deg/s (a trunk does not turn faster than this) */
  maxRateDegPerS: number;
  /** allowance on top of the rate limit, deg (landmark noise) */
  marginDeg: number;
  /** after this many consecutive rejected samples that agree with each other, accept the new level */
  reacquireAfter: number;
}
export const DEFAULT_OUTLIER_GATE: OutlierGateOptions = { maxRateDegPerS: 300, marginDeg: 12, reacquireAfter: 3 };

/**
 * Rejects single-frame jumps that are faster than a body can move (a mis-tracked frame, a limb swap). If the new
 * level persists for `reacquireAfter` frames it is accepted (the caller then resets its smoothing filter).
 */
export class OutlierGate {
  private last: number | null = null;
  private lastT = 0;
  private pending: number[] = [];
  constructor(private readonly o: OutlierGateOptions = DEFAULT_OUTLIER_GATE) {}

  reset(): void {
    this.last = null;
    this.pending = [];
  }

  /** Returns "accept", "reject" or "reacquire" (accepted after a jump: reset the smoothing). */
  check(value: number, tMs: number): "accept" | "reject" | "reacquire" {
    if (this.last === null) {
      this.last = value;
      this.lastT = tMs;
      return "accept";
    }
    const dt = Math.max(0, tMs - this.lastT) / 1000;
    const limit = this.o.maxRateDegPerS * dt + this.o.marginDeg;
    if (Math.abs(value - this.last) <= limit) {
      this.last = value;
      this.lastT = tMs;
      this.pending = [];
      return "accept";
    }
    const prev = this.pending[this.pending.length - 1];
    if (prev !== undefined && Math.abs(value - prev) > this.o.marginDeg) this.pending = [];
    this.pending.push(value);
    if (this.pending.length >= this.o.reacquireAfter) {
      this.last = value;
      this.lastT = tMs;
      this.pending = [];
      return "reacquire";
    }
    return "reject";
  }
}
