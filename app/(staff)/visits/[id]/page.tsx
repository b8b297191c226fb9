"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";
import { JoinLinkBox } from "../../../_components/join-link";
import { Alert, Button, ButtonLink, Card, PageHeader, PatientBanner, Spinner } from "../../../_components/ui";
import { formatName } from "../../../_shared/format";
import { useFormat } from "../../../_lib/clinic";
import { VisitStatusBadge } from "../../../_components/visits";
import { VisitNoteCard, VisitPdfButton } from "../../../_components/records/visit-note";
import { protocolTitle } from "../../../_components/review/trial-bits";
import { ExerciseSetList } from "../../../_components/review/set-bits";
import { describeError, useMe, useTRPC } from "../../../_lib/trpc";

export default function VisitPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const f = useFormat();
  const visit = useQuery(trpc.visits.get.queryOptions({ visitId: id }, { refetchInterval: 5000 }));
  const trials = useQuery(trpc.trials.forVisit.queryOptions({ visitId: id }, { refetchInterval: 10_000 }));
  const sets = useQuery(trpc.exerciseSets.forVisit.queryOptions({ visitId: id }, { refetchInterval: 10_000 }));
  const [link, setLink] = useState<{ path: string; expiresAt: Date } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.visits.pathKey() });
  const opts = { onSuccess: () => void refresh(), onError: (e: unknown) => setError(describeError(e).message) };
  const rotate = useMutation(trpc.visits.rotateLink.mutationOptions({ ...opts, onSuccess: (r) => { setLink({ path: r.joinPath, expiresAt: r.joinExpiresAt }); void refresh(); } }));
  const revoke = useMutation(trpc.visits.revokeLink.mutationOptions({ ...opts, onSuccess: () => { setLink(null); void refresh(); } }));
  const cancel = useMutation(trpc.visits.cancel.mutationOptions(opts));

  if (visit.isLoading) return <Spinner />;
  if (visit.error) return <Alert title="Cannot show this visit">{describeError(visit.error).message}</Alert>;
  const v = visit.data!;
  const open = v.status !== "ENDED" && v.status !== "CANCELLED";
  const canWrite = me?.role !== "CLINICIAN";
  const linkState = v.joinRevokedAt ? "revoked" : new Date(v.joinExpiresAt) < new Date() ? "expired" : "active";
  return (
    <>
      <PageHeader
        title={<>Visit with <Link className="hover:underline" href={`/patients/${v.patient.id}`}>{formatName(v.patient)}</Link></>}
        subtitle={<><PatientBanner patient={v.patient} /><span className="block">{f.dateTime(v.scheduledAt)} · {v.durationMin} min · {v.therapist.name}</span></>}
        actions={<>
          <ButtonLink variant="secondary" href={`/visits/${v.id}/report`}>Visit report</ButtonLink>
          <VisitPdfButton visitId={v.id} />
          {open && canWrite && <ButtonLink href={`/visits/${v.id}/room`}>Open visit room</ButtonLink>}
        </>}
      />
      {error && <div className="mb-4"><Alert>{error}</Alert></div>}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Status">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Status</dt><dd><VisitStatusBadge status={v.status} /></dd>
            <dt className="text-slate-500">Reason</dt><dd>{v.reason || "—"}</dd>
            <dt className="text-slate-500">Patient confirmed as</dt><dd>{v.patientName ?? "—"}</dd>
            <dt className="text-slate-500">Measurement consent</dt><dd>{v.consentAt ? f.dateTime(v.consentAt) : "—"}</dd>
            <dt className="text-slate-500">Started</dt><dd>{v.startedAt ? f.dateTime(v.startedAt) : "—"}</dd>
            <dt className="text-slate-500">Ended</dt><dd>{v.endedAt ? f.dateTime(v.endedAt) : v.cancelledAt ? `Cancelled ${f.dateTime(v.cancelledAt)}` : "—"}</dd>
          </dl>
        </Card>
        <Card title="Movement assessments">
          {!trials.data?.length ? <p className="text-sm text-slate-500">None recorded.</p> : (
            <ul className="divide-y divide-slate-100 text-sm">
              {trials.data.map((t) => (
                <li key={t.id} className="flex items-center justify-between gap-2 py-2">
                  <Link className="font-medium text-brand-700 hover:underline" href={`/trials/${t.id}`}>{protocolTitle(t.protocolKey)}</Link>
                  <span className="text-slate-600">{t.status === "COMPLETED" ? `best ${(t.summary as { bestDeg?: number } | null)?.bestDeg ?? "—"}°` : t.status.toLowerCase()}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Exercise sets">
          <ExerciseSetList sets={sets.data ?? []} empty="None recorded." />
        </Card>
        <VisitNoteCard visitId={v.id} />
        {open && canWrite && (
          <Card title="Patient link">
            <p className="mb-3 text-sm text-slate-600">
              Link is <strong data-testid="link-state">{linkState}</strong>
              {linkState === "active" && <> until {f.dateTime(v.joinExpiresAt)}</>}.
            </p>
            {!link && (
              <p className="mb-3 text-sm text-slate-600" data-testid="new-link-help">
                For privacy the link is shown only once, when it is made, and is not stored. If the patient lost it or never got it,
                press <strong>Create new link</strong>: you can then copy or email the new one, and the old link stops working.
              </p>
            )}
            {link && <div className="mb-3"><JoinLinkBox path={link.path} expiresAt={link.expiresAt} patient={v.patient} scheduledAt={v.scheduledAt} therapistName={v.therapist.name} /></div>}
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" busy={rotate.isPending} onClick={() => rotate.mutate({ visitId: v.id })}>Create new link</Button>
              {linkState === "active" && <Button variant="secondary" busy={revoke.isPending} onClick={() => revoke.mutate({ visitId: v.id })}>Revoke link</Button>}
              {v.status !== "IN_PROGRESS" && (
                <Button variant="danger" busy={cancel.isPending} onClick={() => { if (confirm("Cancel this visit? The patient link stops working.")) cancel.mutate({ visitId: v.id }); }}>
                  Cancel visit
                </Button>
              )}
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
