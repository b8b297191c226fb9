// The one chunk format of stored recordings (assessment trials and exercise sets), used by the patient's browser
// to seal chunks, by the server to validate and summarise them, and by the review pages to show them.
//
// Every stored chunk names its format (the `format` column and upload field; formats >= 2 also start with it):
//   1  legacy: fixed 206-byte records of app/_shared/pose/sample.ts, 11 measures (chunks stored before 2026-12).
//   2  compact: quantised, delta-coded per column, DEFLATE-compressed (fflate, raw deflate):
//        header  u8 format (= 2) | u8 measure count M | u8 landmark count L | varint sample count n | varint body length
//                | varint deflated length (the rest of the chunk, exactly)
//        body    deflate-raw of the columns below, each n values long, every value a LEB128 varint:
//                t       first value as is, then zig-zag deltas (ms)
//                view    0 unknown, 1 frontal, 2 sagittal, 3 oblique (one varint per sample)
//                conf    overall confidence 0..255, zig-zag deltas
//                M x     angle in 0.01 deg: 0 = null, else zig-zag(delta to the last non-null value) + 1
//                M x     the angle's confidence 0..255, zig-zag deltas
//                L x     landmark x, then y: 1/LANDMARK_SCALE of the image (0 = missing, else as angles)
//                L x     landmark visibility 0..255, zig-zag deltas
// Quantisation of format 2: landmarks +-0.5/LANDMARK_SCALE of the image size (0.00025 at 2000), angles +-0.005 deg,
// confidences and visibilities +-0.002. Measures are decoded by position in MEASURES, which is append-only: a chunk
// with fewer measures reads null for the newer ones, a chunk with more keeps the ones this code knows.
import { deflateSync, inflateSync } from "fflate";
import type { View } from "../pose/angles";
import { LANDMARK_COUNT } from "../pose/landmarks";
import { MEASURES, type MeasureKey, type MeasureValues } from "../pose/measures";
import { packSamples, sampleBytes, unpackSamples, V1_MEASURE_COUNT, type PoseSample } from "../pose/sample";

export const LEGACY_CHUNK_FORMAT = 1;
export const COMPACT_CHUNK_FORMAT = 2;
/** The format new chunks are written in. */
export const CHUNK_FORMAT = COMPACT_CHUNK_FORMAT;
export const CHUNK_FORMATS = [LEGACY_CHUNK_FORMAT, COMPACT_CHUNK_FORMAT] as const;
export type ChunkFormat = (typeof CHUNK_FORMATS)[number];

/** Landmark steps per image width/height (format 2). */
export const LANDMARK_SCALE = 2000;
/** Landmarks are kept within [-2, 3] image sizes (a hand far outside the frame is clamped). */
const LM_MIN = -2, LM_MAX = 3;
/** Most samples one encoded blob may declare (a 20-minute recording at 60 Hz). */
export const MAX_DECODED_SAMPLES = 72_000;
const MAX_MEASURES = 64;

const VIEWS: readonly View[] = ["unknown", "frontal", "sagittal", "oblique"];

export class ChunkFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChunkFormatError";
  }
}

// ---- varints (numbers up to 2^53, no 32-bit bitwise maths) ----
class Writer {
  buf = new Uint8Array(4096);
  n = 0;
  private grow(k: number) {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  u(v: number) {
    this.grow(8);
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }
  bytes() {
    return this.buf.subarray(0, this.n);
  }
}
class Reader {
  o = 0;
  constructor(private b: Uint8Array, private what: string) {}
  u(): number {
    let v = 0, mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.o >= this.b.length) throw new ChunkFormatError(`${this.what} ends too early`);
      const x = this.b[this.o++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
    }
    throw new ChunkFormatError(`${this.what} holds an over-long number`);
  }
  done() {
    return this.o === this.b.length;
  }
}
const zz = (d: number) => (d >= 0 ? 2 * d : -2 * d - 1);
const unzz = (v: number) => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);
const q8 = (v: number) => (Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v * 255))) : 0);

