"use client";
// Printable visit report (print stylesheet: navigation hidden, one trial per block, no page breaks inside).
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { protocolByKey } from "../../../../_shared/assessments/catalogue";
import type { TrialSummary } from "../../../../_shared/assessments/summary";
import { AngleChart } from "../../../../_components/review/angle-chart";
import { QualityFlags, SummaryTable, useTrialSamples } from "../../../../_components/review/trial-bits";
import { coverageOf } from "../../../../_shared/assessments/coverage";
import { formatBirth, formatName } from "../../../../_shared/format";
import { painText } from "../../../../_components/pain-scale";
import { Alert, Button, Spinner } from "../../../../_components/ui";
import { useFormat } from "../../../../_lib/clinic";
import { describeError, useTRPC, type RouterOutputs } from "../../../../_lib/trpc";

type Trial = RouterOutputs["trials"]["forVisit"][number];

function TrialBlock({ trial }: { trial: Trial }) {
  const p = protocolByKey(trial.protocolKey);
  const { samples, isLoading } = useTrialSamples(trial.id);
  const summary = trial.summary as TrialSummary | null;
  const coverage = p && samples.length ? coverageOf(samples, p.primary) : undefined;
  return (
    <section className="break-inside-avoid border-t border-slate-200 py-4" aria-label={p?.title}>
      <div className="flex items-baseline justify-between gap-3">
        <h2 className="text-lg font-semibold">{p?.title ?? trial.protocolKey}</h2>
        <QualityFlags flags={trial.qualityFlags} coverage={coverage} />
      </div>
      <div className="mt-2 grid gap-4 md:grid-cols-2 print:grid-cols-2">
        <div>
          {summary && p ? <SummaryTable protocol={p} summary={summary} coverage={coverage} /> : <p className="text-sm">Not completed.</p>}
          <p className="mt-2 text-sm">Pain during movement: {painText(trial.painDuring)}</p>
          {trial.note && <p className="text-sm">Note: {trial.note}</p>}
        </div>
        {isLoading ? <Spinner /> : p && (
          <AngleChart height={180} points={samples.map((s) => ({ t: s.t, v: s.angles[p.primary] }))} reps={summary?.reps} normal={summary?.normal} direction={p.direction} label={`${p.title}, degrees`} />
        )}
      </div>
    </section>
  );
}

export default function VisitReportPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const f = useFormat();
  const visit = useQuery(trpc.visits.get.queryOptions({ visitId: id }));
  const patient = useQuery(trpc.patients.get.queryOptions({ id: visit.data?.patient.id ?? "" }, { enabled: !!visit.data }));
  const trials = useQuery(trpc.trials.forVisit.queryOptions({ visitId: id }));
  if (visit.isLoading || patient.isLoading || trials.isLoading) return <Spinner />;
  if (visit.error) return <Alert>{describeError(visit.error).message}</Alert>;
  const v = visit.data!, pt = patient.data;
  const kept = (trials.data ?? []).filter((t) => t.status !== "DISCARDED");
  return (
    <article className="mx-auto max-w-4xl bg-white p-6 print:p-0">
      <div className="no-print mb-4 flex justify-end"><Button onClick={() => window.print()}>Print / save as PDF</Button></div>
      <header className="mb-4">
        <p className="text-xs uppercase tracking-wider text-slate-500">PoseVisit · movement assessment report · confidential</p>
        <h1 className="text-2xl font-semibold">{formatName(v.patient)}</h1>
        <p className="text-sm text-slate-600">
          {formatBirth((pt ?? v.patient).dateOfBirth)}{v.patient.recordNumber && <> · Record {v.patient.recordNumber}</>} ·{" "}
          Visit {f.dateTime(v.scheduledAt)} ({v.durationMin} min) with {v.therapist.name}{v.reason && <> · {v.reason}</>}
          {v.startedAt && <span className="block text-xs text-slate-500">Call started {f.time(v.startedAt)}{v.endedAt && <>, ended {f.time(v.endedAt)}</>} · times in {f.zone(v.scheduledAt)}</span>}
        </p>
      </header>
      {kept.length === 0 ? <p className="text-sm text-slate-600">No assessments were recorded in this visit.</p> : kept.map((t) => <TrialBlock key={t.id} trial={t} />)}
      <footer className="mt-6 border-t border-slate-200 pt-2 text-xs text-slate-500">
        Angles measured from a single webcam with MediaPipe pose landmarks. Changes smaller than 5° are within measurement error. Rotation is an estimate.
      </footer>
    </article>
  );
}
