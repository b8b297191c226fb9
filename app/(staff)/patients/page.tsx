"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { Button, ButtonLink, Card, Empty, PageHeader, Spinner } from "../../_components/ui";
import { ageFrom, formatCalendarDate, formatName } from "../../_shared/format";
import { useFormat } from "../../_lib/clinic";
import { VisitStatusBadge } from "../../_components/visits";
import { useMe, useTRPC } from "../../_lib/trpc";

export default function PatientsPage() {
  const trpc = useTRPC();
  const { me } = useMe();
  const f = useFormat();
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const list = useInfiniteQuery(
    trpc.patients.list.infiniteQueryOptions({ search: q, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title="Patients" actions={me?.role !== "CLINICIAN" && <ButtonLink href="/patients/new">New patient</ButtonLink>} />
      <Card>
        <div className="mb-4">
          <label htmlFor="patient-search" className="sr-only">Search patients</label>
          <input id="patient-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search by name or record number"
            className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100" />
        </div>
        {list.isLoading ? (
          <Spinner />
        ) : items.length === 0 ? (
          <Empty>{q ? `No patients match “${q}”.` : "No patients yet."}</Empty>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr><th className="py-2 pr-4">Name</th><th className="py-2 pr-4">Born</th><th className="py-2 pr-4">Record #</th><th className="py-2">Last visit</th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((p) => (
                  <tr key={p.id}>
                    <td className="py-2 pr-4"><Link href={`/patients/${p.id}`} className="font-medium text-brand-700 hover:underline">{formatName(p)}</Link></td>
                    <td className="py-2 pr-4">{formatCalendarDate(p.dateOfBirth)} <span className="text-slate-500">({ageFrom(p.dateOfBirth)} y)</span></td>
                    <td className="py-2 pr-4">{p.recordNumber ?? "—"}</td>
                    <td className="py-2">{p.lastVisit ? <span className="flex items-center gap-2">{f.dateTime(p.lastVisit.scheduledAt)} <VisitStatusBadge status={p.lastVisit.status} /></span> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.hasNextPage && (
          <div className="mt-4 text-center">
            <Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>Load more</Button>
          </div>
        )}
      </Card>
    </>
  );
}
