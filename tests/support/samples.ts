// Synthetic pose samples with a known trunk-flexion sweep, packed exactly as the browser packs them.
import { MEASURES, type MeasureKey } from "../../app/_shared/pose/measures";
import { bytesToBase64, packSamples, type PoseSample } from "../../app/_shared/pose/sample";

/** `reps` forward bends to `peakDeg` at `hz`, each `repMs` long, with 500 ms standing between. */
export function flexionSweep(opts: { reps?: number; peakDeg?: number; hz?: number; repMs?: number } = {}): PoseSample[] {
  const { reps = 3, peakDeg = 80, hz = 15, repMs = 3000 } = opts;
  const total = reps * (repMs + 500) + 500;
  const out: PoseSample[] = [];
  for (let t = 0; t < total; t += 1000 / hz) {
    const inRep = (t - 500) % (repMs + 500);
    const phase = t < 500 || inRep > repMs ? 0 : Math.sin((Math.PI * inRep) / repMs);
    const angle = peakDeg * Math.max(0, phase);
    const angles = Object.fromEntries(MEASURES.map((k) => [k, null])) as Record<MeasureKey, number | null>;
    const conf = Object.fromEntries(MEASURES.map((k) => [k, 0])) as Record<MeasureKey, number>;
    angles.trunkFlexion = angle;
    conf.trunkFlexion = 0.9;
    const landmarks = Array.from({ length: 33 * 3 }, (_, i) => (i % 3 === 2 ? 0.95 : 0.3 + ((i * 7) % 40) / 100));
    out.push({ t: Math.round(t), view: "sagittal", confidence: 0.9, angles, conf, landmarks });
  }
  return out;
}

export function chunked(samples: PoseSample[], size = 15) {
  const chunks: { seq: number; startMs: number; rateHz: number; samples: string }[] = [];
  for (let i = 0; i < samples.length; i += size) {
    const part = samples.slice(i, i + size);
    chunks.push({ seq: chunks.length, startMs: part[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(part)) });
  }
  return chunks;
}

/** A seeded normal random source (Box-Muller over a mulberry32 generator), so a "recording" is the same every run. */
export function seededNormal(seed: number) {
  let a = seed >>> 0;
  const uni = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uni())) * Math.cos(2 * Math.PI * uni());
}

/**
 * A realistic recorded trial: the real pose processor (angles, confidences, view, One Euro smoothing) over a side-on
 * subject bending forward 0 -> 80 deg and back in `repMs`, with every one of the 33 landmarks placed on the body
 * (face, arms hanging from the shoulders, feet) and each coordinate jittering independently by `jitterPx` (sd, px of a
 * 640x480 frame; MediaPipe's frame-to-frame jitter on a still subject is about 0.5-2 px) and visibilities by 0.01.
 * Independent white noise is the hardest case for delta coding, so sizes measured on this are on the safe side.
 */
export async function recordedSweep(opts: { seconds?: number; hz?: number; jitterPx?: number; seed?: number; repMs?: number } = {}): Promise<PoseSample[]> {
  const { seconds = 60, hz = 15, jitterPx = 1, seed = 7, repMs = 6000 } = opts;
  const { PoseProcessor } = await import("../../app/_shared/pose/processor");
  const { sideFrame, W, H } = await import("../unit/pose-fixtures");
  const { LM } = await import("../../app/_shared/pose/landmarks");
  const rnd = seededNormal(seed);
  const p = new PoseProcessor();
  const out: PoseSample[] = [];
  for (let i = 0; i < seconds * hz; i++) {
    const t = (i * 1000) / hz;
    const phase = (t % repMs) / repMs;
    const flexionDeg = 80 * Math.sin(Math.PI * phase) ** 2;
    const f = sideFrame({ flexionDeg, hipFlexDeg: 0, t: t + 1 });
    const image = f.image!;
    const at = (k: number) => image[k]!;
    // the points sideFrame leaves at the frame centre: face around the nose, arms hanging, hands
    const nose = at(LM.nose), sh = at(LM.leftShoulder);
    for (const k of [1, 2, 3, 4, 5, 6]) Object.assign(at(k), { x: nose.x - (k % 3) * 0.004, y: nose.y - 0.012, visibility: 0.97 });
    for (const k of [9, 10]) Object.assign(at(k), { x: nose.x - 0.006, y: nose.y + 0.02, visibility: 0.97 });
    const hang = (k: number, dy: number, vis: number) => Object.assign(at(k), { x: sh.x + 0.01, y: sh.y + dy, visibility: vis });
    hang(LM.leftElbow, 0.15, 0.9); hang(LM.rightElbow, 0.15, 0.6); hang(LM.leftWrist, 0.29, 0.85); hang(LM.rightWrist, 0.29, 0.5);
    for (const k of [17, 19, 21]) hang(k, 0.32, 0.8);
    for (const k of [18, 20, 22]) hang(k, 0.32, 0.45);
    for (const l of image) {
      l.x += (rnd() * jitterPx) / W;
      l.y += (rnd() * jitterPx) / H;
      l.visibility = Math.min(0.9999, Math.max(0, (l.visibility ?? 1) + rnd() * 0.01));
    }
    const s = p.process(f).sample;
    if (s) out.push({ ...s, t: Math.round(t) });
  }
  return out;
}
