"use client";
// Angle over time: normal range shaded, repetitions highlighted, peaks marked. As SVG in review (a whole trial) and on
// a canvas live (a sliding 10 s window, redrawn for every streamed frame: an SVG that changes every frame is restyled,
// repainted and rasterised whole, which cost the therapist's browser about 0.06 cores in bench:stream).
import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import type { Rep } from "../../_shared/assessments/summary";

export type ChartPoint = { t: number; v: number | null };

interface ChartInput {
  points: ChartPoint[];
  reps?: Rep[];
  normal?: { min: number; max: number } | null;
  direction?: 1 | -1;
  /** show only the last windowMs (live); otherwise the whole series */
  windowMs?: number;
  /** flagged moments (exercise form faults): a red mark at the top of the plot */
  marks?: { t: number; label: string }[];
}

const PAD = { l: 40, r: 10, t: 10, b: 24 };

/** The time span shown (ms): the last `windowMs`, or the whole series. */
function span(points: ChartPoint[], windowMs: number | undefined) {
  const last = points.length ? points[points.length - 1]!.t : 0;
  const t1 = windowMs ? Math.max(last, windowMs) : Math.max(last, 1000);
  return { t0: windowMs ? t1 - windowMs : points[0]?.t ?? 0, t1 };
}
/** The last point with a value at or after t0. */
function latestOf(points: ChartPoint[], t0: number): ChartPoint | undefined {
  for (let i = points.length - 1; i >= 0 && points[i]!.t >= t0; i--) if (points[i]!.v !== null) return points[i];
  return undefined;
}

/** Scales, grid and marks of a chart `W` x `H` (the same for the SVG and the canvas). */
export function chartLayout({ points, reps = [], normal, direction = 1, windowMs, marks = [] }: ChartInput, W: number, H: number) {
  const { t0, t1 } = span(points, windowMs);
  const vis = points.filter((p) => p.t >= t0);
  const vals = vis.map((p) => p.v).filter((v): v is number => v !== null);
  const bandVals = normal ? [direction * normal.min, direction * normal.max] : [];
  let lo = Math.min(0, ...vals, ...bandVals), hi = Math.max(10, ...vals, ...bandVals);
  const pad = (hi - lo) * 0.08;
  lo = Math.floor((lo - pad) / 10) * 10;
  hi = Math.ceil((hi + pad) / 10) * 10;
  const x = (t: number) => PAD.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - lo) / Math.max(1, hi - lo)) * (H - PAD.t - PAD.b);
  // the line, broken where there is no sample
  const runs: [number, number][][] = [];
  let run: [number, number][] | null = null;
  for (const p of vis) {
    if (p.v === null) run = null;
    else {
      if (!run) runs.push((run = []));
      run.push([x(p.t), y(p.v)]);
    }
  }
  const ticks: number[] = [];
  for (let v = lo; v <= hi; v += hi - lo > 80 ? 20 : 10) ticks.push(v);
  const secs: number[] = [];
  const step = t1 - t0 > 30_000 ? 5000 : 1000;
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) secs.push(t);
  const band = normal
    ? { x: PAD.l, w: W - PAD.l - PAD.r, y: Math.min(y(direction * normal.min), y(direction * normal.max)), h: Math.abs(y(direction * normal.min) - y(direction * normal.max)) }
    : null;
  const repBoxes = reps.filter((r) => r.endMs >= t0).map((r) => ({ key: r.index, x: x(Math.max(r.startMs, t0)), w: Math.max(1, x(r.endMs) - x(Math.max(r.startMs, t0))), y: PAD.t, h: H - PAD.t - PAD.b }));
  const peaks = reps.filter((r) => r.peakMs >= t0).map((r) => ({ key: r.index, x: x(r.peakMs), y: y(direction * r.peakDeg), label: `${r.peakDeg.toFixed(0)}°` }));
  const latest = latestOf(points, t0);
  const flags = marks.filter((m) => m.t >= t0 && m.t <= t1).map((m, i) => ({ key: `${i}-${m.t}`, x: x(m.t), label: m.label }));
  return { x, y, runs, ticks, secs, band, repBoxes, peaks, flags, latest, plot: { l: PAD.l, r: W - PAD.r, t: PAD.t, b: H - PAD.b } };
}

