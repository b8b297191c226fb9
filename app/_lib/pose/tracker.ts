// PoseTracker: the browser pose pipeline. Runs MediaPipe PoseLandmarker in a Web Worker (or on the main thread as a
// fallback) on the frames of a <video>'s camera and turns the landmarks into clinical angles with PoseProcessor.
//
// Latency is bounded by design: at most ONE frame is in flight and nothing is ever queued. In stream mode (the default
// where the browser has MediaStreamTrackProcessor) the worker reads the camera track itself and always takes the newest
// frame when it becomes free (the processor keeps one frame; older ones are dropped). Otherwise the page hands the
// worker the video's current frame on each presented frame, dropping frames that arrive while the worker is busy and
// taking the latest one as soon as it is free. Either way a slow machine gets a lower analysed frame rate, not a
// growing delay: capture to result stays at one inference time.
import { type CalibrationOutcome, NeutralCalibrator } from "@/app/_shared/pose/calibration";
import type { PoseFrame } from "@/app/_shared/pose/landmarks";
import { PoseProcessor, type PoseResult, type ProcessorOptions } from "@/app/_shared/pose/processor";
import { MainThreadBackend, type PoseBackend, WorkerBackend, type WorkerFactory } from "./backend";
import { type AssetPaths, captureSize, DEFAULT_ASSETS, type FrameImage, type FromWorker, type ModelName, type RawPose } from "./protocol";

export type ModelChoice = "auto" | ModelName;

export interface TrackerOptions {
  assets: AssetPaths;
  /** "auto": measure the full model during a short warm-up on the live frames and keep it only if it is fast enough */
  model: ModelChoice;
  backend: "auto" | "worker" | "main-thread";
  createWorker?: WorkerFactory;
  processor: Partial<ProcessorOptions>;
  /** auto choice: keep "full" when its median per-frame inference time is at most this (ms) */
  autoFullMaxMs: number;
  /** analysed frames measured by the warm-up (after the first few, which include detection and WASM warm-up) */
  warmupFrames: number;
  /** "video": analyse new video frames (default); "continuous": re-analyse as fast as possible (benchmarks) */
  schedule: "video" | "continuous";
  /** measure frame brightness every Nth frame (0 = never) for the light guidance */
  lumaEvery: number;
  /**
   * Longest side (px) of the bitmap handed to the model: larger frames are scaled down while they are captured
   * (0 = as captured). The landmark model only ever sees a 256x256 crop of the person, so a camera frame far bigger
   * than that costs copy and conversion time without adding precision; see `npm run bench:accuracy`.
   */
  inputMaxSide: number;
  /**
   * How frames reach the model:
   * - "stream": the worker reads the camera track itself (MediaStreamTrackProcessor): the page's main thread is out
   *   of the loop and a frame is taken when it is captured, not when the <video> presents it;
   * - "video-frame": on each presented frame the page wraps it in a VideoFrame (no pixel copy) for the worker;
   * - "bitmap": the page copies and scales it with createImageBitmap (the fallback; on a busy 2-core laptop this
   *   was most of the patient page's main-thread time during a call).
   * "auto" picks the first the browser supports ("stream" needs a worker and a MediaStream on the video).
   */
  capture: "auto" | "stream" | "video-frame" | "bitmap";
  /**
   * Stream mode: analysed frames per second to aim for, preferring fresh frames (pacer.ts); 0 = every frame the
   * worker can take. Above it a laptop would only spend more CPU, which the call's other threads then wait for.
   */
  targetHz: number;
  /**
   * called with each frame the page captures before it is sent; its return value comes back with the result
   * (benchmarks; in stream mode the worker's frame tagger does this, see pose.worker.ts)
   */
  onCapture?: (image: FrameImage) => unknown;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  assets: DEFAULT_ASSETS,
  model: "auto",
  backend: "auto",
  processor: {},
  autoFullMaxMs: 40,
  warmupFrames: 12,
  schedule: "video",
  lumaEvery: 15,
  inputMaxSide: 384,
  capture: "auto",
  targetHz: 18,
};

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

export interface TrackerUpdate {
  result: PoseResult;
  raw: RawPose;
  stats: TrackerStats;
  tag: unknown;
}

type Listener = (u: TrackerUpdate) => void;

