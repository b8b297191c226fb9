// The pose tracker's options (tracker.ts), in their own module so that each part of the tracker (capture sources,
// backend supervisor, model selection) can read them without importing the tracker itself.
import type { WorkerFactory } from "./backend";
import { type AssetPaths, DEFAULT_ASSETS, type FrameImage, type ModelName } from "./protocol";
import type { ProcessorOptions } from "@/app/_shared/pose/processor";

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
  /** auto choice: start on the model an earlier tracker on this page measured (model-choice.ts); false = measure anew */
  rememberModel: boolean;
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
  rememberModel: true,
  schedule: "video",
  lumaEvery: 15,
  inputMaxSide: 384,
  capture: "auto",
  targetHz: 18,
};
