"use client";
// The last resort, when even the root layout failed: it replaces the whole document, so it brings its own
// <html> and the stylesheet.
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <main className="mx-auto flex max-w-xl flex-col gap-4 p-6" role="alert">
          <p className="text-lg font-semibold text-brand-700">PoseVisit</p>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">PoseVisit could not start this page</h1>
          <p className="text-sm text-slate-700">Nothing you saved is lost. Try again, or reload the page in a minute.</p>
          <p><button type="button" onClick={reset} className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">Try again</button></p>
          {error.digest && <p className="text-xs text-slate-600">Reference: <code>{error.digest}</code></p>}
        </main>
      </body>
    </html>
  );
}
