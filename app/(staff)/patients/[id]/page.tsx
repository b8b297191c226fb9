"use client";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { Alert, ButtonLink, Card, PageHeader, Spinner } from "../../../_components/ui";
import { formatBirth, formatName } from "../../../_shared/format";
import { ScheduleVisit } from "../../../_components/schedule-visit";
import { VisitList } from "../../../_components/visits";
import { AssessmentProgress } from "../../../_components/review/progress";
import { ExerciseSetList } from "../../../_components/review/set-bits";
import { PatientExports } from "../../../_components/records/patient-exports";
import { HomeSessions } from "../../../_components/home/HomeSessions";
import { describeError, useMe, useTRPC } from "../../../_lib/trpc";
import { EpisodeSection } from "../../../_components/care/episode-section";

export default function PatientPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const { me } = useMe();
  const patient = useQuery(trpc.patients.get.queryOptions({ id }));
  const visits = useQuery(trpc.visits.list.queryOptions({ patientId: id }, { enabled: patient.isSuccess, refetchInterval: 10_000 }));
  const trials = useQuery(trpc.trials.forPatient.queryOptions({ patientId: id }, { enabled: patient.isSuccess }));
  const sets = useQuery(trpc.exerciseSets.forPatient.queryOptions({ patientId: id }, { enabled: patient.isSuccess }));
  if (patient.isLoading) return <Spinner />;
  if (patient.error) return <Alert title="Cannot show this patient">{describeError(patient.error).message}</Alert>;
  const p = patient.data!;
  const canWrite = me?.role !== "CLINICIAN";
  return (
    <>
      <PageHeader
        title={formatName(p)}
        subtitle={<span data-testid="patient-banner">{formatBirth(p.dateOfBirth)}{p.recordNumber ? ` · Record ${p.recordNumber}` : ""}</span>}
        actions={canWrite && <ButtonLink variant="secondary" href={`/patients/${p.id}/edit`}>Edit details</ButtonLink>}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="flex flex-col gap-6 lg:col-span-2">
          <Card title="Episode of care"><EpisodeSection patientId={p.id} /></Card>
          <Card title="Visits">
            {visits.isLoading ? <Spinner /> : <VisitList visits={visits.data ?? []} showPatient={false} empty="No visits yet." />}
          </Card>
          <Card title="Movement assessments" actions={<PatientExports patientId={p.id} />}>
            {trials.isLoading ? <Spinner /> : <AssessmentProgress trials={trials.data ?? []} />}
          </Card>
          <Card title="Exercise sets">
            {sets.isLoading ? <Spinner /> : <ExerciseSetList sets={[...(sets.data ?? [])].reverse()} empty="No exercise sets yet." />}
          </Card>
          <Card title="Home practice"><HomeSessions patientId={p.id} /></Card>
          <Card title="Details">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-slate-500">Email</dt><dd>{p.email ?? "—"}</dd>
              <dt className="text-slate-500">Phone</dt><dd>{p.phone ?? "—"}</dd>
              <dt className="text-slate-500">Notes</dt><dd className="whitespace-pre-wrap">{p.notes || "—"}</dd>
            </dl>
          </Card>
        </div>
        {canWrite && (
          <Card title="Schedule a visit">
            <ScheduleVisit patientId={p.id} patient={p} />
          </Card>
        )}
      </div>
    </>
  );
}
