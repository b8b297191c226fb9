import assert from "node:assert/strict";
import { test } from "node:test";
import { FrameConverter, type PlaneLayout, yuvMatrix, yuvToRgba } from "@/app/_lib/pose/yuv";

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
/** The same picture as NV12 (U and V interleaved in the second plane), after `lead` unused bytes, strides padded. */
function nv12(w: number, h: number, px: (x: number, y: number) => [number, number, number], lead = 0) {
  const ys = w + 6, cs = w + 10;
  const layout: PlaneLayout[] = [
    { offset: lead, stride: ys },
    { offset: lead + ys * h, stride: cs },
  ];
  const buf = new Uint8Array(lead + ys * h + cs * Math.ceil(h / 2)).fill(201);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [Y, U, V] = px(x, y);
      buf[lead + y * ys + x] = Y;
      buf[layout[1]!.offset + (y >> 1) * cs + (x & ~1)] = U;
      buf[layout[1]!.offset + (y >> 1) * cs + (x & ~1) + 1] = V;
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
  // full-range BT.601 red: Y 76, U 85, V 255
  const fr = i420(2, 2, () => [76, 85, 255]);
  const o3 = new Uint8ClampedArray(16);
  yuvToRgba(fr.buf, fr.layout, "I420", 2, 2, o3, 2, 2, yuvMatrix(null, true));
  close(rgbaAt(o3, 2, 0, 1), [255, 0, 0, 255], 2, "full-range red");
  // no matrix given: BT.601 limited range
  assert.deepEqual(yuvMatrix(null, null), yuvMatrix("smpte170m", false));
});

