// Stream mode: the pose worker reads the camera track itself (MediaStreamTrackProcessor, one frame buffered), so the
// page's main thread is out of the frame loop. This module owns that mode: which track can be read, our copy of it
// (asked for at the model's input size, following the camera's enabled flag), the results coming back, a watchdog
// that follows a camera switch and replaces a worker that stopped answering, and the ways back to page capture
// (a stream that cannot be read, frames that keep failing, a copy that does not fit the video).
import { WorkerBackend } from "../backend";
import type { TrackerOptions } from "../options";
import { captureSize, type FromWorker, type RawPose } from "../protocol";
import type { BackendSupervisor } from "../supervisor";
import type { TrackerStats } from "../stats";

/** MediaStreamTrackProcessor: in the spec only in workers; Chromium also has it on the page (lib.dom lacks it). */
type TrackProcessor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };
const trackProcessor = (): TrackProcessor | undefined => (globalThis as { MediaStreamTrackProcessor?: TrackProcessor }).MediaStreamTrackProcessor;

/** A worker that has delivered nothing for this long while the camera delivers frames has stalled. */
export const STALL_MS = 20_000;

export interface StreamHost {
  readonly running: boolean;
  readonly video: HTMLVideoElement | null;
  /** the camera to read when it is not the video's own stream (the video may show a low-rate copy of it) */
  readonly source: MediaStream | null;
  readonly supervisor: BackendSupervisor;
  readonly options: Pick<TrackerOptions, "capture" | "inputMaxSide" | "lumaEvery" | "targetHz">;
  readonly stats: TrackerStats;
  /** one analysed frame, its capture time on this page's clock */
  deliver(raw: RawPose, t: number, tag: unknown): void;
  /** stream mode is over for this tracker: from now on the page hands frames to the model */
  usePageCapture(): void;
  /** runs the page-driven loop */
  schedulePage(): void;
  /** replaces a dead worker; false when that failed or the tracker stopped meanwhile */
  replaceDead(dead: WorkerBackend): Promise<boolean>;
}

/** What the watchdog does, once a second. */
export type WatchdogVerdict = "camera-switched" | "stalled" | "idle" | "ok";
export function watchdogVerdict(s: {
  /** the video's video track is a different live track than the one read */
  cameraSwitched: boolean;
  /** the camera delivers frames (live, enabled, not muted, page visible) */
  delivering: boolean;
  sinceResultMs: number;
  /** the worker read is still the tracker's backend and no model switch is under way */
  current: boolean;
}): WatchdogVerdict {
  if (s.cameraSwitched) return "camera-switched";
  if (s.delivering && s.sinceResultMs > STALL_MS && s.current) return "stalled";
  if (!s.delivering) return "idle";
  return "ok";
}

export class StreamCapture {
  /** ask the browser for the track copy at the model's input size; off once a copy came in the wrong shape */
  private scaleInCapture = true;
  private s: {
    source: MediaStreamTrack;
    /** our copy of the source, which the worker reads; it follows the source's enabled flag (camera off = no analysis) */
    track: MediaStreamTrack;
    backend: WorkerBackend;
    lastResultAt: number;
    /** frames in a row that failed */
    errors: number;
    watchdog: ReturnType<typeof setInterval>;
  } | null = null;

  constructor(private readonly host: StreamHost) {}

  get active(): boolean {
    return this.s !== null;
  }

  /** The camera track behind the video, when the worker can read it directly (stream mode). */
  private source(): MediaStreamTrack | null {
    const { options: o, supervisor } = this.host;
    if ((o.capture !== "auto" && o.capture !== "stream") || !(supervisor.backend instanceof WorkerBackend)) return null;
    const src = this.stream();
    if (!trackProcessor() || typeof MediaStream === "undefined" || !(src instanceof MediaStream)) return null;
    const track = src.getVideoTracks()[0];
    return track && track.readyState === "live" ? track : null;
  }

  /** The camera's stream: the one given, else the video's. */
  private stream(): MediaStream | null {
    const h = this.host;
    const src = h.source ?? h.video?.srcObject;
    return typeof MediaStream !== "undefined" && src instanceof MediaStream ? src : null;
  }

  /** Our copy of the track is on exactly when the camera is (only written on a change: each write costs the browser work). */
  private followEnabled(s: { source: MediaStreamTrack; track: MediaStreamTrack }) {
    if (s.track.enabled !== s.source.enabled) s.track.enabled = s.source.enabled;
  }

