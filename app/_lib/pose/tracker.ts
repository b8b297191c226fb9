// PoseTracker: the browser pose pipeline. Runs MediaPipe PoseLandmarker in a Web Worker (or on the main thread as a
// fallback) on the frames of a <video>'s camera and turns the landmarks into clinical angles with PoseProcessor.
//
// Latency is bounded by design: at most ONE frame is in flight and nothing is ever queued. In stream mode (the default
// where the browser has MediaStreamTrackProcessor) the worker reads the camera track itself and always takes the newest
// frame when it becomes free (the processor keeps one frame; older ones are dropped). Otherwise the page hands the
// worker the video's current frame on each presented frame, dropping frames that arrive while the worker is busy and
// taking the latest one as soon as it is free. Either way a slow machine gets a lower analysed frame rate, not a
// growing delay: capture to result stays at one inference time.
//
// The parts, each in its own module: capture/stream.ts and capture/page.ts (how frames reach the model),
// supervisor.ts (which backend runs the model, replacing a dead worker, switching models), model-choice.ts (the
// automatic choice by measured inference time), calibration-session.ts (neutral calibration on the live frames) and
// stats.ts (rates and timings). This class wires them together and publishes the results.
import type { CalibrationOutcome } from "@/app/_shared/pose/calibration";
import type { PoseFrame } from "@/app/_shared/pose/landmarks";
import { PoseProcessor, type PoseResult } from "@/app/_shared/pose/processor";
import { CalibrationSession } from "./calibration-session";
import { PageCapture, pageCaptureMode } from "./capture/page";
import { StreamCapture } from "./capture/stream";
import { ModelSelector, pageMemory } from "./model-choice";
import { DEFAULT_TRACKER, type ModelChoice, type TrackerOptions } from "./options";
import type { RawPose } from "./protocol";
import { emptyStats, FrameStats, type TrackerStats } from "./stats";
import { BackendSupervisor, defaultFactories, type BackendFactories } from "./supervisor";
import type { WorkerBackend } from "./backend";

export { DEFAULT_TRACKER, type ModelChoice, type TrackerOptions } from "./options";
export type { TrackerStats } from "./stats";

export interface TrackerUpdate {
  result: PoseResult;
  raw: RawPose;
  stats: TrackerStats;
  tag: unknown;
}

type Listener = (u: TrackerUpdate) => void;

export class PoseTracker {
  readonly options: TrackerOptions;
  readonly processor: PoseProcessor;
  readonly stats: TrackerStats = emptyStats();
  private readonly frameStats = new FrameStats(this.stats);
  private readonly supervisor: BackendSupervisor;
  private readonly models: ModelSelector;
  private readonly calibration: CalibrationSession;
  private readonly streamCapture: StreamCapture;
  private readonly pageCapture: PageCapture;
  private video: HTMLVideoElement | null = null;
  /**
   * The camera stream the worker reads in stream mode; null: the video's own stream. Set it when the video shows
   * something else than the full camera (a low-rate preview copy): a change is followed within a second.
   */
  source: MediaStream | null = null;
  private running = false;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(s: TrackerStats) => void>();
  private lastLuma: number | undefined;

