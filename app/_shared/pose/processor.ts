// PoseProcessor: turns a stream of PoseFrames into gated, outlier-checked, smoothed clinical angles with
// per-measure confidence, camera guidance and a compact PoseSample. Pure and isomorphic (runs in the browser next to
// the pose worker, and in Node tests).
import {
  bodyAxisAngle,
  classifyView,
  facingFromScore,
  facingScore,
  type Facing,
  headForward,
  hipFlexion,
  imageTrunkAngle,
  kneeFlexion,
  lateralFlexion,
  lateralFlexionWorld,
  pelvicTilt,
  type Reading,
  rightDirection,
  shoulderTilt,
  trunkFlexion,
  trunkFlexionWorld,
  trunkRotation,
  type View,
  type ViewEstimate,
} from "./angles";
import type { Calibration } from "./calibration";
import { biasAt, type BiasMeasure, modelBias, removeBias, unforeshorten } from "./correction";
import { DEFAULT_ONE_EURO, OneEuroFilter, type OneEuroOptions } from "./filter";
import { stddev, toPixels, toWorld } from "./geometry";
import { computeGuidance, type Guidance, type GuidanceOptions } from "./guidance";
import { LANDMARK_COUNT, LM, type PoseFrame } from "./landmarks";
import { emptyMeasures, MEASURE_INFO, MEASURES, type MeasureKey, type MeasureValues, viewFactor, withheldReason } from "./measures";
import { allInFrame, bodySeen, DEFAULT_OUTLIER_GATE, OutlierGate, type OutlierGateOptions, visibilityConfidence } from "./quality";
import type { PoseSample } from "./sample";

export interface ProcessorOptions {
  filter: OneEuroOptions;
  outlier: OutlierGateOptions;
  /** null = no calibration (a level camera is assumed) */
  calibration: Calibration | null;
  /** report trunk angles relative to the calibrated neutral stance (same view only) */
  zeroAtNeutral: boolean;
  /** window for the standing-sway SD, ms */
  swayWindowMs: number;
  guidance: GuidanceOptions;
  /** a measure missing for longer than this restarts its smoothing, ms */
  gapResetMs: number;
  /**
   * Corrections of the trunk's image angle (correction.ts): the view's foreshortening ("image": from the apparent
   * body width, "world": from the world landmarks' hip and shoulder lines, false: none) and the model's bias
   * (MODEL_BIAS: its view-dependent lines and the scaling of the world landmarks' view angle; false: neither).
   */
  foreshortening: "image" | "world" | false;
  modelBias: boolean;
  /**
   * The view estimates (the image yaw that picks the view, and the world landmarks' yaw and side that give the
   * off-axis angle) follow the body only while its trunk's image angle is within this many degrees of vertical, and
   * are held during a bend (Infinity: always follow). Only in a frontal view: a side bend does not move the camera,
   * but both estimates drift with a bent trunk (lite 20 deg off frontal: the image yaw rises past 35 deg, "oblique",
   * and the world yaw grows, so the off-axis correction grows). Side-on the hold helped on some training clips and
   * hurt on others, so there both follow the body. 5 deg and "both" were chosen on the training side bends
   * (tests/media/training, right and left views), issue 15 round 4.
   */
  viewHoldDeg: number;
  /** which estimates are held: the image yaw (view class), the world yaw (off-axis angle), or both */
  viewHold: "image" | "world" | "both";
}

export const DEFAULT_PROCESSOR: ProcessorOptions = {
  filter: DEFAULT_ONE_EURO,
  outlier: DEFAULT_OUTLIER_GATE,
  calibration: null,
  zeroAtNeutral: false,
  swayWindowMs: 5000,
  guidance: {},
  gapResetMs: 500,
  foreshortening: "world",
  modelBias: true,
  viewHoldDeg: 5,
  viewHold: "both",
};