test("YUV → RGBA: values outside the colour cube are clamped, and so is the mean luma", () => {
  const cases: [number, number, number, number[]][] = [
    [235, 240, 240, [255, 120, 255, 255]], // R and B above 255
    [16, 16, 16, [0, 135, 0, 255]], // R and B below 0
    [255, 128, 128, [255, 255, 255, 255]], // "whiter than white"
    [0, 128, 128, [0, 0, 0, 255]],
  ];
  for (const [Y, U, V, rgb] of cases) {
    const { buf, layout } = i420(2, 2, () => [Y, U, V]);
    const out = new Uint8ClampedArray(16);
    const luma = yuvToRgba(buf, layout, "I420", 2, 2, out, 2, 2, yuvMatrix(null, false));
    close(rgbaAt(out, 2, 1, 0), rgb, 1, `Y${Y} U${U} V${V}`);
    assert.ok(luma >= 0 && luma <= 255, `luma ${luma} in 0..255`);
  }
  // half the picture above white, half light grey: the mean is that of the picture, not of the raw signal
  const { buf, layout } = i420(4, 2, (x) => [x < 2 ? 254 : 200, 128, 128]);
  const luma = yuvToRgba(buf, layout, "I420", 4, 2, new Uint8ClampedArray(32), 4, 2, yuvMatrix(null, false));
  assert.ok(Math.abs(luma - (255 + (200 - 16) * (255 / 219)) / 2) < 0.01, `mean luma ${luma}`);
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

test("YUV → RGBA: NV12 (padded strides, planes after an offset) gives the same picture as I420, also downscaled", () => {
  const px = (x: number, y: number): [number, number, number] => [16 + ((x * 37 + y * 11) % 219), 60 + ((x >> 1) * 20) % 120, 200 - ((y >> 1) * 30) % 120];
  const a = i420(8, 6, px), b = nv12(8, 6, px, 24);
  for (const [ow, oh] of [[8, 6], [5, 4], [3, 2]] as const) {
    const oa = new Uint8ClampedArray(ow * oh * 4), ob = new Uint8ClampedArray(ow * oh * 4);
    const la = yuvToRgba(a.buf, a.layout, "I420", 8, 6, oa, ow, oh, yuvMatrix(null, false));
    const lb = yuvToRgba(b.buf, b.layout, "NV12", 8, 6, ob, ow, oh, yuvMatrix(null, false));
    assert.deepEqual(Array.from(ob), Array.from(oa), `${ow}x${oh}`);
    assert.equal(la, lb);
  }
  // chroma that changes from row pair to row pair lands on the right output rows
  const bands = i420(2, 4, (_, y) => (y < 2 ? [81, 90, 240] : [41, 240, 110]));
  const o = new Uint8ClampedArray(2 * 4 * 4);
  yuvToRgba(bands.buf, bands.layout, "I420", 2, 4, o, 2, 4, yuvMatrix(null, false));
  close(rgbaAt(o, 2, 1, 1), [255, 0, 0, 255], 3, "top band red");
  close(rgbaAt(o, 2, 0, 2), [0, 0, 255, 255], 3, "bottom band blue");
});

test("YUV → RGBA: odd sizes read no chroma beyond the plane", () => {
  // 5x3 I420: chroma planes are 3x2; the padding bytes (77) would turn grey into a colour if they were read
  const { buf, layout } = i420(6, 4, () => [126, 128, 128]);
  const out = new Uint8ClampedArray(5 * 3 * 4);
  yuvToRgba(buf, layout, "I420", 5, 3, out, 5, 3, yuvMatrix(null, false));
  for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) close(rgbaAt(out, 5, x, y), [128, 128, 128, 255], 1, `pixel ${x},${y}`);
});

/** A stand-in for the browser's VideoFrame: an I420 picture whose copyTo() lays the planes out as Chromium does. */
function fakeFrame(o: { w: number; h: number; display?: [number, number]; format?: string | null; x?: number; matrix?: string | null; rotation?: number; failCopy?: boolean }) {
  const pic = i420(o.w, o.h, (x) => [x < o.w / 2 ? 81 : 41, x < o.w / 2 ? 90 : 240, x < o.w / 2 ? 240 : 110]);
  return {
    format: o.format === undefined ? "I420" : o.format,
    visibleRect: { x: o.x ?? 0, y: 0, width: o.w, height: o.h },
    displayWidth: o.display?.[0] ?? o.w,
    displayHeight: o.display?.[1] ?? o.h,
    colorSpace: { matrix: o.matrix === undefined ? "smpte170m" : o.matrix, fullRange: false },
    rotation: o.rotation ?? 0,
    allocationSize: () => pic.buf.length,
    copyTo: async (dest: Uint8Array) => {
      if (o.failCopy) throw new TypeError("cannot read this frame back");
      dest.set(pic.buf);
      return pic.layout;
    },
  } as unknown as VideoFrame;
}

test("FrameConverter: converts camera frames at the size createImageBitmap would give, one at a time", async () => {
  const g = globalThis as { ImageData?: unknown };
  const had = g.ImageData;
  g.ImageData ??= class {
    data: Uint8ClampedArray;
    constructor(public width: number, public height: number) {
      this.data = new Uint8ClampedArray(width * height * 4);
    }
  };
  try {
    const conv = new FrameConverter();
    // a 640x480 track asked for 384x288: same proportions, smaller → converted at the display size
    const f = fakeFrame({ w: 64, h: 48, display: [38, 28] });
    assert.ok(conv.accepts(f));
    const { image, meanLuma } = await conv.convert(f);
    assert.deepEqual([image.width, image.height], [38, 28]);
    close(Array.from(image.data.subarray(0, 4)), [255, 0, 0, 255], 3, "left half red");
    close(Array.from(image.data.subarray((38 * 28 - 1) * 4, 38 * 28 * 4)), [0, 0, 255, 255], 3, "right half blue");
    assert.ok(meanLuma > 30 && meanLuma < 80, `mean luma ${meanLuma}`);
    // while that image is in use nothing else may overwrite it
    assert.equal(conv.accepts(fakeFrame({ w: 64, h: 48 })), false, "busy until released");
    conv.release();
    // explicit resize options win over the display size
    assert.ok(conv.accepts(f, { resizeWidth: 32, resizeHeight: 24 }));
    assert.deepEqual([(await conv.convert(f, { resizeWidth: 32, resizeHeight: 24 })).image.width], [32]);
    conv.release();

    // what it leaves to createImageBitmap
    const no = (frame: VideoFrame, why: string, size?: { resizeWidth: number; resizeHeight: number }) => assert.equal(conv.accepts(frame, size), false, why);
    no(fakeFrame({ w: 64, h: 48, format: "RGBX" }), "RGB frames");
    no(fakeFrame({ w: 64, h: 48, format: null }), "frames without a readable format");
    no(fakeFrame({ w: 64, h: 48, rotation: 90 }), "rotated frames");
    no(fakeFrame({ w: 64, h: 48, matrix: "bt2020-ncl" }), "colour matrices it does not know");
    no(fakeFrame({ w: 64, h: 48, x: 1 }), "a visible area that does not start on a chroma sample");
    no(fakeFrame({ w: 64, h: 48, display: [85, 48] }), "non-square pixels (display wider than the visible area)");
    no(fakeFrame({ w: 64, h: 48, display: [48, 64] }), "proportions that differ (a rotation the frame does not report)");
    no(fakeFrame({ w: 64, h: 48 }), "upscaling", { resizeWidth: 128, resizeHeight: 96 });
    assert.ok(conv.accepts(fakeFrame({ w: 64, h: 48, matrix: null })), "no matrix given: BT.601");

    // a frame whose pixels cannot be read: the error goes to the caller and later frames use createImageBitmap
    const bad = fakeFrame({ w: 64, h: 48, failCopy: true });
    await assert.rejects(conv.convert(bad), /cannot read/);
    assert.equal(conv.accepts(fakeFrame({ w: 64, h: 48 })), false, "disabled after a failure");
  } finally {
    if (had === undefined) delete g.ImageData;
  }
});
