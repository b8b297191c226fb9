// The measures of an episode over time, for the progress view and the discharge summary (screen and PDF): every
// questionnaire score with its change from baseline and the MCID verdict (questionnaires.ts `progress`), and the
// movement results (best ROM per protocol per visit) with their change against the measurement error. Pure and
// isomorphic: the server builds it from stored rows, the page and the PDF read the same object.
import { MEASUREMENT_ERROR_DEG, protocolByKey } from "../assessments/catalogue";
import { mcidText, progress, questionnaireByKey, type ScoreChange, type ScoreResult } from "./questionnaires";

export type ResponsePoint = { id: string; instrument: string; version: number; score: ScoreResult | null; submittedAt: Date | string; source: string };
export type RomPoint = { trialId: string; visitId: string; protocolKey: string; at: Date | string; bestDeg: number };

export type MeasurePoint = { at: string; value: number; id: string; change: ScoreChange | null; important: boolean | null; band: string | null };
export type Measure = {
  key: string;
  kind: "questionnaire" | "rom";
  title: string;
  short: string;
  unit: string;
  range: { min: number; max: number } | null;
  higherIsBetter: boolean;
  baseline: MeasurePoint | null;
  latest: MeasurePoint | null;
  change: ScoreChange | null;
  /** true / false: clinically important or not (MCID); null: no MCID (ROM: see beyondError) */
  important: boolean | null;
  /** ROM only: the change is larger than the measurement error */
  beyondError: boolean | null;
  /** the verdict in words, e.g. "Improved by 3 points: clinically important (MCID 2 points or 30 % improvement)" */
  verdict: string;
  thresholds: { improved: number | null; worsened: number | null };
  /** where the threshold comes from, for the chart legend */
  thresholdText: string | null;
  series: MeasurePoint[];
};

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function verdictOf(c: ScoreChange | null, unit: string, hasMcid: boolean): string {
  if (!c) return "Only one result so far: no change yet";
  const size = `${fmt(Math.abs(c.delta))}${unit === "%" ? " points" : unit === "°" ? "°" : " points"}`;
  const what = c.direction === "unchanged" ? "Unchanged" : `${c.direction === "improved" ? "Improved" : "Worse"} by ${size}`;
  if (!hasMcid || c.important === null) return `${what}: no MCID for this measure, shown without a verdict`;
  return `${what}: ${c.important ? "clinically important" : "not clinically important"} (${c.threshold})`;
}

/** Questionnaire measures: one per instrument with a computable score, in catalogue order. */
export function questionnaireMeasures(responses: readonly ResponsePoint[]): Measure[] {
  const keys = [...new Set(responses.map((r) => r.instrument))];
  const out: Measure[] = [];
  for (const k of keys) {
    const def = questionnaireByKey(k);
    if (!def) continue;
    const rows = responses.filter((r) => r.instrument === k);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const p = progress(def, rows.map((r) => ({ at: iso(r.submittedAt), score: r.score?.score ?? null, id: r.id })));
    const series: MeasurePoint[] = p.series.map((s) => ({ at: s.at, value: s.score!, id: s.id!, change: s.change, important: s.change && s !== p.series[0] ? s.change.important : null, band: byId.get(s.id!)?.score?.band?.label ?? null }));
    const baseline = series[0] ?? null;
    const latest = series[series.length - 1] ?? null;
    out.push({
      key: k, kind: "questionnaire", title: def.title, short: def.short, unit: def.unit, range: def.range, higherIsBetter: def.higherIsBetter,
      baseline, latest, change: p.change, important: p.change ? p.change.important : null, beyondError: null,
      verdict: verdictOf(p.change, def.unit, def.mcid !== null), thresholds: p.thresholds, thresholdText: mcidText(def), series,
    });
  }
  const order = ["nprs", "peg", "psfs", "rmdq", "odi", "startback"];
  return out.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}

/** Movement measures: best result per protocol per visit; a change counts when it is larger than the measurement error. */
export function romMeasures(points: readonly RomPoint[]): Measure[] {
  const keys = [...new Set(points.map((p) => p.protocolKey))];
  return keys.map((k) => {
    const proto = protocolByKey(k);
    // best of each visit
    const perVisit = new Map<string, RomPoint>();
    for (const p of points.filter((x) => x.protocolKey === k)) {
      const prev = perVisit.get(p.visitId);
      if (!prev || p.bestDeg > prev.bestDeg) perVisit.set(p.visitId, p);
    }
    const pts = [...perVisit.values()].sort((a, b) => Date.parse(iso(a.at)) - Date.parse(iso(b.at)));
    const b = pts[0] ?? null;
    const mk = (p: RomPoint): MeasurePoint => {
      const delta = b ? Math.round((p.bestDeg - b.bestDeg) * 10) / 10 : 0;
      const ch: ScoreChange | null = b && p !== b ? { instrument: k, baseline: b.bestDeg, now: p.bestDeg, delta, relative: b.bestDeg ? Math.abs(delta) / Math.abs(b.bestDeg) : null, direction: delta === 0 ? "unchanged" : delta > 0 ? "improved" : "worsened", important: null, by: [], threshold: `measurement error ±${MEASUREMENT_ERROR_DEG}°` } : null;
      return { at: iso(p.at), value: p.bestDeg, id: p.trialId, change: ch, important: null, band: null };
    };
    const series = pts.map(mk);
    const latest = series[series.length - 1] ?? null;
    const change = latest && series.length > 1 ? latest.change : null;
    const beyond = change ? Math.abs(change.delta) >= MEASUREMENT_ERROR_DEG : null;
    const verdict = !change
      ? "Only one result so far: no change yet"
      : `${change.direction === "unchanged" ? "Unchanged" : `${change.direction === "improved" ? "More range" : "Less range"} by ${fmt(Math.abs(change.delta))}°`}: ${beyond ? "beyond" : "within"} the ±${MEASUREMENT_ERROR_DEG}° measurement error (no MCID for video-measured range)`;
    return {
      key: `rom:${k}`, kind: "rom" as const, title: proto?.title ?? k, short: proto?.title ?? k, unit: "°", range: null, higherIsBetter: true,
      baseline: series[0] ?? null, latest, change, important: null, beyondError: beyond, verdict,
      thresholds: series[0] ? { improved: series[0].value + MEASUREMENT_ERROR_DEG, worsened: series[0].value - MEASUREMENT_ERROR_DEG } : { improved: null, worsened: null },
      thresholdText: `±${MEASUREMENT_ERROR_DEG}° measurement error`, series,
    };
  });
}

/** Everything of an episode: questionnaires first (catalogue order), then movement results. */
export function episodeMeasures(responses: readonly ResponsePoint[], rom: readonly RomPoint[]): Measure[] {
  return [...questionnaireMeasures(responses), ...romMeasures(rom)];
}
