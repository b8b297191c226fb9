// PoseSample: one measured frame, as streamed over Socket.IO and saved through tRPC.
//
// Binary form (packSamples / unpackSamples): a fixed-size little-endian record of SAMPLE_BYTES = 206 bytes per sample,
// so 15 samples/s is ~3.1 KB/s. The live stream sends one such record per frame; stored recordings use the compact
// chunk format of app/_shared/recording/codec.ts (this record is its legacy format 1). Layout, in 16-bit words:
//   0-1    t, uint32 milliseconds (relative to the session start; wraps after 49 days)
//   2      low byte: bits 0-1 view (0 unknown, 1 frontal, 2 sagittal, 3 oblique); high byte: overall confidence 0..255
//   3..13  the 11 MEASURES angles as int16 in 0.01 deg (|angle| <= 327.67), null = -32768
//   14..19 per-measure confidence, one byte each (0..255), 11 bytes + 1 pad byte
//   20..85 33 image landmarks (x, y) as int16: v = q / 32767 + 0.5 (covers -0.5..1.5, step 3.1e-5 ~ 0.02 px at 640 px),
//          missing = -32768
//   86..102 33 landmark visibilities, one byte each (0..255) + 1 pad byte
// Quantisation error: angles <= 0.005 deg, landmarks <= 1.6e-5 (normalised), confidences <= 0.002.
import { z } from "zod";
import type { View } from "./angles";
import { LANDMARK_COUNT } from "./landmarks";
import { MEASURES, type MeasureKey, type MeasureValues } from "./measures";

export interface PoseSample {
  /** capture time, ms */
  t: number;
  view: View;
  /** overall confidence 0..1 (the trunk landmarks' quality) */
  confidence: number;
  /** degrees, or null when this measure could not be taken in this frame */
  angles: MeasureValues;
  /** per-measure confidence 0..1 (0 when the angle is null) */
  conf: Record<MeasureKey, number>;
  /** 33 image landmarks flattened as [x, y, visibility] * 33, normalised coordinates */
  landmarks: number[];
}

const VIEWS: readonly View[] = ["unknown", "frontal", "sagittal", "oblique"];
const NULL16 = -32768;
/** The measure count of the stored legacy format (chunk format 1): MEASURES as it was, 11 long. */
export const V1_MEASURE_COUNT = 11;

/** Word offsets of the fixed record for `n` measures (MEASURES is append-only, so the first n keep their place). */
function layout(n: number) {
  const W_T = 0, W_HDR = 2, W_ANG = 3;
  const W_CONF = W_ANG + n;
  const W_LM = W_CONF + Math.ceil(n / 2);
  const W_VIS = W_LM + 2 * LANDMARK_COUNT;
  const WORDS = W_VIS + Math.ceil(LANDMARK_COUNT / 2);
  return { n, W_T, W_HDR, W_ANG, W_CONF, W_LM, W_VIS, bytes: WORDS * 2 };
}
const LAYOUTS = new Map<number, ReturnType<typeof layout>>();
const layoutOf = (n: number) => LAYOUTS.get(n) ?? (LAYOUTS.set(n, layout(n)), LAYOUTS.get(n)!);
/** Bytes of one fixed record with `measureCount` measures. */
export const sampleBytes = (measureCount: number = MEASURES.length) => layoutOf(measureCount).bytes;
/** Bytes per packed sample (206 with today's 11 measures). */
export const SAMPLE_BYTES = sampleBytes();

const angleSchema = z.number().finite().min(-327).max(327).nullable();
export const PoseSampleSchema = z.object({
  t: z.number().finite().nonnegative(),
  view: z.enum(["frontal", "sagittal", "oblique", "unknown"]),
  confidence: z.number().min(0).max(1),
  angles: z.object(Object.fromEntries(MEASURES.map((k) => [k, angleSchema])) as Record<MeasureKey, typeof angleSchema>),
  conf: z.object(Object.fromEntries(MEASURES.map((k) => [k, z.number().min(0).max(1)])) as Record<MeasureKey, z.ZodNumber>),
  landmarks: z.array(z.number()).length(LANDMARK_COUNT * 3),
});

