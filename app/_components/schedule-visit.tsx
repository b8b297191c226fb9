"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { scheduleVisitInput } from "../_shared/domain";
import { useZodForm } from "../_lib/form";
import { useMe, useTRPC } from "../_lib/trpc";
import { fromZonedInputValue, toZonedInputValue } from "../_shared/format";
import { useFormat } from "../_lib/clinic";
import { JoinLinkBox, type LinkRecipient } from "./join-link";
import { Alert, Button, Field, Select } from "./ui";

export function ScheduleVisit({ patientId, patient }: { patientId: string; patient?: LinkRecipient }) {
  const f = useFormat();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const therapists = useQuery({ ...trpc.users.therapists.queryOptions(), enabled: me?.role === "ADMIN" });
  const soon = new Date(Date.now() + 30 * 60_000);
  soon.setMinutes(Math.ceil(soon.getMinutes() / 15) * 15, 0, 0);
  const form = useZodForm(scheduleVisitInput, { patientId, scheduledAt: toZonedInputValue(soon, f.timeZone), durationMin: 45, reason: "", therapistId: undefined });
  const [created, setCreated] = useState<{ path: string; expiresAt: Date; scheduledAt: Date; therapistName: string } | null>(null);
  const schedule = useMutation(
    trpc.visits.schedule.mutationOptions({
      onSuccess: (r) => {
        setCreated({ path: r.joinPath, expiresAt: r.visit.joinExpiresAt, scheduledAt: r.visit.scheduledAt, therapistName: r.visit.therapist.name });
        void qc.invalidateQueries({ queryKey: trpc.visits.list.pathKey() });
      },
      onError: form.fail,
    }),
  );
  if (created)
    return (
      <div className="flex flex-col gap-3">
        <Alert tone="green" title="Visit scheduled" />
        <JoinLinkBox path={created.path} expiresAt={created.expiresAt} patient={patient} scheduledAt={created.scheduledAt} therapistName={created.therapistName} />
        <Button variant="secondary" onClick={() => setCreated(null)}>Schedule another</Button>
      </div>
    );
  return (
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        // The clinic's wall clock is meant (every page shows times in the clinic's zone): turn it into an
        // absolute Date before it leaves the page.
        const at = fromZonedInputValue(String(form.values.scheduledAt), f.timeZone);
        if (form.check({ ...form.values, scheduledAt: at ?? "" }))
          schedule.mutate({ ...form.values, scheduledAt: at!, therapistId: form.values.therapistId || undefined });
      }}
    >
      {form.formError && <Alert>{form.formError}</Alert>}
      <Field label={`Date and time (clinic time, ${f.zone()})`} type="datetime-local" {...form.bind("scheduledAt")} />
      <Select label="Duration" {...form.bind("durationMin")}>
        {[20, 30, 45, 60, 90].map((m) => <option key={m} value={m}>{m} minutes</option>)}
      </Select>
      {me?.role === "ADMIN" && (
        <Select label="Therapist" {...form.bind("therapistId")}>
          <option value="">Choose…</option>
          {therapists.data?.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </Select>
      )}
      <Field label="Reason (optional)" placeholder="e.g. Initial assessment" {...form.bind("reason")} />
      <Button type="submit" busy={schedule.isPending}>Schedule visit</Button>
    </form>
  );
}