  /** (Re)starts stream mode; false when it is not possible (the caller then runs page capture). */
  start(): boolean {
    this.stop();
    const h = this.host;
    const source = this.source();
    const backend = h.supervisor.backend;
    if (!source || !(backend instanceof WorkerBackend) || !h.running) return false;
    const track = source.clone();
    try {
      const Processor = trackProcessor()!;
      const frames = new Processor({ track, maxBufferSize: 1 }).readable;
      const { inputMaxSide: maxSide, lumaEvery, targetHz } = h.options;
      backend.startStream(frames, { maxSide, lumaEvery, targetHz, frameRate: source.getSettings().frameRate ?? 0 }, (m) => this.onMessage(backend, m));
    } catch (err) {
      // e.g. a browser that cannot transfer a ReadableStream to a worker: the page-driven mode works everywhere
      track.stop();
      console.warn("[pose] camera stream to the worker unavailable, sending frames from the page:", err);
      h.usePageCapture();
      return false;
    }
    track.enabled = source.enabled;
    this.s = { source, track, backend, lastResultAt: performance.now(), errors: 0, watchdog: setInterval(() => this.check(), 1000) };
    h.stats.capture = "stream";
    // Ask for this copy of the track at the model's input size (the call keeps the full-size original). Chromium
    // then delivers the full frames labelled with that display size (scaling nothing yet), and the worker scales
    // them to it while converting them (yuv.ts; createImageBitmap where the converter does not apply).
    const v = h.video!;
    const size = this.scaleInCapture && v.videoWidth ? captureSize(v.videoWidth, v.videoHeight, h.options.inputMaxSide) : undefined;
    if (size)
      void track
        .applyConstraints({ width: size.resizeWidth!, height: size.resizeHeight!, aspectRatio: v.videoWidth / v.videoHeight, resizeMode: "crop-and-scale" } as MediaTrackConstraints)
        .catch(() => {});
    return true;
  }

  stop(): void {
    const s = this.s;
    if (!s) return;
    this.s = null;
    clearInterval(s.watchdog);
    s.backend.stopStream();
    s.track.stop();
  }

  /** Leaves stream mode for good (this tracker) and lets the page hand frames to the model. */
  private toPageMode(why: string) {
    console.warn(`[pose] ${why}; sending frames from the page instead`);
    this.stop();
    this.host.usePageCapture();
    if (this.host.running) this.host.schedulePage();
  }

  private restart() {
    if (!this.start()) this.host.schedulePage();
  }

  /** Follows a camera switch (a new track on the video) and replaces a worker that stopped answering. */
  private check() {
    const s = this.s;
    const h = this.host;
    if (!s || !h.running) return;
    this.followEnabled(s);
    const cur = this.stream()?.getVideoTracks()[0];
    const verdict = watchdogVerdict({
      cameraSwitched: !!cur && cur !== s.source && cur.readyState === "live",
      delivering: s.source.readyState === "live" && s.source.enabled && !s.source.muted && document.visibilityState !== "hidden",
      sinceResultMs: performance.now() - s.lastResultAt,
      current: h.supervisor.backend === s.backend && !h.supervisor.switching,
    });
    if (verdict === "camera-switched") this.restart();
    else if (verdict === "stalled") {
      this.stop();
      s.backend.abandon(new Error("pose worker stopped answering"));
      void h.replaceDead(s.backend).then((ok) => ok && h.running && this.restart());
    } else if (verdict === "idle") s.lastResultAt = performance.now(); // no frames to expect: not a stalled worker
  }

  private onMessage(backend: WorkerBackend, m: FromWorker) {
    const s = this.s;
    const h = this.host;
    if (!h.running || backend !== h.supervisor.backend || !s) return;
    s.lastResultAt = performance.now();
    if (m.type === "stream-ended") {
      if (s.source.readyState === "live") this.toPageMode(m.reason);
      return;
    }
    if (m.type === "error") {
      h.stats.error = m.message;
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
    const v = h.video;
    if (v?.videoWidth && Math.abs(m.pose.width / m.pose.height / (v.videoWidth / v.videoHeight) - 1) > 0.02) {
      if (this.scaleInCapture) {
        console.warn(`[pose] the camera copy came ${m.pose.width}x${m.pose.height} for a ${v.videoWidth}x${v.videoHeight} video; scaling in the worker instead`);
        this.scaleInCapture = false;
        this.restart();
      } else if (++s.errors >= 10) this.toPageMode(`frames of ${m.pose.width}x${m.pose.height} do not fit the ${v.videoWidth}x${v.videoHeight} video`);
      return;
    }
    h.stats.dropped += m.streamed?.dropped ?? 0;
    h.stats.paced += m.streamed?.paced ?? 0;
    // the worker stamps frames in wall-clock time: back to this page's clock
    const t = m.pose.t - performance.timeOrigin;
    h.deliver({ ...m.pose, t }, t, m.streamed?.tag);
  }
}
