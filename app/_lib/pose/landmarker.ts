// Creates and runs a MediaPipe PoseLandmarker (VIDEO mode, CPU delegate) from self-hosted files. Used inside the pose
// worker and, as a fallback, on the main thread. Everything is loaded from the app's own origin (public/mediapipe,
// public/models): no CDN, no eval (WASM compiles under CSP 'wasm-unsafe-eval').
import { FilesetResolver, PoseLandmarker } from "@mediapipe/tasks-vision";
import type { Landmark } from "@/app/_shared/pose/landmarks";
import { type AssetPaths, type FrameImage, type ModelName, modelUrl, type RawPose } from "./protocol";
import { FrameConverter } from "./yuv";
import { installMediaPipeConsoleFilter } from "./console-filter";

export interface LoadedLandmarker {
  model: ModelName;
  landmarker: PoseLandmarker;
  loadMs: number;
}

/**
 * @param esModule true inside a MODULE worker: importScripts() does not work there, so tasks-vision must load
 *   the ES-module build of its WASM glue (vision_wasm_module_internal.js, which has no no-SIMD variant; every
 *   browser we support has WASM SIMD). The main thread and classic workers use the classic glue, and tasks-vision
 *   picks the SIMD or no-SIMD binary itself.
 */
export async function loadLandmarker(assets: AssetPaths, model: ModelName, esModule: boolean): Promise<LoadedLandmarker> {
  installMediaPipeConsoleFilter(); // MediaPipe's known start-up chatter is not an error (console-filter.ts)
  const t0 = performance.now();
  const fileset = await FilesetResolver.forVisionTasks(assets.wasmBase, esModule);
  const landmarker = await PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: modelUrl(assets, model), delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
    minPoseDetectionConfidence: 0.5,
    minPosePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
    outputSegmentationMasks: false,
  });
  return { model, landmarker, loadMs: performance.now() - t0 };
}

let lastTs = 0;
/** Runs one frame. Timestamps passed to MediaPipe must strictly increase; this enforces it. */
export function detect(l: LoadedLandmarker, frame: FrameImage | ImageData | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas, t: number) {
  const ts = Math.max(lastTs + 1, Math.round(t));
  lastTs = ts;
  const t0 = performance.now();
  const res = l.landmarker.detectForVideo(frame, ts);
  const inferMs = performance.now() - t0;
  const image = res.landmarks[0] ? (res.landmarks[0].map(copy) as Landmark[]) : null;
  const world = res.worldLandmarks[0] ? (res.worldLandmarks[0].map(copy) as Landmark[]) : null;
  return { image, world, inferMs };
}

const copy = (l: { x: number; y: number; z: number; visibility?: number; presence?: number }): Landmark => ({
  x: l.x,
  y: l.y,
  z: l.z,
  visibility: l.visibility,
  presence: l.presence,
});

/** Mean luma (0..255) of a frame, from a 16x12 thumbnail. */
export function meanLuma(ctx: LumaContext, frame: CanvasImageSource): number {
  ctx.drawImage(frame, 0, 0, 16, 12);
  const d = ctx.getImageData(0, 0, 16, 12).data;
  let s = 0;
  for (let i = 0; i < d.length; i += 4) s += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
  return s / (d.length / 4);
}

type LumaContext = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

const converter = new FrameConverter();

/**
 * Runs the model on one captured frame (scaling a VideoFrame down to `resize` first, here rather than on the page's
 * main thread) and closes it. `lumaContext` is asked for a 16x12 canvas when the frame's brightness is wanted.
 */
export async function analyseFrame(
  l: LoadedLandmarker,
  frame: { id: number; t: number; image: FrameImage; resize?: ImageBitmapOptions },
  lumaContext: (() => LumaContext | null) | null,
): Promise<RawPose> {
  const { image, resize } = frame;
  let bitmap: ImageBitmap | null = null;
  let owned = false; // the converter's image is ours until released
  try {
    const t0 = performance.now();
    let src: ImageBitmap | ImageData;
    let luma: number | undefined;
    if (image instanceof ImageBitmap) src = image;
    else {
      // A camera's YUV frame is converted and scaled here (yuv.ts: much cheaper than createImageBitmap); should that
      // fail, this frame and all later ones go through createImageBitmap. Any other VideoFrame goes through
      // createImageBitmap too, which scales it to its display size (or `resize`): handed to MediaPipe as it is, a
      // frame whose display size differs from its coded size came out stretched and mirrored.
      const converted = converter.accepts(image, resize)
        ? await converter.convert(image, resize).catch((err: unknown) => {
            console.warn("[pose] YUV conversion failed, using createImageBitmap from now on:", err);
            return null;
          })
        : null;
      owned = !!converted;
      if (converted) {
        src = converted.image;
        if (lumaContext) luma = converted.meanLuma;
      } else src = bitmap = await createImageBitmap(image, resize);
    }
    const prepMs = performance.now() - t0;
    const r = detect(l, src, frame.t);
    if (lumaContext && !(src instanceof ImageData)) {
      const ctx = lumaContext();
      if (ctx) luma = meanLuma(ctx, src);
    }
    const conversion = src instanceof ImageData ? "yuv" : "bitmap";
    return { id: frame.id, t: frame.t, width: src.width, height: src.height, ...r, prepMs, meanLuma: luma, conversion, model: l.model };
  } finally {
    if (owned) converter.release();
    bitmap?.close();
    image.close();
  }
}
