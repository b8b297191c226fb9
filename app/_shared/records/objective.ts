// The objective part of a visit note, written from the visit's stored results (the note's prefill).
import { protocolByKey } from "../assessments/catalogue";
import { compare, type TrialSummary } from "../assessments/summary";

export type ObjectiveTrial = { protocolKey: string; status: string; summary: unknown; painDuring: number | null };

const f1 = (x: number) => x.toFixed(1);

export function isTrialSummary(x: unknown): x is TrialSummary {
  return typeof x === "object" && x !== null && Array.isArray((x as TrialSummary).reps) && "bestDeg" in x;
}

/** One line per completed trial: value, repetitions, normal range, change since the previous visit, pain. */
export function objectiveText(trials: readonly ObjectiveTrial[], previous: ReadonlyMap<string, number> = new Map()): string {
  const lines: string[] = [];
  for (const t of trials) {
    if (t.status !== "COMPLETED" || !isTrialSummary(t.summary) || t.summary.bestDeg === null) continue;
    const s = t.summary;
    const p = protocolByKey(t.protocolKey);
    const title = p?.title ?? t.protocolKey;
    const value = s.hold ? `mean ${f1(s.hold.meanDeg)}° (sd ${f1(s.hold.sdDeg)}°)` : `peak ${f1(s.bestDeg!)}°`;
    const reps = s.hold || !s.reps.length ? "" : ` (repetitions ${s.reps.map((r) => `${f1(r.peakDeg)}°`).join(", ")})`;
    const normal = s.normal ? `; normal ${s.normal.min}–${s.normal.max}°, ${s.vsNormal}` : "";
    const prev = previous.get(t.protocolKey);
    const change = prev !== undefined ? (() => { const c = compare(s.bestDeg!, prev); return `; ${c.deltaDeg >= 0 ? "+" : ""}${f1(c.deltaDeg)}° since last visit${c.withinError ? " (within measurement error)" : ""}`; })() : "";
    const pain = t.painDuring !== null ? `; pain ${t.painDuring}/10` : "";
    const flags = s.flags.length ? ` [${s.flags.join(", ")}]` : "";
    lines.push(`${title}: ${value}${reps}${normal}${change}${pain}${flags}`);
  }
  return lines.length ? `Measured by markerless video pose estimation:\n${lines.join("\n")}` : "";
}

/** Spreadsheet apps run a cell that starts with = + - @ (or a tab / carriage return) as a formula: prefix a quote. */
export function csvCell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : ""; // a number is data, never a formula
  let s = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",");
}