const ariaLabel = (label: string, latest: ChartPoint | undefined) => `${label}${latest ? `, latest ${latest.v!.toFixed(0)} degrees` : ""}`;

function Legend({ label, normal, reps, marks = false }: { label: string; normal: boolean; reps: boolean; marks?: boolean }) {
  return (
    <figcaption className="mt-1 flex flex-wrap gap-4 text-xs text-slate-500">
      <span><span className="mr-1 inline-block h-2 w-4 bg-brand-600 align-middle" />{label}</span>
      {normal && <span><span className="mr-1 inline-block h-2 w-4 bg-emerald-100 align-middle" />normal range</span>}
      {reps && <span><span className="mr-1 inline-block h-2 w-4 bg-sky-100 align-middle" />repetitions</span>}
      {marks && <span><span className="mr-1 inline-block h-2 w-1 bg-red-600 align-middle" />form fault</span>}
    </figcaption>
  );
}

export function AngleChart({
  points, reps = [], normal, direction = 1, windowMs, height = 220, label, cursorMs, marks = [],
}: ChartInput & { height?: number; label: string; cursorMs?: number }) {
  const W = 800, H = height;
  const c = useMemo(() => chartLayout({ points, reps, normal, direction, windowMs, marks }, W, H), [points, reps, normal, direction, windowMs, H, marks]);
  const path = c.runs.map((r) => r.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join("")).join("");
  return (
    <figure className="w-full">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={ariaLabel(label, c.latest)}>
        {c.band && <rect x={c.band.x} width={c.band.w} y={c.band.y} height={c.band.h} className="fill-emerald-100" />}
        {c.repBoxes.map((r) => <rect key={r.key} x={r.x} width={r.w} y={r.y} height={r.h} className="fill-sky-100/70" />)}
        {c.ticks.map((v) => (
          <g key={v}>
            <line x1={c.plot.l} x2={c.plot.r} y1={c.y(v)} y2={c.y(v)} className={v === 0 ? "stroke-slate-400" : "stroke-slate-200"} strokeWidth={1} />
            <text x={c.plot.l - 6} y={c.y(v) + 4} textAnchor="end" className="fill-slate-500 text-[11px]">{v}°</text>
          </g>
        ))}
        {c.secs.map((t) => (
          <text key={t} x={c.x(t)} y={H - 6} textAnchor="middle" className="fill-slate-500 text-[11px]">{Math.round(t / 1000)}s</text>
        ))}
        <path d={path} fill="none" className="stroke-brand-600" strokeWidth={2.5} strokeLinejoin="round" />
        {c.peaks.map((p) => (
          <g key={`p${p.key}`}>
            <circle cx={p.x} cy={p.y} r={5} className="fill-amber-500 stroke-white" strokeWidth={1.5} />
            <text x={p.x} y={p.y - 9} textAnchor="middle" className="fill-amber-700 text-[12px] font-semibold">{p.label}</text>
          </g>
        ))}
        {c.flags.map((m) => (
          <g key={m.key} data-testid="chart-fault">
            <title>{m.label}</title>
            <line x1={m.x} x2={m.x} y1={c.plot.t} y2={c.plot.b} className="stroke-red-500" strokeWidth={1} strokeDasharray="3 3" />
            <path d={`M${m.x - 5},${c.plot.t} L${m.x + 5},${c.plot.t} L${m.x},${c.plot.t + 8} Z`} className="fill-red-600" />
          </g>
        ))}
        {cursorMs !== undefined && <line x1={c.x(cursorMs)} x2={c.x(cursorMs)} y1={c.plot.t} y2={c.plot.b} className="stroke-red-500" strokeWidth={1.5} />}
      </svg>
      <Legend label={label} normal={!!normal} reps={reps.length > 0} marks={marks.length > 0} />
    </figure>
  );
}

