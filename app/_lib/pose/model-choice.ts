// Which pose model runs: the user's choice, or "auto", which measures the full model on the live frames during a
// short warm-up and keeps it only when this machine runs it fast enough (median inference time per frame), else
// switches to lite. Pure: it is fed each analysed frame's model and inference time and says what to do.
import type { ModelChoice } from "./options";
import type { ModelName } from "./protocol";
import { median } from "./stats";

export interface ModelSelectorOptions {
  /** keep "full" when its median per-frame inference time is at most this (ms) */
  autoFullMaxMs: number;
  /** frames measured after the first `skipFrames` */
  warmupFrames: number;
  /** first frames left out of the measurement: they include person detection and WASM warm-up */
  skipFrames: number;
}

/** frames after which a clearly too slow full model is given up (see observe) */
const EARLY_FRAMES = 4;

export interface ModelPlan {
  /** the model to run now */
  model: ModelName;
  /** shown to the user (TrackerStats.modelReason) */
  reason: string;
  /** true while the warm-up measures `model` */
  warming: boolean;
}

/** The warm-up's verdict: keep the measured model, or switch to `model`. */
export interface ModelVerdict extends ModelPlan {
  warming: false;
  switchTo: ModelName | null;
  measured: ModelName;
  medianMs: number;
}

/**
 * Where the automatic choice is remembered between trackers (one per trial on the patient's page): the second trial
 * of a visit starts on the model the first one measured, so no trial begins with a warm-up and a model switch
 * (seconds in which few or no frames are analysed). The default keeps it for the page's lifetime.
 */
export interface ModelMemory {
  get(): ModelVerdict | null;
  set(v: ModelVerdict): void;
}
let pageVerdict: ModelVerdict | null = null;
export const pageMemory: ModelMemory = { get: () => pageVerdict, set: (v) => void (pageVerdict = v) };

export class ModelSelector {
  private warm: { model: ModelName; times: number[] } | null = null;
  /** median inference time measured during a warm-up, per model */
  readonly warmupMs: Partial<Record<ModelName, number>> = {};

  constructor(private readonly o: ModelSelectorOptions, private readonly memory: ModelMemory | null = null) {}

  /** True while a warm-up is measuring. */
  get warming(): boolean {
    return this.warm !== null;
  }

  /**
   * The plan for `choice`: a user's choice runs as it is; "auto" starts on the model an earlier warm-up chose on this
   * page (memory), else runs the full model and measures it. `remembered: false` measures anew (the user going back
   * to "auto").
   */
  plan(choice: ModelChoice, opts: { remembered?: boolean } = {}): ModelPlan {
    const known = choice === "auto" && (opts.remembered ?? true) ? this.memory?.get() : null;
    if (known) {
      this.warm = null;
      this.warmupMs[known.measured] = known.medianMs;
      return { model: known.model, reason: `${known.reason}, measured earlier on this page`, warming: false };
    }
    if (choice === "auto") {
      this.warm = { model: "full", times: [] };
      return { model: "full", reason: "auto: measuring the full model", warming: true };
    }
    this.warm = null;
    return { model: choice, reason: "chosen by the user", warming: false };
  }

  /** Feeds one analysed frame; returns the verdict once the warm-up has measured enough frames, else null. */
  observe(model: ModelName, inferMs: number): ModelVerdict | null {
    const w = this.warm;
    if (!w || model !== w.model) return null;
    w.times.push(inferMs);
    // Decided early when the full model is clearly too slow (median of at least 4 measured frames over twice the
    // limit): on a starved laptop the whole warm-up would cost many seconds of frames it can barely analyse.
    const measured = w.times.slice(this.o.skipFrames);
    const clearlySlow = measured.length >= EARLY_FRAMES && median(measured) > 2 * this.o.autoFullMaxMs;
    if (w.times.length < this.o.skipFrames + this.o.warmupFrames && !clearlySlow) return null;
    const m = median(measured);
    this.warmupMs[w.model] = m;
    this.warm = null;
    const max = this.o.autoFullMaxMs;
    const v: ModelVerdict = m <= max
      ? { model: "full", switchTo: null, measured: w.model, medianMs: m, warming: false, reason: `auto: full (median ${m.toFixed(0)} ms/frame <= ${max} ms)` }
      : { model: "lite", switchTo: "lite", measured: w.model, medianMs: m, warming: false, reason: `auto: lite (full took ${m.toFixed(0)} ms/frame > ${max} ms)` };
    this.memory?.set(v);
    return v;
  }
}
