// Camera frame → RGBA for the pose model, without createImageBitmap. A camera's VideoFrame is planar YUV (I420 from
// most webcams and Chromium's capture, NV12 from some platforms). createImageBitmap converts and scales it through
// Chromium's generic image path, which measured about 5 ms for a 640x480 frame scaled to 384x288 on our 2-core test
// machine and allocates a fresh bitmap every frame; copying the planes into a buffer that is reused and converting
// them here takes about 0.5-1 ms. The result is an ImageData that MediaPipe uploads like any other image.
// FrameConverter.accepts() says no to anything else (RGB frames, frames without a CPU-side format, rotated or flipped
// frames, other colour matrices, non-square pixels, a visible area not on a chroma boundary), and the caller keeps
// using createImageBitmap for those.

export type YuvFormat = "I420" | "I420A" | "NV12";
export interface PlaneLayout {
  offset: number;
  stride: number;
}
/** YUV → RGB coefficients: R = Y' + rv·V, G = Y' − gu·U − gv·V, B = Y' + bu·U, with Y' = (Y − y0)·ys. */
export interface YuvMatrix {
  y0: number;
  ys: number;
  rv: number;
  gu: number;
  gv: number;
  bu: number;
}

/** The conversion matrix for a frame's colour space (BT.601 limited range when the frame does not say). */
export function yuvMatrix(matrix: string | null | undefined, fullRange: boolean | null | undefined): YuvMatrix {
  // Kr/Kb of the two matrices webcams use; BT.601 (bt470bg, smpte170m) is the default for SD capture
  const [kr, kb] = matrix === "bt709" ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  const c = fullRange ? 1 : 255 / 224; // chroma scale: limited range chroma spans 16..240
  return {
    y0: fullRange ? 0 : 16,
    ys: fullRange ? 1 : 255 / 219,
    rv: 2 * (1 - kr) * c,
    gu: ((2 * kb * (1 - kb)) / kg) * c,
    gv: ((2 * kr * (1 - kr)) / kg) * c,
    bu: 2 * (1 - kb) * c,
  };
}

/** For each output index, the source range [start, end) it averages over (at least one source sample). */
function spans(src: number, out: number): Int32Array {
  const s = new Int32Array(out * 2);
  for (let i = 0; i < out; i++) {
    const a = Math.min(src - 1, Math.floor((i * src) / out));
    s[2 * i] = a;
    s[2 * i + 1] = Math.max(a + 1, Math.min(src, Math.floor(((i + 1) * src) / out)));
  }
  return s;
}

const spanCache = new Map<string, Int32Array>();
function cachedSpans(src: number, out: number): Int32Array {
  const k = `${src}>${out}`;
  let s = spanCache.get(k);
  if (!s) {
    if (spanCache.size > 8) spanCache.clear();
    spanCache.set(k, (s = spans(src, out)));
  }
  return s;
}

/**
 * Converts a w x h YUV image (planes in `src` as laid out by VideoFrame.copyTo) into `out` (ow x oh RGBA, ow <= w and
 * oh <= h), averaging luma over each output pixel's footprint (a box filter, so downscaling does not alias) and
 * taking chroma from the footprint's centre. Returns the mean luma of the image on a 0..255 scale.
 */
