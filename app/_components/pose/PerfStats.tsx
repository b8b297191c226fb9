"use client";
import type { TrackerStats } from "@/app/_lib/pose/tracker";
import { oneEuroLagMs } from "@/app/_shared/pose/filter";

const f0 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(0) : "–");

/** Analysed frames per second, per-frame time and the runtime in use. */
export function PerfStats({ stats, className = "" }: { stats: TrackerStats | null; className?: string }) {
  if (!stats) return null;
  const rows: Array<[string, string]> = [
    ["Analysed", `${stats.analysedFps.toFixed(1)} frames/s`],
    ["Per frame", `${f0(stats.inferMs)} ms (p95 ${f0(stats.inferP95Ms)} ms)`],
    ["Capture → angles", `${f0(stats.latencyMs)} ms + smoothing ~${f0(oneEuroLagMs(45))}–${f0(oneEuroLagMs(0))} ms`],
    ["Model", `${stats.model ?? "–"}${stats.modelReason ? ` · ${stats.modelReason}` : ""}`],
    ["Runs in", stats.backend === "worker" ? "Web Worker" : stats.backend === "main-thread" ? "main thread (fallback)" : "–"],
    ["Frames from", stats.capture === "stream" ? "camera track (in the worker)" : stats.capture === "video-frame" ? "video, per frame (VideoFrame)" : stats.capture === "bitmap" ? "video, per frame (copied)" : "–"],
    ["Pixels by", stats.conversion === "yuv" ? "YUV → RGBA (own converter)" : stats.conversion === "bitmap" ? "createImageBitmap" : "–"],
    ["Dropped frames", `${stats.dropped} (never queued)`],
    ["Skipped by pacing", `${stats.paced} (fresher frames at ≤ the target rate)`],
  ];
  return (
    <dl className={`grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs ${className}`} data-testid="pose-stats">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="font-mono text-slate-800">{v}</dd>
        </div>
      ))}
      {stats.fallbackReason && (
        <div className="col-span-2 text-amber-700">Worker unavailable: {stats.fallbackReason}</div>
      )}
      {stats.error && <div className="col-span-2 text-rose-700">Error: {stats.error}</div>}
    </dl>
  );
}
