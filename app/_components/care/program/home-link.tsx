"use client";
// The patient's home link: a new link is shown once (only its hash is stored) to copy, or emailed through the
// server's SMTP; older links are listed by state and can be revoked. The handout PDF downloads from here too.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError, useTRPC } from "../../../_lib/trpc";
import { useFormat } from "../../../_lib/clinic";
import { downloadBase64 } from "../../../_lib/trial-export";
import { Alert, Badge, Button, Field } from "../../ui";

const STATE_TONE = { ACTIVE: "green", EXPIRED: "gray", REVOKED: "red", COMPLETED: "gray", EPISODE_ENDED: "gray" } as const;
const STATE_TEXT = { ACTIVE: "active", EXPIRED: "expired", REVOKED: "revoked", COMPLETED: "used", EPISODE_ENDED: "episode ended" } as const;

export function HomeLinkPanel({ episodeId, programId, patientEmail, canWrite }: { episodeId: string; programId: string; patientEmail: string | null; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const links = useQuery(trpc.programs.homeLinks.queryOptions({ episodeId }));
  const [email, setEmail] = useState(patientEmail ?? "");
  const [shown, setShown] = useState<{ url: string; mailed: string | null; to: string | null } | null>(null);
  const [copied, setCopied] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.programs.homeLinks.queryKey({ episodeId }) });
  const issue = useMutation(trpc.programs.issueHomeLink.mutationOptions({ onSuccess: (r, v) => { setShown({ url: r.url, mailed: r.mail ? r.mail.status : null, to: v.sendTo }); setCopied(false); void refresh(); } }));
  const revoke = useMutation(trpc.programs.revokeHomeLink.mutationOptions({ onSuccess: () => { setShown(null); void refresh(); } }));
  const handout = useMutation({ mutationFn: () => qc.fetchQuery(trpc.programs.handout.queryOptions({ programId }, { staleTime: 0 })), onSuccess: (r) => downloadBase64(r.filename, r.base64, r.contentType) });
  const origin = typeof window === "undefined" ? undefined : window.location.origin;
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="home-link-panel">
      {canWrite && (
        <div className="flex flex-wrap items-end gap-2">
          <Field label="Patient's email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} className="min-w-48 flex-1" />
          <Button busy={issue.isPending} disabled={!email.trim()} data-testid="email-home-link" onClick={() => issue.mutate({ episodeId, sendTo: email.trim(), origin })}>Email new link</Button>
          <Button variant="secondary" busy={issue.isPending} onClick={() => issue.mutate({ episodeId, sendTo: null, origin })}>New link to copy</Button>
        </div>
      )}
      {issue.error && <Alert title="No link made">{describeError(issue.error).message}</Alert>}
      {shown && (
        <div className="rounded-md bg-brand-50 p-2 ring-1 ring-brand-100" data-testid="home-link-shown">
          <p className="text-xs text-slate-600">{shown.mailed === "SENT" ? `Emailed to ${shown.to}. ` : shown.mailed === "OUTBOX" ? "No mail server is set up: the message waits in the clinic's outbox. " : shown.mailed === "FAILED" ? `Sending to ${shown.to} failed; it will be retried. ` : ""}Shown only now: copy it if you need it. The previous link stopped working.</p>
          <div className="mt-1 flex items-center gap-2">
            <code className="flex-1 truncate text-xs" data-testid="home-link-url">{shown.url}</code>
            <Button variant="secondary" className="!py-1" onClick={() => void navigator.clipboard?.writeText(shown.url).then(() => setCopied(true))}>{copied ? "Copied" : "Copy"}</Button>
          </div>
        </div>
      )}
      <ul className="flex max-h-28 flex-col gap-1 overflow-y-auto">
        {(links.data ?? []).map((l) => (
          <li key={l.id} className="flex items-center gap-2 text-xs text-slate-600">
            <Badge tone={STATE_TONE[l.state]}>{STATE_TEXT[l.state]}</Badge>
            <span className="flex-1">made {f.day(l.createdAt)}{l.createdBy ? ` by ${l.createdBy}` : ""} · {l.usedAt ? `first opened ${f.day(l.usedAt)}` : "not opened yet"} · until {f.day(l.expiresAt)}</span>
            {canWrite && l.state === "ACTIVE" && <Button variant="ghost" className="!px-2 !py-0.5 text-red-700" busy={revoke.isPending} onClick={() => revoke.mutate({ linkId: l.id })}>Revoke</Button>}
          </li>
        ))}
        {links.data?.length === 0 && <li className="text-xs text-slate-500">No home link yet: the patient cannot open the program until you send one.</li>}
      </ul>
      <div><Button variant="secondary" className="!py-1" busy={handout.isPending} onClick={() => handout.mutate()}>Download handout (PDF)</Button></div>
      {handout.error && <Alert title="No handout">{describeError(handout.error).message}</Alert>}
    </div>
  );
}
