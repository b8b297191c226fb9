"use client";
// Progress across visits: each protocol's best result per visit, the change from the previous one
// (marked when it is within the measurement error), and a small chart with ±5° error bars.
import Link from "next/link";
import { MEASUREMENT_ERROR_DEG, protocolByKey, PROTOCOLS } from "../../_shared/assessments/catalogue";
import type { TrialSummary } from "../../_shared/assessments/summary";
import { Empty, formatDate } from "../ui";
import { ChangeBadge, QualityFlags, type TrialRow } from "./trial-bits";

function Sparkline({ values, normal, direction }: { values: number[]; normal: { min: number; max: number } | null; direction: 1 | -1 }) {
  const W = 220, H = 70, pad = 8;
  const all = [...values, ...values.map((v) => v + MEASUREMENT_ERROR_DEG), ...values.map((v) => v - MEASUREMENT_ERROR_DEG), ...(normal ? [normal.min, normal.max] : [])];
  const lo = Math.min(...all), hi = Math.max(...all);
  const x = (i: number) => pad + (values.length === 1 ? (W - 2 * pad) / 2 : (i / (values.length - 1)) * (W - 2 * pad));
  const y = (v: number) => pad + (1 - (v - lo) / Math.max(1, hi - lo)) * (H - 2 * pad);
  void direction;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-16 w-56" role="img" aria-label={`Best results: ${values.map((v) => `${v}°`).join(", ")}`}>
      {normal && <rect x={0} width={W} y={y(normal.max)} height={Math.max(1, y(normal.min) - y(normal.max))} className="fill-emerald-100" />}
      {values.map((v, i) => <line key={`e${i}`} x1={x(i)} x2={x(i)} y1={y(v + MEASUREMENT_ERROR_DEG)} y2={y(v - MEASUREMENT_ERROR_DEG)} className="stroke-slate-400" />)}
      <polyline points={values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} fill="none" className="stroke-brand-600" strokeWidth={2} />
      {values.map((v, i) => <circle key={i} cx={x(i)} cy={y(v)} r={3.5} className="fill-brand-600" />)}
    </svg>
  );
}

export function AssessmentProgress({ trials }: { trials: TrialRow[] }) {
  const done = trials.filter((t) => t.status === "COMPLETED" && t.summary);
  if (!done.length) return <Empty>No movement assessments recorded yet.</Empty>;
  const byProtocol = PROTOCOLS.map((p) => ({ p, rows: done.filter((t) => t.protocolKey === p.key) })).filter((g) => g.rows.length);
  return (
    <div className="flex flex-col divide-y divide-slate-100">
      {byProtocol.map(({ p, rows }) => {
        const best = rows.map((r) => (r.summary as TrialSummary).bestDeg ?? 0);
        return (
          <section key={p.key} className="py-3" aria-label={p.title}>
            <div className="flex flex-wrap items-start justify-between gap-4">
              <div>
                <h3 className="font-medium">{p.title}</h3>
                <p className="text-xs text-slate-500">{p.normal ? `Normal ${p.normal.min}–${p.normal.max}° (${p.normal.source.split(",")[0]})` : "No normative range: compare across visits"}</p>
              </div>
              <Sparkline values={best} normal={p.normal} direction={p.direction} />
            </div>
            <table className="mt-2 w-full text-sm">
              <thead className="text-xs uppercase text-slate-500"><tr><th className="py-1 text-left">Visit</th><th className="text-left">Best</th><th className="text-left">Change</th><th className="text-left">Quality</th><th /></tr></thead>
              <tbody className="divide-y divide-slate-50">
                {rows.map((r, i) => {
                  const s = r.summary as TrialSummary;
                  return (
                    <tr key={r.id}>
                      <td className="py-1.5">{formatDate(r.visit.startedAt ?? r.visit.scheduledAt)}</td>
                      <td>{s.bestDeg ?? "—"}°{r.painDuring !== null && <span className="ml-2 text-xs text-slate-500">pain {r.painDuring}/10</span>}</td>
                      <td><ChangeBadge current={s.bestDeg} previous={i > 0 ? (rows[i - 1]!.summary as TrialSummary).bestDeg : null} /></td>
                      <td><QualityFlags flags={r.qualityFlags} /></td>
                      <td className="text-right"><Link className="text-brand-700 hover:underline" href={`/trials/${r.id}`}>Open<span className="sr-only"> {protocolByKey(r.protocolKey)?.title} trial</span></Link></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}