export interface PoseResult {
  t: number;
  frame: PoseFrame;
  /** the body is properly seen; when false every angle is null and sample is null */
  seen: boolean;
  view: ViewEstimate;
  facing: Facing;
  /** gated and outlier-checked, before smoothing */
  raw: MeasureValues;
  /** smoothed (One Euro) — what the UI and samples show */
  angles: MeasureValues;
  conf: Record<MeasureKey, number>;
  confidence: number;
  /**
   * Measures the landmarks gave a value for that the view cannot tell apart or does not show (an oblique camera:
   * trunk flexion and lateral flexion are one image angle), with the reason; they are null in `raw` and `angles`.
   */
  withheld: Partial<Record<MeasureKey, string>>;
  guidance: Guidance;
  sample: PoseSample | null;
  /** alternative computations kept for the benchmark (image vs world landmarks) */
  variants: {
    imageTrunkDeg: number | null;
    trunkFlexionWorld: number | null;
    lateralFlexionWorld: number | null;
    /** the camera's signed angle off the view's ideal as estimated from the landmarks, before MODEL_BIAS scales it */
    offAxisDeg: number | null;
  };
}

// Which landmarks each measure needs inside the frame.
const NEEDS: Record<MeasureKey, readonly number[]> = {
  trunkFlexion: [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip],
  lateralFlexion: [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip],
  trunkRotation: [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip],
  hipFlexionL: [LM.leftShoulder, LM.leftHip, LM.leftKnee],
  hipFlexionR: [LM.rightShoulder, LM.rightHip, LM.rightKnee],
  kneeFlexionL: [LM.leftHip, LM.leftKnee, LM.leftAnkle],
  kneeFlexionR: [LM.rightHip, LM.rightKnee, LM.rightAnkle],
  headForward: [LM.leftShoulder, LM.rightShoulder],
  shoulderTilt: [LM.leftShoulder, LM.rightShoulder],
  pelvicTilt: [LM.leftHip, LM.rightHip],
  sway: [LM.leftShoulder, LM.rightShoulder, LM.leftAnkle, LM.rightAnkle],
};

const YAW_EMA = 0.3;
/** posture measures (head-forward, sway) are only taken with the trunk within this angle of vertical */
const UPRIGHT_DEG = 20;
/** after the body (re)appears, this many frames are skipped while MediaPipe's tracking settles */
const SETTLE_FRAMES = 2;
const FACING_EMA = 0.3;

export function viewFromYaw(yawDeg: number): View {
  if (!Number.isFinite(yawDeg)) return "unknown";
  return yawDeg < 35 ? "frontal" : yawDeg > 60 ? "sagittal" : "oblique";
}

export class PoseProcessor {
  private o: ProcessorOptions;
  private filters = new Map<MeasureKey, OneEuroFilter>();
  private gates = new Map<MeasureKey, OutlierGate>();
  private lastSeenT = new Map<MeasureKey, number>();
  private yaw: number | null = null;
  /** body yaw from the world landmarks, smoothed like `yaw` (the foreshortening correction's view angle) */
  private wYaw: number | null = null;
  /** smoothed sign evidence of the world landmarks: + = the camera sees the subject's front / right side */
  private wFront = 0;
  private wRight = 0;
  private facingS = 0;
  private facing: Facing = 0;
  /** facingS holds no evidence yet (after a reset): the next score seeds it instead of being averaged with 0 */
  private facingFresh = true;
  private lastBodyT = -Infinity;
  private sway: { t: number; a: number }[] = [];
  private settle = SETTLE_FRAMES;

  constructor(options: Partial<ProcessorOptions> = {}) {
    this.o = { ...DEFAULT_PROCESSOR, ...options };
    this.resetState();
  }

  get options(): Readonly<ProcessorOptions> {
    return this.o;
  }

  setOptions(options: Partial<ProcessorOptions>): void {
    const filterChanged = options.filter && options.filter !== this.o.filter;
    const calChanged = "calibration" in options && options.calibration !== this.o.calibration;
    this.o = { ...this.o, ...options };
    if (filterChanged || calChanged) this.resetState();
  }

