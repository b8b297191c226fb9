import assert from "node:assert/strict";
import { test } from "node:test";
import { type PlaneLayout, yuvMatrix, yuvToRgba } from "@/app/_lib/pose/yuv";

/** A w x h I420 image (strides padded to show they are honoured) filled by `px(x, y) -> [Y, U, V]`. */
function i420(w: number, h: number, px: (x: number, y: number) => [number, number, number]) {
  const ys = w + 8, cs = w / 2 + 4;
  const layout: PlaneLayout[] = [
    { offset: 0, stride: ys },
    { offset: ys * h, stride: cs },
    { offset: ys * h + (cs * h) / 2, stride: cs },
  ];
  const buf = new Uint8Array(ys * h + cs * h).fill(77); // padding bytes must never be read into the picture
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [Y, U, V] = px(x, y);
      buf[layout[0]!.offset + y * ys + x] = Y;
      buf[layout[1]!.offset + (y >> 1) * cs + (x >> 1)] = U;
      buf[layout[2]!.offset + (y >> 1) * cs + (x >> 1)] = V;
    }
  return { buf, layout };
}
/** The same picture as NV12 (U and V interleaved in the second plane). */
function nv12(w: number, h: number, px: (x: number, y: number) => [number, number, number]) {
  const layout: PlaneLayout[] = [
    { offset: 0, stride: w },
    { offset: w * h, stride: w },
  ];
  const buf = new Uint8Array(w * h * 1.5);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [Y, U, V] = px(x, y);
      buf[y * w + x] = Y;
      buf[w * h + (y >> 1) * w + (x & ~1)] = U;
      buf[w * h + (y >> 1) * w + (x & ~1) + 1] = V;
    }
  return { buf, layout };
}
const rgbaAt = (out: Uint8ClampedArray, w: number, x: number, y: number) => Array.from(out.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));
const close = (a: number[], b: number[], tol: number, msg: string) =>
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) <= tol), `${msg}: expected ${b} ± ${tol}, got ${a}`);

test("YUV → RGBA: limited-range BT.601 black, white, grey and primaries; full range; BT.709", () => {
  const colours: [number, number, number, number[]][] = [
    [16, 128, 128, [0, 0, 0, 255]],
    [235, 128, 128, [255, 255, 255, 255]],
    [126, 128, 128, [128, 128, 128, 255]],
    [81, 90, 240, [255, 0, 0, 255]], // BT.601 studio-range red
    [145, 54, 34, [0, 255, 0, 255]],
    [41, 240, 110, [0, 0, 255, 255]],
  ];
  for (const [Y, U, V, rgb] of colours) {
    const { buf, layout } = i420(4, 4, () => [Y, U, V]);
    const out = new Uint8ClampedArray(4 * 4 * 4);
    yuvToRgba(buf, layout, "I420", 4, 4, out, 4, 4, yuvMatrix("smpte170m", false));
    close(rgbaAt(out, 4, 1, 2), rgb, 3, `Y${Y} U${U} V${V}`);
  }
  // full range: Y is used as it is, chroma spans 0..255
  const full = i420(2, 2, () => [0, 128, 128]);
  const o1 = new Uint8ClampedArray(16);
  yuvToRgba(full.buf, full.layout, "I420", 2, 2, o1, 2, 2, yuvMatrix("bt470bg", true));
  close(rgbaAt(o1, 2, 0, 0), [0, 0, 0, 255], 0, "full-range black");
  // BT.709 red (studio range): Y 63, U 102, V 240
  const r709 = i420(2, 2, () => [63, 102, 240]);
  const o2 = new Uint8ClampedArray(16);
  yuvToRgba(r709.buf, r709.layout, "I420", 2, 2, o2, 2, 2, yuvMatrix("bt709", false));
  close(rgbaAt(o2, 2, 1, 1), [255, 0, 0, 255], 3, "BT.709 red");
  // no matrix given: BT.601 limited range
  assert.deepEqual(yuvMatrix(null, null), yuvMatrix("smpte170m", false));
});

test("YUV → RGBA: downscaling averages each output pixel's footprint, keeps position, and returns the mean luma", () => {
  // 8x4 columns alternating black and white (1 px wide), left half tinted slightly red, right half slightly blue
  const px = (x: number): [number, number, number] => [x % 2 ? 235 : 16, x < 4 ? 118 : 138, x < 4 ? 138 : 118];
  const { buf, layout } = i420(8, 4, px);
  const out = new Uint8ClampedArray(4 * 2 * 4);
  const luma = yuvToRgba(buf, layout, "I420", 8, 4, out, 4, 2, yuvMatrix(null, false));
  // each output pixel covers one black and one white column: mid grey luma, no aliasing to black or white
  for (let x = 0; x < 4; x++) for (let y = 0; y < 2; y++) {
    const [r, g, b] = rgbaAt(out, 4, x, y);
    const yy = 0.299 * r! + 0.587 * g! + 0.114 * b!;
    assert.ok(Math.abs(yy - 127.5) < 12, `pixel ${x},${y} luma ${yy}`);
  }
  // chroma stays where it was: the left output pixels are reddish, the right ones bluish
  assert.ok(rgbaAt(out, 4, 0, 0)[0]! > rgbaAt(out, 4, 0, 0)[2]!, "left is red");
  assert.ok(rgbaAt(out, 4, 3, 1)[2]! > rgbaAt(out, 4, 3, 1)[0]!, "right is blue");
  assert.ok(Math.abs(luma - 127.5) < 1, `mean luma ${luma}`);
  // a non-integer ratio (640 → 384 as in the app) covers every source column once or twice and stays in range
  const wide = i420(10, 2, (x) => [16 + x * 20, 128, 128]);
  const o6 = new Uint8ClampedArray(6 * 4);
  yuvToRgba(wide.buf, wide.layout, "I420", 10, 2, o6, 6, 1, yuvMatrix(null, true));
  const greys = [0, 1, 2, 3, 4, 5].map((x) => rgbaAt(o6, 6, x, 0)[0]!);
  assert.ok(greys.every((g, i) => i === 0 || g > greys[i - 1]!), `a ramp stays a ramp: ${greys}`);
  assert.ok(greys[0]! <= 26 && greys[5]! >= 186, `ends kept: ${greys}`);
});

test("YUV → RGBA: NV12 gives the same picture as I420", () => {
  const px = (x: number, y: number): [number, number, number] => [16 + ((x * 37 + y * 11) % 219), 60 + ((x >> 1) * 20) % 120, 200 - ((y >> 1) * 30) % 120];
  const a = i420(8, 6, px), b = nv12(8, 6, px);
  const oa = new Uint8ClampedArray(8 * 6 * 4), ob = new Uint8ClampedArray(8 * 6 * 4);
  const la = yuvToRgba(a.buf, a.layout, "I420", 8, 6, oa, 8, 6, yuvMatrix(null, false));
  const lb = yuvToRgba(b.buf, b.layout, "NV12", 8, 6, ob, 8, 6, yuvMatrix(null, false));
  assert.deepEqual(Array.from(ob), Array.from(oa));
  assert.equal(la, lb);
});
