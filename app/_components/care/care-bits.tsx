"use client";
// Small pieces of the course of care shared by the episode page, the patient page, the inbox and the visit room:
// severity and tier badges, the exercise-gate banner and the decision form.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { Severity } from "../../_shared/care/alerts";
import { DECISIONS, TIER_LABEL, type Decision, type ExerciseGate, type Tier } from "../../_shared/care/red-flags";
import { describeError, useTRPC } from "../../_lib/trpc";
import { Alert, Badge, Button, Select, TextArea } from "../ui";

export const SEVERITY_TONE: Record<Severity, "red" | "amber" | "blue"> = { EMERGENCY: "red", URGENT: "amber", REVIEW: "blue" };
export const SEVERITY_LABEL: Record<Severity, string> = { EMERGENCY: "Emergency", URGENT: "Urgent", REVIEW: "Review" };
export const TIER_TONE: Record<Tier, "red" | "amber" | "blue" | "green"> = { EMERGENCY: "red", URGENT: "amber", REVIEW: "blue", NONE: "green" };
export const DECISION_LABEL: Record<Decision, string> = { CLEARED_TO_EXERCISE: "Cleared to exercise", REFERRED_KEEP_BLOCKED: "Referred: keep exercise blocked" };
export const ALERT_STATUS_LABEL: Record<string, string> = { OPEN: "Open", ACKNOWLEDGED: "Acknowledged", RESOLVED: "Resolved", SUPERSEDED: "Superseded" };

export function SeverityBadge({ severity }: { severity: string }) {
  const s = severity as Severity;
  return <Badge tone={SEVERITY_TONE[s] ?? "gray"}>{SEVERITY_LABEL[s] ?? severity}</Badge>;
}
export function TierBadge({ tier }: { tier: string }) {
  const t = tier as Tier;
  return <Badge tone={TIER_TONE[t] ?? "gray"}>{TIER_LABEL[t] ?? tier}</Badge>;
}

/** The short banner wherever exercise could start: "Exercise blocked: …". */
export function GateBanner({ gate, compact }: { gate: Pick<ExerciseGate, "blocked" | "reason">; compact?: boolean }) {
  if (!gate.blocked) return null;
  return (
    <div role="alert" data-testid="exercise-blocked" className={`rounded-md border border-red-300 bg-red-50 text-red-900 ${compact ? "px-3 py-1.5 text-xs" : "px-4 py-3 text-sm"}`}>
      <strong>Exercise blocked:</strong> {gate.reason}
    </div>
  );
}

/** The therapist's decision after an emergency screening (recordDecisionInput), on the episode page. */
export function DecisionForm({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [decision, setDecision] = useState<Decision | "">("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string[] | undefined>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const decide = useMutation(
    trpc.episodes.decide.mutationOptions({
      onSuccess: () => {
        setNote("");
        setDecision("");
        setErrors({});
        setFormError(null);
        void qc.invalidateQueries({ queryKey: trpc.episodes.pathKey() });
      },
      onError: (e) => {
        const d = describeError(e);
        setErrors(d.fields);
        setFormError(d.message);
      },
    }),
  );
  return (
    <form
      noValidate
      className="flex flex-col gap-2"
      aria-label="Record a decision"
      onSubmit={(e) => {
        e.preventDefault();
        decide.mutate({ episodeId, decision: decision as Decision, note });
      }}
    >
      {formError && <Alert>{formError}</Alert>}
      <Select label="Decision" value={decision} onChange={(e) => setDecision(e.target.value as Decision)} error={errors.decision}>
        <option value="">Choose…</option>
        {DECISIONS.map((d) => <option key={d} value={d}>{DECISION_LABEL[d]}</option>)}
      </Select>
      <TextArea label="What was decided and why" rows={2} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} maxLength={2000} />
      <Button type="submit" busy={decide.isPending} className="self-start">Record decision</Button>
    </form>
  );
}

/** The nav's open-alert count (polled; the dashboard and the inbox also refresh it when an alert arrives live). */
export function AlertCountBadge() {
  const trpc = useTRPC();
  const c = useQuery(trpc.alerts.counts.queryOptions(undefined, { refetchInterval: 30_000 }));
  const n = c.data?.total ?? 0;
  if (!n) return null;
  const tone = c.data!.EMERGENCY ? "bg-red-600" : c.data!.URGENT ? "bg-amber-500" : "bg-sky-600";
  return <span data-testid="alert-count" aria-label={`${n} open`} className={`ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full px-1.5 text-xs font-semibold text-white ${tone}`}>{n}</span>;
}

/** The visit room's short banner when the visit's episode has exercise blocked (links to the decision). */
export function VisitGateBanner({ visitId }: { visitId: string }) {
  const trpc = useTRPC();
  const g = useQuery(trpc.episodes.gateForVisit.queryOptions({ visitId }, { refetchInterval: 30_000 }));
  if (!g.data?.blocked) return null;
  return (
    <div role="alert" data-testid="exercise-blocked" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-300 bg-red-50 px-3 py-1.5 text-sm text-red-900">
      <span><strong>Exercise blocked:</strong> {g.data.reason}</span>
      <Link className="font-medium underline" href={`/patients/${g.data.patientId}/episodes/${g.data.episodeId}`}>Record a decision</Link>
    </div>
  );
}
