"use client";
// An episode of care: the exercise gate and its decision, the intake (red flags first), open alerts, the intake link,
// the plan and the episode's visits. (The progress view of care-outcomes goes below the visits.)
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";
import { DISCHARGE_REASON_LABEL, DISCHARGE_REASONS, type DischargeReason } from "../../../../../_shared/care/episodes";
import { RED_FLAG_QUESTIONS, type IntakeForm, type RedFlagEvaluation } from "../../../../../_shared/care/red-flags";
import { formatName } from "../../../../../_shared/format";
import { useFormat } from "../../../../../_lib/clinic";
import { describeError, useMe, useTRPC, type RouterOutputs } from "../../../../../_lib/trpc";
import { Alert, Badge, Button, Card, Empty, Field, PageHeader, PatientBanner, Select, Spinner, TextArea } from "../../../../../_components/ui";
import { VisitStatusBadge } from "../../../../../_components/visits";
import { ALERT_STATUS_LABEL, DECISION_LABEL, DecisionForm, GateBanner, SeverityBadge, TierBadge } from "../../../../../_components/care/care-bits";
import { DURATION_L, FACTOR_L, PREVIOUS_L, REGION_L, SIDE_L, SPREAD_L, WORK_L } from "../../../../../_components/care/intake-labels";
import { JoinLinkBox } from "../../../../../_components/join-link";

type Episode = RouterOutputs["episodes"]["get"];

