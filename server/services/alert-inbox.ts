// The alerts inbox (issue 17): the clinic's alerts filtered by status and severity, acknowledge and resolve (through
// alerts.ts setAlertStatus, audited), the open count for the nav badge, and the optional email to the responsible
// therapist when an EMERGENCY or URGENT alert opens (a bus subscriber: every process hears the event, the dedupe key
// sends it once).
import type { z } from "zod";
import type { listAlertsInput } from "../../app/_shared/care/episodes";
import { SEVERITY_RANK, type Severity } from "../../app/_shared/care/alerts";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { setAlertStatus } from "./alerts";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { eventBus, type ServiceEvent } from "./events";
import { sendMail } from "./mail";

export async function listAlerts(c: Caller, input: z.output<typeof listAlertsInput>) {
  const rows = await c.db.alert.findMany({
    where: {
      clinicId: c.user.clinicId,
      ...(input.status === "ALL" ? { status: { not: "SUPERSEDED" } } : { status: input.status }),
      ...(input.severity ? { severity: input.severity } : {}),
      ...(input.episodeId ? { episodeId: input.episodeId } : {}),
    },
    orderBy: [{ lastAt: "desc" }, { id: "asc" }],
    take: input.limit,
    select: {
      id: true, episodeId: true, patientId: true, rule: true, severity: true, title: true, message: true, status: true, openedAt: true, lastAt: true,
      acknowledgedAt: true, resolvedAt: true, resolutionNote: true, newEvidenceAt: true,
      episode: { select: { patient: { select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true } }, therapist: { select: { id: true, name: true } } } },
    },
  });
  await audit(c.db, actorOf(c), "alert.list", { ip: c.ip, detail: { status: input.status, severity: input.severity ?? null, count: rows.length } });
  // most severe first among the open ones; the rest by time
  return rows
    .map(({ episode, ...a }) => ({ ...a, severity: a.severity as Severity, patient: episode.patient, therapist: episode.therapist }))
    .sort((a, b) => (a.status === "OPEN" && b.status === "OPEN" ? SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] : 0) || b.lastAt.getTime() - a.lastAt.getTime());
}

/** Open alerts of the clinic by severity (the nav badge and the dashboard); no clinical detail. */
export async function openAlertCounts(c: Caller) {
  const g = await c.db.alert.groupBy({ by: ["severity"], where: { clinicId: c.user.clinicId, status: "OPEN" }, _count: { _all: true } });
  const by = Object.fromEntries(g.map((x) => [x.severity, x._count._all])) as Partial<Record<Severity, number>>;
  return { total: g.reduce((n, x) => n + x._count._all, 0), EMERGENCY: by.EMERGENCY ?? 0, URGENT: by.URGENT ?? 0, REVIEW: by.REVIEW ?? 0 };
}

const userActor = (c: Caller) => ({ kind: "user" as const, id: c.user.id, email: c.user.email, clinicId: c.user.clinicId });
export const acknowledgeAlert = (c: Caller, alertId: string) => setAlertStatus(c.db, userActor(c), alertId, "ACKNOWLEDGED", "", c.ip);
export const resolveAlert = (c: Caller, alertId: string, note: string) => setAlertStatus(c.db, userActor(c), alertId, "RESOLVED", note, c.ip);

/** The email to the responsible therapist: no patient name or clinical detail (email is not a safe place), just where to look. */
export function alertEmail(a: { severity: Severity; title: string }, origin: string | undefined) {
  const where = origin ? `${origin.replace(/\/$/, "")}/alerts` : "the Alerts page of PoseVisit";
  return {
    subject: `PoseVisit: ${a.severity === "EMERGENCY" ? "EMERGENCY" : "urgent"} alert for one of your patients`,
    text: [`A new ${a.severity.toLowerCase()} alert (${a.title}) was raised for a patient whose episode of care you are responsible for.`, "", `Open it: ${where}`, "", "Sign in to see who it is about and what triggered it."].join("\n"),
  };
}

/** Emails the responsible therapist once per alert opening at EMERGENCY or URGENT. Returns the unsubscribe function. */
export function subscribeAlertMail(db: Db, env: Env, log: (m: string) => void = (m) => console.warn(m)): () => void {
  const handle = async (e: Extract<ServiceEvent, { type: "alerts.changed" }>) => {
    const wanted = e.changed.filter((ch) => (ch.change === "opened" || ch.change === "reopened") && (ch.severity === "EMERGENCY" || ch.severity === "URGENT"));
    if (!wanted.length) return;
    const therapist = await db.user.findFirst({ where: { id: e.therapistId, clinicId: e.clinicId, disabled: false }, select: { email: true } });
    if (!therapist) return;
    for (const ch of wanted) {
      const row = await db.alert.findUnique({ where: { id: ch.id }, select: { id: true, openedAt: true, newEvidenceAt: true } });
      if (!row) continue;
      const m = alertEmail(ch, env.PUBLIC_ORIGIN);
      const r = await sendMail(db, env, { clinicId: e.clinicId, to: therapist.email, subject: m.subject, text: m.text, purpose: "alert", dedupeKey: `alert:${row.id}:${(row.newEvidenceAt ?? row.openedAt).getTime()}` });
      if (!r.duplicate) await db.alert.update({ where: { id: row.id }, data: { emailedAt: new Date() } });
    }
  };
  return eventBus.get().subscribe((e) => {
    // not awaited: the append that raised the alert does not wait for SMTP
    if (e.type === "alerts.changed") void handle(e).catch((err: unknown) => log(`[alerts] email failed: ${err instanceof Error ? err.message : String(err)}`));
  });
}