// Tailwind's colours of the SVG above, for the canvas
const COLOR = {
  band: "#d1fae5", // emerald-100
  rep: "rgba(224, 242, 254, 0.7)", // sky-100/70
  zero: "#94a3b8", // slate-400
  grid: "#e2e8f0", // slate-200
  text: "#64748b", // slate-500
  line: "#0f6f66", // brand-600
  peak: "#f59e0b", // amber-500
  peakText: "#b45309", // amber-700
};

/** The same chart drawn on a canvas, for the live view: no DOM to restyle per frame, only the pixels that changed. */
export function LiveAngleChart({ points, reps = [], normal, direction = 1, windowMs, height = 180, label, marks = [] }: ChartInput & { height?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const width = useRef(0);
  const draw = useRef<() => void>(() => {});
  draw.current = () => {
    const cv = ref.current;
    const W = width.current || cv?.clientWidth || 0;
    if (!cv || !W) return;
    const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
    if (cv.width !== Math.round(W * dpr) || cv.height !== Math.round(height * dpr)) {
      cv.width = Math.round(W * dpr);
      cv.height = Math.round(height * dpr);
    }
    const g = cv.getContext("2d");
    if (!g) return;
    const c = chartLayout({ points, reps, normal, direction, windowMs, marks }, W, height);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, height);
    if (c.band) {
      g.fillStyle = COLOR.band;
      g.fillRect(c.band.x, c.band.y, c.band.w, c.band.h);
    }
    g.fillStyle = COLOR.rep;
    for (const r of c.repBoxes) g.fillRect(r.x, r.y, r.w, r.h);
    g.font = "11px system-ui, sans-serif";
    g.lineWidth = 1;
    g.textAlign = "right";
    for (const v of c.ticks) {
      const yy = Math.round(c.y(v)) + 0.5;
      g.strokeStyle = v === 0 ? COLOR.zero : COLOR.grid;
      g.beginPath();
      g.moveTo(c.plot.l, yy);
      g.lineTo(c.plot.r, yy);
      g.stroke();
      g.fillStyle = COLOR.text;
      g.fillText(`${v}°`, c.plot.l - 6, c.y(v) + 4);
    }
    g.textAlign = "center";
    for (const t of c.secs) g.fillText(`${Math.round(t / 1000)}s`, c.x(t), height - 6);
    g.strokeStyle = COLOR.line;
    g.lineWidth = 2.5;
    g.lineJoin = "round";
    for (const run of c.runs) {
      g.beginPath();
      run.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
      g.stroke();
    }
    g.font = "600 12px system-ui, sans-serif";
    for (const p of c.peaks) {
      g.beginPath();
      g.arc(p.x, p.y, 5, 0, Math.PI * 2);
      g.fillStyle = COLOR.peak;
      g.fill();
      g.strokeStyle = "#ffffff";
      g.lineWidth = 1.5;
      g.stroke();
      g.fillStyle = COLOR.peakText;
      g.fillText(p.label, p.x, p.y - 9);
    }
    g.fillStyle = "#dc2626"; // red-600
    for (const m of c.flags) {
      g.beginPath();
      g.moveTo(m.x - 5, c.plot.t);
      g.lineTo(m.x + 5, c.plot.t);
      g.lineTo(m.x, c.plot.t + 8);
      g.fill();
    }
  };
  // before the browser paints, so the chart shows the same frame as the angle read-out
  useLayoutEffect(() => draw.current());
  // follow the box's width (the canvas is drawn at its real size, so text stays crisp)
  useEffect(() => {
    const cv = ref.current;
    if (!cv || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(([e]) => {
      width.current = e!.contentRect.width;
      draw.current();
    });
    ro.observe(cv);
    return () => ro.disconnect();
  }, []);
  const latest = latestOf(points, span(points, windowMs).t0);
  return (
    <figure className="w-full">
      <canvas ref={ref} role="img" aria-label={ariaLabel(label, latest)} className="block w-full" style={{ height }} data-faults={marks.length} />
      <Legend label={label} normal={!!normal} reps={reps.length > 0} marks={marks.length > 0} />
    </figure>
  );
}
