"use client";
// Angle over time as SVG: normal range shaded, repetitions highlighted, peaks marked. Used live
// (a sliding 10 s window) and in review (a whole trial).
import { useMemo } from "react";
import type { Rep } from "../../_shared/assessments/summary";

export type ChartPoint = { t: number; v: number | null };

export function AngleChart({
  points, reps = [], normal, direction = 1, windowMs, height = 220, label, cursorMs,
}: {
  points: ChartPoint[];
  reps?: Rep[];
  normal?: { min: number; max: number } | null;
  direction?: 1 | -1;
  /** show only the last windowMs (live); otherwise the whole series */
  windowMs?: number;
  height?: number;
  label: string;
  cursorMs?: number;
}) {
  const W = 800, H = height, padL = 40, padR = 10, padT = 10, padB = 24;
  const view = useMemo(() => {
    const last = points.length ? points[points.length - 1]!.t : 0;
    const t1 = windowMs ? Math.max(last, windowMs) : Math.max(last, 1000);
    const t0 = windowMs ? t1 - windowMs : points[0]?.t ?? 0;
    const vis = points.filter((p) => p.t >= t0);
    const vals = vis.map((p) => p.v).filter((v): v is number => v !== null);
    const band = normal ? [direction * normal.min, direction * normal.max] : [];
    let lo = Math.min(0, ...vals, ...band), hi = Math.max(10, ...vals, ...band);
    const pad = (hi - lo) * 0.08;
    lo = Math.floor((lo - pad) / 10) * 10;
    hi = Math.ceil((hi + pad) / 10) * 10;
    return { t0, t1, lo, hi, vis };
  }, [points, windowMs, normal, direction]);
  const x = (t: number) => padL + ((t - view.t0) / Math.max(1, view.t1 - view.t0)) * (W - padL - padR);
  const y = (v: number) => padT + (1 - (v - view.lo) / Math.max(1, view.hi - view.lo)) * (H - padT - padB);
  // break the line where there is no sample
  const path = useMemo(() => {
    let d = "", pen = false;
    for (const p of view.vis) {
      if (p.v === null) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = true;
    }
    return d;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view]);
  const ticks = [];
  for (let v = view.lo; v <= view.hi; v += view.hi - view.lo > 80 ? 20 : 10) ticks.push(v);
  const secs = [];
  const step = view.t1 - view.t0 > 30_000 ? 5000 : 1000;
  for (let t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) secs.push(t);
  const latest = [...view.vis].reverse().find((p) => p.v !== null);
  return (
    <figure className="w-full">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={`${label}${latest ? `, latest ${latest.v!.toFixed(0)} degrees` : ""}`}>
        {normal && (
          <rect x={padL} width={W - padL - padR} y={Math.min(y(direction * normal.min), y(direction * normal.max))}
            height={Math.abs(y(direction * normal.min) - y(direction * normal.max))} className="fill-emerald-100" />
        )}
        {reps.filter((r) => r.endMs >= view.t0).map((r) => (
          <rect key={r.index} x={x(Math.max(r.startMs, view.t0))} width={Math.max(1, x(r.endMs) - x(Math.max(r.startMs, view.t0)))} y={padT} height={H - padT - padB} className="fill-sky-100/70" />
        ))}
        {ticks.map((v) => (
          <g key={v}>
            <line x1={padL} x2={W - padR} y1={y(v)} y2={y(v)} className={v === 0 ? "stroke-slate-400" : "stroke-slate-200"} strokeWidth={1} />
            <text x={padL - 6} y={y(v) + 4} textAnchor="end" className="fill-slate-500 text-[11px]">{v}°</text>
          </g>
        ))}
        {secs.map((t) => (
          <text key={t} x={x(t)} y={H - 6} textAnchor="middle" className="fill-slate-500 text-[11px]">{Math.round(t / 1000)}s</text>
        ))}
        <path d={path} fill="none" className="stroke-brand-600" strokeWidth={2.5} strokeLinejoin="round" />
        {reps.filter((r) => r.peakMs >= view.t0).map((r) => (
          <g key={`p${r.index}`}>
            <circle cx={x(r.peakMs)} cy={y(direction * r.peakDeg)} r={5} className="fill-amber-500 stroke-white" strokeWidth={1.5} />
            <text x={x(r.peakMs)} y={y(direction * r.peakDeg) - 9} textAnchor="middle" className="fill-amber-700 text-[12px] font-semibold">{r.peakDeg.toFixed(0)}°</text>
          </g>
        ))}
        {cursorMs !== undefined && <line x1={x(cursorMs)} x2={x(cursorMs)} y1={padT} y2={H - padB} className="stroke-red-500" strokeWidth={1.5} />}
      </svg>
      <figcaption className="mt-1 flex flex-wrap gap-4 text-xs text-slate-500">
        <span><span className="mr-1 inline-block h-2 w-4 bg-brand-600 align-middle" />{label}</span>
        {normal && <span><span className="mr-1 inline-block h-2 w-4 bg-emerald-100 align-middle" />normal range</span>}
        {reps.length > 0 && <span><span className="mr-1 inline-block h-2 w-4 bg-sky-100 align-middle" />repetitions</span>}
      </figcaption>
    </figure>
  );
}
