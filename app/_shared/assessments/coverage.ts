// Where a trial's tracking had gaps, and how much of its time was tracked. A "gap" is the rule the
// stored summary's GAPS flag uses (summary.ts): more than GAP_MS between consecutive samples in which
// the protocol's primary angle was measured. The review pages compute this from the stored samples, so
// the "gaps in tracking" badge and the "tracked" figure come from one rule and cannot disagree.
import type { MeasureKey } from "../pose/measures";
import type { PoseSample } from "../pose/sample";

export const GAP_MS = 1000;

export type Gap = { startMs: number; endMs: number; durationMs: number };
export type Coverage = {
  /** time from the first to the last sample, ms */
  durationMs: number;
  /** share of that time in which the angle was tracked (0–1): 1 minus the gaps */
  trackedFraction: number;
  /** share of samples with the angle measured (0–1) */
  sampleFraction: number;
  gaps: Gap[];
};

export function coverageOf(samples: readonly PoseSample[], measure: MeasureKey): Coverage {
  if (!samples.length) return { durationMs: 0, trackedFraction: 0, sampleFraction: 0, gaps: [] };
  const t0 = samples[0]!.t, t1 = samples[samples.length - 1]!.t;
  const valid = samples.filter((s) => s.angles[measure] !== null).map((s) => s.t);
  const durationMs = Math.max(0, t1 - t0);
  const gaps: Gap[] = [];
  for (let i = 1; i < valid.length; i++) {
    const d = valid[i]! - valid[i - 1]!;
    if (d > GAP_MS) gaps.push({ startMs: valid[i - 1]! - t0, endMs: valid[i]! - t0, durationMs: d });
  }
  const untracked = valid.length ? gaps.reduce((a, g) => a + g.durationMs, 0) + (valid[0]! - t0) + (t1 - valid[valid.length - 1]!) : durationMs;
  const trackedFraction = !valid.length ? 0 : durationMs === 0 ? 1 : Math.max(0, Math.min(1, 1 - untracked / durationMs));
  return { durationMs, trackedFraction, sampleFraction: valid.length / samples.length, gaps };
}