/** Most body bytes one sample can take with m measures (bounds the inflated size a header may declare). */
function maxBodyBytesPerSample(m: number, l: number) {
  // t delta <= 5 bytes (zig-zag of +-2^32), view 1, conf 2, angle 3 + its conf 2 each, landmark 3 + 3 + visibility 2
  return 5 + 1 + 2 + m * 5 + l * 8;
}

function encodeCompact(samples: readonly PoseSample[]): Uint8Array {
  const n = samples.length, M = MEASURES.length, L = LANDMARK_COUNT;
  const w = new Writer();
  const delta = (vals: (s: PoseSample) => number) => {
    let prev = 0;
    for (const s of samples) {
      const v = vals(s);
      w.u(zz(v - prev));
      prev = v;
    }
  };
  const nullable = (vals: (s: PoseSample) => number | null) => {
    let prev = 0;
    for (const s of samples) {
      const v = vals(s);
      if (v === null) w.u(0);
      else {
        w.u(zz(v - prev) + 1);
        prev = v;
      }
    }
  };
  delta((s) => Math.max(0, Math.min(0xffffffff, Math.round(s.t))));
  for (const s of samples) w.u(Math.max(0, VIEWS.indexOf(s.view)));
  delta((s) => q8(s.confidence));
  for (const k of MEASURES) {
    nullable((s) => {
      const a = s.angles[k];
      return a === null || !Number.isFinite(a) ? null : Math.max(-32767, Math.min(32767, Math.round(a * 100)));
    });
  }
  for (const k of MEASURES) delta((s) => (s.angles[k] === null ? 0 : q8(s.conf[k])));
  const qLm = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? null : Math.round(Math.max(LM_MIN, Math.min(LM_MAX, v)) * LANDMARK_SCALE);
  for (let i = 0; i < L; i++) {
    nullable((s) => qLm(s.landmarks[3 * i]));
    nullable((s) => qLm(s.landmarks[3 * i + 1]));
  }
  for (let i = 0; i < L; i++) delta((s) => q8(s.landmarks[3 * i + 2] ?? 0));
  const body = w.bytes();
  const packed = deflateSync(body, { level: 9 });
  const h = new Writer();
  h.u(COMPACT_CHUNK_FORMAT);
  h.u(M);
  h.u(L);
  h.u(n);
  h.u(body.length);
  h.u(packed.length);
  const out = new Uint8Array(h.n + packed.length);
  out.set(h.bytes());
  out.set(packed, h.n);
  return out;
}

/** A format-2 chunk's header checked and its body inflated (both readers below start here). */
function openCompact(bytes: Uint8Array, maxSamples: number): { M: number; L: number; n: number; body: Uint8Array } {
  const h = new Reader(bytes, "chunk header");
  if (h.u() !== COMPACT_CHUNK_FORMAT) throw new ChunkFormatError(`chunk does not start with format ${COMPACT_CHUNK_FORMAT}`);
  const M = h.u(), L = h.u(), n = h.u(), bodyLen = h.u(), packedLen = h.u();
  if (M > MAX_MEASURES) throw new ChunkFormatError(`chunk declares ${M} measures (at most ${MAX_MEASURES})`);
  if (L !== LANDMARK_COUNT) throw new ChunkFormatError(`chunk declares ${L} landmarks, expected ${LANDMARK_COUNT}`);
  if (n < 1) throw new ChunkFormatError("chunk declares no samples");
  if (n > maxSamples) throw new ChunkFormatError(`chunk declares ${n} samples (at most ${maxSamples})`);
  if (bodyLen > n * maxBodyBytesPerSample(M, L)) throw new ChunkFormatError("chunk declares a body larger than its samples can need");
  if (packedLen !== bytes.length - h.o) throw new ChunkFormatError(`chunk has ${bytes.length - h.o} bytes after its header, header says ${packedLen}`);
  let body: Uint8Array;
  try {
    // one byte more than declared, so that a body that inflates to more is noticed (fflate truncates to `out`)
    body = inflateSync(bytes.subarray(h.o), { out: new Uint8Array(bodyLen + 1) });
  } catch (e) {
    throw new ChunkFormatError(`chunk body is not valid deflate data (${(e as Error).message})`);
  }
  if (body.length !== bodyLen) throw new ChunkFormatError(`chunk body inflates to ${body.length > bodyLen ? "more" : body.length} bytes, header says ${bodyLen}`);
  return { M, L, n, body };
}

