"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { ButtonLink, Card, Empty, PageHeader, Spinner } from "../../_components/ui";
import { clinicDay, clinicHour, formatName } from "../../_shared/format";
import { useFormat } from "../../_lib/clinic";
import { VisitList } from "../../_components/visits";
import { useMe, useTRPC } from "../../_lib/trpc";
import { useClinicLive } from "../../_lib/realtime/hooks";
import { LiveAlerts } from "../../_components/care/live-alerts";

export default function DashboardPage() {
  const trpc = useTRPC();
  const { me } = useMe();
  const f = useFormat();
  // "Today" is the clinic's day, in its time zone, like every time on the page.
  const today = useMemo(() => clinicDay(f.timeZone), [f.timeZone]);
  const hour = clinicHour(f.timeZone);
  const upcoming = useMemo(() => ({ from: today.to, to: new Date(today.to.getTime() + 7 * 86400_000) }), [today]);
  // Visit status changes (patient waiting, call started/ended) arrive over the clinic's socket room;
  // a slow poll covers a lost connection.
  const qc = useQueryClient();
  const live = useClinicLive(() => void qc.invalidateQueries({ queryKey: trpc.visits.list.pathKey() }));
  const visitsToday = useQuery(trpc.visits.list.queryOptions(today, { refetchInterval: live.connected ? 60_000 : 10_000 }));
  const visitsNext = useQuery(trpc.visits.list.queryOptions(upcoming, { refetchInterval: 30_000 }));
  const patients = useQuery(trpc.patients.list.queryOptions({ search: "", order: "recent", limit: 8 }));
  const waiting = visitsToday.data?.filter((v) => v.status === "WAITING") ?? [];

  return (
    <>
      <PageHeader
        title={`Good ${hour < 12 ? "morning" : hour < 18 ? "afternoon" : "evening"}${me ? `, ${me.name.split(" ")[0]}` : ""}`}
        subtitle={f.longDay(new Date())}
        actions={me?.role !== "CLINICIAN" && <ButtonLink href="/patients/new">New patient</ButtonLink>}
      />
      {waiting.length > 0 && (
        <div role="status" aria-live="polite" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {waiting.map((v) => (
            <p key={v.id}>
              <strong>{formatName(v.patient)}</strong> is in the waiting room.{" "}
              {me?.role !== "CLINICIAN" && <Link className="font-medium underline" href={`/visits/${v.id}/room`}>Admit now</Link>}
            </p>
          ))}
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="flex flex-col gap-6 lg:col-span-2">
          <Card title="Today's visits">
            {visitsToday.isLoading ? <Spinner /> : <VisitList visits={visitsToday.data ?? []} empty="No visits today." />}
          </Card>
          <Card title="Next 7 days">
            {visitsNext.isLoading ? <Spinner /> : <VisitList visits={visitsNext.data ?? []} empty="Nothing scheduled this week." />}
          </Card>
        </div>
        <div className="flex flex-col gap-6">
        <LiveAlerts />
        <Card title="Recent patients" actions={<Link href="/patients" className="text-sm text-brand-700 hover:underline">All patients</Link>}>
          {patients.isLoading ? (
            <Spinner />
          ) : !patients.data?.items.length ? (
            <Empty>No patients yet.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {patients.data.items.map((p) => (
                <li key={p.id} className="py-2">
                  <Link href={`/patients/${p.id}`} className="font-medium hover:underline">{formatName(p)}</Link>
                  <p className="text-xs text-slate-500">{p.lastVisit ? `${new Date(p.lastVisit.scheduledAt) > new Date() ? "Next" : "Last"} visit ${f.dateTime(p.lastVisit.scheduledAt)}` : "No visits yet"}</p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        </div>
      </div>
    </>
  );
}