export function yuvToRgba(
  src: Uint8Array,
  layout: readonly PlaneLayout[],
  format: YuvFormat,
  w: number,
  h: number,
  out: Uint8ClampedArray,
  ow: number,
  oh: number,
  m: YuvMatrix,
): number {
  const xs = cachedSpans(w, ow), ys = cachedSpans(h, oh);
  const yPlane = layout[0]!, uPlane = layout[1]!;
  const nv12 = format === "NV12";
  const vPlane = nv12 ? uPlane : layout[2]!;
  const vShift = nv12 ? 1 : 0; // NV12: U and V interleaved in one plane
  const o32 = new Uint32Array(out.buffer, out.byteOffset, ow * oh);
  let lumaSum = 0;
  let o = 0;
  for (let y = 0; y < oh; y++) {
    const y0 = ys[2 * y]!, y1 = ys[2 * y + 1]!;
    const cy = (y0 + y1 - 1) >> 2; // chroma row of the footprint's centre
    const uRow = uPlane.offset + cy * uPlane.stride, vRow = vPlane.offset + cy * vPlane.stride;
    for (let x = 0; x < ow; x++) {
      const x0 = xs[2 * x]!, x1 = xs[2 * x + 1]!;
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) {
        const row = yPlane.offset + sy * yPlane.stride;
        for (let sx = x0; sx < x1; sx++) sum += src[row + sx]!;
      }
      const luma = sum / ((y1 - y0) * (x1 - x0));
      const cx = (x0 + x1 - 1) >> 1 >> 1;
      const u = src[uRow + (cx << vShift)]! - 128;
      const v = src[vRow + (cx << vShift) + vShift]! - 128;
      let yy = (luma - m.y0) * m.ys;
      yy = yy < 0 ? 0 : yy > 255 ? 255 : yy; // as an RGB picture would see it: blacker than black is black
      lumaSum += yy;
      let r = yy + m.rv * v, g = yy - m.gu * u - m.gv * v, b = yy + m.bu * u;
      r = r < 0 ? 0 : r > 255 ? 255 : r;
      g = g < 0 ? 0 : g > 255 ? 255 : g;
      b = b < 0 ? 0 : b > 255 ? 255 : b;
      // little-endian RGBA (checked by the caller)
      o32[o++] = 0xff000000 | ((b + 0.5) << 16) | ((g + 0.5) << 8) | (r + 0.5);
    }
  }
  return lumaSum / (ow * oh);
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const FORMATS = new Set<string>(["I420", "I420A", "NV12"]);
/** colour matrices yuvMatrix() knows (null: the frame does not say, BT.601 assumed as createImageBitmap does) */
const MATRICES = new Set<string | null | undefined>([null, undefined, "bt709", "bt470bg", "smpte170m"]);

export type ResizeTo = { resizeWidth?: number; resizeHeight?: number };

/**
 * The size createImageBitmap would give the frame: `size` when it names both sides, else the display size (which
 * carries the aspect ratio a scaled track asks for).
 */
function targetSize(frame: VideoFrame, size?: ResizeTo): [number, number] {
  return size?.resizeWidth && size.resizeHeight ? [size.resizeWidth, size.resizeHeight] : [frame.displayWidth, frame.displayHeight];
}

/**
 * Converts VideoFrames to ImageData, reusing its buffers from frame to frame. One frame at a time: between convert()
 * and release() the ImageData belongs to the caller (MediaPipe copies it during detectForVideo), and accepts() says
 * no to any other frame meanwhile.
 */
export class FrameConverter {
  private planes = new Uint8Array(0);
  private image: ImageData | null = null;
  private busy = false;
  /** set after a conversion failed (e.g. a frame whose pixels cannot be read back): createImageBitmap from then on */
  disabled = false;

  /** Whether this frame can be converted here, scaled to `size` (otherwise use createImageBitmap). */
  accepts(frame: VideoFrame, size?: ResizeTo): boolean {
    const f = frame as VideoFrame & { rotation?: number; flip?: boolean };
    const rect = frame.visibleRect;
    if (this.busy || this.disabled || !littleEndian || typeof ImageData === "undefined" || !rect) return false;
    if (frame.format === null || !FORMATS.has(frame.format) || f.rotation || f.flip) return false;
    if (!MATRICES.has(frame.colorSpace?.matrix) || rect.x % 2 || rect.y % 2) return false;
    // only a downscale that keeps the visible area's proportions (square pixels); anything else as createImageBitmap
    const [ow, oh] = targetSize(frame, size);
    if (ow < 1 || oh < 1 || ow > rect.width || oh > rect.height) return false;
    return Math.abs(oh - (ow * rect.height) / rect.width) <= 1 + 0.01 * oh; // rounding to whole pixels allowed
  }

  /**
   * The frame's visible area as RGBA at the size createImageBitmap would give it (accepts() must have said yes), and
   * its mean luma (0..255). Call release() once the image has been used.
   */
  async convert(frame: VideoFrame, size?: ResizeTo): Promise<{ image: ImageData; meanLuma: number }> {
    this.busy = true;
    try {
      const rect = frame.visibleRect!;
      const [ow, oh] = targetSize(frame, size);
      const bytes = frame.allocationSize();
      if (this.planes.byteLength < bytes) this.planes = new Uint8Array(bytes);
      const layout = await frame.copyTo(this.planes);
      if (!this.image || this.image.width !== ow || this.image.height !== oh) this.image = new ImageData(ow, oh);
      const cs = frame.colorSpace;
      const meanLuma = yuvToRgba(this.planes, layout, frame.format as YuvFormat, rect.width, rect.height, this.image.data, ow, oh, yuvMatrix(cs?.matrix, cs?.fullRange));
      return { image: this.image, meanLuma };
    } catch (err) {
      this.busy = false;
      this.disabled = true;
      throw err;
    }
  }

  release(): void {
    this.busy = false;
  }
}
