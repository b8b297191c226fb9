"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Alert, Button, Card, Empty, PageHeader, Spinner } from "../../_components/ui";
import { useMe, useTRPC } from "../../_lib/trpc";

export default function AuditPage() {
  const trpc = useTRPC();
  const { me } = useMe();
  const [action, setAction] = useState("");
  const filter = useDeferredValue(action.trim());
  const list = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions({ action: filter || undefined, limit: 100 }, { getNextPageParam: (l) => l.nextCursor ?? undefined }),
    enabled: me?.role === "ADMIN",
  });
  if (me && me.role !== "ADMIN") return <Alert title="Administrators only" />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title="Audit trail" subtitle="Who read or changed which record, and when" />
      <Card>
        <div className="mb-4 max-w-xs">
          <label htmlFor="audit-filter" className="text-sm font-medium text-slate-700">Filter by action</label>
          <input id="audit-filter" value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. patient. or auth.signin"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </div>
        {list.isLoading ? <Spinner /> : !items.length ? <Empty>No events.</Empty> : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500"><tr><th className="py-2 pr-3">Time</th><th className="pr-3">Who</th><th className="pr-3">Action</th><th className="pr-3">Record</th><th>Address</th></tr></thead>
              <tbody className="divide-y divide-slate-100 font-mono text-xs">
                {items.map((e) => (
                  <tr key={e.id}>
                    <td className="py-1.5 pr-3 whitespace-nowrap">{new Date(e.at).toLocaleString()}</td>
                    <td className="pr-3">{e.actorLabel}</td>
                    <td className="pr-3">{e.action}</td>
                    <td className="pr-3">{e.recordType ? `${e.recordType} ${e.recordId}` : "—"}</td>
                    <td>{e.ip ?? "—"}</td>
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
