"use client";
import Link from "next/link";
import { VISIT_STATUS_LABEL, type VisitStatus } from "../_shared/domain";
import { formatName } from "../_shared/format";
import { useFormat } from "../_lib/clinic";
import { useMe, type RouterOutputs } from "../_lib/trpc";
import { Badge, Empty, visitStatusTone } from "./ui";

export type VisitRow = RouterOutputs["visits"]["list"][number];

export function VisitStatusBadge({ status }: { status: string }) {
  const s = status as VisitStatus;
  return <Badge tone={visitStatusTone[s] ?? "gray"}>{VISIT_STATUS_LABEL[s] ?? status}</Badge>;
}

export function VisitList({ visits, showPatient = true, empty }: { visits: VisitRow[]; showPatient?: boolean; empty: string }) {
  const f = useFormat();
  const { me } = useMe();
  // The room is for the visit's clinicians who run it: a read-only clinician is not offered it (the server refuses too).
  const canRun = !!me && me.role !== "CLINICIAN";
  if (!visits.length) return <Empty>{empty}</Empty>;
  return (
    <ul className="divide-y divide-slate-100" aria-label="Visits">
      {visits.map((v) => {
        const live = v.status === "WAITING" || v.status === "IN_PROGRESS" || v.status === "SCHEDULED";
        return (
          <li key={v.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
            <div className="min-w-0">
              <Link href={`/visits/${v.id}`} className="font-medium text-slate-900 hover:underline">
                {showPatient ? formatName(v.patient) : f.dateTime(v.scheduledAt)}
              </Link>
              <p className="text-xs text-slate-500">
                {showPatient && <>{f.dateTime(v.scheduledAt)} · </>}
                {v.durationMin} min · {v.therapist.name}
                {v.reason && <> · {v.reason}</>}
              </p>
            </div>
            <div className="flex items-center gap-3">
              <VisitStatusBadge status={v.status} />
              {live && canRun && (
                <Link href={`/visits/${v.id}/room`} className="rounded-md bg-brand-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-brand-700">
                  {v.status === "WAITING" ? "Admit patient" : v.status === "IN_PROGRESS" ? "Rejoin" : "Open room"}
                </Link>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
