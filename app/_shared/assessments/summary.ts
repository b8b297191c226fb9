// Repetition segmentation and trial summaries. Isomorphic: the therapist's live view marks peaks
// with it, and the server computes the stored summary from the stored samples (never from numbers
// the client sends).
import type { PoseSample } from "../pose/sample";
import type { MeasureKey } from "../pose/measures";
import { MEASUREMENT_ERROR_DEG, type Protocol } from "./catalogue";

export type Series = { t: number[]; v: (number | null)[]; c: number[] };
export type Rep = { index: number; startMs: number; peakMs: number; endMs: number; peakDeg: number; timeToPeakMs: number };
export type QualityFlag = "LOW_CONFIDENCE" | "GAPS" | "FEW_REPS" | "ESTIMATE" | "INCOMPLETE" | "NO_DATA";

export type TrialSummary = {
  primary: MeasureKey;
  direction: 1 | -1;
  reps: Rep[];
  /** largest excursion in the movement's direction, degrees (positive) */
  bestDeg: number | null;
  meanDeg: number | null;
  hold: { meanDeg: number; sdDeg: number; minDeg: number; maxDeg: number } | null;
  normal: { min: number; max: number; source: string } | null;
  vsNormal: "below" | "within" | "above" | null;
  sampleCount: number;
  validFraction: number;
  meanConfidence: number;
  durationMs: number;
  /** per recorded measure: min, max (signed degrees) over valid samples */
  ranges: Partial<Record<MeasureKey, { min: number; max: number }>>;
  flags: QualityFlag[];
};

const round1 = (x: number) => Math.round(x * 10) / 10;

export function seriesOf(samples: readonly PoseSample[], measure: MeasureKey): Series {
  return {
    t: samples.map((s) => s.t),
    v: samples.map((s) => s.angles[measure]),
    c: samples.map((s) => (s.angles[measure] === null ? 0 : s.conf[measure])),
  };
}

/** A value this far beyond both of its neighbours (degrees) is a glitch, not movement: even a fast trunk movement
 * (~90°/s) changes by under 10° between frames at 10 Hz, and a real peak stands only a degree or two above them. */
export const SPIKE_DEG = 12;
/** Neighbours further apart in time than this do not vouch for a value. */
const NEIGHBOUR_MS = 500;

/**
 * A single wrong frame (the pose model briefly locking onto the wrong limb) must not become a repetition's peak or
 * split one: a value that stands more than SPIKE_DEG above (or below) both its neighbours is replaced by the nearer of
 * them; a value with no neighbour within NEIGHBOUR_MS on either side is dropped. Everything else is kept as measured,
 * so a real peak is not shaved.
 */
export function despike(v: readonly (number | null)[], t: readonly number[]): (number | null)[] {
  const valid = v.map((x, i) => (x === null || x === undefined ? -1 : i)).filter((i) => i >= 0);
  const out: (number | null)[] = v.map(() => null);
  valid.forEach((i, k) => {
    const x = v[i]!;
    const near = (j: number | undefined) => (j !== undefined && Math.abs(t[j]! - t[i]!) <= NEIGHBOUR_MS ? v[j]! : null);
    const a = near(valid[k - 1]), b = near(valid[k + 1]);
    if (a === null && b === null) return; // isolated: nothing confirms it
    const lo = Math.min(a ?? b!, b ?? a!), hi = Math.max(a ?? b!, b ?? a!);
    out[i] = x > hi + SPIKE_DEG ? hi : x < lo - SPIKE_DEG ? lo : x;
  });
  return out;
}

/**
 * Peaks with hysteresis: a rep starts when direction·value rises above threshold and ends below threshold − hysteresis.
 * Runs on the despiked series, so one outlying frame neither makes a peak nor splits a repetition.
 */
export function detectReps(series: Series, direction: 1 | -1, opts: { threshold: number; hysteresis: number; minRepMs: number }): Rep[] {
  const reps: Rep[] = [];
  let cur: { startMs: number; peakMs: number; peak: number } | null = null;
  const values = despike(series.v, series.t);
  for (let i = 0; i < series.t.length; i++) {
    const raw = values[i];
    if (raw === null || raw === undefined) continue;
    const x = direction * raw;
    const t = series.t[i]!;
    if (!cur) {
      if (x >= opts.threshold) cur = { startMs: t, peakMs: t, peak: x };
    } else {
      if (x > cur.peak) {
        cur.peak = x;
        cur.peakMs = t;
      }
      if (x < opts.threshold - opts.hysteresis) {
        if (t - cur.startMs >= opts.minRepMs) reps.push(toRep(cur, t, reps.length));
        cur = null;
      }
    }
  }
  const lastT = series.t[series.t.length - 1];
  // A movement still held at the end of the recording counts once its peak is past.
  if (cur && lastT !== undefined && lastT - cur.startMs >= opts.minRepMs) reps.push(toRep(cur, lastT, reps.length));
  return reps;
}

