// Neutral calibration: the patient stands still and upright for 2-3 s; the median inclination of their body axis
// (mid-ankle -> mid-shoulder) from the image vertical is taken as the camera roll (a phone leaning against a wall is
// rarely level) and removed from every later image angle by rotating the landmarks back (see geometry.toPixels).
// It also records the neutral trunk angles so a caller can optionally report angles relative to neutral.
import { bodyAxisAngle, classifyView, imageTrunkAngle, type View } from "./angles";
import { median, stddev, toPixels } from "./geometry";
import type { PoseFrame } from "./landmarks";
import { bodySeen, MIN_SEEN } from "./quality";

export interface Calibration {
  /** camera roll removed from image angles, deg (+ = verticals lean to the image right) */
  rollDeg: number;
  /** the trunk's image angle at neutral after the roll correction, deg (+ = image right) */
  neutralTrunkImageDeg: number;
  view: View;
  /** SD of the body-axis angle during the capture, deg */
  sdDeg: number;
  frames: number;
  at: number;
}

export type CalibrationOutcome =
  | { ok: true; calibration: Calibration }
  | { ok: false; reason: "too-few-frames" | "moving" | "camera-too-tilted"; message: string };

export interface CalibratorOptions {
  /** capture length, ms (2-3 s) */
  durationMs: number;
  /** maximum SD of the body axis to accept the capture, deg */
  maxSdDeg: number;
  /** larger rolls are refused: ask the user to level the camera instead */
  maxRollDeg: number;
  /** at least this fraction of the capture must have a properly seen body */
  minSeenFraction: number;
}
export const DEFAULT_CALIBRATOR: CalibratorOptions = { durationMs: 2500, maxSdDeg: 2, maxRollDeg: 20, minSeenFraction: 0.6 };

export class NeutralCalibrator {
  private axis: number[] = [];
  private trunk: number[] = [];
  private views: View[] = [];
  private total = 0;
  private t0: number | null = null;
  private lastT = 0;
  constructor(readonly options: CalibratorOptions = DEFAULT_CALIBRATOR) {}

  /** Feeds one frame; returns true once the capture time has elapsed. */
  add(frame: PoseFrame): boolean {
    this.t0 ??= frame.t;
    this.lastT = frame.t;
    this.total++;
    const p = frame.image ? toPixels(frame.image, frame.width, frame.height) : null;
    if (p && bodySeen(p)) {
      const a = bodyAxisAngle(p);
      if (a.seen >= MIN_SEEN) {
        this.axis.push(a.value);
        this.trunk.push(imageTrunkAngle(p).value);
        this.views.push(classifyView(p).view);
      }
    }
    return this.done;
  }

  get done(): boolean {
    return this.t0 !== null && this.lastT - this.t0 >= this.options.durationMs;
  }

  get progress(): number {
    return this.t0 === null ? 0 : Math.min(1, (this.lastT - this.t0) / this.options.durationMs);
  }

  result(): CalibrationOutcome {
    const o = this.options;
    if (this.axis.length < 5 || this.axis.length < o.minSeenFraction * this.total) {
      return { ok: false, reason: "too-few-frames", message: "Could not see your whole body. Step back until your head and feet are in the picture, then try again." };
    }
    const sd = stddev(this.axis);
    if (sd > o.maxSdDeg) return { ok: false, reason: "moving", message: "Please stand still and upright during the calibration, then try again." };
    const roll = median(this.axis);
    if (Math.abs(roll) > o.maxRollDeg) {
      return { ok: false, reason: "camera-too-tilted", message: "The camera is tilted. Stand it up straight, then try again." };
    }
    const counts = new Map<View, number>();
    for (const v of this.views) counts.set(v, (counts.get(v) ?? 0) + 1);
    const view = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "unknown";
    return {
      ok: true,
      calibration: {
        rollDeg: roll,
        neutralTrunkImageDeg: median(this.trunk) - roll,
        view,
        sdDeg: sd,
        frames: this.axis.length,
        at: this.lastT,
      },
    };
  }
}
