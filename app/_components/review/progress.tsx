"use client";
// Progress across visits: each protocol's best result per visit on a dated chart (recharts: time axis,
// degree axis, the normal band, ±5° error bars for the measurement error), then a table of the visits
// with the change from the previous one (marked when it is within the measurement error). Every
// protocol's table has the same fixed columns, so the tables line up down the page.
// recharts renders plain SVG with React (no inline <script>, no eval), so it runs under the strict CSP.
import Link from "next/link";
import { CartesianGrid, ErrorBar, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { MEASUREMENT_ERROR_DEG, protocolByKey, PROTOCOLS, type Protocol } from "../../_shared/assessments/catalogue";
import type { TrialSummary } from "../../_shared/assessments/summary";
import type { Formatter } from "../../_shared/format";
import { useFormat } from "../../_lib/clinic";
import { Empty } from "../ui";
import { ChangeBadge, QualityFlags, type TrialRow } from "./trial-bits";

type Point = { t: number; best: number; err: [number, number] };

const DAY = 86400_000;

export function TrendChart({ protocol, rows, f }: { protocol: Protocol; rows: TrialRow[]; f: Formatter }) {
  const data: Point[] = rows
    .map((r) => ({ t: new Date(r.visit.startedAt ?? r.visit.scheduledAt).getTime(), best: (r.summary as TrialSummary).bestDeg ?? null }))
    .filter((p): p is { t: number; best: number } => p.best !== null)
    .map((p) => ({ ...p, err: [MEASUREMENT_ERROR_DEG, MEASUREMENT_ERROR_DEG] as [number, number] }));
  if (!data.length) return null;
  const n = protocol.normal;
  const vals = data.flatMap((d) => [d.best - MEASUREMENT_ERROR_DEG, d.best + MEASUREMENT_ERROR_DEG]).concat(n ? [n.min, n.max] : []);
  // round degree ticks (every 10°, 20° or 30°) over a span that holds the results, their error bars and the band
  const raw = Math.max(...vals) - Math.min(0, ...vals);
  const step = raw <= 60 ? 10 : raw <= 120 ? 20 : 30;
  const lo = Math.floor(Math.min(0, ...vals) / step) * step, hi = Math.ceil((Math.max(...vals) + step / 2) / step) * step;
  const ticks = Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
  const t0 = Math.min(...data.map((d) => d.t)), t1 = Math.max(...data.map((d) => d.t));
  // a single visit or visits on one day still get a readable span of days around them
  const padT = Math.max(DAY, (t1 - t0) * 0.08);
  const label = `${protocol.title}: best result per visit, ${data.map((d) => `${f.day(d.t)} ${d.best}°`).join(", ")}${n ? `; normal ${n.min}–${n.max}°` : ""}`;
  return (
    <figure className="h-48 w-full" role="img" aria-label={label} data-testid="trend-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          {n && <ReferenceArea y1={n.min} y2={n.max} fill="#d1fae5" fillOpacity={0.8} stroke="none" ifOverflow="extendDomain"
            label={{ value: `normal ${n.min}–${n.max}°`, position: "insideTopLeft", fill: "#047857", fontSize: 11 }} />}
          <XAxis dataKey="t" type="number" scale="time" domain={[t0 - padT, t1 + padT]} tickFormatter={(t: number) => f.day(t)}
            ticks={data.map((d) => d.t)} interval="preserveStartEnd" minTickGap={24} tick={{ fontSize: 11, fill: "#475569" }} />
          <YAxis domain={[lo, hi]} ticks={ticks} unit="°" width={44} tick={{ fontSize: 11, fill: "#475569" }} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => f.day(Number(t))} formatter={(v) => [`${v}° (±${MEASUREMENT_ERROR_DEG}°)`, "best"]} />
          <Line dataKey="best" stroke="#0f6f66" strokeWidth={2} dot={{ r: 4, fill: "#0f6f66" }} isAnimationActive={false}>
            <ErrorBar dataKey="err" width={6} stroke="#64748b" direction="y" />
          </Line>
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function AssessmentProgress({ trials }: { trials: TrialRow[] }) {
  const f = useFormat();
  const done = trials.filter((t) => t.status === "COMPLETED" && t.summary);
  if (!done.length) return <Empty>No movement assessments recorded yet.</Empty>;
  const byProtocol = PROTOCOLS.map((p) => ({ p, rows: done.filter((t) => t.protocolKey === p.key) })).filter((g) => g.rows.length);
  return (
    <div className="flex flex-col divide-y divide-slate-100">
      {byProtocol.map(({ p, rows }) => (
        <section key={p.key} className="py-3" aria-label={p.title}>
          <h3 className="font-medium">{p.title}</h3>
          <p className="text-xs text-slate-500">
            {p.normal ? <>Normal {p.normal.min}–{p.normal.max}°. Source: {p.normal.source}</> : "No normative range: compare across visits"}
          </p>
          <TrendChart protocol={p} rows={rows} f={f} />
          <table className="mt-2 w-full table-fixed text-sm">
            <colgroup><col className="w-[26%]" /><col className="w-[22%]" /><col className="w-[22%]" /><col className="w-[20%]" /><col className="w-[10%]" /></colgroup>
            <thead className="text-xs uppercase text-slate-500">
              <tr><th className="py-1 text-left font-medium">Visit</th><th className="text-left font-medium">Best</th><th className="text-left font-medium">Change</th><th className="text-left font-medium">Quality</th><th><span className="sr-only">Trial</span></th></tr>
            </thead>
            <tbody className="divide-y divide-slate-50">
              {rows.map((r, i) => {
                const s = r.summary as TrialSummary;
                return (
                  <tr key={r.id}>
                    <td className="py-1.5">{f.day(r.visit.startedAt ?? r.visit.scheduledAt)}</td>
                    <td>{s.bestDeg ?? "—"}°{r.painDuring !== null && <span className="ml-2 text-xs text-slate-500">pain {r.painDuring}/10</span>}</td>
                    <td><ChangeBadge current={s.bestDeg} previous={i > 0 ? (rows[i - 1]!.summary as TrialSummary).bestDeg : null} /></td>
                    <td><QualityFlags flags={r.qualityFlags} /></td>
                    <td className="text-right"><Link className="text-brand-700 hover:underline" href={`/trials/${r.id}`}>Open<span className="sr-only"> {protocolByKey(r.protocolKey)?.title} trial of {f.day(r.visit.startedAt ?? r.visit.scheduledAt)}</span></Link></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
