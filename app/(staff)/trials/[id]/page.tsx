"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { protocolByKey } from "../../../_shared/assessments/catalogue";
import type { TrialSummary } from "../../../_shared/assessments/summary";
import { annotateTrialInput } from "../../../_shared/assessments/schemas";
import { AngleChart } from "../../../_components/review/angle-chart";
import { SkeletonReplay } from "../../../_components/review/skeleton-replay";
import { QualityFlags, SummaryTable, useTrialSamples } from "../../../_components/review/trial-bits";
import { coverageOf } from "../../../_shared/assessments/coverage";
import { PainScale, painText } from "../../../_components/pain-scale";
import { Alert, Button, Card, PageHeader, PatientBanner, Spinner, TextArea } from "../../../_components/ui";
import { useFormat } from "../../../_lib/clinic";
import { useZodForm } from "../../../_lib/form";
import { downloadText, samplesToCsv } from "../../../_lib/trial-export";
import { describeError, useMe, useTRPC } from "../../../_lib/trpc";
import { formatName } from "../../../_shared/format";

function AnnotateTrial({ trialId, painDuring, note }: { trialId: string; painDuring: number | null; note: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const form = useZodForm(annotateTrialInput, { trialId, painDuring, note });
  const [pain, setPain] = useState<number | null>(painDuring);
  const [saved, setSaved] = useState(false);
  const annotate = useMutation(trpc.trials.annotate.mutationOptions({
    onSuccess: () => { setSaved(true); void qc.invalidateQueries({ queryKey: trpc.trials.pathKey() }); },
    onError: form.fail,
  }));
  return (
    <Card title="Pain and note">
      <form noValidate className="flex flex-col gap-3" onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        const v = { trialId, painDuring: pain, note: form.values.note ?? "" };
        if (form.check(v)) annotate.mutate(v);
      }}>
        {form.formError && <Alert>{form.formError}</Alert>}
        {saved && <Alert tone="green">Saved.</Alert>}
        <PainScale value={pain} onChange={(x) => { setPain(x); setSaved(false); }} error={form.errors.painDuring?.[0]} />
        <TextArea label="Note" {...form.bind("note")} />
        <Button type="submit" busy={annotate.isPending}>Save</Button>
      </form>
    </Card>
  );
}

export default function TrialPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const { me } = useMe();
  const trial = useTrialSamples(id);
  const [cursor, setCursor] = useState<number | undefined>();
  const onTime = useCallback((t: number) => setCursor(t), []);
  const t = trial.data;
  const f = useFormat();
  const visit = useQuery(trpc.visits.get.queryOptions({ visitId: t?.visitId ?? "" }, { enabled: !!t })).data;
  const patientId = visit?.patient.id;
  const history = useQuery(trpc.trials.forPatient.queryOptions({ patientId: patientId ?? "" }, { enabled: !!patientId }));
  const previousBest = useMemo(() => {
    if (!t || !history.data) return undefined;
    const earlier = history.data.filter((x) => x.protocolKey === t.protocolKey && x.status === "COMPLETED" && x.visitId !== t.visitId && new Date(x.startedAt) < new Date(t.startedAt));
    const last = earlier[earlier.length - 1];
    return last ? (last.summary as TrialSummary | null)?.bestDeg ?? null : undefined;
  }, [t, history.data]);

  if (trial.isLoading) return <Spinner />;
  if (trial.error) return <Alert title="Cannot show this trial">{describeError(trial.error).message}</Alert>;
  const p = protocolByKey(t!.protocolKey);
  const summary = t!.summary as TrialSummary | null;
  const points = trial.samples.map((s) => ({ t: s.t, v: p ? s.angles[p.primary] : null }));
  const coverage = p && trial.samples.length ? coverageOf(trial.samples, p.primary) : undefined;
  return (
    <>
      <PageHeader
        title={<>{p?.title ?? t!.protocolKey}{visit && <span className="font-normal text-slate-600"> — {formatName(visit.patient)}</span>}</>}
        subtitle={<>
          {visit ? <PatientBanner patient={visit.patient} /> : <span className="block">Loading the patient…</span>}
          <span className="block">Recorded {f.dateTime(t!.startedAt)} · {t!.status.toLowerCase()} · model {t!.poseModel} · <Link className="underline" href={`/visits/${t!.visitId}`}>visit</Link>{patientId && <> · <Link className="underline" href={`/patients/${patientId}`}>patient record</Link></>}</span>
        </>}
        actions={
          <Button variant="secondary" onClick={() => downloadText(`trial-${t!.protocolKey}-${new Date(t!.startedAt).toISOString().slice(0, 10)}-${t!.id}.csv`, samplesToCsv(trial.samples))}>
            Download CSV ({trial.samples.length} rows)
          </Button>
        }
      />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="flex flex-col gap-6 lg:col-span-3">
          <Card title="Angle over time">
            {p && <AngleChart points={points} reps={summary?.reps ?? []} normal={summary?.normal} direction={p.direction} label={`${p.title}, degrees`} cursorMs={cursor} />}
          </Card>
          <Card title="Summary" actions={<QualityFlags flags={t!.qualityFlags} coverage={coverage} />}>
            {summary && p ? <SummaryTable protocol={p} summary={summary} previousBest={previousBest} coverage={coverage} /> : <p className="text-sm text-slate-500">No summary yet: the trial is still {t!.status.toLowerCase()}.</p>}
            <p className="mt-3 text-sm"><span className="text-slate-500">Pain during movement:</span> {painText(t!.painDuring)}</p>
            {t!.note && <p className="mt-1 whitespace-pre-wrap text-sm"><span className="text-slate-500">Note:</span> {t!.note}</p>}
          </Card>
        </div>
        <div className="flex flex-col gap-6 lg:col-span-2">
          <Card title="Skeleton replay"><SkeletonReplay samples={trial.samples} onTime={onTime} /></Card>
          {me?.role !== "CLINICIAN" && <AnnotateTrial trialId={id} painDuring={t!.painDuring} note={t!.note} />}
        </div>
      </div>
    </>
  );
}