/** MediaStreamTrackProcessor: in the spec only in workers; Chromium also has it on the page (lib.dom lacks it). */
type TrackProcessor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };
const trackProcessor = (): TrackProcessor | undefined => (globalThis as { MediaStreamTrackProcessor?: TrackProcessor }).MediaStreamTrackProcessor;


const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const pct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! : NaN;
};

export class PoseTracker {
  readonly options: TrackerOptions;
  readonly processor: PoseProcessor;
  private backend: PoseBackend | null = null;
  private video: HTMLVideoElement | null = null;
  private running = false;
  private busy = false;
  private missed = false;
  private frameHandle = 0;
  private nextId = 1;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(s: TrackerStats) => void>();
  private doneTimes: number[] = [];
  private inferTimes: number[] = [];
  private warm: { model: ModelName; times: number[] } | null = null;
  private calibrator: { c: NeutralCalibrator; resolve: (o: CalibrationOutcome) => void } | null = null;
  private switching = false;
  readonly stats: TrackerStats = {
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
  };

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER, ...options };
    this.processor = new PoseProcessor(this.options.processor);
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

  /** bumped by start() and stop(): work that finishes after its generation ended is thrown away */
  private gen = 0;

  /** Loads the runtime and starts analysing `video`. Resolves once the first model is loaded. */
  async start(video: HTMLVideoElement): Promise<void> {
    if (this.running) this.stop();
    const gen = ++this.gen;
    this.video = video;
    this.setState("loading");
    try {
      const first: ModelName = this.options.model === "lite" ? "lite" : "full";
      if (!(await this.initBackend(first, gen))) return; // stopped while loading
      if (this.options.model === "auto") {
        this.warm = { model: first, times: [] };
        this.stats.modelReason = "auto: measuring the full model";
        this.setState("warming-up");
      } else {
        this.stats.modelReason = "chosen by the user";
        this.setState("running");
      }
    } catch (err) {
      this.setState("error", String((err as Error)?.message ?? err));
      throw err;
    }
    this.running = true;
    if (!this.startStreaming()) this.scheduleNext();
  }

  private pageCapture(): "video-frame" | "bitmap" {
    return this.options.capture !== "bitmap" && typeof VideoFrame === "function" ? "video-frame" : "bitmap";
  }

  /** From now on the page hands frames to the model (stream mode is not tried again by this tracker). */
  private usePageCapture() {
    this.options.capture = this.pageCapture();
    this.stats.capture = this.options.capture;
  }

  private scaleInCapture = true;
  private stream: {
    source: MediaStreamTrack;
    /** our copy of the source, which the worker reads; it follows the source's enabled flag (camera off = no analysis) */
    track: MediaStreamTrack;
    backend: WorkerBackend;
    lastResultAt: number;
    /** frames in a row that failed */
    errors: number;
    watchdog: ReturnType<typeof setInterval>;
  } | null = null;

  /** Our copy of the track is on exactly when the camera is (only written on a change: each write costs the browser work). */
  private followEnabled(s: { source: MediaStreamTrack; track: MediaStreamTrack }) {
    if (s.track.enabled !== s.source.enabled) s.track.enabled = s.source.enabled;
  }

  /** Leaves stream mode for good (this tracker) and lets the page hand frames to the model. */
  private toPageMode(why: string) {
    console.warn(`[pose] ${why}; sending frames from the page instead`);
    this.stopStreaming();
    this.usePageCapture();
    if (this.running) this.scheduleNext();
  }

  /** The camera track behind the video, when the worker can read it directly (stream mode). */
  private streamSource(): MediaStreamTrack | null {
    const o = this.options;
    if ((o.capture !== "auto" && o.capture !== "stream") || !(this.backend instanceof WorkerBackend)) return null;
    const src = this.video?.srcObject;
    if (!trackProcessor() || typeof MediaStream === "undefined" || !(src instanceof MediaStream)) return null;
    const track = src.getVideoTracks()[0];
    return track && track.readyState === "live" ? track : null;
  }

  private startStreaming(): boolean {
    this.stopStreaming();
    const source = this.streamSource();
    const backend = this.backend;
    if (!source || !(backend instanceof WorkerBackend) || !this.running) return false;
    const track = source.clone();
    try {
      const Processor = trackProcessor()!;
      const frames = new Processor({ track, maxBufferSize: 1 }).readable;
      const { inputMaxSide: maxSide, lumaEvery, targetHz } = this.options;
      backend.startStream(frames, { maxSide, lumaEvery, targetHz, frameRate: source.getSettings().frameRate ?? 0 }, (m) => this.onStreamed(backend, m));
    } catch (err) {
      // e.g. a browser that cannot transfer a ReadableStream to a worker: the page-driven mode works everywhere
      track.stop();
      console.warn("[pose] camera stream to the worker unavailable, sending frames from the page:", err);
      this.usePageCapture();
      return false;
    }
    track.enabled = source.enabled;
    const s = { source, track, backend, lastResultAt: performance.now(), errors: 0, watchdog: setInterval(() => this.checkStream(), 1000) };
    this.stream = s;
    this.stats.capture = "stream";
    // Ask for this copy of the track at the model's input size (the call keeps the full-size original). Chromium
    // then delivers the full frames labelled with that display size (scaling nothing yet), and the worker scales
    // them to it while converting them (yuv.ts; createImageBitmap where the converter does not apply).
    const v = this.video!;
    const size = this.scaleInCapture && v.videoWidth ? captureSize(v.videoWidth, v.videoHeight, this.options.inputMaxSide) : undefined;
    if (size)
      void track
        .applyConstraints({ width: size.resizeWidth!, height: size.resizeHeight!, aspectRatio: v.videoWidth / v.videoHeight, resizeMode: "crop-and-scale" } as MediaTrackConstraints)
        .catch(() => {});
    return true;
  }

  private stopStreaming() {
    const s = this.stream;
    if (!s) return;
    this.stream = null;
    clearInterval(s.watchdog);
    s.backend.stopStream();
    s.track.stop();
  }

  /** Follows a camera switch (a new track on the video) and replaces a worker that stopped answering. */
  private checkStream() {
    const s = this.stream;
    if (!s || !this.running) return;
    this.followEnabled(s);
    const cur = this.video?.srcObject instanceof MediaStream ? this.video.srcObject.getVideoTracks()[0] : undefined;
    const delivering = s.source.readyState === "live" && s.source.enabled && !s.source.muted && document.visibilityState !== "hidden";
    if (cur && cur !== s.source && cur.readyState === "live") {
      if (!this.startStreaming()) this.scheduleNext();
    } else if (delivering && performance.now() - s.lastResultAt > 20_000 && this.backend === s.backend && !this.switching) {
      this.stopStreaming();
      s.backend.abandon(new Error("pose worker stopped answering"));
      void this.replaceDeadWorker(s.backend).then((ok) => ok && this.running && !this.startStreaming() && this.scheduleNext());
    } else if (!delivering) {
      s.lastResultAt = performance.now(); // no frames to expect: not a stalled worker
    }
  }

  private onStreamed(backend: WorkerBackend, m: FromWorker) {
    const s = this.stream;
    if (!this.running || backend !== this.backend || !s) return;
    s.lastResultAt = performance.now();
    if (m.type === "stream-ended") {
      if (s.source.readyState === "live") this.toPageMode(m.reason);
      return;
    }
    if (m.type === "error") {
      this.stats.error = m.message;
      if (++s.errors >= 10) this.toPageMode(`${s.errors} frames in a row failed in stream mode (${m.message})`);
      return;
    }
    if (m.type !== "result") return;
    s.errors = 0;
    // camera turned off: nothing of what the camera saw is analysed or sent on
    this.followEnabled(s);
    if (!s.source.enabled) return;
    // Landmarks are relative to the analysed frame: if the browser cropped the scaled copy of the track, they would
    // not fit the video. Then the worker gets full frames and scales them itself.
    const v = this.video;
    if (v?.videoWidth && Math.abs(m.pose.width / m.pose.height / (v.videoWidth / v.videoHeight) - 1) > 0.02) {
      if (this.scaleInCapture) {
        console.warn(`[pose] the camera copy came ${m.pose.width}x${m.pose.height} for a ${v.videoWidth}x${v.videoHeight} video; scaling in the worker instead`);
        this.scaleInCapture = false;
        if (!this.startStreaming()) this.scheduleNext();
      } else if (++s.errors >= 10) this.toPageMode(`frames of ${m.pose.width}x${m.pose.height} do not fit the ${v.videoWidth}x${v.videoHeight} video`);
      return;
    }
    this.stats.dropped += m.streamed?.dropped ?? 0;
    this.stats.paced += m.streamed?.paced ?? 0;
    // the worker stamps frames in wall-clock time: back to this page's clock
    const t = m.pose.t - performance.timeOrigin;
    this.handle({ ...m.pose, t }, t, m.streamed?.tag);
  }

  private workerLosses = 0;
  /** Replaces a worker that died or stalled; false when that failed or the tracker was stopped meanwhile. */
  private async replaceDeadWorker(dead: WorkerBackend): Promise<boolean> {
    dead.close();
    if (this.backend === dead) this.backend = null;
    this.workerLosses++;
    if (this.workerLosses >= 2) this.options.backend = "main-thread";
    try {
      if (!(await this.initBackend(this.stats.model ?? "lite", this.gen))) return false;
      console.warn(`[pose] replaced a stalled worker; now on ${this.stats.backend}`);
      return true;
    } catch (err) {
      this.setState("error", String((err as Error)?.message ?? err));
      return false;
    }
  }

  /** Loads a backend for `model`; false (and nothing kept) when generation `gen` ended meanwhile. */
  private async initBackend(model: ModelName, gen: number): Promise<boolean> {
    const want = this.options.backend;
    if (want !== "main-thread" && typeof Worker !== "undefined") {
      let b: WorkerBackend | null = null;
      try {
        b = new WorkerBackend(this.options.assets, this.options.createWorker);
        const r = await b.load(model);
        if (gen !== this.gen) {
          b.close();
          return false;
        }
        this.backend = b;
        this.stats.backend = "worker";
        this.stats.model = r.model;
        return true;
      } catch (err) {
        b?.close();
        if (want === "worker") throw err;
        this.stats.fallbackReason = String((err as Error)?.message ?? err);
        console.warn("[pose] worker unavailable, running on the main thread:", this.stats.fallbackReason);
      }
    }
    const m = new MainThreadBackend(this.options.assets);
    const r = await m.load(model);
    if (gen !== this.gen) {
      m.close();
      return false;
    }
    this.backend = m;
    this.stats.backend = "main-thread";
    this.stats.model = r.model;
    return true;
  }

  /** Overrides the model (or goes back to the automatic choice). */
  async setModel(choice: ModelChoice): Promise<void> {
    this.options.model = choice;
    const target: ModelName = choice === "auto" ? "full" : choice;
    if (!this.backend) return;
    await this.switchModel(target);
    if (choice === "auto") {
      this.warm = { model: "full", times: [] };
      this.stats.modelReason = "auto: measuring the full model";
      this.setState("warming-up");
    } else {
      this.warm = null;
      this.stats.modelReason = "chosen by the user";
      this.setState("running");
    }
  }

  private async switchModel(model: ModelName) {
    if (!this.backend || this.stats.model === model) return;
    this.switching = true;
    try {
      while (this.busy) await new Promise((r) => setTimeout(r, 5));
      await this.backend.load(model);
      this.stats.model = model;
      this.inferTimes = [];
    } finally {
      this.switching = false;
    }
  }

  /** Neutral calibration: stand still and upright; resolves after `durationMs`. */
  calibrate(durationMs = 2500): Promise<CalibrationOutcome> {
    this.calibrator?.resolve({ ok: false, reason: "too-few-frames", message: "Calibration restarted." });
    return new Promise((resolve) => {
      const c = new NeutralCalibrator({ ...new NeutralCalibrator().options, durationMs });
      this.calibrator = { c, resolve };
      this.stats.calibrating = 0;
    });
  }

  clearCalibration(): void {
    this.processor.setOptions({ calibration: null });
  }

  stop(): void {
    this.gen++;
    this.running = false;
    this.stopStreaming();
    if (this.video && this.frameHandle && "cancelVideoFrameCallback" in this.video) this.video.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = 0;
    this.backend?.close();
    this.backend = null;
    this.setState("stopped");
  }

  private scheduleNext() {
    if (!this.running || !this.video) return;
    const v = this.video;
    if ("requestVideoFrameCallback" in v) this.frameHandle = v.requestVideoFrameCallback(this.onVideoFrame);
    else requestAnimationFrame(this.onVideoFrame);
  }

  private onVideoFrame = () => {
    if (!this.running) return;
    this.scheduleNext();
    if (this.busy || this.switching) {
      // Drop: the worker is still on an older frame. Remember that a newer one exists.
      this.missed = true;
      this.stats.dropped++;
      return;
    }
    void this.capture();
  };

  private async capture(): Promise<void> {
    const v = this.video;
    const backend = this.backend;
    if (!v || !backend || !this.running || this.busy || this.switching) return;
    if (v.readyState < 2 || !v.videoWidth) return;
    this.busy = true;
    this.missed = false;
    const id = this.nextId++;
    const t = performance.now();
    try {
      const size = captureSize(v.videoWidth, v.videoHeight, this.options.inputMaxSide);
      const mode = (this.stats.capture = this.pageCapture());
      const asFrame = mode === "video-frame";
      const image: FrameImage = asFrame ? new VideoFrame(v) : await createImageBitmap(v, size);
      const tag = this.options.onCapture?.(image);
      const luma = this.options.lumaEvery > 0 && id % this.options.lumaEvery === 1;
      const raw = await backend.detect(image, id, t, luma, asFrame ? size : undefined);
      if (!this.running || backend !== this.backend) return;
      this.handle(raw, t, tag);
    } catch (err) {
      if (this.running) {
        console.error("[pose] frame failed", err);
        this.stats.error = String((err as Error)?.message ?? err);
        // A worker that died or stalled (a starved machine) is replaced instead of failing every later frame;
        // after two such losses the pipeline runs on the main thread.
        if (backend instanceof WorkerBackend && backend.failed && backend === this.backend) await this.replaceDeadWorker(backend);
      }
    } finally {
      this.busy = false;
    }
    // The worker is free: take the latest frame now if one arrived meanwhile (or always, in continuous mode).
    if (this.running && (this.missed || this.options.schedule === "continuous")) setTimeout(() => void this.capture(), 0);
  }

  private lastLuma: number | undefined;
  private handle(raw: RawPose, t: number, tag: unknown) {
    const now = performance.now();
    const s = this.stats;
    s.analysed++;
    s.latencyMs = now - t;
    this.doneTimes.push(now);
    while (this.doneTimes.length && this.doneTimes[0]! < now - 2000) this.doneTimes.shift();
    s.analysedFps = this.doneTimes.length > 1 ? ((this.doneTimes.length - 1) * 1000) / (now - this.doneTimes[0]!) : 0;
    this.inferTimes.push(raw.inferMs);
    if (this.inferTimes.length > 30) this.inferTimes.shift();
    s.inferMs = median(this.inferTimes);
    s.inferP95Ms = pct(this.inferTimes, 0.95);
    if (raw.meanLuma !== undefined) this.lastLuma = raw.meanLuma;
    s.conversion = raw.conversion ?? null;

    const frame: PoseFrame = { t, width: raw.width, height: raw.height, image: raw.image, world: raw.world, meanLuma: this.lastLuma };
    if (this.calibrator) {
      const { c, resolve } = this.calibrator;
      const done = c.add(frame);
      s.calibrating = c.progress;
      if (done) {
        this.calibrator = null;
        s.calibrating = null;
        const out = c.result();
        if (out.ok) this.processor.setOptions({ calibration: out.calibration });
        resolve(out);
      }
    }
    const result = this.processor.process(frame);
    if (this.warm) this.warmStep(raw);
    const stats = { ...s, warmupMs: { ...s.warmupMs } };
    for (const fn of this.listeners) fn({ result, raw, stats, tag });
  }

  private warmStep(raw: RawPose) {
    const w = this.warm!;
    if (raw.model !== w.model) return;
    w.times.push(raw.inferMs);
    const skip = 3; // first frames include person detection and WASM warm-up
    if (w.times.length < skip + this.options.warmupFrames) return;
    const m = median(w.times.slice(skip));
    this.stats.warmupMs[w.model] = m;
    this.warm = null;
    const max = this.options.autoFullMaxMs;
    if (m <= max) {
      this.stats.modelReason = `auto: full (median ${m.toFixed(0)} ms/frame <= ${max} ms)`;
      this.setState("running");
    } else {
      this.stats.modelReason = `auto: lite (full took ${m.toFixed(0)} ms/frame > ${max} ms)`;
      void this.switchModel("lite").then(
        () => this.setState("running"),
        (err) => this.setState("error", String(err)),
      );
    }
  }
}