function decodeCompact(bytes: Uint8Array, maxSamples: number): PoseSample[] {
  const { M, L, n, body } = openCompact(bytes, maxSamples);
  const r = new Reader(body, "chunk body");
  const out: PoseSample[] = Array.from({ length: n }, () => ({
    t: 0, view: "unknown" as View, confidence: 0,
    angles: Object.fromEntries(MEASURES.map((k) => [k, null])) as MeasureValues,
    conf: Object.fromEntries(MEASURES.map((k) => [k, 0])) as Record<MeasureKey, number>,
    landmarks: new Array<number>(3 * L),
  }));
  const delta = (set: (s: PoseSample, v: number) => void, min: number, max: number, what: string) => {
    let prev = 0;
    for (const s of out) {
      prev += unzz(r.u());
      if (prev < min || prev > max) throw new ChunkFormatError(`${what} out of range (${prev})`);
      set(s, prev);
    }
  };
  const nullable = (set: (s: PoseSample, v: number | null) => void, min: number, max: number, what: string) => {
    let prev = 0;
    for (const s of out) {
      const v = r.u();
      if (v === 0) set(s, null);
      else {
        prev += unzz(v - 1);
        if (prev < min || prev > max) throw new ChunkFormatError(`${what} out of range (${prev})`);
        set(s, prev);
      }
    }
  };
  delta((s, v) => (s.t = v), 0, 0xffffffff, "sample time");
  for (const s of out) {
    const v = r.u();
    if (v >= VIEWS.length) throw new ChunkFormatError(`unknown view ${v}`);
    s.view = VIEWS[v]!;
  }
  delta((s, v) => (s.confidence = v / 255), 0, 255, "confidence");
  for (let m = 0; m < M; m++) {
    const k = MEASURES[m];
    nullable((s, v) => {
      if (k) s.angles[k] = v === null ? null : v / 100;
    }, -32767, 32767, "angle");
  }
  for (let m = 0; m < M; m++) {
    const k = MEASURES[m];
    delta((s, v) => {
      if (k) s.conf[k] = v / 255;
    }, 0, 255, "angle confidence");
  }
  for (let i = 0; i < L; i++) {
    for (const c of [0, 1]) nullable((s, v) => (s.landmarks[3 * i + c] = v === null ? NaN : v / LANDMARK_SCALE), LM_MIN * LANDMARK_SCALE, LM_MAX * LANDMARK_SCALE, "landmark");
  }
  for (let i = 0; i < L; i++) delta((s, v) => (s.landmarks[3 * i + 2] = v / 255), 0, 255, "visibility");
  if (!r.done()) throw new ChunkFormatError("chunk body has bytes after its last column");
  return out;
}

/**
 * What the server needs of an uploaded chunk, read without building a sample: its sample count, every sample's time,
 * and the first angle (in sample order, then MEASURES order) whose magnitude is above `maxAbsAngle` degrees.
 * It reads format 2 exactly as decodeChunk does (the same header, the same columns in the same order, the same
 * ChunkFormatError for anything malformed or out of the format's ranges, no byte after the last column), so a chunk it
 * accepts is one decodeChunk accepts, and its times and angles are the ones decodeChunk would return. Every other
 * value of format 2 is in range by construction: times are whole ms >= 0, confidences and visibilities in [0, 1],
 * landmarks in [-2, 3] or missing. tests/unit/sample-checks.test.ts checks it against decodeChunk.
 */
