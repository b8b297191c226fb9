// Where inference runs: a module Web Worker (preferred, keeps the page smooth) or the main thread (fallback when the
// worker cannot start, e.g. a browser without module workers or OffscreenCanvas).
import type { AssetPaths, FrameImage, FromWorker, ModelName, RawPose, ToWorker } from "./protocol";

export interface PoseBackend {
  readonly kind: "worker" | "main-thread";
  load(model: ModelName): Promise<{ model: ModelName; loadMs: number }>;
  /** Takes ownership of the image (closes/transfers it); a VideoFrame is scaled to `resize` first. At most one call in flight. */
  detect(image: FrameImage, id: number, t: number, luma: boolean, resize?: ImageBitmapOptions): Promise<RawPose>;
  close(): void;
}

export type WorkerFactory = () => Worker;

/** The default factory: the `new URL(..., import.meta.url)` form lets Next's bundler emit the worker as its own chunk. */
export const defaultWorkerFactory: WorkerFactory = () =>
  new Worker(new URL("./pose.worker.ts", import.meta.url), { type: "module", name: "pose" });

export class WorkerBackend implements PoseBackend {
  readonly kind = "worker" as const;
  private worker: Worker;
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  constructor(private assets: AssetPaths, factory: WorkerFactory = defaultWorkerFactory) {
    this.worker = factory();
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      // stream-mode messages never answer a request; those of an earlier stream are dropped
      const streamId = m.type === "result" ? m.streamed?.streamId : m.type === "error" ? m.streamId : m.type === "stream-ended" ? m.streamId : undefined;
      if (streamId !== undefined) {
        if (this.streaming && streamId === this.streamId) this.streaming(m);
        return;
      }
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(m);
    };
    this.worker.onerror = (e) => this.fail(new Error(`pose worker error: ${e.message || "failed to start"}`));
    this.worker.onmessageerror = () => this.fail(new Error("pose worker message error"));
  }

  /** True once the worker died or stopped answering; it must be replaced. */
  get failed(): boolean {
    return this.dead !== null && this.dead !== undefined;
  }

  /** Gives up on a worker that stopped answering (it is then `failed` and must be replaced). */
  abandon(err: Error) {
    this.fail(err);
  }

  private fail(err: Error) {
    this.dead = err;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }

  private request(msg: ToWorker, transfer: Transferable[] = [], timeoutMs = 0): Promise<FromWorker> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.waiting) return Promise.reject(new Error("pose worker busy"));
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.waiting = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (timeoutMs) timer = setTimeout(() => this.fail(new Error(`pose worker did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.worker.postMessage(msg, transfer);
    });
  }

  async load(model: ModelName) {
    const m = await this.request({ type: "load", assets: this.assets, model }, [], 60_000);
    if (m.type === "loaded") return { model: m.model, loadMs: m.loadMs };
    throw new Error(m.type === "error" ? m.message : `unexpected ${m.type}`);
  }

  async detect(image: FrameImage, id: number, t: number, luma: boolean, resize?: ImageBitmapOptions) {
    // once transferred the image is gone from this side (close() is then a no-op); if it was not, release it here
    const m = await this.request({ type: "frame", id, t, image, luma, ...(resize ? { resize } : {}) }, [image], 30_000).catch((err: unknown) => {
      image.close();
      throw err;
    });
    if (m.type === "result") return m.pose;
    throw new Error(m.type === "error" ? m.message : `unexpected ${m.type}`);
  }

  private streaming: ((m: FromWorker) => void) | null = null;
  private streamId = 0;

  /**
   * Stream mode: hands the camera's frames to the worker, which reads the newest one whenever it is free, analyses
   * those its pacer picks (pacer.ts: at most `targetHz`, fresh ones preferred) and posts each result to `onMessage`
   * (no request/answer round trip through the page).
   */
  startStream(frames: ReadableStream<VideoFrame>, opts: { maxSide: number; lumaEvery: number; frameRate: number; targetHz: number }, onMessage: (m: FromWorker) => void) {
    const streamId = this.streamId + 1;
    this.worker.postMessage({ type: "stream", streamId, frames, ...opts } satisfies ToWorker, [frames as unknown as Transferable]);
    this.streamId = streamId;
    this.streaming = onMessage;
  }

  stopStream() {
    this.streaming = null;
    try {
      this.worker.postMessage({ type: "stop-stream" } satisfies ToWorker);
    } catch {
      /* already gone */
    }
  }

  close() {
    this.streaming = null;
    try {
      this.worker.postMessage({ type: "close" } satisfies ToWorker);
    } catch {
      /* already gone */
    }
    setTimeout(() => this.worker.terminate(), 500);
  }
}

export class MainThreadBackend implements PoseBackend {
  readonly kind = "main-thread" as const;
  private mod: typeof import("./landmarker") | null = null;
  private loaded = new Map<ModelName, import("./landmarker").LoadedLandmarker>();
  private current: import("./landmarker").LoadedLandmarker | null = null;
  private lumaCtx: CanvasRenderingContext2D | null = null;

  constructor(private assets: AssetPaths) {}

  async load(model: ModelName) {
    this.mod ??= await import("./landmarker");
    let l = this.loaded.get(model);
    if (!l) {
      l = await this.mod.loadLandmarker(this.assets, model, false);
      this.loaded.set(model, l);
    }
    this.current = l;
    return { model, loadMs: l.loadMs };
  }

  async detect(image: FrameImage, id: number, t: number, luma: boolean, resize?: ImageBitmapOptions): Promise<RawPose> {
    if (!this.mod || !this.current) {
      image.close();
      throw new Error("no model loaded");
    }
    const lumaContext = () => {
      if (!this.lumaCtx) {
        const c = document.createElement("canvas");
        c.width = 16;
        c.height = 12;
        this.lumaCtx = c.getContext("2d", { willReadFrequently: true });
      }
      return this.lumaCtx;
    };
    return this.mod.analyseFrame(this.current, { id, t, image, resize }, luma ? lumaContext : null);
  }

  close() {
    for (const l of this.loaded.values()) l.landmarker.close();
    this.loaded.clear();
  }
}
