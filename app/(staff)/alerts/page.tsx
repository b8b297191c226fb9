"use client";
// The alerts inbox: the clinic's alerts by status and severity; acknowledge ("seen"), resolve with a note; each links
// to its episode. Changes arrive live on the clinic socket; every action is audited on the server.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { SEVERITIES, type Severity } from "../../_shared/care/alerts";
import { ALERT_STATUS_FILTERS } from "../../_shared/care/episodes";
import { formatName } from "../../_shared/format";
import { useFormat } from "../../_lib/clinic";
import { useClinicAlerts } from "../../_lib/realtime/alerts";
import { describeError, useMe, useTRPC } from "../../_lib/trpc";
import { Alert, Button, Card, Empty, PageHeader, ReadOnlyNotice, Select, Spinner } from "../../_components/ui";
import { ALERT_STATUS_LABEL, SEVERITY_LABEL, SeverityBadge } from "../../_components/care/care-bits";

type StatusFilter = (typeof ALERT_STATUS_FILTERS)[number];
const STATUS_LABEL: Record<StatusFilter, string> = { OPEN: "Open", ACKNOWLEDGED: "Acknowledged", RESOLVED: "Resolved", ALL: "All" };

export default function AlertsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const { me } = useMe();
  const [status, setStatus] = useState<StatusFilter>("OPEN");
  const [severity, setSeverity] = useState<Severity | "">("");
  const [resolving, setResolving] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const live = useClinicAlerts(refresh);
  const list = useQuery(trpc.alerts.list.queryOptions({ status, ...(severity ? { severity } : {}) }, { refetchInterval: live.connected ? 60_000 : 15_000 }));
  const onError = (e: unknown) => setErr(describeError(e).message);
  const ack = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess: refresh, onError }));
  const resolve = useMutation(trpc.alerts.resolve.mutationOptions({ onSuccess: () => { setResolving(null); setNote(""); setErr(null); refresh(); }, onError }));
  const canWrite = me?.role !== "CLINICIAN";
  return (
    <>
      <PageHeader title="Alerts" subtitle={`Red flags, high or rising pain and worsening scores from every episode of the clinic${live.connected ? " · live" : ""}`} />
      {!canWrite && <div className="mb-3"><ReadOnlyNotice what="acknowledge or resolve alerts" /></div>}
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div role="group" aria-label="Status" className="flex gap-1">
          {ALERT_STATUS_FILTERS.map((s) => (
            <button key={s} type="button" aria-pressed={status === s} onClick={() => setStatus(s)} className={`rounded-md px-3 py-1.5 text-sm font-medium ${status === s ? "bg-brand-600 text-white" : "bg-white text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"}`}>{STATUS_LABEL[s]}</button>
          ))}
        </div>
        <Select label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | "")} className="w-44">
          <option value="">Any</option>
          {SEVERITIES.map((s) => <option key={s} value={s}>{SEVERITY_LABEL[s]}</option>)}
        </Select>
      </div>
      {err && <div className="mb-3"><Alert>{err}</Alert></div>}
      <Card>
        {list.isLoading ? <Spinner /> : list.error ? <Alert>{list.error.message}</Alert> : !list.data?.length ? <Empty>No {status === "ALL" ? "" : STATUS_LABEL[status].toLowerCase() + " "}alerts.</Empty> : (
          <ul className="divide-y divide-slate-100" data-testid="alerts-inbox">
            {list.data.map((a) => (
              <li key={a.id} className="flex flex-col gap-2 py-3 md:flex-row md:items-start md:justify-between">
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <SeverityBadge severity={a.severity} />
                    <Link href={`/patients/${a.patient.id}/episodes/${a.episodeId}`} className="font-medium text-slate-900 hover:underline">{formatName(a.patient)}</Link>
                    <span className="text-sm font-medium text-slate-700">{a.title}</span>
                    <span className="text-xs text-slate-500">{ALERT_STATUS_LABEL[a.status] ?? a.status}{a.newEvidenceAt && a.status === "OPEN" ? " · reopened: new evidence" : ""}</span>
                  </div>
                  <p className="mt-0.5 text-sm text-slate-700">{a.message}</p>
                  <p className="text-xs text-slate-500">Opened {f.dateTime(a.openedAt)}{a.lastAt > a.openedAt ? ` · latest ${f.dateTime(a.lastAt)}` : ""} · {a.therapist.name} responsible · rule {a.rule}</p>
                  {a.status === "RESOLVED" && <p className="text-xs text-slate-600">Resolved {a.resolvedAt ? f.dateTime(a.resolvedAt) : ""}: {a.resolutionNote}</p>}
                </div>
                {canWrite && a.status !== "RESOLVED" && (
                  resolving === a.id ? (
                    <form className="flex w-full flex-col gap-2 md:w-80" onSubmit={(e) => { e.preventDefault(); resolve.mutate({ alertId: a.id, note }); }}>
                      <label className="text-sm font-medium text-slate-700" htmlFor={`note-${a.id}`}>How was it dealt with?</label>
                      <textarea id={`note-${a.id}`} rows={2} className="rounded-md border border-slate-300 px-2 py-1 text-sm" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
                      <div className="flex gap-2"><Button type="submit" busy={resolve.isPending}>Resolve</Button><Button variant="ghost" onClick={() => setResolving(null)}>Cancel</Button></div>
                    </form>
                  ) : (
                    <div className="flex shrink-0 gap-2">
                      {a.status === "OPEN" && <Button variant="secondary" busy={ack.isPending && ack.variables?.alertId === a.id} onClick={() => ack.mutate({ alertId: a.id })}>Acknowledge</Button>}
                      <Button variant="secondary" onClick={() => { setResolving(a.id); setNote(""); }}>Resolve…</Button>
                    </div>
                  )
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
