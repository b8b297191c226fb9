"use client";
// The dashboard's alerts: the open alerts of the clinic, most severe first, and a toast when one arrives live.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { ClinicAlertUpdate } from "../../_shared/protocol";
import { formatName } from "../../_shared/format";
import { useFormat } from "../../_lib/clinic";
import { useClinicAlerts } from "../../_lib/realtime/alerts";
import { useTRPC } from "../../_lib/trpc";
import { Card, Spinner } from "../ui";
import { SEVERITY_LABEL, SeverityBadge } from "./care-bits";

type Toast = { key: string; severity: string; title: string; episodeId: string; patientId: string; change: string };

export function LiveAlerts() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const live = useClinicAlerts((u: ClinicAlertUpdate) => {
    void qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
    const fresh = u.alerts.filter((a) => a.change === "opened" || a.change === "reopened");
    if (!fresh.length) return;
    setToasts((t) => [...fresh.map((a) => ({ key: `${a.id}:${u.at}`, severity: a.severity, title: a.title, episodeId: u.episodeId, patientId: u.patientId, change: a.change })), ...t].slice(0, 4));
  });
  const open = useQuery(trpc.alerts.list.queryOptions({ status: "OPEN", limit: 6 }, { refetchInterval: live.connected ? 60_000 : 15_000 }));
  return (
    <>
      <div aria-live="assertive" className="pointer-events-none fixed bottom-4 right-4 z-40 flex w-80 flex-col gap-2">
        {toasts.map((t) => (
          <div key={t.key} role="alert" data-testid="alert-toast" className={`pointer-events-auto rounded-lg border p-3 text-sm shadow-lg ${t.severity === "EMERGENCY" ? "border-red-400 bg-red-50 text-red-900" : t.severity === "URGENT" ? "border-amber-300 bg-amber-50 text-amber-900" : "border-sky-200 bg-sky-50 text-sky-900"}`}>
            <p className="font-semibold">{SEVERITY_LABEL[t.severity as keyof typeof SEVERITY_LABEL] ?? t.severity} alert{t.change === "reopened" ? " (new evidence)" : ""}: {t.title}</p>
            <div className="mt-1 flex gap-3">
              <Link className="font-medium underline" href={`/patients/${t.patientId}/episodes/${t.episodeId}`}>Open the episode</Link>
              <button type="button" className="underline" onClick={() => setToasts((x) => x.filter((y) => y.key !== t.key))}>Dismiss</button>
            </div>
          </div>
        ))}
      </div>
      <Card title="Open alerts" actions={<Link href="/alerts" className="text-sm text-brand-700 hover:underline">Alerts inbox</Link>}>
        {open.isLoading ? <Spinner /> : !open.data?.length ? <p className="text-sm text-slate-500">No open alerts.</p> : (
          <ul className="divide-y divide-slate-100" data-testid="dashboard-alerts">
            {open.data.map((a) => (
              <li key={a.id} className="py-2 text-sm">
                <div className="flex items-center gap-2"><SeverityBadge severity={a.severity} /><Link href={`/patients/${a.patient.id}/episodes/${a.episodeId}`} className="font-medium hover:underline">{formatName(a.patient)}</Link></div>
                <p className="text-xs text-slate-600">{a.title} · {f.dateTime(a.lastAt)}</p>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
