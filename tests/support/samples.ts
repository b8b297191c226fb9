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