function toRep(cur: { startMs: number; peakMs: number; peak: number }, endMs: number, index: number): Rep {
  return { index, startMs: cur.startMs, peakMs: cur.peakMs, endMs, peakDeg: round1(cur.peak), timeToPeakMs: Math.round(cur.peakMs - cur.startMs) };
}

export function summarize(samples: readonly PoseSample[], protocol: Protocol, opts: { incomplete?: boolean } = {}): TrialSummary {
  const s = seriesOf(samples, protocol.primary);
  const valid = s.v.map((v, i) => (v === null ? null : { v, t: s.t[i]!, c: s.c[i]! })).filter((x) => x !== null);
  const flags: QualityFlag[] = [];
  if (protocol.estimate) flags.push("ESTIMATE");
  if (opts.incomplete) flags.push("INCOMPLETE");
  const durationMs = samples.length ? samples[samples.length - 1]!.t - samples[0]!.t : 0;
  const ranges: TrialSummary["ranges"] = {};
  for (const m of protocol.measures) {
    const vals = samples.map((x) => x.angles[m]).filter((v): v is number => v !== null);
    if (vals.length) ranges[m] = { min: round1(Math.min(...vals)), max: round1(Math.max(...vals)) };
  }
  const base = {
    primary: protocol.primary, direction: protocol.direction, normal: protocol.normal ? { min: protocol.normal.min, max: protocol.normal.max, source: protocol.normal.source } : null,
    sampleCount: samples.length, validFraction: samples.length ? round1((valid.length / samples.length) * 1000) / 1000 : 0,
    meanConfidence: valid.length ? Math.round((valid.reduce((a, x) => a + x.c, 0) / valid.length) * 1000) / 1000 : 0,
    durationMs: Math.round(durationMs), ranges,
  };
  if (!valid.length) return { ...base, reps: [], bestDeg: null, meanDeg: null, hold: null, vsNormal: null, flags: [...flags, "NO_DATA"] };
  if (base.meanConfidence < 0.5) flags.push("LOW_CONFIDENCE");
  // a gap: more than 1 s between consecutive valid samples
  for (let i = 1; i < valid.length; i++) if (valid[i]!.t - valid[i - 1]!.t > 1000) { flags.push("GAPS"); break; }

  let reps: Rep[] = [];
  let hold: TrialSummary["hold"] = null;
  let best: number, mean: number;
  if (protocol.detection.kind === "peaks") {
    reps = detectReps(s, protocol.direction, protocol.detection);
    if (reps.length < protocol.reps) flags.push("FEW_REPS");
    const extreme = () => {
      const kept = despike(s.v, s.t).filter((x) => x !== null);
      return Math.max(...(kept.length ? kept : valid.map((x) => x.v)).map((x) => protocol.direction * x));
    };
    const peaks = reps.length ? reps.map((r) => r.peakDeg) : [extreme()];
    best = Math.max(...peaks);
    mean = peaks.reduce((a, b) => a + b, 0) / peaks.length;
  } else {
    const vs = valid.map((x) => x.v);
    const m = vs.reduce((a, b) => a + b, 0) / vs.length;
    const sd = Math.sqrt(vs.reduce((a, b) => a + (b - m) ** 2, 0) / vs.length);
    hold = { meanDeg: round1(m), sdDeg: round1(sd), minDeg: round1(Math.min(...vs)), maxDeg: round1(Math.max(...vs)) };
    best = protocol.direction * m;
    mean = best;
  }
  const n = base.normal;
  const vsNormal = n ? (best < n.min ? "below" : best > n.max ? "above" : "within") : null;
  return { ...base, reps, bestDeg: round1(best), meanDeg: round1(mean), hold, vsNormal, flags };
}

export type Change = { deltaDeg: number; withinError: boolean };
/** Change between two results, marked when it is smaller than the measurement error. */
export function compare(current: number, previous: number): Change {
  const deltaDeg = round1(current - previous);
  return { deltaDeg, withinError: Math.abs(deltaDeg) < MEASUREMENT_ERROR_DEG };
}
