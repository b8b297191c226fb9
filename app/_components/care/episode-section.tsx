"use client";
// "Episode of care" on the patient page: the patient's episodes (status, intake tier, gate, open alerts) and, for
// therapists and admins, the form that starts one (one active episode at a time).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { createEpisodeInput, defaultReassessDates, DISCHARGE_REASON_LABEL, PLANNED_WEEKS, type DischargeReason } from "../../_shared/care/episodes";
import { useFormat } from "../../_lib/clinic";
import { useZodForm } from "../../_lib/form";
import { useMe, useTRPC } from "../../_lib/trpc";
import { Alert, Badge, Button, Empty, Field, Select, Spinner, TextArea } from "../ui";
import { TierBadge } from "./care-bits";

const todayIn = (tz: string) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());

export function EpisodeSection({ patientId }: { patientId: string }) {
  const trpc = useTRPC();
  const f = useFormat();
  const { me } = useMe();
  const list = useQuery(trpc.episodes.list.queryOptions({ patientId }));
  const [starting, setStarting] = useState(false);
  if (list.isLoading) return <Spinner />;
  if (list.error) return <Alert title="Cannot show the episodes">{list.error.message}</Alert>;
  const rows = list.data ?? [];
  const active = rows.find((e) => e.status === "ACTIVE");
  const canWrite = me?.role !== "CLINICIAN";
  return (
    <div className="flex flex-col gap-3" data-testid="episode-section">
      {rows.length === 0 && !starting && <Empty>No episode of care yet.</Empty>}
      {rows.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {rows.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0">
                <Link href={`/patients/${patientId}/episodes/${e.id}`} className="font-medium text-slate-900 hover:underline">
                  {e.diagnosis || e.referralReason || "Episode of care"} · from {f.calendarDate(e.startDate)}
                </Link>
                <p className="text-xs text-slate-500">
                  {e.plannedWeeks} weeks planned · {e.therapist.name} · {e.visitCount} visit{e.visitCount === 1 ? "" : "s"}
                  {e.status === "DISCHARGED" && e.dischargeReason && <> · discharged ({DISCHARGE_REASON_LABEL[e.dischargeReason as DischargeReason] ?? e.dischargeReason})</>}
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                {e.gate.blocked && <Badge tone="red">Exercise blocked</Badge>}
                {e.openAlerts > 0 && <Badge tone="amber">{e.openAlerts} open alert{e.openAlerts === 1 ? "" : "s"}</Badge>}
                {e.intake ? <TierBadge tier={e.intake.tier} /> : e.status === "ACTIVE" && <Badge>Intake not in</Badge>}
                <Badge tone={e.status === "ACTIVE" ? "green" : "gray"}>{e.status === "ACTIVE" ? "Active" : "Discharged"}</Badge>
              </div>
            </li>
          ))}
        </ul>
      )}
      {canWrite && !active && (starting ? <StartEpisode patientId={patientId} onCancel={() => setStarting(false)} /> : <Button className="self-start" onClick={() => setStarting(true)}>Start an episode of care</Button>)}
    </div>
  );
}

function StartEpisode({ patientId, onCancel }: { patientId: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const f = useFormat();
  const { me } = useMe();
  const therapists = useQuery({ ...trpc.users.therapists.queryOptions(), enabled: me?.role === "ADMIN" });
  const form = useZodForm(createEpisodeInput, { patientId, startDate: todayIn(f.timeZone), plannedWeeks: PLANNED_WEEKS.default, referralReason: "", diagnosis: "", goals: "", therapistId: undefined });
  const create = useMutation(
    trpc.episodes.create.mutationOptions({
      onSuccess: (e) => {
        void qc.invalidateQueries({ queryKey: trpc.episodes.pathKey() });
        router.push(`/patients/${patientId}/episodes/${e.id}`);
      },
      onError: form.fail,
    }),
  );
  const weeks = Number(form.values.plannedWeeks) || PLANNED_WEEKS.default;
  const start = String(form.values.startDate ?? "");
  const reassess = /^\d{4}-\d{2}-\d{2}$/.test(start) ? defaultReassessDates(start, weeks) : [];
  return (
    <form
      noValidate
      aria-label="Start an episode of care"
      className="grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        const v = { ...form.values, plannedWeeks: weeks, therapistId: form.values.therapistId || undefined };
        if (form.check(v)) create.mutate(v);
      }}
    >
      {form.formError && <div className="sm:col-span-2"><Alert>{form.formError}</Alert></div>}
      <Field label="Start date" type="date" {...form.bind("startDate")} />
      <Select label="Planned length" {...form.bind("plannedWeeks")}>
        {[4, 5, 6].map((w) => <option key={w} value={w}>{w} weeks</option>)}
      </Select>
      {me?.role === "ADMIN" && (
        <Select label="Responsible therapist" {...form.bind("therapistId")}>
          <option value="">Choose…</option>
          {therapists.data?.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </Select>
      )}
      <Field label="Referral reason" placeholder="e.g. GP referral, low back pain 3 weeks" {...form.bind("referralReason")} />
      <Field label="Diagnosis or working classification" placeholder="e.g. Non-specific low back pain" {...form.bind("diagnosis")} />
      <TextArea className="sm:col-span-2" label="Goals, in the patient's words" rows={2} {...form.bind("goals")} />
      <p className="text-xs text-slate-500 sm:col-span-2">
        Re-assessments planned every 2 weeks{reassess.length ? `: ${reassess.map((d) => f.calendarDate(d)).join(", ")}` : ""}. Questionnaires are scheduled at intake, every 2 weeks and at discharge. Times in the clinic's time zone ({f.zone()}).
      </p>
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" busy={create.isPending}>Start episode</Button>
        <Button variant="secondary" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
