"use client";
// One exercise set, opened like a trial: the primary measure over time with each repetition and fault marked, the
// skeleton replay, the result with the therapist's correction beside the automatic count, pain, effort, note, CSV.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { getExercise } from "../../../_shared/exercises/catalogue";
import { EXERCISE_MEASURE_INFO, landmarksFromSample, measureJointAngles } from "../../../_shared/pose/joint-angles";
import { primaryOf } from "../../../_components/exercise/TherapistExercise";
import { AngleChart } from "../../../_components/review/angle-chart";
import { aspectOf, doseText, SetResultText, setTitle, summaryOf, useSetSamples, type SetRow } from "../../../_components/review/set-bits";
import { SkeletonReplay } from "../../../_components/review/skeleton-replay";
import { QualityFlags } from "../../../_components/review/trial-bits";
import { painText } from "../../../_components/pain-scale";
import { Alert, Button, Card, PageHeader, PatientBanner, Spinner } from "../../../_components/ui";
import { useFormat } from "../../../_lib/clinic";
import { downloadText, samplesToCsv } from "../../../_lib/trial-export";
import { describeError, useTRPC } from "../../../_lib/trpc";
import { formatName } from "../../../_shared/format";

type Rep = { index: number; side?: string | null; startMs: number; peakMs: number; endMs: number; peakDeg: number; romDeg?: number; faults?: string[]; tempo?: { totalS?: number } };
type Correction = { action: "remove"; rep: number } | { action: "add"; atMs: number };

