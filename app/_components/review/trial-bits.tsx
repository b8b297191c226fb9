"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { protocolByKey, type Protocol } from "../../_shared/assessments/catalogue";
import { compare, type TrialSummary } from "../../_shared/assessments/summary";
import type { Coverage } from "../../_shared/assessments/coverage";
import { formatDuration, formatOffset } from "../../_shared/format";
import { MEASURE_INFO } from "../../_shared/pose/measures";
import { base64ToBytes } from "../../_shared/pose/sample";
import { decodeChunk } from "../../_shared/recording/codec";
import { useTRPC, type RouterOutputs } from "../../_lib/trpc";
import { Badge } from "../ui";

export type TrialRow = RouterOutputs["trials"]["forPatient"][number];

export function useTrialSamples(trialId: string) {
  const trpc = useTRPC();
  const q = useQuery(trpc.trials.get.queryOptions({ trialId }, { staleTime: Infinity }));
  const samples = useMemo(() => (q.data?.samples ? decodeChunk(base64ToBytes(q.data.samples), q.data.format) : []), [q.data]);
  return { ...q, samples };
}

export const FLAG_TEXT: Record<string, string> = {
  LOW_CONFIDENCE: "low tracking confidence",
  GAPS: "gaps in tracking",
  FEW_REPS: "fewer repetitions than asked",
  ESTIMATE: "estimate (one camera)",
  INCOMPLETE: "stopped before all samples arrived",
  NO_DATA: "no usable samples",
};

/** "gap in tracking: 1.4 s at 0:03.2" (the longest; "+2 more" when there are others). */
export function gapText(c: Coverage): string | null {
  if (!c.gaps.length) return null;
  const g = c.gaps.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const more = c.gaps.length - 1;
  return `${c.gaps.length === 1 ? "gap" : "gaps"} in tracking: ${formatDuration(g.durationMs)} at ${formatOffset(g.startMs)}${more ? ` (+${more} more)` : ""}`;
}

/** Tracked share as a whole percent, never rounded up to 100 % when something was missing. */
export const trackedPercent = (f: number) => (f >= 1 ? 100 : Math.floor(f * 100));

export function QualityFlags({ flags, coverage }: { flags: unknown; coverage?: Coverage }) {
  const list = Array.isArray(flags) ? (flags as string[]) : [];
  if (!list.length) return <Badge tone="green">good quality</Badge>;
  const text = (f: string) => (f === "GAPS" && coverage && gapText(coverage)) || FLAG_TEXT[f] || f;
  return <span className="flex flex-wrap gap-1">{list.map((f) => <Badge key={f} tone={f === "ESTIMATE" ? "blue" : "amber"}><span data-flag={f}>{text(f)}</span></Badge>)}</span>;
}

export function VsNormal({ summary }: { summary: TrialSummary }) {
  if (!summary.normal || !summary.vsNormal) return <span className="text-slate-500">no normative range</span>;
  const tone = summary.vsNormal === "within" ? "green" : "amber";
  return <Badge tone={tone}>{summary.vsNormal} normal ({summary.normal.min}–{summary.normal.max}°)</Badge>;
}

export function ChangeBadge({ current, previous }: { current: number | null; previous: number | null | undefined }) {
  if (current === null || previous === null || previous === undefined) return <span className="text-slate-500">—</span>;
  const c = compare(current, previous);
  if (c.withinError) return <span className="text-slate-600" title="Smaller than the measurement error (5°)">{c.deltaDeg > 0 ? "+" : ""}{c.deltaDeg}° (within measurement error)</span>;
  return <span className={c.deltaDeg > 0 ? "font-medium text-emerald-700" : "font-medium text-red-700"}>{c.deltaDeg > 0 ? "+" : ""}{c.deltaDeg}°</span>;
}

export function SummaryTable({ protocol, summary, previousBest, coverage }: { protocol: Protocol; summary: TrialSummary; previousBest?: number | null; coverage?: Coverage }) {
  const info = MEASURE_INFO[protocol.primary];
  return (
    <table className="w-full text-sm">
      <tbody className="divide-y divide-slate-100">
        <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Measure</th><td>{info.label} ({protocol.direction === 1 ? info.positive : "opposite direction"}){info.estimate && " — estimate"}</td></tr>
        {summary.hold ? (
          <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Mean ± SD</th><td>{summary.hold.meanDeg}° ± {summary.hold.sdDeg}° (range {summary.hold.minDeg}° to {summary.hold.maxDeg}°)</td></tr>
        ) : (
          <>
            <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Repetitions</th>
              <td>{summary.reps.length ? summary.reps.map((r) => `${r.peakDeg}° at ${(r.peakMs / 1000).toFixed(1)} s (${(r.timeToPeakMs / 1000).toFixed(1)} s to peak)`).join(" · ") : "none detected"}</td></tr>
            <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Best / mean ROM</th><td data-testid="best-rom">{summary.bestDeg ?? "—"}° / {summary.meanDeg ?? "—"}°</td></tr>
          </>
        )}
        <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Normal range</th><td><VsNormal summary={summary} />{summary.normal && <span className="block text-xs text-slate-500">Source: {summary.normal.source}</span>}</td></tr>
        {previousBest !== undefined && <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Change since last visit</th><td><ChangeBadge current={summary.bestDeg} previous={previousBest} /></td></tr>}
        <tr><th className="py-1.5 pr-4 text-left font-medium text-slate-500">Signal</th><td data-testid="signal">
          {summary.sampleCount} samples over {(summary.durationMs / 1000).toFixed(1)} s,{" "}
          {coverage
            ? <>tracked {trackedPercent(coverage.trackedFraction)} % of the time{coverage.gaps.length > 0 && <> ({gapText(coverage)})</>}</>
            : <>{trackedPercent(summary.validFraction)} % of samples tracked</>}
          , confidence {Math.round(summary.meanConfidence * 100)} %
        </td></tr>
      </tbody>
    </table>
  );
}

export function protocolTitle(key: string) {
  return protocolByKey(key)?.title ?? key;
}
