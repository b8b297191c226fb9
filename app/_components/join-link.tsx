"use client";
import { useState } from "react";
import { joinLinkMessage, mailtoHref } from "../_shared/link-message";
import { useClinic, useFormat } from "../_lib/clinic";
import { Button } from "./ui";

export type LinkRecipient = { firstName: string; lastName: string; email?: string | null };

/**
 * The patient link, shown once after it is created (only its hash is stored): copy it, or email it.
 * Email today opens the user's own mail program with a prefilled message (mailto:). The seam for the
 * clinic's mail service is joinLinkMessage() in app/_shared/link-message.ts: when server/services/mail.ts
 * exists, add a "Send" button here that asks the server to send the same message (the raw token never
 * needs to be stored for that: it goes out in the same request that rotates the link).
 */
export function JoinLinkBox({ path, expiresAt, patient, scheduledAt, therapistName }: {
  path: string;
  expiresAt?: Date;
  patient?: LinkRecipient;
  scheduledAt?: Date | string;
  therapistName?: string;
}) {
  const f = useFormat();
  const clinic = useClinic().data;
  const [copied, setCopied] = useState<"idle" | "ok" | "fail">("idle");
  const url = typeof window === "undefined" ? path : `${window.location.origin}${path}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("ok");
    } catch {
      setCopied("fail");
    }
    setTimeout(() => setCopied("idle"), 4000);
  };
  const mail = patient && scheduledAt
    ? mailtoHref(patient.email, joinLinkMessage({ url, patient, scheduledAt, timeZone: f.timeZone, therapistName, clinicName: clinic?.name, validUntil: expiresAt }))
    : null;
  return (
    <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3">
      <p className="mb-2 text-sm font-medium text-emerald-900">Patient link — send it to the patient now. For privacy it is shown only once; you can create a new one later.</p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="join-link" className="sr-only">Patient link</label>
        <input id="join-link" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="join-link"
          className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-2 py-1.5 font-mono text-xs" />
        <Button onClick={() => void copy()}>{copied === "ok" ? "Copied!" : "Copy link"}</Button>
        {mail && (
          <a href={mail} data-testid="email-link"
            className="inline-flex items-center justify-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50">
            Email to patient
          </a>
        )}
      </div>
      <p aria-live="polite" className="mt-1 text-xs text-emerald-800">
        {copied === "ok" ? "Link copied to the clipboard." : copied === "fail" ? "Copy failed: select the link and copy it by hand." : expiresAt ? `Valid until ${f.dateTime(expiresAt)}.` : ""}
        {mail && copied === "idle" && (patient?.email ? ` “Email to patient” opens your mail program with a message to ${patient.email}.` : " No email address on file: “Email to patient” opens an empty message to fill in.")}
      </p>
    </div>
  );
}
