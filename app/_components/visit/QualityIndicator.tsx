"use client";
import type { Quality } from "../../_lib/realtime/quality";
import { QUALITY_LIMITS } from "../../_lib/realtime/quality";

const fmt = (v: number | null, unit: string, digits = 0) => (v === null ? "–" : `${v.toFixed(digits)}${unit}`);

/**
 * Connection quality for assessing movement: ≥ 15 fps and < 300 ms keep an assessment usable. The frame rate is
 * judged against what the other side sends (quality.ts), shown as "14 fps of 15 sent".
 */
export function QualityIndicator({ q, linkState }: { q: Quality | null; linkState: string }) {
  const level = q?.level ?? "unknown";
  const dot = level === "good" ? "bg-emerald-500" : level === "poor" ? "bg-amber-500" : "bg-slate-400";
  const label = level === "good" ? "Good connection" : level === "poor" ? "Poor connection" : "Measuring connection…";
  return (
    <section aria-label="Connection quality" className="rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="quality" data-level={level}
      data-fps={q?.fps ?? ""} data-sent-fps={q?.sentFps ?? ""} data-rtt={q?.rttMs ?? ""} data-frames={q?.framesDecoded ?? 0} data-link-state={linkState}>
      <p className="flex items-center gap-2 font-medium">
        <span className={`size-2.5 rounded-full ${dot}`} aria-hidden />
        {label}
      </p>
      <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs text-slate-600">
        <dt>Round trip</dt>
        <dd className="text-right tabular-nums">{fmt(q?.rttMs ?? null, " ms")}</dd>
        <dt>Packet loss</dt>
        <dd className="text-right tabular-nums">{fmt(q?.lossPct ?? null, " %", 1)}</dd>
        <dt>Frame rate</dt>
        <dd className="text-right tabular-nums">{fmt(q?.fps ?? null, " fps")}{q?.sentFps != null && q.fps !== null && <span className="text-slate-600"> of {q.sentFps.toFixed(0)} sent</span>}</dd>
        <dt>Resolution</dt>
        <dd className="text-right tabular-nums">{q?.width && q.height ? `${q.width}×${q.height}` : "–"}</dd>
      </dl>
      <div aria-live="polite">
        {q && q.warnings.length > 0 && (
          <ul className="mt-2 space-y-1 rounded bg-amber-50 p-2 text-xs text-amber-900">
            {q.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
            <li className="text-amber-800">Assessing movement needs at least {QUALITY_LIMITS.minFps} fps and under {QUALITY_LIMITS.maxRttMs} ms delay.</li>
          </ul>
        )}
        {q && q.notes.length > 0 && (
          <ul className="mt-2 space-y-1 text-xs text-slate-600" data-testid="quality-notes">
            {q.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
