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
  /** time spent converting and scaling the frame before it (in the worker), ms */
  prepMs?: number;
  meanLuma?: number;
  /** how the camera frame became the model's pixels: converted from its YUV planes here (yuv.ts) or by createImageBitmap */
  conversion?: "yuv" | "bitmap";
  model: ModelName;
}

export type ToWorker =
  | { type: "load"; assets: AssetPaths; model: ModelName }
  | { type: "frame"; id: number; t: number; image: FrameImage; resize?: ImageBitmapOptions; luma: boolean }
  /** the worker reads the camera itself (a MediaStreamTrackProcessor's frames), always the newest frame, and paces itself to targetHz (pacer.ts) */
  | { type: "stream"; streamId: number; frames: ReadableStream<VideoFrame>; maxSide: number; lumaEvery: number; frameRate: number; targetHz: number }
  | { type: "stop-stream" }
  | { type: "close" };

export type FromWorker =
  | { type: "loaded"; model: ModelName; loadMs: number }
  /** in stream mode, `pose.t` is wall-clock ms (the page and the worker have different performance time origins) */
  | { type: "result"; pose: RawPose; streamed?: { streamId: number; dropped: number; paced: number; tag?: unknown } }
  /** stream mode: the camera stream ended or could not be read (not after stop-stream) */
  | { type: "stream-ended"; streamId: number; reason: string }
  | { type: "error"; message: string; id?: number; phase: "load" | "frame"; streamId?: number };

/** createImageBitmap options that scale a w x h frame down to at most `maxSide` on its longest side. */
export function captureSize(w: number, h: number, maxSide: number): ImageBitmapOptions | undefined {
  const side = Math.max(w, h);
  if (!maxSide || side <= maxSide) return undefined;
  const k = maxSide / side;
  return { resizeWidth: Math.round(w * k), resizeHeight: Math.round(h * k), resizeQuality: "medium" };
}