export default function EpisodePage() {
  const { id, episodeId } = useParams<{ id: string; episodeId: string }>();
  const trpc = useTRPC();
  const f = useFormat();
  const { me } = useMe();
  const ep = useQuery(trpc.episodes.get.queryOptions({ episodeId }, { refetchInterval: 15_000 }));
  if (ep.isLoading) return <Spinner />;
  if (ep.error || !ep.data) return <Alert title="Cannot show this episode">{ep.error ? describeError(ep.error).message : "Not found"}</Alert>;
  const e = ep.data;
  const canWrite = me?.role !== "CLINICIAN" && e.status === "ACTIVE";
  return (
    <>
      <PageHeader
        title={<>Episode of care <Badge tone={e.status === "ACTIVE" ? "green" : "gray"}>{e.status === "ACTIVE" ? "Active" : "Discharged"}</Badge></>}
        subtitle={<><PatientBanner patient={e.patient} /><span className="text-xs">From {f.calendarDate(e.startDate)} · {e.plannedWeeks} weeks planned · {e.therapist.name} responsible · patient's time zone {e.timeZone}</span></>}
        actions={<><Link href={`/patients/${id}`} className="self-center text-sm text-brand-700 hover:underline">Back to {formatName(e.patient)}</Link>{canWrite && <Discharge episodeId={e.id} />}</>}
      />
      {e.gate.blocked && (
        <div className="mb-4 grid gap-3 rounded-lg border border-red-300 bg-red-50 p-3 md:grid-cols-[1fr_minmax(18rem,26rem)]">
          <div>
            <GateBanner gate={e.gate} />
            <p className="mt-2 text-sm text-red-900">Assessments and exercise sets in this episode's visits are refused until a therapist clears it. The patient was told to seek emergency care today.</p>
          </div>
          {canWrite && <DecisionForm episodeId={e.id} />}
        </div>
      )}
      {e.status === "DISCHARGED" && (
        <div className="mb-4"><Alert tone="blue" title={`Discharged ${e.dischargedAt ? f.day(e.dischargedAt) : ""}: ${DISCHARGE_REASON_LABEL[e.dischargeReason as DischargeReason] ?? e.dischargeReason ?? ""}`}>{e.dischargeNote}</Alert></div>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-4 lg:col-span-2">
          <IntakeCard e={e} />
          <Card title="Visits in this episode" actions={<Link href={`/patients/${id}`} className="text-sm text-brand-700 hover:underline">Schedule a visit</Link>}>
            {e.visits.length === 0 ? <Empty>No visits yet. Visits scheduled while this episode is active belong to it.</Empty> : (
              <ul className="divide-y divide-slate-100">
                {e.visits.map((v) => (
                  <li key={v.id} className="flex items-center justify-between gap-2 py-1.5 text-sm">
                    <Link href={`/visits/${v.id}`} className="font-medium hover:underline">{f.dateTime(v.scheduledAt)}</Link>
                    <span className="text-xs text-slate-500">{v.reason || "Visit"} · {v.therapist.name}</span>
                    <VisitStatusBadge status={v.status} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Open alerts" actions={<Link href="/alerts" className="text-sm text-brand-700 hover:underline">Inbox</Link>}>
            {e.alerts.length === 0 ? <p className="text-sm text-slate-500">None.</p> : (
              <ul className="flex flex-col gap-2" data-testid="episode-alerts">
                {e.alerts.map((a) => (
                  <li key={a.id} className="text-sm">
                    <div className="flex items-center gap-2"><SeverityBadge severity={a.severity} /><span className="font-medium">{a.title}</span></div>
                    <p className="text-xs text-slate-600">{f.dateTime(a.openedAt)} · {ALERT_STATUS_LABEL[a.status] ?? a.status}</p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <IntakeLinkCard e={e} canWrite={canWrite} />
          <Card title="Home exercise program" actions={<Link href={`/patients/${id}/episodes/${e.id}/program`} className="text-sm text-brand-700 hover:underline" data-testid="open-home-program">Open</Link>}>
            <p className="text-sm text-slate-600">Build the program from a template, send the home link, print the handout and follow adherence.</p>
          </Card>
          <Card title="Plan">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Referral</dt><dd>{e.referralReason || "—"}</dd>
              <dt className="text-slate-500">Working diagnosis</dt><dd>{e.diagnosis || "—"}</dd>
              <dt className="text-slate-500">Goals</dt><dd className="whitespace-pre-wrap">{e.goals || "—"}</dd>
              <dt className="text-slate-500">Re-assessments</dt><dd>{e.reassessDates.map((d) => f.calendarDate(d)).join(", ") || "—"}</dd>
            </dl>
            {e.decisions.length > 0 && (
              <div className="mt-3 border-t border-slate-100 pt-2">
                <p className="text-xs font-medium text-slate-500">Exercise decisions</p>
                <ul className="text-sm">
                  {e.decisions.map((d) => <li key={d.id}>{f.dateTime(d.decidedAt)} · {DECISION_LABEL[d.decision as keyof typeof DECISION_LABEL] ?? d.decision} ({d.decidedBy.name}): {d.note}</li>)}
                </ul>
              </div>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

function IntakeCard({ e }: { e: Episode }) {
  const f = useFormat();
  if (!e.intake) return <Card title="Intake"><Empty>The patient has not filled in the intake yet. Send the intake link (right).</Empty></Card>;
  const ev = e.intake.evaluation as unknown as RedFlagEvaluation;
  const a = e.intake.answers as unknown as IntakeForm;
  const q = (k: string) => RED_FLAG_QUESTIONS.find((x) => x.key === k)?.staffLabel ?? k;
  const yes = Object.entries(a.redFlags ?? {}).filter(([, v]) => v !== "no");
  return (
    <Card title={<span className="flex items-center gap-2">Intake <TierBadge tier={e.intake.tier} /></span>} actions={<span className="text-xs text-slate-500">{f.dateTime(e.intake.submittedAt)} · red-flag rules v{e.intake.redFlagVersion}</span>}>
      <div className="grid gap-4 md:grid-cols-2">
        <div>
          <h3 className="mb-1 text-sm font-semibold">Red flags</h3>
          {ev.triggered.length === 0 ? <p className="text-sm text-slate-600">None reported.</p> : (
            <ul className="flex flex-col gap-1.5 text-sm" data-testid="red-flags">
              {ev.triggered.map((t) => (
                <li key={t.ruleRef}>
                  <TierBadge tier={t.tier} /> {t.reason}{t.unsure && <em className="text-slate-500"> (patient not sure)</em>}
                  <p className="text-xs text-slate-500">{t.sources.join("; ")}</p>
                </li>
              ))}
            </ul>
          )}
          {yes.length > 0 && <p className="mt-2 text-xs text-slate-600">Answered yes / not sure: {yes.map(([k, v]) => `${q(k)} (${v === "yes" ? "yes" : "not sure"})`).join("; ")}</p>}
        </div>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500">Duration</dt><dd>{DURATION_L[a.onset.duration]}{a.onset.startedOn ? ` (since ${f.calendarDate(a.onset.startedOn)})` : ""}</dd>
          <dt className="text-slate-500">Where</dt><dd>{a.regions.map((r) => REGION_L[r]).join(", ")}</dd>
          <dt className="text-slate-500">Leg</dt><dd>{SPREAD_L[a.leg.spread]}{a.leg.side ? `, ${SIDE_L[a.leg.side].toLowerCase()}` : ""}{a.leg.symptoms.length ? ` (${a.leg.symptoms.join(", ").replaceAll("_", " ")})` : ""}</dd>
          <dt className="text-slate-500">Better / worse</dt><dd>{a.betterWith.map((x) => FACTOR_L[x]).join(", ") || "—"} / {a.worseWith.map((x) => FACTOR_L[x]).join(", ") || "—"}</dd>
          <dt className="text-slate-500">Before</dt><dd>{PREVIOUS_L[a.previous.episodes]}</dd>
          <dt className="text-slate-500">Work</dt><dd>{WORK_L[a.work.status]}{a.work.occupation ? ` · ${a.work.occupation}` : ""}</dd>
          <dt className="text-slate-500">Goals</dt><dd>{a.goals.join("; ")}</dd>
          <dt className="text-slate-500">Medication</dt><dd>{a.medication.map((m) => `${m.name}${m.dose ? ` ${m.dose}` : ""}`).join(", ") || "None"}</dd>
        </dl>
      </div>
    </Card>
  );
}

const LINK_STATE: Record<string, { label: string; tone: "green" | "gray" | "red" | "blue" }> = { ACTIVE: { label: "Open", tone: "green" }, COMPLETED: { label: "Filled in", tone: "blue" }, EXPIRED: { label: "Expired", tone: "gray" }, REVOKED: { label: "Revoked", tone: "red" } };

function IntakeLinkCard({ e, canWrite }: { e: Episode; canWrite: boolean }) {
  const trpc = useTRPC();
  const f = useFormat();
  const qc = useQueryClient();
  const [to, setTo] = useState(e.patient.email ?? "");
  const [made, setMade] = useState<{ path: string; expiresAt: Date; mail: string | null } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.episodes.get.queryKey({ episodeId: e.id }) });
  const send = useMutation(
    trpc.episodes.intake.send.mutationOptions({
      onSuccess: (r) => {
        setErr(null);
        setMade({ path: r.path, expiresAt: r.expiresAt, mail: r.mail ? (r.mail.status === "SENT" ? `Emailed to ${r.mail.to}.` : r.mail.status === "OUTBOX" ? `No mail server is configured: the email to ${r.mail.to} waits in the outbox.` : `Sending to ${r.mail.to} failed (${r.mail.error ?? "error"}); it will be retried. Copy the link meanwhile.`) : null });
        refresh();
      },
      onError: (x) => setErr(describeError(x).message),
    }),
  );
  const revoke = useMutation(trpc.episodes.intake.revoke.mutationOptions({ onSuccess: refresh, onError: (x) => setErr(describeError(x).message) }));
  const origin = typeof window === "undefined" ? undefined : window.location.origin;
  return (
    <Card title="Intake link">
      <div className="flex flex-col gap-2">
        {err && <Alert>{err}</Alert>}
        {made && (
          <>
            {made.mail && <p role="status" className="text-sm text-emerald-800" data-testid="intake-mail-status">{made.mail}</p>}
            <JoinLinkBox path={made.path} expiresAt={made.expiresAt} />
          </>
        )}
        {canWrite && !e.intake && (
          <form className="flex flex-col gap-2" noValidate onSubmit={(ev) => { ev.preventDefault(); send.mutate({ episodeId: e.id, email: true, to: to.trim() || undefined, origin }); }}>
            <Field label="Patient's email" type="email" value={to} onChange={(x) => setTo(x.target.value)} />
            <div className="flex flex-wrap gap-2">
              <Button type="submit" busy={send.isPending && send.variables?.email}>{e.intakeLinks.some((l) => l.state === "ACTIVE") ? "Send a new link" : "Send intake link"}</Button>
              <Button variant="secondary" busy={send.isPending && !send.variables?.email} onClick={() => send.mutate({ episodeId: e.id, email: false, origin })}>Make a link to copy</Button>
            </div>
            <p className="text-xs text-slate-500">A new link replaces the open one.</p>
          </form>
        )}
        {e.intakeLinks.length > 0 && (
          <ul className="divide-y divide-slate-100 text-sm" aria-label="Intake links">
            {e.intakeLinks.map((l) => (
              <li key={l.id} className="flex items-center justify-between gap-2 py-1">
                <span className="text-xs text-slate-600">Made {f.dateTime(l.createdAt)}{l.usedAt ? " · opened" : ""}</span>
                <span className="flex items-center gap-2">
                  <Badge tone={LINK_STATE[l.state]!.tone}>{LINK_STATE[l.state]!.label}</Badge>
                  {canWrite && l.state === "ACTIVE" && <Button variant="ghost" className="px-2 py-1 text-xs" busy={revoke.isPending} onClick={() => revoke.mutate({ linkId: l.id })}>Revoke</Button>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

function Discharge({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<DischargeReason | "">("");
  const [note, setNote] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const discharge = useMutation(
    trpc.episodes.discharge.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        void qc.invalidateQueries({ queryKey: trpc.episodes.pathKey() });
      },
      onError: (x) => setErr(describeError(x).message),
    }),
  );
  if (!open) return <Button variant="secondary" onClick={() => setOpen(true)}>Discharge…</Button>;
  return (
    <form className="flex flex-wrap items-end gap-2 rounded-md border border-slate-200 bg-white p-2" onSubmit={(ev) => { ev.preventDefault(); discharge.mutate({ episodeId, reason: reason as DischargeReason, note }); }}>
      {err && <p role="alert" className="w-full text-xs text-red-700">{err}</p>}
      <Select label="Reason" value={reason} onChange={(x) => setReason(x.target.value as DischargeReason)}>
        <option value="">Choose…</option>
        {DISCHARGE_REASONS.map((r) => <option key={r} value={r}>{DISCHARGE_REASON_LABEL[r]}</option>)}
      </Select>
      <TextArea label="Note" rows={1} value={note} onChange={(x) => setNote(x.target.value)} />
      <Button type="submit" busy={discharge.isPending}>Discharge</Button>
      <Button variant="ghost" onClick={() => setOpen(false)}>Cancel</Button>
    </form>
  );
}