export type ChunkScan = { count: number; times: Float64Array; overAngle: { sample: number; measure: MeasureKey; value: number } | null };
export function scanCompactChunk(bytes: Uint8Array, maxSamples: number, maxAbsAngle: number): ChunkScan {
  const { M, L, n, body } = openCompact(bytes, maxSamples);
  const r = new Reader(body, "chunk body");
  const times = new Float64Array(n);
  const delta = (min: number, max: number, what: string) => {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      prev += unzz(r.u());
      if (prev < min || prev > max) throw new ChunkFormatError(`${what} out of range (${prev})`);
    }
  };
  const nullable = (min: number, max: number, what: string, limit: number, onOver: ((i: number, v: number) => void) | null) => {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const v = r.u();
      if (v === 0) continue;
      prev += unzz(v - 1);
      if (prev < min || prev > max) throw new ChunkFormatError(`${what} out of range (${prev})`);
      if (onOver && (prev > limit || prev < -limit)) onOver(i, prev);
    }
  };
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev += unzz(r.u());
    if (prev < 0 || prev > 0xffffffff) throw new ChunkFormatError(`sample time out of range (${prev})`);
    times[i] = prev;
  }
  for (let i = 0; i < n; i++) {
    const v = r.u();
    if (v >= VIEWS.length) throw new ChunkFormatError(`unknown view ${v}`);
  }
  delta(0, 255, "confidence");
  let overAngle: ChunkScan["overAngle"] = null;
  // angles are whole hundredths of a degree: |v / 100| > maxAbsAngle exactly when |v| > maxAbsAngle * 100
  const limit = Math.round(maxAbsAngle * 100);
  for (let m = 0; m < M; m++) {
    const k = MEASURES[m];
    nullable(-32767, 32767, "angle", limit, k ? (i, v) => {
      if (!overAngle || i < overAngle.sample) overAngle = { sample: i, measure: k, value: v / 100 };
    } : null);
  }
  for (let m = 0; m < M; m++) delta(0, 255, "angle confidence");
  for (let i = 0; i < 2 * L; i++) nullable(LM_MIN * LANDMARK_SCALE, LM_MAX * LANDMARK_SCALE, "landmark", 0, null);
  for (let i = 0; i < L; i++) delta(0, 255, "visibility");
  if (!r.done()) throw new ChunkFormatError("chunk body has bytes after its last column");
  return { count: n, times, overAngle };
}

/** Seals samples into one chunk of the current format. */
export function encodeChunk(samples: readonly PoseSample[], format: ChunkFormat = CHUNK_FORMAT): Uint8Array {
  if (format === LEGACY_CHUNK_FORMAT) return packSamples(samples, V1_MEASURE_COUNT);
  return encodeCompact(samples);
}

/**
 * Reads a chunk of any known format. Throws ChunkFormatError (a clear message, never a crash) on anything malformed.
 * `maxSamples` bounds what a chunk may declare (uploads pass their per-chunk limit).
 */
export function decodeChunk(bytes: Uint8Array, format: number, maxSamples = MAX_DECODED_SAMPLES): PoseSample[] {
  if (format === LEGACY_CHUNK_FORMAT) {
    const size = sampleBytes(V1_MEASURE_COUNT);
    if (bytes.length === 0 || bytes.length % size !== 0) throw new ChunkFormatError(`format 1 samples must be a whole number of ${size}-byte records`);
    if (bytes.length / size > maxSamples) throw new ChunkFormatError(`chunk holds ${bytes.length / size} samples (at most ${maxSamples})`);
    return unpackSamples(bytes, V1_MEASURE_COUNT);
  }
  if (format === COMPACT_CHUNK_FORMAT) return decodeCompact(bytes, maxSamples);
  throw new ChunkFormatError(`unknown chunk format ${format}`);
}
