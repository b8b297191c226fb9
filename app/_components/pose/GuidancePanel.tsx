"use client";
import type { Guidance } from "@/app/_shared/pose/guidance";

/** Camera-placement guidance as plain instructions ("Step back", "Turn sideways"). */
export function GuidancePanel({ guidance, className = "" }: { guidance: Guidance | null; className?: string }) {
  if (!guidance) return <p className={`text-sm text-slate-500 ${className}`}>Waiting for the camera…</p>;
  return (
    <div className={className} role="status" aria-live="polite">
      {guidance.items.length === 0 ? (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800">Camera placement looks good.</p>
      ) : (
        <ul className="space-y-1.5">
          {guidance.items.map((i) => (
            <li
              key={i.code}
              data-guidance={i.code}
              className={`rounded-md px-3 py-2 text-sm font-medium ${i.severity === "block" ? "bg-rose-50 text-rose-800" : "bg-amber-50 text-amber-900"}`}
            >
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-2 text-xs text-slate-500">
        View: {guidance.view === "sagittal" ? "side-on" : guidance.view}
        {Number.isFinite(guidance.yawDeg) ? ` (turned ~${Math.round(guidance.yawDeg)}°)` : ""}
        {Number.isFinite(guidance.bodyHeightFrac) ? ` · body fills ~${Math.round(Math.min(1.5, guidance.bodyHeightFrac) * 100)}% of the height` : ""}
      </p>
    </div>
  );
}