export default function SetPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const f = useFormat();
  const set = useSetSamples(id);
  const [cursor, setCursor] = useState<number | undefined>();
  const onTime = useCallback((t: number) => setCursor(t), []);
  const s = set.data;
  const visitQuery = useQuery(trpc.visits.get.queryOptions({ visitId: s?.visitId ?? "" }, { enabled: !!s?.visitId })).data;
  const home = s?.homeSession ?? null; // a set practised at home (no visit)
  const visit = visitQuery ?? (home ? { patient: home.episode.patient } : undefined);
  const ex = s ? getExercise(s.protocolKey, s.protocolVersion) : undefined;
  const primary = ex ? primaryOf(ex) : null;
  const dir = ex?.tracker?.kind === "reps" ? ex.tracker.machines[0]!.direction : 1;
  const aspect = s ? aspectOf(s) : 4 / 3;
  const points = useMemo(() => set.samples.map((x) => {
    const v = primary ? measureJointAngles({ t: x.t, image: landmarksFromSample(x.landmarks), aspect }).values[primary] ?? null : null;
    return { t: x.t, v: v === null ? null : dir * v };
  }), [set.samples, primary, aspect, dir]);
  const reps = (Array.isArray(s?.repetitions) ? s!.repetitions : []) as Rep[];
  const chartReps = useMemo(() => reps.map((r, i) => ({ index: i + 1, startMs: r.startMs, peakMs: r.peakMs, endMs: r.endMs, peakDeg: Math.abs(r.peakDeg), timeToPeakMs: r.peakMs - r.startMs })), [reps]);
  const marks = useMemo(() => reps.flatMap((r) => (r.faults ?? []).map((k) => ({ t: r.peakMs, label: summaryOf(s!)?.faults?.[k]?.label ?? k }))), [reps, s]);

  if (set.isLoading) return <Spinner />;
  if (set.error) return <Alert title="Cannot show this exercise set">{describeError(set.error).message}</Alert>;
  const corrections = (Array.isArray(s!.corrections) ? s!.corrections : []) as Correction[];
  const removed = new Set(corrections.flatMap((c) => (c.action === "remove" ? [c.rep] : [])));
  const faults = Object.entries(summaryOf(s!)?.faults ?? {});
  return (
    <>
      <PageHeader
        title={<>{setTitle(s!)}, set {s!.setNumber ?? 1}{visit && <span className="font-normal text-slate-600"> — {formatName(visit.patient)}</span>}</>}
        subtitle={<>
          {visit ? <PatientBanner patient={visit.patient} /> : <span className="block">Loading the patient…</span>}
          <span className="block">Recorded {f.dateTime(s!.startedAt)} · {s!.status.toLowerCase()} · {doseText(s!)} · model {s!.poseModel} · {home ? "practised at home" : <Link className="underline" href={`/visits/${s!.visitId}`}>visit</Link>}{visit && <> · <Link className="underline" href={`/patients/${visit.patient.id}`}>patient record</Link></>}</span>
        </>}
        actions={
          <Button variant="secondary" onClick={() => downloadText(`set-${s!.protocolKey}-${new Date(s!.startedAt).toISOString().slice(0, 10)}-${s!.id}.csv`, samplesToCsv(set.samples))}>
            Download CSV ({set.samples.length} rows)
          </Button>
        }
      />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="flex flex-col gap-6 lg:col-span-3">
          <Card title="Over time">
            {primary ? <AngleChart points={points} reps={chartReps} marks={marks} label={`${EXERCISE_MEASURE_INFO[primary].label}, degrees`} cursorMs={cursor} /> : <p className="text-sm text-slate-500">Self-reported: nothing is measured.</p>}
          </Card>
          <Card title="Result" actions={<QualityFlags flags={s!.qualityFlags} />}>
            <p className="text-sm" data-testid="set-result"><SetResultText s={s as unknown as SetRow} /></p>
            {corrections.length > 0 && (
              <p className="mt-1 text-sm text-slate-700" data-testid="set-corrections">
                Therapist&apos;s correction: {removed.size > 0 && `repetition${removed.size === 1 ? "" : "s"} ${[...removed].sort((a, b) => a - b).join(", ")} not counted`}
                {removed.size > 0 && corrections.some((c) => c.action === "add") && "; "}
                {corrections.filter((c) => c.action === "add").length > 0 && `${corrections.filter((c) => c.action === "add").length} added`}.
              </p>
            )}
            {reps.length > 0 && (
              <table className="mt-3 w-full text-left text-sm" data-testid="set-reps">
                <thead className="text-xs text-slate-500"><tr><th className="py-1">#</th><th>side</th><th>peak</th><th>range</th><th>time</th><th>faults</th></tr></thead>
                <tbody className="divide-y divide-slate-100">
                  {reps.map((r, i) => (
                    <tr key={i} className={removed.has(i + 1) ? "text-slate-400 line-through" : ""}>
                      <td className="py-1 tabular-nums">{i + 1}</td><td>{r.side ?? "—"}</td><td className="tabular-nums">{Math.round(Math.abs(r.peakDeg))}°</td>
                      <td className="tabular-nums">{r.romDeg !== undefined ? `${Math.round(r.romDeg)}°` : "—"}</td>
                      <td className="tabular-nums">{r.tempo?.totalS !== undefined ? `${r.tempo.totalS.toFixed(1)} s` : `${((r.endMs - r.startMs) / 1000).toFixed(1)} s`}</td>
                      <td className="text-red-700">{(r.faults ?? []).map((k) => summaryOf(s!)?.faults?.[k]?.label ?? k).join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {faults.length > 0 && <ul className="mt-2 text-sm text-red-800">{faults.map(([k, x]) => <li key={k}>{x.label}{x.reps.length > 0 && `: repetitions ${x.reps.join(", ")}`}{x.seconds > 0 && ` (${x.seconds.toFixed(0)} s)`}</li>)}</ul>}
            <p className="mt-3 text-sm"><span className="text-slate-500">Pain during the set:</span> {painText(s!.painDuring)}</p>
            <p className="text-sm"><span className="text-slate-500">Effort (Borg CR10):</span> {s!.effort ?? "not recorded"}</p>
            {s!.note && <p className="mt-1 whitespace-pre-wrap text-sm"><span className="text-slate-500">Note:</span> {s!.note}</p>}
          </Card>
        </div>
        <div className="flex flex-col gap-6 lg:col-span-2">
          <Card title="Skeleton replay"><SkeletonReplay samples={set.samples} onTime={onTime} /></Card>
        </div>
      </div>
    </>
  );
}
