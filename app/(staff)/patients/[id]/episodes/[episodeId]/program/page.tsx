"use client";
// The episode's home exercise program (issue 19): build or change it (writers), the home link and handout, adherence,
// and every earlier version. Clinicians see it read-only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { AdherenceView } from "../../../../../../_components/care/program/adherence";
import { HomeLinkPanel } from "../../../../../../_components/care/program/home-link";
import { ProgramBuilder } from "../../../../../../_components/care/program/program-builder";
import { ProgramSummary } from "../../../../../../_components/care/program/summary";
import { Alert, Badge, Button, ButtonLink, Card, PageHeader, ReadOnlyNotice, Spinner } from "../../../../../../_components/ui";
import { useFormat } from "../../../../../../_lib/clinic";
import { describeError, useMe, useTRPC } from "../../../../../../_lib/trpc";
import { formatBirth } from "../../../../../../_shared/format";

export default function ProgramPage() {
  const { id, episodeId } = useParams<{ id: string; episodeId: string }>();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const { me } = useMe();
  const q = useQuery(trpc.programs.forEpisode.queryOptions({ episodeId }));
  const end = useMutation(trpc.programs.end.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.programs.pathKey() }) }));
  if (q.isLoading) return <Spinner />;
  if (q.error) return <Alert title="Cannot show this program">{describeError(q.error).message}</Alert>;
  const { episode, active, versions } = q.data!;
  const canWrite = me?.role !== "CLINICIAN" && episode.status === "ACTIVE";
  return (
    <div className="flex h-[calc(100vh-7.5rem)] min-h-[560px] flex-col gap-3">
      <PageHeader
        title={`Home program · ${episode.patientName}`}
        subtitle={<span data-testid="patient-banner">{formatBirth(episode.patient.dateOfBirth)}{episode.patient.recordNumber ? ` · Record ${episode.patient.recordNumber}` : ""} · episode from {f.calendarDate(episode.startDate)}{episode.status !== "ACTIVE" ? " (ended)" : ""}</span>}
        actions={<ButtonLink variant="secondary" href={`/patients/${id}`}>Back to patient</ButtonLink>}
      />
      <div className="grid min-h-0 flex-1 gap-3 lg:grid-cols-5">
        <Card title={active ? <span>Program <Badge tone="green">version {active.version}</Badge></span> : "Build the program"} className="flex min-h-0 flex-col lg:col-span-3"
          actions={canWrite && active ? <Button variant="ghost" className="!py-1 text-red-700" busy={end.isPending} onClick={() => { if (confirm("End this program? Reminders stop and the home page shows no exercises.")) end.mutate({ programId: active.id }); }}>End program</Button> : null}>
          {canWrite ? (
            <ProgramBuilder key={active?.id ?? "new"} episodeId={episode.id} timeZone={episode.timeZone} startDate={episode.startDate} weeks={episode.plannedWeeks}
              base={active ? { id: active.id, draft: { model: active.model, education: active.education, templateKey: active.templateKey } } : null}
              onSaved={() => {}} />
          ) : (
            <>
              <ReadOnlyNotice what="the home program" />
              {active ? <ProgramSummary model={active.model} education={active.education} /> : <p className="text-sm text-slate-600">No program yet.</p>}
            </>
          )}
        </Card>
        <div className="flex min-h-0 flex-col gap-3 overflow-y-auto lg:col-span-2">
          {active && (
            <Card title="Adherence">
              <AdherenceView programId={active.id} />
            </Card>
          )}
          {active && (
            <Card title="Patient's home link">
              <HomeLinkPanel episodeId={episode.id} programId={active.id} patientEmail={episode.patient.email} canWrite={canWrite} />
            </Card>
          )}
          <Card title="Versions">
            <ul className="flex flex-col gap-1 text-xs text-slate-600" data-testid="program-versions">
              {versions.map((v) => (
                <li key={v.id}>Version {v.version} · {v.status === "ACTIVE" ? "active" : v.status === "ENDED" ? "ended" : "replaced"} · {f.dateTime(v.createdAt)} by {v.createdBy} · {v.model.items.length} exercises, {v.model.weeks} weeks from {f.calendarDate(v.model.startDate)}</li>
              ))}
              {versions.length === 0 && <li>No program saved yet.</li>}
            </ul>
          </Card>
        </div>
      </div>
    </div>
  );
}