  constructor(options: Partial<TrackerOptions> = {}, factories?: BackendFactories) {
    this.options = { ...DEFAULT_TRACKER, ...options, ...benchOverrides() };
    this.processor = new PoseProcessor(this.options.processor);
    this.supervisor = new BackendSupervisor(this.stats, this.options.backend, factories ?? defaultFactories(this.options));
    this.models = new ModelSelector({ autoFullMaxMs: this.options.autoFullMaxMs, warmupFrames: this.options.warmupFrames, skipFrames: 3 }, this.options.rememberModel ? pageMemory : null);
    this.stats.warmupMs = this.models.warmupMs;
    this.calibration = new CalibrationSession((c) => this.processor.setOptions({ calibration: c }));
    // what the capture sources see of the tracker
    const t = this;
    const host = {
      get running() {
        return t.running;
      },
      get video() {
        return t.video;
      },
      get source() {
        return t.source;
      },
      supervisor: this.supervisor,
      options: this.options,
      stats: this.stats,
      deliver: (raw: RawPose, at: number, tag: unknown) => this.handle(raw, at, tag),
      replaceDead: (dead: WorkerBackend) => this.replaceDeadWorker(dead),
      usePageCapture: () => this.usePageCapture(),
      schedulePage: () => this.pageCapture.schedule(),
    };
    this.streamCapture = new StreamCapture(host);
    this.pageCapture = new PageCapture(host);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: (s: TrackerStats) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private setState(state: TrackerStats["state"], error: string | null = null) {
    this.stats.state = state;
    this.stats.error = error;
    for (const fn of this.statusListeners) fn({ ...this.stats });
  }

  /** Loads the runtime and starts analysing `video`. Resolves once the first model is loaded. */
  async start(video: HTMLVideoElement): Promise<void> {
    if (this.running) this.stop();
    const gen = ++this.supervisor.gen;
    this.video = video;
    this.setState("loading");
    try {
      const plan = this.models.plan(this.options.model);
      if (!(await this.supervisor.init(plan.model, gen))) return; // stopped while loading
      this.stats.modelReason = plan.reason;
      this.setState(plan.warming ? "warming-up" : "running");
    } catch (err) {
      this.setState("error", String((err as Error)?.message ?? err));
      throw err;
    }
    this.running = true;
    if (!this.streamCapture.start()) this.pageCapture.schedule();
  }

  /** From now on the page hands frames to the model (stream mode is not tried again by this tracker). */
  private usePageCapture() {
    this.options.capture = pageCaptureMode(this.options.capture);
    this.stats.capture = this.options.capture;
  }

  /** Replaces a worker that died or stalled; false when that failed or the tracker was stopped meanwhile. */
  private async replaceDeadWorker(dead: WorkerBackend): Promise<boolean> {
    try {
      return await this.supervisor.replaceDead(dead);
    } catch (err) {
      this.setState("error", String((err as Error)?.message ?? err));
      return false;
    }
  }

  /** Overrides the model (or goes back to the automatic choice). */
  async setModel(choice: ModelChoice): Promise<void> {
    this.options.model = choice;
    if (!this.supervisor.backend) return;
    const target = choice === "auto" ? "full" : choice;
    await this.switchModel(target);
    const plan = this.models.plan(choice, { remembered: false });
    this.stats.modelReason = plan.reason;
    this.setState(plan.warming ? "warming-up" : "running");
  }

  private async switchModel(model: "lite" | "full") {
    if (await this.supervisor.switchModel(model, () => this.pageCapture.busy)) this.frameStats.resetInference();
  }

  /** Neutral calibration: stand still and upright; resolves after `durationMs`. */
  calibrate(durationMs = 2500): Promise<CalibrationOutcome> {
    const p = this.calibration.start(durationMs);
    this.stats.calibrating = this.calibration.progress;
    return p;
  }

  clearCalibration(): void {
    this.processor.setOptions({ calibration: null });
  }

  stop(): void {
    this.supervisor.gen++;
    this.running = false;
    this.streamCapture.stop();
    this.pageCapture.cancel();
    this.supervisor.close();
    this.setState("stopped");
  }

  private handle(raw: RawPose, t: number, tag: unknown) {
    this.frameStats.frame(raw, t, performance.now());
    if (raw.meanLuma !== undefined) this.lastLuma = raw.meanLuma;
    const frame: PoseFrame = { t, width: raw.width, height: raw.height, image: raw.image, world: raw.world, meanLuma: this.lastLuma, model: raw.model };
    this.calibration.add(frame);
    this.stats.calibrating = this.calibration.progress;
    const result = this.processor.process(frame);
    const verdict = this.models.observe(raw.model, raw.inferMs);
    if (verdict) {
      this.stats.modelReason = verdict.reason;
      if (!verdict.switchTo) this.setState("running");
      else
        void this.switchModel(verdict.switchTo).then(
          () => this.setState("running"),
          (err) => this.setState("error", String(err)),
        );
    }
    const stats = this.frameStats.snapshot();
    for (const fn of this.listeners) fn({ result, raw, stats, tag });
  }
}

/**
 * `npm run bench:stream -- --target-hz=N` measures other pacing targets on the production build: its init script sets
 * `__pvBenchTargetHz` in the patient's page. Nothing in the app sets it.
 */
function benchOverrides(): Partial<TrackerOptions> {
  const hz = (globalThis as { __pvBenchTargetHz?: unknown }).__pvBenchTargetHz;
  return typeof hz === "number" && Number.isFinite(hz) && hz >= 0 && hz <= 60 ? { targetHz: hz } : {};
}
