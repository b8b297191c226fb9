"use client";
import { useState } from "react";
import { Button } from "./ui";

/** The patient link, shown once after it is created (only its hash is stored), with a copy button. */
export function JoinLinkBox({ path, expiresAt }: { path: string; expiresAt?: Date }) {
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
  return (
    <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3">
      <p className="mb-2 text-sm font-medium text-emerald-900">Patient link — send it to the patient now. For privacy it is shown only once; you can create a new one later.</p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="join-link" className="sr-only">Patient link</label>
        <input id="join-link" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="join-link"
          className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-2 py-1.5 font-mono text-xs" />
        <Button onClick={() => void copy()}>{copied === "ok" ? "Copied!" : "Copy link"}</Button>
      </div>
      <p aria-live="polite" className="mt-1 text-xs text-emerald-800">
        {copied === "ok" ? "Link copied to the clipboard." : copied === "fail" ? "Copy failed: select the link and copy it by hand." : expiresAt ? `Valid until ${new Date(expiresAt).toLocaleString()}.` : ""}
      </p>
    </div>
  );
}
