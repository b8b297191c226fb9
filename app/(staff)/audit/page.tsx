"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { fromZonedInputValue } from "../../_shared/format";
import { Alert, Button, Card, Empty, PageHeader, Select, Spinner } from "../../_components/ui";
import { useFormat } from "../../_lib/clinic";
import { useMe, useTRPC } from "../../_lib/trpc";

/** "2026-12-01" from a date input, as the start of that day at the clinic. */
const dayStart = (v: string, tz: string) => (v ? fromZonedInputValue(`${v}T00:00`, tz) ?? undefined : undefined);
const nextDay = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

export default function AuditPage() {
  const trpc = useTRPC();
  const { me } = useMe();
  const f = useFormat();
  const isAdmin = me?.role === "ADMIN";
  const [actorId, setActorId] = useState("");
  const [action, setAction] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const filters = useQuery({ ...trpc.audit.filters.queryOptions(), enabled: isAdmin });
  const input = {
    actorId: actorId || undefined,
    action: action || undefined,
    from: dayStart(from, f.timeZone),
    to: to ? dayStart(nextDay(to), f.timeZone) : undefined,
    limit: 100,
  };
  const list = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(input, { getNextPageParam: (l) => l.nextCursor ?? undefined }),
    enabled: isAdmin,
  });
  if (me && !isAdmin) return <Alert title="Administrators only" />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(actorId || action || from || to);
  return (
    <>
      <PageHeader title="Audit trail" subtitle={`Who read or changed which record, and when (times in ${f.zone()})`} />
      <Card>
        <form className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto_auto_auto] lg:items-end" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit trail">
          <Select label="Person" value={actorId} onChange={(e) => setActorId(e.target.value)}>
            <option value="">Everyone</option>
            {filters.data?.people.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.email})</option>)}
          </Select>
          <Select label="Action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All actions</option>
            <optgroup label="Groups">
              <option value="auth.">Sign-ins and passwords</option>
              <option value="patient.">Patient records</option>
              <option value="visit.">Visits and links</option>
              <option value="trial.">Assessments</option>
              <option value="user.">Accounts</option>
            </optgroup>
            <optgroup label="Single actions">
              {filters.data?.actions.map((a) => <option key={a.value} value={a.value}>{a.label}</option>)}
            </optgroup>
          </Select>
          <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">From
            <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-normal shadow-sm" />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">To
            <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-normal shadow-sm" />
          </label>
          <Button variant="secondary" disabled={!filtered} onClick={() => { setActorId(""); setAction(""); setFrom(""); setTo(""); }}>Clear filters</Button>
        </form>
        {list.isLoading ? <Spinner /> : !items.length ? <Empty>{filtered ? "No events match these filters." : "No events."}</Empty> : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="audit-table">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500"><tr><th className="py-2 pr-3">Time</th><th className="pr-3">Who</th><th className="pr-3">What</th><th className="pr-3">Record</th><th>Address</th></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((e) => (
                  <tr key={e.id}>
                    <td className="py-1.5 pr-3 whitespace-nowrap">{f.dateTime(e.at)}</td>
                    <td className="pr-3">
                      {e.who.kind === "attempt" ? <span>{e.who.name}<span className="block text-xs text-slate-500">sign-in attempt</span></span> : e.who.name}
                    </td>
                    <td className="pr-3">{e.actionText}</td>
                    <td className="pr-3">{e.record ? (e.record.href ? <Link className="text-brand-700 hover:underline" href={e.record.href}>{e.record.label}</Link> : e.record.label) : "—"}</td>
                    <td className="font-mono text-xs">{e.ip ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.hasNextPage && <div className="mt-4 text-center"><Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>Load older events</Button></div>}
      </Card>
    </>
  );
}
