// The tracker's statistics: what the pipeline is doing (state, backend, capture mode, model and why) and how fast
// (analysed frames per second over a sliding window, inference time median / p95 over the last frames, capture to
// result time of the last frame). Pure: times are passed in, so it is unit-tested without a browser.
import type { PoseBackend } from "./backend";
import type { ModelName, RawPose } from "./protocol";

export interface TrackerStats {
  state: "idle" | "loading" | "warming-up" | "running" | "error" | "stopped";
  backend: PoseBackend["kind"] | null;
  /** why the worker was not used, when it was not */
  fallbackReason: string | null;
  /** how frames reach the model now (see TrackerOptions.capture) */
  capture: "stream" | "video-frame" | "bitmap" | null;
  /** how the last frame became the model's pixels (RawPose.conversion) */
  conversion: "yuv" | "bitmap" | null;
  model: ModelName | null;
  /** how the model was chosen */
  modelReason: string;
  /** analysed frames per second over the last 2 s */
  analysedFps: number;
  /** median / p95 inference time over the last 30 frames, ms */
  inferMs: number;
  inferP95Ms: number;
  /** capture -> result time of the last frame (includes bitmap transfer and inference), ms */
  latencyMs: number;
  analysed: number;
  dropped: number;
  /** camera frames the worker skipped to hold the target rate on fresh frames (stream mode, TrackerOptions.targetHz) */
  paced: number;
  /** median inference time measured during the warm-up, per model */
  warmupMs: Partial<Record<ModelName, number>>;
  calibrating: number | null;
  error: string | null;
}

export const emptyStats = (): TrackerStats => ({
  state: "idle",
  backend: null,
  fallbackReason: null,
  capture: null,
  conversion: null,
  model: null,
  modelReason: "",
  analysedFps: 0,
  inferMs: NaN,
  inferP95Ms: NaN,
  latencyMs: NaN,
  analysed: 0,
  dropped: 0,
  paced: 0,
  warmupMs: {},
  calibrating: null,
  error: null,
});

/** The lower median (NaN for none). */
export const median = (a: readonly number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
/** The p-quantile by the nearest-rank method (NaN for none). */
export const pct = (a: readonly number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! : NaN;
};

export interface FrameStatsOptions {
  /** analysedFps is counted over this window, ms */
  rateWindowMs: number;
  /** inferMs / inferP95Ms over this many last frames */
  inferFrames: number;
}
export const DEFAULT_FRAME_STATS: FrameStatsOptions = { rateWindowMs: 2000, inferFrames: 30 };

/** Keeps the per-frame figures of a TrackerStats up to date. */
export class FrameStats {
  private doneTimes: number[] = [];
  private inferTimes: number[] = [];

  constructor(readonly stats: TrackerStats, private readonly o: FrameStatsOptions = DEFAULT_FRAME_STATS) {}

  /** One analysed frame, captured at `t` and finished at `now` (same clock, ms). */
  frame(raw: Pick<RawPose, "inferMs" | "conversion">, t: number, now: number): void {
    const s = this.stats;
    s.analysed++;
    s.latencyMs = now - t;
    this.doneTimes.push(now);
    while (this.doneTimes.length && this.doneTimes[0]! < now - this.o.rateWindowMs) this.doneTimes.shift();
    s.analysedFps = this.doneTimes.length > 1 ? ((this.doneTimes.length - 1) * 1000) / (now - this.doneTimes[0]!) : 0;
    this.inferTimes.push(raw.inferMs);
    if (this.inferTimes.length > this.o.inferFrames) this.inferTimes.shift();
    s.inferMs = median(this.inferTimes);
    s.inferP95Ms = pct(this.inferTimes, 0.95);
    s.conversion = raw.conversion ?? null;
  }

  /** Forgets the inference times (another model now runs). */
  resetInference(): void {
    this.inferTimes = [];
  }

  /** A copy to hand to listeners (they may keep it). */
  snapshot(): TrackerStats {
    return { ...this.stats, warmupMs: { ...this.stats.warmupMs } };
  }
}
