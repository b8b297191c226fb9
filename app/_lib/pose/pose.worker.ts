// Pose Web Worker: hosts MediaPipe PoseLandmarker so inference never blocks the page. The main thread sends one
// ImageBitmap at a time (only when this worker is idle: frames are dropped, never queued) and gets back the landmarks.
// Created by backend.ts with new Worker(new URL("./pose.worker.ts", import.meta.url), { type: "module" }).
//
// Module or classic? Next 16's Turbopack bundles the worker but starts it as a CLASSIC worker (it drops
// `type: "module"` and loads its chunks with importScripts), while other bundlers (esbuild in our benchmark, webpack)
// keep it a module worker. tasks-vision loads its WASM glue with importScripts() in a classic worker and with import()
// in a module worker, which needs the ES-module build of the glue. So we detect which kind we are and pick the glue.
import { analyseFrame, type LoadedLandmarker, loadLandmarker } from "./landmarker";
import type { FromWorker, ModelName, ToWorker } from "./protocol";

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
      const lumaContext = () => (lumaCtx ??= new OffscreenCanvas(16, 12).getContext("2d", { willReadFrequently: true }));
      scope.postMessage({ type: "result", pose: await analyseFrame(current, msg, msg.luma ? lumaContext : null) });
    } catch (err) {
      scope.postMessage({ type: "error", phase: "frame", id: msg.id, message: String((err as Error)?.message ?? err) });
    }
    return;
  }
  if (msg.type === "close") {
    for (const l of loaded.values()) l.landmarker.close();
    loaded.clear();
    scope.close();
  }
});
