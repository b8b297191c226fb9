"use client";
// Progress of an episode of care on one screen: charts of every measure over time, baseline vs now (the discharge
// summary, also as PDF), home-practice adherence (issue 19), and the questionnaire sets due with sending by link.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { ProgressCharts, DischargeSummary, DischargePdfButton } from "../../../../../../_components/care/progress/EpisodeProgress";
import { DueSets } from "../../../../../../_components/care/questionnaires/DueSets";
import { EpisodeAdherence } from "../../../../../../_components/care/program/adherence";
import { Alert, Card, PatientBanner, Spinner } from "../../../../../../_components/ui";
import { useFormat } from "../../../../../../_lib/clinic";
import { describeError, useTRPC } from "../../../../../../_lib/trpc";

export default function EpisodeProgressPage() {
  const { id, episodeId } = useParams<{ id: string; episodeId: string }>();
  const trpc = useTRPC();
  const f = useFormat();
  const q = useQuery(trpc.questionnaires.progress.queryOptions({ episodeId }, { refetchInterval: 30_000 }));
  if (q.isLoading) return <Spinner />;
  if (q.error) return <Alert title="Cannot show this episode">{describeError(q.error).message}</Alert>;
  const d = q.data!;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">
            Progress · <Link className="hover:underline" href={`/patients/${id}`}>{d.patientName}</Link>
          </h1>
          <PatientBanner patient={d.patient} />
          <p className="text-xs text-slate-600">
            Episode from {f.day(`${d.episode.startDate}T12:00:00Z`)}, {d.episode.plannedWeeks} weeks planned · {d.episode.therapist} · {d.visits.length} visit{d.visits.length === 1 ? "" : "s"}
            {d.episode.status === "DISCHARGED" && d.episode.dischargedAt ? ` · discharged ${f.day(d.episode.dischargedAt)}` : ""}
            {d.episode.goals ? <> · goals: “{d.episode.goals}”</> : null}
          </p>
        </div>
        <p className="text-xs text-slate-500">Dashed green/red: where a change from baseline becomes clinically important (MCID). Grey dotted: visits. Filled dot: clinically important change.</p>
      </div>
      <div className="grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="flex flex-col gap-3">
          <Card title="Measures over the episode"><ProgressCharts measures={d.measures} visits={d.visits} /></Card>
          <Card title="Home practice" actions={<Link className="text-sm text-brand-700 hover:underline" href={`/patients/${id}/episodes/${episodeId}/program`}>Program</Link>}>
            <EpisodeAdherence episodeId={episodeId} />
          </Card>
        </div>
        <div className="flex flex-col gap-3">
          <Card title={d.episode.status === "DISCHARGED" ? "Discharge summary" : "Baseline vs now"} actions={<DischargePdfButton episodeId={episodeId} />}>
            <DischargeSummary measures={d.measures} />
          </Card>
          <Card title="Questionnaires"><DueSets episodeId={episodeId} /></Card>
        </div>
      </div>
    </div>
  );
}
