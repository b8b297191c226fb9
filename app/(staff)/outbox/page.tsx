"use client";
// Admins: every email the app sent or would have sent. Without SMTP_URL (development) the messages stay here, so a
// newcomer sees what a patient or therapist would receive; with SMTP the body is cleared once sent (it may hold a link).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useFormat } from "../../_lib/clinic";
import { useTRPC } from "../../_lib/trpc";
import { Alert, Badge, Card, Empty, PageHeader, Spinner } from "../../_components/ui";

const STATUS_TONE: Record<string, "green" | "amber" | "red" | "blue" | "gray"> = { SENT: "green", OUTBOX: "blue", QUEUED: "amber", FAILED: "red" };
const STATUS_LABEL: Record<string, string> = { SENT: "Sent", OUTBOX: "In the outbox (not sent)", QUEUED: "Sending", FAILED: "Failed, will retry" };

export default function OutboxPage() {
  const trpc = useTRPC();
  const f = useFormat();
  const box = useQuery(trpc.outbox.list.queryOptions({ limit: 100 }, { refetchInterval: 15_000 }));
  const [open, setOpen] = useState<string | null>(null);
  if (box.isLoading) return <Spinner />;
  if (box.error || !box.data) return <Alert title="Cannot show the outbox">{box.error?.message}</Alert>;
  const shown = box.data.emails.find((m) => m.id === open) ?? box.data.emails[0];
  return (
    <>
      <PageHeader title="Email outbox" subtitle="Every email the clinic's PoseVisit sent or would send" />
      <div className="mb-4" data-testid="smtp-state">
        {box.data.smtpConfigured
          ? <Alert tone="green" title="SMTP is configured">Emails are sent through the mail server (SMTP_URL). Once sent, a message's body is not kept, because it may hold a patient link.</Alert>
          : <Alert tone="amber" title="SMTP is not configured">Emails are not sent: they wait here (development outbox). Set SMTP_URL (and MAIL_FROM) to send them.</Alert>}
      </div>
      {box.data.emails.length === 0 ? <Empty>No emails yet.</Empty> : (
        <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <Card>
            <ul className="divide-y divide-slate-100" aria-label="Emails">
              {box.data.emails.map((m) => (
                <li key={m.id}>
                  <button type="button" onClick={() => setOpen(m.id)} aria-pressed={shown?.id === m.id} className={`flex w-full flex-col items-start gap-0.5 px-2 py-2 text-left text-sm hover:bg-slate-50 ${shown?.id === m.id ? "bg-brand-50" : ""}`}>
                    <span className="flex w-full items-center justify-between gap-2"><span className="font-medium">{m.subject}</span><Badge tone={STATUS_TONE[m.status] ?? "gray"}>{STATUS_LABEL[m.status] ?? m.status}</Badge></span>
                    <span className="text-xs text-slate-500">To {m.to} · {m.purpose.replaceAll("-", " ")} · {f.dateTime(m.createdAt)}{m.attempts > 1 ? ` · ${m.attempts} attempts` : ""}</span>
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          {shown && (
            <Card title={shown.subject}>
              <p className="mb-2 text-xs text-slate-500">To {shown.to} · {f.dateTime(shown.createdAt)}{shown.sentAt ? ` · sent ${f.dateTime(shown.sentAt)}` : ""}</p>
              {shown.lastError && <div className="mb-2"><Alert>{shown.lastError}</Alert></div>}
              <pre className="whitespace-pre-wrap break-words font-sans text-sm text-slate-800" data-testid="outbox-body">{shown.text}</pre>
            </Card>
          )}
        </div>
      )}
    </>
  );
}
