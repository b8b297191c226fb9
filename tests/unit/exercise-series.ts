// Synthetic measurement series for the exercise tests (not a test file itself): keyframed angle curves, sampled at a
// frame rate, with seeded noise, single-frame spikes, dropped frames, and the rest/peak values of a tracker spec.
import type { ExerciseMeasure, Position } from "@/app/_shared/pose/joint-angles";
import type { HoldCondition, RepMachine, RepSpec } from "@/app/_shared/exercises/spec";
import type { MeasurementFrame } from "@/app/_shared/exercises/trackers";

export type Values = Partial<Record<ExerciseMeasure, number>>;
export interface Key {
  t: number;
  v: Values;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeriesOptions {
  hz?: number;
  /** uniform noise amplitude in the measure's units (degrees; ratio measures get a hundredth of it) */
  noise?: number;
  seed?: number;
  position?: Position | null;
  /** every n-th frame one measure jumps by `spike` (a mis-tracked frame) */
  spikeEvery?: number;
  spike?: number;
  /** every n-th frame is dropped */
  dropEvery?: number;
}

const RATIO: ReadonlySet<ExerciseMeasure> = new Set(["footLiftL", "footLiftR"]);

/** Samples keyframed values (linear between keys, per measure) at `hz`. */
export function series(keys: Key[], o: SeriesOptions = {}): MeasurementFrame[] {
  const hz = o.hz ?? 15, rand = rng(o.seed ?? 1);
  const measures = [...new Set(keys.flatMap((k) => Object.keys(k.v)))] as ExerciseMeasure[];
  const out: MeasurementFrame[] = [];
  const t0 = keys[0]!.t, t1 = keys[keys.length - 1]!.t;
  let n = 0;
  for (let t = t0; t <= t1 + 1e-9; t += 1000 / hz) {
    n++;
    const values: Values = {};
    for (const m of measures) {
      const ks = keys.filter((k) => k.v[m] !== undefined);
      let v = ks[0]!.v[m]!;
      for (let i = 1; i < ks.length; i++) {
        const a = ks[i - 1]!, b = ks[i]!;
        if (t >= a.t && t <= b.t) {
          v = b.t === a.t ? b.v[m]! : a.v[m]! + ((b.v[m]! - a.v[m]!) * (t - a.t)) / (b.t - a.t);
          break;
        }
        if (t > b.t) v = b.v[m]!;
      }
      const scale = RATIO.has(m) ? 0.01 : 1;
      v += (rand() * 2 - 1) * (o.noise ?? 0) * scale;
      values[m] = v;
    }
    if (o.spikeEvery && n % o.spikeEvery === 0) {
      const m = measures[n % measures.length]!;
      values[m] = values[m]! + (o.spike ?? 30) * (RATIO.has(m) ? 0.01 : 1);
    }
    if (o.dropEvery && n % o.dropEvery === 0) continue;
    out.push({ t: Math.round(t), values, position: o.position === undefined ? undefined : o.position });
  }
  return out;
}

/** At rest: past `end` (and past `returnTo`, when the machine asks for a full return); a relative machine's own rest is 0. */
export const restOf = (m: RepMachine) => (m.relative ? 0 : (m.returnTo ?? m.end) - m.direction * 12);
export const peakOf = (m: RepMachine) => m.target + m.direction * 8;
export const reqRest = (q: RepMachine["requires"][number]) => q.target - q.direction * 50;
export const reqPeak = (q: RepMachine["requires"][number]) => q.target + q.direction * 10;

/** Values of every machine at rest. */
export function restValues(spec: RepSpec): Values {
  const v: Values = {};
  for (const m of spec.machines) {
    v[m.primary] = restOf(m);
    for (const q of m.requires) v[q.measure] = reqRest(q);
  }
  return v;
}

export interface RepShape {
  upS?: number;
  holdS?: number;
  downS?: number;
  restS?: number;
  /** override the peak (e.g. a partial repetition) */
  peak?: number;
  /** requirement values at the peak (default: met) */
  reqPeak?: number[];
}

/** Keys for one repetition of machine `m` starting at t0 (ms); the other machines stay at rest. Returns [keys, end t]. */
export function repKeys(spec: RepSpec, m: RepMachine, t0: number, s: RepShape = {}): [Key[], number] {
  const up = (s.upS ?? 1) * 1000, hold = (s.holdS ?? 0.5) * 1000, down = (s.downS ?? 1) * 1000, rest = (s.restS ?? 1) * 1000;
  const base = restValues(spec);
  const peak: Values = { ...base, [m.primary]: s.peak ?? peakOf(m) };
  m.requires.forEach((q, i) => (peak[q.measure] = s.reqPeak?.[i] ?? reqPeak(q)));
  const keys: Key[] = [
    { t: t0, v: base },
    { t: t0 + up, v: peak },
    { t: t0 + up + hold, v: peak },
    { t: t0 + up + hold + down, v: base },
    { t: t0 + up + hold + down + rest, v: base },
  ];
  return [keys, t0 + up + hold + down + rest];
}

/** A whole set: `shapes` repetitions of each listed machine in turn, starting with a second at rest. */
export function repSet(spec: RepSpec, order: RepMachine[], shapes: RepShape[]): Key[] {
  let t = 1000;
  const keys: Key[] = [{ t: 0, v: restValues(spec) }];
  shapes.forEach((s, i) => {
    const [k, end] = repKeys(spec, order[i % order.length]!, t, s);
    keys.push(...k);
    t = end;
  });
  return keys;
}

/** A value inside a hold condition's zone, and one clearly outside it. */
export function insideOf(c: HoldCondition): number {
  if (c.min !== undefined && c.max !== undefined) return (c.min + c.max) / 2;
  const step = Math.max(c.tolerance, c.measure.startsWith("footLift") ? 0.02 : 3);
  return c.min !== undefined ? c.min + 2 * step : c.max! - 2 * step;
}
export function outsideOf(c: HoldCondition): number {
  const step = Math.max(c.tolerance, c.measure.startsWith("footLift") ? 0.02 : 3);
  return c.min !== undefined ? c.min - 3 * step : c.max! + 3 * step;
}
