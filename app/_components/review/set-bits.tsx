"use client";
// Exercise sets in review: the list on the patient record and the visit page, and what a set's page reads (its
// stored samples, result, corrections). A set opens like a trial: chart with repetitions and faults, skeleton replay, CSV.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { getExercise } from "../../_shared/exercises/catalogue";
import { base64ToBytes } from "../../_shared/pose/sample";
import { decodeChunk } from "../../_shared/recording/codec";
import { useTRPC, type RouterOutputs } from "../../_lib/trpc";
import { Badge } from "../ui";

export type SetRow = RouterOutputs["exerciseSets"]["forVisit"][number];

export function useSetSamples(setId: string) {
  const trpc = useTRPC();
  const q = useQuery(trpc.exerciseSets.get.queryOptions({ trialId: setId }, { staleTime: 5000 }));
  const samples = useMemo(() => (q.data?.samples ? decodeChunk(base64ToBytes(q.data.samples), q.data.format) : []), [q.data]);
  return { ...q, samples };
}

export const setTitle = (s: { protocolKey: string; protocolVersion: number }) => getExercise(s.protocolKey, s.protocolVersion)?.title ?? s.protocolKey;

type Dose = { sets?: number; reps?: number; holdSeconds?: number; restSeconds?: number; frame?: { aspect?: number } };
export const doseOf = (s: { dose: unknown }): Dose => (s.dose && typeof s.dose === "object" ? (s.dose as Dose) : {});
export function doseText(s: { dose: unknown }): string {
  const d = doseOf(s);
  return [d.reps !== undefined && `${d.reps} reps`, d.holdSeconds !== undefined && `${d.holdSeconds} s hold`, d.sets !== undefined && `${d.sets} set${d.sets === 1 ? "" : "s"}`].filter(Boolean).join(" · ");
}
/** The frame aspect a set was measured with (stored with it), else the default the summariser assumes. */
export function aspectOf(s: { dose: unknown; frameAspect?: number | null }): number {
  const a = s.frameAspect ?? doseOf(s).frame?.aspect;
  return typeof a === "number" && a > 0.2 && a < 5 ? a : 4 / 3;
}

type Summary = { faults?: Record<string, { label: string; reps: string[]; seconds: number }>; hold?: { heldS?: Record<string, number> } | null; counts?: { left: number; right: number; total: number } } | null;
export const summaryOf = (s: { summary: unknown }) => s.summary as Summary;

/** The result in one line: counted, corrected, hold, faults. */
export function SetResultText({ s }: { s: SetRow }) {
  if (s.status !== "COMPLETED") return <span className="text-slate-500">{s.status === "PENDING" ? "saved, result pending" : s.status.toLowerCase()}</span>;
  const sum = summaryOf(s);
  const faults = Object.values(sum?.faults ?? {});
  const holds = Array.isArray(s.holdTimes) ? (s.holdTimes as number[]) : [];
  const target = doseOf(s).reps;
  return (
    <span>
      <span data-testid="set-automatic">{s.automaticCount ?? 0}</span>{target !== undefined && ` / ${target}`} counted
      {s.correctedCount !== null && <> · <b data-testid="set-corrected">{s.correctedCount}</b> after correction</>}
      {holds.length > 0 && ` · held ${holds.map((h) => `${h.toFixed(0)} s`).join(", ")}`}
      {faults.length > 0 && <span className="text-red-700"> · {faults.map((f) => f.label).join(", ")}</span>}
    </span>
  );
}

export function ExerciseSetList({ sets, empty = "No exercise sets." }: { sets: readonly SetRow[]; empty?: string }) {
  const kept = sets.filter((s) => s.status !== "DISCARDED");
  if (!kept.length) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="set-list">
      {kept.map((s) => (
        <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="set-row">
          <span>
            <Link className="font-medium text-brand-700 hover:underline" href={`/sets/${s.id}`}>{setTitle(s)}, set {s.setNumber ?? 1}</Link>
            <span className="ml-2 text-xs text-slate-500">{doseText(s)}</span>
          </span>
          <span className="text-slate-700">
            <SetResultText s={s} />
            {s.painDuring !== null && <Badge tone="amber">pain {s.painDuring}</Badge>}
            {s.effort !== null && <span className="ml-1"><Badge tone="gray">effort {s.effort}</Badge></span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
