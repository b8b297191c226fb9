"use client";
// A page that failed while rendering: say so plainly, offer to try again, keep the rest of the app reachable.
import Link from "next/link";
import { useEffect } from "react";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col gap-4 p-6" role="alert">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Something went wrong on this page</h1>
      <p className="text-sm text-slate-700">
        Nothing you saved is lost. Try again; if it keeps happening, reload the page or go back to the dashboard, and tell your
        administrator the reference below.
      </p>
      <p className="flex flex-wrap gap-3 text-sm">
        <button type="button" onClick={reset} className="rounded-md bg-brand-600 px-3.5 py-2 font-medium text-white hover:bg-brand-700">Try again</button>
        <Link href="/dashboard" className="rounded-md bg-white px-3.5 py-2 font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">Go to the dashboard</Link>
      </p>
      {error.digest && <p className="text-xs text-slate-600">Reference: <code>{error.digest}</code></p>}
    </main>
  );
}