  resetState(): void {
    for (const k of MEASURES) {
      this.filters.set(k, new OneEuroFilter(this.o.filter));
      this.gates.set(k, new OutlierGate(this.o.outlier));
    }
    this.lastSeenT.clear();
    this.yaw = null;
    this.wYaw = null;
    this.wFront = this.wRight = 0;
    this.facingS = 0;
    this.facing = 0;
    this.facingFresh = true;
    this.sway = [];
    this.settle = SETTLE_FRAMES;
  }

  process(frame: PoseFrame): PoseResult {
    const t = frame.t;
    const cal = this.o.calibration;
    const roll = cal?.rollDeg ?? 0;
    const guidance = computeGuidance(frame, this.o.guidance);
    const raw = emptyMeasures();
    const angles = emptyMeasures();
    const conf = Object.fromEntries(MEASURES.map((k) => [k, 0])) as Record<MeasureKey, number>;
    const variants: PoseResult["variants"] = { imageTrunkDeg: null, trunkFlexionWorld: null, lateralFlexionWorld: null, offAxisDeg: null };
    const p = frame.image ? toPixels(frame.image, frame.width, frame.height, roll) : null;
    const seen = bodySeen(p);
    let view: ViewEstimate = { view: "unknown", yawDeg: NaN, facingCamera: null };

    if (p && seen && this.settle > 0) {
      this.settle--;
      this.lastBodyT = t;
      // no value while tracking settles, but the facing gathers its evidence, so the first value shown has a sign
      this.updateFacing(p);
      return { t, frame, seen: false, view, facing: this.facing, raw, angles, conf, confidence: 0, withheld: {}, guidance, sample: null, variants };
    }
    if (!p || !seen) {
      this.settle = SETTLE_FRAMES;
      if (t - this.lastBodyT > 2000) {
        this.yaw = null;
        this.wYaw = null;
        this.wFront = this.wRight = 0;
        this.facingS = 0;
        this.facing = 0;
        this.facingFresh = true;
        this.sway = [];
      }
      this.resetStale(t);
      return { t, frame, seen: false, view, facing: this.facing, raw, angles, conf, confidence: 0, withheld: {}, guidance, sample: null, variants };
    }
    this.lastBodyT = t;

    // View (smoothed yaw, held during a bend) and facing (smoothed score with hysteresis: it only flips on clear
    // evidence).
    const it = imageTrunkAngle(p);
    // held only from the front (see viewHoldDeg); a body found bent is seeded from its first frame
    const hold = Math.abs(it.value) > this.o.viewHoldDeg && this.yaw !== null && viewFromYaw(this.yaw) === "frontal";
    const v = classifyView(p);
    if (Number.isFinite(v.yawDeg) && (this.yaw === null || !hold || this.o.viewHold === "world"))
      this.yaw = this.yaw === null ? v.yawDeg : this.yaw + YAW_EMA * (v.yawDeg - this.yaw);
    view = { ...v, yawDeg: this.yaw ?? NaN, view: viewFromYaw(this.yaw ?? NaN) };
    const facing = this.updateFacing(p);

    const neutral = cal && this.o.zeroAtNeutral && cal.view === view.view ? cal.neutralTrunkImageDeg : 0;
    const w = frame.world ? toWorld(frame.world) : null;
    variants.imageTrunkDeg = it.value;
    if (w) {
      variants.trunkFlexionWorld = trunkFlexionWorld(w).value;
      variants.lateralFlexionWorld = lateralFlexionWorld(w).value;
    }

    // how far the camera is off the view's ideal (side-on for flexion, frontal for side bending), signed, deg
    const offAxis = this.offAxis(view, w, !hold || this.o.viewHold === "image");
    variants.offAxisDeg = view.view === "sagittal" || view.view === "frontal" ? offAxis : null;
    // image angle -> the model's bias removed for this view (in the image) -> the view's foreshortening inverted
    const correct = (measure: BiasMeasure, inView: boolean) => {
      const bias = this.o.modelBias ? modelBias(measure, frame.model) : undefined;
      const a = inView ? (bias?.offAxisGain ?? 1) * offAxis : 0;
      const line = biasAt(bias, a);
      return (deg: number) => unforeshorten(removeBias(deg, line, measure === "trunkFlexion"), a);
    };
    const flex = correct("trunkFlexion", view.view === "sagittal");
    const lat = correct("lateralFlexion", view.view === "frontal");
    const tf = trunkFlexion(p, facing);
    const lf = lateralFlexion(p);
    const readings: Record<MeasureKey, Reading | null> = {
      trunkFlexion: tf && { value: flex(tf.value) - (neutral ? flex(facing * neutral) : 0), seen: tf.seen },
      lateralFlexion: { value: lat(lf.value) - (neutral ? lat(rightDirection(p) * neutral) : 0), seen: lf.seen },
      trunkRotation: w ? trunkRotation(w) : null,
      hipFlexionL: hipFlexion(p, "left", facing),
      hipFlexionR: hipFlexion(p, "right", facing),
      kneeFlexionL: kneeFlexion(p, "left", facing),
      kneeFlexionR: kneeFlexion(p, "right", facing),
      // head posture only means something when standing upright
      headForward: Math.abs(it.value) <= UPRIGHT_DEG ? headForward(p, facing) : null,
      shoulderTilt: shoulderTilt(p),
      pelvicTilt: pelvicTilt(p),
      sway: this.swayReading(p, t, it.value),
    };

    let coreConf = 0;
    const withheld: PoseResult["withheld"] = {};
    for (const k of MEASURES) {
      const r = readings[k];
      if (!r || !Number.isFinite(r.value) || !allInFrame(p, NEEDS[k])) continue;
      const why = withheldReason(k, view.view);
      if (why) {
        withheld[k] = why;
        continue;
      }
      let c = visibilityConfidence(r.seen) * viewFactor(k, view.view);
      if (MEASURE_INFO[k].estimate) c *= 0.5;
      if (c <= 0) continue;
      if (k === "sway") {
        raw[k] = angles[k] = r.value;
        conf[k] = c;
        continue;
      }
      const verdict = this.gates.get(k)!.check(r.value, t);
      if (verdict === "reject") continue;
      const filter = this.filters.get(k)!;
      const last = this.lastSeenT.get(k);
      if (verdict === "reacquire" || last === undefined || t - last > this.o.gapResetMs) filter.reset();
      this.lastSeenT.set(k, t);
      raw[k] = r.value;
      angles[k] = filter.filter(r.value, t);
      conf[k] = c;
      if (k === "trunkFlexion" || k === "lateralFlexion") coreConf = Math.max(coreConf, c);
    }
    this.resetStale(t);
    const confidence = Math.max(coreConf, visibilityConfidence(it.seen) * 0.5);

    const landmarks: number[] = [];
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      const l = frame.image![i]!;
      landmarks.push(l.x, l.y, Math.min(l.visibility ?? 1, l.presence ?? 1));
    }
    const sample: PoseSample = { t, view: view.view, confidence, angles: { ...angles }, conf: { ...conf }, landmarks };
    return { t, frame, seen: true, view, facing, raw, angles, conf, confidence, withheld, guidance, sample, variants };
  }

  /**
   * The camera's angle off the view's ideal, signed: side-on (sagittal; + = toward the subject's front) or facing the
   * camera (frontal; + = toward the subject's right), -90..90 deg; 0 when the correction is off or the view is
   * neither. The "image" mode has no sign (+).
   */
  private offAxis(view: ViewEstimate, w: ReturnType<typeof toWorld> | null, follow = true): number {
    const mode = this.o.foreshortening;
    if (!mode || (view.view !== "sagittal" && view.view !== "frontal")) return 0;
    let yaw = view.yawDeg; // 0 = facing the camera, 90 = side-on
    let front = 1, right = 1;
    if (mode === "world") {
      const y = w ? worldView(w) : null;
      if (y && (this.wYaw === null || follow)) {
        this.wYaw = this.wYaw === null ? y.yawDeg : this.wYaw + YAW_EMA * (y.yawDeg - this.wYaw);
        this.wFront += YAW_EMA * (y.front - this.wFront);
        this.wRight += YAW_EMA * (y.right - this.wRight);
      }
      yaw = this.wYaw ?? NaN;
      front = this.wFront < 0 ? -1 : 1;
      right = this.wRight < 0 ? -1 : 1;
    }
    if (!Number.isFinite(yaw)) return 0;
    return view.view === "sagittal" ? front * (90 - yaw) : right * yaw;
  }

  /**
   * The facing (smoothed score with hysteresis: it only flips on clear evidence). The first score after a reset seeds
   * the average: averaged with the 0 of "no evidence" (as until issue 15 round 3), a side-on subject in a deep bend
   * (feet seen, face to the floor: score 0.3-0.8) stayed "unknown", so without trunk flexion, for up to 4 frames
   * after the 2 settling frames (full model, training clip train_flexion_f10).
   */
  private updateFacing(p: ReturnType<typeof toPixels>): Facing {
    const score = facingScore(p);
    this.facingS = this.facingFresh ? score : this.facingS + FACING_EMA * (score - this.facingS);
    this.facingFresh = false;
    const f = facingFromScore(this.facingS);
    if (f !== 0) this.facing = f;
    return this.facing;
  }

  /** Drops the smoothing of measures that have been missing for a while. */
  private resetStale(t: number): void {
    for (const [k, last] of this.lastSeenT) {
      if (t - last > this.o.gapResetMs) {
        this.filters.get(k)!.reset();
        this.gates.get(k)!.reset();
        this.lastSeenT.delete(k);
      }
    }
  }

  /** Standing sway: SD of the whole-body inclination over the last swayWindowMs, while standing upright. */
  private swayReading(p: ReturnType<typeof toPixels>, t: number, trunkImageDeg: number): Reading | null {
    const a = bodyAxisAngle(p);
    if (!(a.seen >= 0.5) || Math.abs(trunkImageDeg) > UPRIGHT_DEG) {
      this.sway = [];
      return null;
    }
    this.sway.push({ t, a: a.value });
    while (this.sway.length && this.sway[0]!.t < t - this.o.swayWindowMs) this.sway.shift();
    const first = this.sway[0];
    if (!first || t - first.t < 0.4 * this.o.swayWindowMs || this.sway.length < 10) return null;
    return { value: stddev(this.sway.map((s) => s.a)), seen: a.seen };
  }
}

