"use client";
import { MEASURE_INFO, MEASURES, type MeasureKey } from "@/app/_shared/pose/measures";
import type { PoseResult } from "@/app/_shared/pose/processor";

/** Live angle read-outs with a per-measure confidence bar; "—" when the measure is not available in this frame. */
export function AngleReadouts({ result, measures = MEASURES, className = "" }: { result: PoseResult | null; measures?: readonly MeasureKey[]; className?: string }) {
  return (
    <table className={`w-full text-sm ${className}`}>
      <caption className="sr-only">Live angles</caption>
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
          <th className="py-1 font-medium">Measure</th>
          <th className="py-1 text-right font-medium">Angle</th>
          <th className="w-24 py-1 pl-3 font-medium">Confidence</th>
        </tr>
      </thead>
      <tbody>
        {measures.map((k) => {
          const info = MEASURE_INFO[k];
          const v = result?.angles[k] ?? null;
          const c = result?.conf[k] ?? 0;
          return (
            <tr key={k} className="border-t border-slate-100" data-measure={k}>
              <td className="py-1.5">
                <span className="font-medium text-slate-800">{info.label}</span>
                {info.estimate && <span className="ml-1.5 rounded bg-amber-100 px-1 text-[10px] font-semibold uppercase text-amber-800">estimate</span>}
                <span className="block text-xs text-slate-500">
                  + = {info.positive}
                  {info.view !== "any" ? ` · ${info.view === "sagittal" ? "side view" : "front view"}` : ""}
                </span>
              </td>
              <td className="py-1.5 text-right font-mono text-base tabular-nums" aria-live="off">
                {v === null ? <span className="text-slate-500">—</span> : `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(1)}°`}
              </td>
              <td className="py-1.5 pl-3">
                <div className="h-1.5 w-full rounded bg-slate-200" title={`${Math.round(c * 100)}%`}>
                  <div className={`h-1.5 rounded ${c >= 0.7 ? "bg-brand-500" : c >= 0.4 ? "bg-amber-400" : "bg-rose-400"}`} style={{ width: `${Math.round(c * 100)}%` }} />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