/** Packed samples as transported: raw bytes (Socket.IO binary) or base64 text (JSON/tRPC). */
export const PackedPoseSamplesSchema = z
  .union([z.instanceof(Uint8Array), z.string().base64().transform((s) => base64ToBytes(s))])
  .refine((b) => b.length % SAMPLE_BYTES === 0, { message: `packed pose samples must be a multiple of ${SAMPLE_BYTES} bytes` });

const q8 = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
const qLm = (v: number) => (Number.isFinite(v) ? Math.max(-32767, Math.min(32767, Math.round((v - 0.5) * 32767))) : NULL16);

export function packSample(s: PoseSample, out?: DataView, offset = 0, measureCount: number = MEASURES.length): Uint8Array {
  const { W_T, W_HDR, W_ANG, W_CONF, W_LM, W_VIS, bytes: size } = layoutOf(measureCount);
  const bytes = out ? null : new Uint8Array(size);
  const dv = out ?? new DataView(bytes!.buffer);
  const o = offset;
  const w = (word: number, v: number) => dv.setInt16(o + 2 * word, v, true);
  const b = (word: number, byte: number, v: number) => dv.setUint8(o + 2 * word + byte, v);
  dv.setUint32(o + 2 * W_T, Math.max(0, Math.round(s.t)) >>> 0, true);
  b(W_HDR, 0, Math.max(0, VIEWS.indexOf(s.view)));
  b(W_HDR, 1, q8(s.confidence));
  MEASURES.slice(0, measureCount).forEach((k, i) => {
    const a = s.angles[k];
    w(W_ANG + i, a === null || !Number.isFinite(a) ? NULL16 : Math.max(-32767, Math.min(32767, Math.round(a * 100))));
    dv.setUint8(o + 2 * W_CONF + i, a === null ? 0 : q8(s.conf[k]));
  });
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    w(W_LM + 2 * i, qLm(s.landmarks[3 * i] ?? NaN));
    w(W_LM + 2 * i + 1, qLm(s.landmarks[3 * i + 1] ?? NaN));
    dv.setUint8(o + 2 * W_VIS + i, q8(s.landmarks[3 * i + 2] ?? 0));
  }
  return bytes ?? new Uint8Array(dv.buffer, dv.byteOffset + offset, size);
}

export function unpackSample(bytes: Uint8Array, offset = 0, measureCount: number = MEASURES.length): PoseSample {
  const { W_T, W_HDR, W_ANG, W_CONF, W_LM, W_VIS, bytes: size } = layoutOf(measureCount);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
  const r = (word: number) => dv.getInt16(2 * word, true);
  const angles = {} as MeasureValues;
  const conf = {} as Record<MeasureKey, number>;
  MEASURES.forEach((k, i) => {
    const v = i < measureCount ? r(W_ANG + i) : NULL16;
    angles[k] = v === NULL16 ? null : v / 100;
    conf[k] = i < measureCount ? dv.getUint8(2 * W_CONF + i) / 255 : 0;
  });
  const landmarks: number[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const x = r(W_LM + 2 * i), y = r(W_LM + 2 * i + 1);
    landmarks.push(x === NULL16 ? NaN : x / 32767 + 0.5, y === NULL16 ? NaN : y / 32767 + 0.5, dv.getUint8(2 * W_VIS + i) / 255);
  }
  return {
    t: dv.getUint32(2 * W_T, true),
    view: VIEWS[dv.getUint8(2 * W_HDR) & 3] ?? "unknown",
    confidence: dv.getUint8(2 * W_HDR + 1) / 255,
    angles,
    conf,
    landmarks,
  };
}

/** Fixed records, one per sample: the live stream's form (and stored chunk format 1 with V1_MEASURE_COUNT). */
export function packSamples(samples: readonly PoseSample[], measureCount: number = MEASURES.length): Uint8Array {
  const size = sampleBytes(measureCount);
  const bytes = new Uint8Array(samples.length * size);
  const dv = new DataView(bytes.buffer);
  samples.forEach((s, i) => packSample(s, dv, i * size, measureCount));
  return bytes;
}

export function unpackSamples(bytes: Uint8Array, measureCount: number = MEASURES.length): PoseSample[] {
  const size = sampleBytes(measureCount);
  if (bytes.length % size !== 0) throw new Error(`packed pose samples must be a multiple of ${size} bytes, got ${bytes.length}`);
  const out: PoseSample[] = [];
  for (let o = 0; o < bytes.length; o += size) out.push(unpackSample(bytes, o, measureCount));
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
