// Pose Web Worker: hosts MediaPipe PoseLandmarker so inference never blocks the page. The main thread sends one
// ImageBitmap at a time (only when this worker is idle: frames are dropped, never queued) and gets back the landmarks.
// Created by backend.ts with new Worker(new URL("./pose.worker.ts", import.meta.url), { type: "module" }).
//
// Module or classic? Next 16's Turbopack bundles the worker but starts it as a CLASSIC worker (it drops
// `type: "module"` and loads its chunks with importScripts), while other bundlers (esbuild in our benchmark, webpack)
// keep it a module worker. tasks-vision loads its WASM glue with importScripts() in a classic worker and with import()
// in a module worker, which needs the ES-module build of the glue. So we detect which kind we are and pick the glue.
import { analyseFrame, type LoadedLandmarker, loadLandmarker } from "./landmarker";
import { FramePacer } from "./pacer";
import { captureSize, type FromWorker, type ModelName, type ToWorker } from "./protocol";

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (e: MessageEvent<ToWorker>) => void): void;
  close(): void;
}
const scope = self as unknown as WorkerScope;

/** importScripts() with no arguments is a no-op in a classic worker and throws a TypeError in a module worker. */
const isModuleWorker = (() => {
  try {
    (self as unknown as { importScripts(...urls: string[]): void }).importScripts();
    return false;
  } catch {
    return true;
  }
})();

const loaded = new Map<ModelName, LoadedLandmarker>();
let current: LoadedLandmarker | null = null;
let lumaCtx: OffscreenCanvasRenderingContext2D | null = null;
const lumaContext = () => (lumaCtx ??= new OffscreenCanvas(16, 12).getContext("2d", { willReadFrequently: true }));

scope.addEventListener("message", async (e) => {
  const msg = e.data;
  if (msg.type === "load") {
    try {
      let l = loaded.get(msg.model);
      if (!l) {
        l = await loadLandmarker(msg.assets, msg.model, isModuleWorker);
        loaded.set(msg.model, l);
      }
      current = l;
      scope.postMessage({ type: "loaded", model: l.model, loadMs: l.loadMs });
    } catch (err) {
      scope.postMessage({ type: "error", phase: "load", message: String((err as Error)?.message ?? err) });
    }
    return;
  }
  if (msg.type === "frame") {
    try {
      if (!current) {
        msg.image.close();
        throw new Error("no model loaded");
      }
      scope.postMessage({ type: "result", pose: await analyseFrame(current, msg, msg.luma ? lumaContext : null) });
    } catch (err) {
      scope.postMessage({ type: "error", phase: "frame", id: msg.id, message: String((err as Error)?.message ?? err) });
    }
    return;
  }
  if (msg.type === "stream") {
    void readStream(msg);
    return;
  }
  if (msg.type === "stop-stream") {
    stopReading();
    return;
  }
  if (msg.type === "close") {
    stopReading();
    for (const l of loaded.values()) l.landmarker.close();
    loaded.clear();
    scope.close();
  }
});

/**
 * Stream mode: the worker pulls camera frames itself, so the page's main thread is not in the loop. The processor
 * keeps at most one frame waiting (maxBufferSize 1, older ones are dropped), so every read returns the newest frame
 * and a frame never waits behind another: the delay stays at one inference, as in the page-driven mode. The pacer
 * (pacer.ts) decides which of the frames read are analysed: evenly spaced at the target rate, fresh ones preferred.
 */
let reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
/** Ends the current stream's loop (it checks `reader`) and releases its frames. */
function stopReading() {
  void reader?.cancel().catch(() => {});
  reader = null;
}

/** Benchmarks read a code drawn into each test-clip frame here, to match results with the clip's ground truth. */
let tagger: ((frame: VideoFrame) => unknown) | null = null;
export function setFrameTagger(fn: ((frame: VideoFrame) => unknown) | null): void {
  tagger = fn;
}
async function readStream(msg: Extract<ToWorker, { type: "stream" }>) {
  stopReading();
  const r = (reader = msg.frames.getReader());
  let id = 0;
  let lastTs: number | null = null;
  // Capture time on this worker's clock: the frame's capture timestamp (µs, its own origin) plus the smallest offset
  // seen between reading a frame and its timestamp, i.e. as if every frame had been read the moment it arrived. So the
  // time a frame waited in the processor's buffer counts as delay, and t never lies after the read.
  let offset = Infinity;
  let ended = "the camera stream ended";
  const pacer = new FramePacer({ targetHz: msg.targetHz, periodMs: msg.frameRate > 0 ? 1000 / msg.frameRate : 0 });
  let pacedBefore = 0; // frames the pacer had skipped at the last result
  let dropped = 0; // frames the processor dropped since the last result
  while (reader === r) {
    let frame: VideoFrame | undefined;
    try {
      const next = await r.read();
      if (next.done) break;
      frame = next.value;
    } catch (err) {
      ended = `the camera stream could not be read: ${String((err as Error)?.message ?? err)}`;
      break;
    }
    const readAt = performance.now(); // MediaPipe's timestamps must stay small (it counts µs in 32 bits somewhere)
    if (lastTs !== null && frame.timestamp < lastTs) {
      offset = Infinity; // the source restarted its clock
      pacer.restart();
    }
    offset = Math.min(offset, readAt - frame.timestamp / 1000);
    const t = frame.timestamp / 1000 + offset; // <= readAt, since offset <= readAt - timestamp
    // frames the processor dropped while we were busy, from the gap between capture timestamps (µs) and the frame rate;
    // summed over skipped frames too, and reported with the next result
    if (lastTs !== null && msg.frameRate > 0) dropped += Math.max(0, Math.round(((frame.timestamp - lastTs) * msg.frameRate) / 1e6) - 1);
    lastTs = frame.timestamp;
    if (!current || reader !== r || !pacer.accept(readAt, readAt - frame.timestamp / 1000)) {
      frame.close();
      continue;
    }
    id++;
    try {
      const resize = captureSize(frame.displayWidth, frame.displayHeight, msg.maxSide);
      const luma = msg.lumaEvery > 0 && id % msg.lumaEvery === 1;
      const tag = tagger?.(frame);
      const pose = await analyseFrame(current, { id, t, image: frame, ...(resize ? { resize } : {}) }, luma ? lumaContext : null);
      const paced = pacer.skipped - pacedBefore;
      pacedBefore = pacer.skipped;
      // wall-clock time for the page, whose performance clock starts elsewhere
      if (reader === r) scope.postMessage({ type: "result", pose: { ...pose, t: performance.timeOrigin + t }, streamed: { streamId: msg.streamId, dropped, paced, tag } });
      dropped = 0;
    } catch (err) {
      if (reader === r) scope.postMessage({ type: "error", phase: "frame", id, streamId: msg.streamId, message: String((err as Error)?.message ?? err) });
    }
  }
  if (reader === r) {
    reader = null;
    scope.postMessage({ type: "stream-ended", streamId: msg.streamId, reason: ended });
  }
}
