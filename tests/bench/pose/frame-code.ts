// The test clips carry their frame index in their bottom-right corner; the benchmarks read it from each analysed
// frame (on the page, or in the pose worker in stream mode) to match results with the per-frame ground truth.
let ctx: OffscreenCanvasRenderingContext2D | null = null;

/** Frame-index code: 8 squares of 12x12 px at x = 540 + 12b, y = 464..475 (in 640x480), MSB first, white = 1. */
export function decodeIndex(frame: ImageBitmap | VideoFrame): number {
  ctx ??= new OffscreenCanvas(96, 12).getContext("2d", { willReadFrequently: true })!;
  const [w, h] = frame instanceof ImageBitmap ? [frame.width, frame.height] : [frame.displayWidth, frame.displayHeight];
  const sx = w / 640, sy = h / 480;
  ctx.drawImage(frame, 540 * sx, 464 * sy, 96 * sx, 12 * sy, 0, 0, 96, 12);
  const d = ctx.getImageData(0, 0, 96, 12).data;
  let idx = 0;
  for (let b = 0; b < 8; b++) {
    const o = (6 * 96 + 6 + 12 * b) * 4;
    const luma = (d[o]! + d[o + 1]! + d[o + 2]!) / 3;
    idx = idx * 2 + (luma > 128 ? 1 : 0);
  }
  return idx;
}
