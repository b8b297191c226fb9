import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 p-6">
      <p className="text-lg font-semibold text-brand-700">PoseVisit</p>
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">This page does not exist</h1>
      <p className="text-sm text-slate-700">
        The address may be mistyped, or the record was removed. If you came from a visit link sent to you as a patient, open
        the link from your message again, or ask your clinic to send you a new one.
      </p>
      <p className="flex flex-wrap gap-3 text-sm">
        <Link href="/dashboard" className="rounded-md bg-brand-600 px-3.5 py-2 font-medium text-white hover:bg-brand-700">Go to the dashboard</Link>
        <Link href="/signin" className="rounded-md bg-white px-3.5 py-2 font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">Sign in</Link>
      </p>
      <p className="text-xs text-slate-600">Error 404</p>
    </main>
  );
}