/**
 * Body yaw from the world landmarks: the hip line and the shoulder line about the vertical, 0 = square to the camera,
 * 90 = side-on. MediaPipe's world depth is a guess from one view, but the direction of these lines is steady.
 */
export function worldYaw(w: ReturnType<typeof toWorld>): number {
  return worldView(w)?.yawDeg ?? NaN;
}

/**
 * The body's yaw (as worldYaw) and which way it is turned, from the subject's left->right vector R (hips + shoulders)
 * in the world landmarks (x = image right, z = away from the camera). `front` (-1..1) > 0 when the camera sees the
 * subject's front: R points to the image left (facing the camera the subject's right is on the image left, whichever
 * way a side-on subject faces). `right` (-1..1) > 0 when the subject's right side is nearer the camera.
 */
export function worldView(w: ReturnType<typeof toWorld>): { yawDeg: number; front: number; right: number } | null {
  const ls = w[LM.leftShoulder]!, rs = w[LM.rightShoulder]!, lh = w[LM.leftHip]!, rh = w[LM.rightHip]!;
  const dx = rh.x - lh.x + (rs.x - ls.x), dz = rh.z - lh.z + (rs.z - ls.z);
  const len = Math.hypot(dx, dz);
  if (!Number.isFinite(len) || len === 0) return null;
  return { yawDeg: Math.atan2(Math.abs(dz), Math.abs(dx)) * (180 / Math.PI), front: -dx / len, right: -dz / len };
}
