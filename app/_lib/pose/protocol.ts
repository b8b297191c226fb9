// Messages between the main thread (PoseTracker) and the pose Web Worker.
import type { Landmark } from "@/app/_shared/pose/landmarks";

export type ModelName = "lite" | "full";

/**
 * A captured camera frame on its way to the model: a VideoFrame (taken from the <video> without copying its pixels,
 * so the main thread does no conversion work) or, where VideoFrame is missing, an ImageBitmap already scaled down.
 */
export type FrameImage = ImageBitmap | VideoFrame;

export interface AssetPaths {
  /** folder holding vision_wasm_*_internal.{js,wasm}; served by the app itself (public/mediapipe) */
  wasmBase: string;
  /** folder holding pose_landmarker_{lite,full}.task (public/models) */
  modelBase: string;
}

export const DEFAULT_ASSETS: AssetPaths = { wasmBase: "/mediapipe", modelBase: "/models" };
export const modelUrl = (a: AssetPaths, m: ModelName) => `${a.modelBase}/pose_landmarker_${m}.task`;

export interface RawPose {
  id: number;
  /** timestamp passed to detectForVideo (ms) */
  t: number;
  width: number;
  height: number;
  image: Landmark[] | null;
  world: Landmark[] | null;
  /** time spent in detectForVideo, ms */
  inferMs: number;
  meanLuma?: number;
  model: ModelName;
}

export type ToWorker =
  | { type: "load"; assets: AssetPaths; model: ModelName }
  | { type: "frame"; id: number; t: number; image: FrameImage; resize?: ImageBitmapOptions; luma: boolean }
  | { type: "close" };

export type FromWorker =
  | { type: "loaded"; model: ModelName; loadMs: number }
  | { type: "result"; pose: RawPose }
  | { type: "error"; message: string; id?: number; phase: "load" | "frame" };
