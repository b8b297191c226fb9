// Page capture: the page hands the model the video's current frame on each presented frame (a VideoFrame, no pixel
// copy; or a scaled ImageBitmap where VideoFrame is missing). At most one frame is in flight: frames presented while
// the model is busy are dropped and the newest is taken as soon as it is free, so a slow machine gets a lower rate,
// never a growing delay. Used where stream mode is not possible (no MediaStreamTrackProcessor, main-thread backend).
import { WorkerBackend } from "../backend";
import type { TrackerOptions } from "../options";
import { captureSize, type FrameImage, type RawPose } from "../protocol";
import type { BackendSupervisor } from "../supervisor";
import type { TrackerStats } from "../stats";

/** How the page hands frames over for the `capture` option (stream and auto fall back to the best page mode). */
export function pageCaptureMode(capture: TrackerOptions["capture"], hasVideoFrame = typeof VideoFrame === "function"): "video-frame" | "bitmap" {
  return capture !== "bitmap" && hasVideoFrame ? "video-frame" : "bitmap";
}

export interface PageHost {
  readonly running: boolean;
  readonly video: HTMLVideoElement | null;
  readonly supervisor: BackendSupervisor;
  readonly options: Pick<TrackerOptions, "capture" | "inputMaxSide" | "lumaEvery" | "schedule" | "onCapture">;
  readonly stats: TrackerStats;
  deliver(raw: RawPose, t: number, tag: unknown): void;
  replaceDead(dead: WorkerBackend): Promise<boolean>;
}

export class PageCapture {
  /** a frame is with the model */
  busy = false;
  /** a frame was presented while busy: take the newest as soon as the model is free */
  private missed = false;
  private frameHandle = 0;
  private nextId = 1;

  constructor(private readonly host: PageHost) {}

  /** Asks for the next presented frame. */
  schedule(): void {
    const h = this.host;
    if (!h.running || !h.video) return;
    const v = h.video;
    if ("requestVideoFrameCallback" in v) this.frameHandle = v.requestVideoFrameCallback(this.onVideoFrame);
    else requestAnimationFrame(this.onVideoFrame);
  }

  cancel(): void {
    const v = this.host.video;
    if (v && this.frameHandle && "cancelVideoFrameCallback" in v) v.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = 0;
  }

  private onVideoFrame = () => {
    const h = this.host;
    if (!h.running) return;
    this.schedule();
    if (this.busy || h.supervisor.switching) {
      // Drop: the worker is still on an older frame. Remember that a newer one exists.
      this.missed = true;
      h.stats.dropped++;
      return;
    }
    void this.capture();
  };

  private async capture(): Promise<void> {
    const h = this.host;
    const v = h.video;
    const backend = h.supervisor.backend;
    if (!v || !backend || !h.running || this.busy || h.supervisor.switching) return;
    if (v.readyState < 2 || !v.videoWidth) return;
    this.busy = true;
    this.missed = false;
    const id = this.nextId++;
    const t = performance.now();
    try {
      const size = captureSize(v.videoWidth, v.videoHeight, h.options.inputMaxSide);
      const mode = (h.stats.capture = pageCaptureMode(h.options.capture));
      const asFrame = mode === "video-frame";
      const image: FrameImage = asFrame ? new VideoFrame(v) : await createImageBitmap(v, size);
      const tag = h.options.onCapture?.(image);
      const luma = h.options.lumaEvery > 0 && id % h.options.lumaEvery === 1;
      const raw = await backend.detect(image, id, t, luma, asFrame ? size : undefined);
      if (!h.running || backend !== h.supervisor.backend) return;
      h.deliver(raw, t, tag);
    } catch (err) {
      if (h.running) {
        console.error("[pose] frame failed", err);
        h.stats.error = String((err as Error)?.message ?? err);
        // A worker that died or stalled (a starved machine) is replaced instead of failing every later frame;
        // after two such losses the pipeline runs on the main thread.
        if (backend instanceof WorkerBackend && backend.failed && backend === h.supervisor.backend) await h.replaceDead(backend);
      }
    } finally {
      this.busy = false;
    }
    // The worker is free: take the latest frame now if one arrived meanwhile (or always, in continuous mode).
    if (h.running && (this.missed || h.options.schedule === "continuous")) setTimeout(() => void this.capture(), 0);
  }
}
