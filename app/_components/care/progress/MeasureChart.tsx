"use client";
// One measure of an episode over time (recharts): the results on a dated axis shared by every chart of the page,
// the baseline, the MCID lines (where a change from baseline becomes clinically important; for movement the ±5°
// measurement error) and a marker for every visit. A point that is a clinically important change is drawn larger
// and filled. recharts renders plain SVG (no inline script), so it runs under the strict CSP.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Measure } from "../../../_shared/care/outcomes";
import type { Formatter } from "../../../_shared/format";

const DAY = 86_400_000;
const n1 = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function MeasureChart({ m, f, domain, visits }: { m: Measure; f: Formatter; domain: [number, number]; visits: { id: string; at: Date | string }[] }) {
  const data = m.series.map((p) => ({ t: Date.parse(p.at), v: p.value, important: p.important === true || (m.kind === "rom" && p.change !== null && Math.abs(p.change.delta) >= 5) }));
  const vals = [...data.map((d) => d.v), ...[m.thresholds.improved, m.thresholds.worsened].filter((x): x is number => x !== null)];
  const lo = m.range ? m.range.min : Math.floor(Math.min(...vals) / 10) * 10 - 10;
  const hi = m.range ? m.range.max : Math.ceil(Math.max(...vals) / 10) * 10 + 10;
  const label = `${m.title}: ${m.series.map((p) => `${f.day(p.at)} ${n1(p.value)}${m.unit}`).join(", ")}. ${m.verdict}`;
  return (
    <figure className="h-full w-full" role="img" aria-label={label} data-testid={`chart-${m.key}`}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 6, right: 10, bottom: 0, left: -14 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          {visits.map((v) => <ReferenceLine key={v.id} x={new Date(v.at).getTime()} stroke="#94a3b8" strokeDasharray="2 3" ifOverflow="hidden" />)}
          {m.baseline && <ReferenceLine y={m.baseline.value} stroke="#64748b" strokeWidth={1} ifOverflow="hidden" />}
          {m.thresholds.improved !== null && <ReferenceLine y={m.thresholds.improved} stroke="#059669" strokeDasharray="5 3" ifOverflow="hidden"
            label={{ value: m.kind === "rom" ? "+5°" : "MCID better", position: "insideTopRight", fontSize: 9, fill: "#047857" }} />}
          {m.thresholds.worsened !== null && <ReferenceLine y={m.thresholds.worsened} stroke="#dc2626" strokeDasharray="5 3" ifOverflow="hidden"
            label={{ value: m.kind === "rom" ? "−5°" : "MCID worse", position: "insideBottomRight", fontSize: 9, fill: "#b91c1c" }} />}
          <XAxis dataKey="t" type="number" scale="time" domain={[domain[0] - DAY, domain[1] + DAY]} tickFormatter={(t: number) => f.day(t).replace(/, \d{4}$/, "")}
            ticks={[...new Set(data.map((d) => d.t))]} tick={{ fontSize: 10, fill: "#475569" }} minTickGap={8} />
          <YAxis domain={[lo, hi]} tick={{ fontSize: 10, fill: "#475569" }} width={40} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => f.day(Number(t))} formatter={(v) => [`${n1(Number(v))}${m.unit}`, m.short]} />
          <Line dataKey="v" stroke="#0f6f66" strokeWidth={2} isAnimationActive={false}
            dot={(p: { cx?: number; cy?: number; index?: number }) => {
              const imp = data[p.index ?? 0]?.important;
              return <circle key={p.index} cx={p.cx} cy={p.cy} r={imp ? 5 : 3.5} fill={imp ? "#0f6f66" : "#ffffff"} stroke="#0f6f66" strokeWidth={2} />;
            }} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
