"use client";
// The questionnaire sets due in an episode (intake, every 2 weeks, discharge) with due / overdue / done, and sending
// one by link: the link is shown once to copy, and emailed to the patient when an address is on record.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useFormat } from "../../../_lib/clinic";
import { describeError, useMe, useTRPC } from "../../../_lib/trpc";
import { Alert, Badge, Button, Empty, Spinner } from "../../ui";

const STATUS = { DONE: ["green", "done"], DUE: ["amber", "due"], OVERDUE: ["red", "overdue"], UPCOMING: ["gray", "upcoming"] } as const;
const LABEL: Record<string, string> = { INTAKE: "Intake", REVIEW: "Review", DISCHARGE: "Discharge" };

export function DueSets({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const { me } = useMe();
  const q = useQuery(trpc.questionnaires.due.queryOptions({ episodeId }));
  const [sent, setSent] = useState<{ dueId: string; url: string; email: string | null } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = useMutation(trpc.questionnaires.send.mutationOptions({
    onSuccess: (r, v) => {
      setSent({ dueId: v.dueId, url: `${window.location.origin}${r.path}`, email: r.email ? `${r.email.status === "SENT" ? "Emailed" : r.email.status === "OUTBOX" ? "In the outbox (no SMTP configured) for" : "Email failed to"} ${r.email.to}` : null });
      void qc.invalidateQueries({ queryKey: trpc.questionnaires.pathKey() });
    },
    onError: (e) => setError(describeError(e).message),
  }));
  if (q.isLoading) return <Spinner />;
  if (q.error) return <Alert>{describeError(q.error).message}</Alert>;
  const canWrite = me?.role !== "CLINICIAN" && q.data!.episode.status === "ACTIVE";
  if (!q.data!.due.length) return <Empty>No questionnaires are scheduled in this episode.</Empty>;
  return (
    <div className="flex flex-col gap-2" data-testid="due-sets">
      {error && <Alert>{error}</Alert>}
      <ul className="divide-y divide-slate-100 text-sm">
        {q.data!.due.map((d) => {
          const [tone, word] = STATUS[d.status];
          const open = d.links.find((l) => l.state === "ACTIVE");
          return (
            <li key={d.id} className="py-2" data-testid={`due-${d.label.toLowerCase()}`}>
              <div className="flex items-center justify-between gap-2">
                <span><span className="font-medium">{LABEL[d.label] ?? d.label}</span> · {f.day(`${d.dueDate}T12:00:00Z`)} <Badge tone={tone}>{word}</Badge></span>
                {canWrite && d.status !== "DONE" && d.available.length > 0 && (
                  <Button variant="secondary" className="px-2 py-1 text-xs" busy={send.isPending && send.variables?.dueId === d.id} onClick={() => { setError(null); send.mutate({ dueId: d.id, sendEmail: true }); }}>
                    {open ? "New link" : "Send link"}
                  </Button>
                )}
              </div>
              <p className="text-xs text-slate-500">
                {d.available.map((a) => a.short).join(", ") || "none available"}
                {d.unavailable.length > 0 && <span title={d.unavailable.map((u) => `${u.title}: ${u.reasons.join("; ")}`).join("\n")}> · not sent: {d.unavailable.map((u) => u.title.split(" ")[0]).join(", ")}</span>}
                {d.completedAt ? <> · answered {f.day(d.completedAt)}</> : open ? <> · link open until {f.day(open.expiresAt)}{open.openedAt ? ", opened" : ""}</> : d.sentAt ? <> · sent {f.day(d.sentAt)}</> : null}
              </p>
              {sent?.dueId === d.id && (
                <div className="mt-1 rounded-md border border-emerald-200 bg-emerald-50 p-2 text-xs" data-testid="questionnaire-link-box">
                  <p className="mb-1 font-medium text-emerald-900">Questionnaire link (shown once){sent.email ? ` · ${sent.email}` : ""}</p>
                  <div className="flex gap-1">
                    <input readOnly value={sent.url} aria-label="Questionnaire link" data-testid="questionnaire-link" onFocus={(e) => e.currentTarget.select()} className="min-w-0 flex-1 rounded border border-emerald-300 bg-white px-1 font-mono" />
                    <Button className="px-2 py-1 text-xs" onClick={() => void navigator.clipboard.writeText(sent.url).then(() => setCopied(true), () => setCopied(false))}>{copied ? "Copied" : "Copy"}</Button>
                  </div>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
