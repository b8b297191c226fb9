import type { z } from "zod";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import type { auditListInput } from "../../app/_shared/domain";
import { formatName } from "../../app/_shared/format";
import type { Db } from "../db/client";
import type { Caller } from "./context";

export type Actor =
  | { kind: "user"; id: string; email: string; clinicId: string }
  | { kind: "patient"; visitId: string; clinicId: string }
  /** a patient holding a course-of-care link (patient-links.ts): intake, questionnaire or home link */
  | { kind: "patientLink"; linkId: string; purpose: string; episodeId: string; clinicId: string }
  | { kind: "apiToken"; id: string; clinicId: string }
  /** someone trying to sign in as `email` (the account's id when it exists): the trail names the account tried */
  | { kind: "attempt"; email: string; userId: string | null }
  | { kind: "system" };

export type AuditRecord = { type: string; id: string };

export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  opts: { record?: AuditRecord; detail?: Record<string, unknown>; ip?: string | null; clinicId?: string } = {},
): Promise<void> {
  await db.auditEvent.create({
    data: {
      clinicId: opts.clinicId ?? (actor.kind === "system" || actor.kind === "attempt" ? null : actor.clinicId),
      actorId: actor.kind === "user" ? actor.id : actor.kind === "attempt" ? actor.userId : null,
      actorLabel:
        actor.kind === "user"
          ? `user:${actor.email}`
          : actor.kind === "patient"
            ? `patient:${actor.visitId}`
            : actor.kind === "patientLink"
              ? `patient-link:${actor.purpose.toLowerCase()}:${actor.linkId}`
            : actor.kind === "apiToken"
              ? `api-token:${actor.id}`
              : actor.kind === "attempt"
                ? `attempt:${actor.email}`
                : "system",
      action,
      recordType: opts.record?.type ?? null,
      recordId: opts.record?.id ?? null,
      detail: (opts.detail ?? undefined) as never,
      ip: opts.ip ?? null,
    },
  });
}

/** What each action means, in words (unknown actions are shown as they are). */
export const AUDIT_ACTIONS: Record<string, string> = {
  "auth.signin": "Signed in",
  "auth.signin.fail": "Failed sign-in",
  "auth.password.change": "Changed password",
  "patient.create": "Created patient",
  "patient.read": "Viewed patient record",
  "patient.update": "Changed patient details",
  "visit.create": "Scheduled visit",
  "visit.read": "Viewed visit",
  "visit.cancel": "Cancelled visit",
  "visit.consent": "Patient consented to measurement",
  "visit.decline": "Turned patient away",
  "visit.link.rotate": "Made a new patient link",
  "alert.acknowledge": "Acknowledged an alert",
  "alert.resolve": "Resolved an alert",
  "program.read": "Viewed home program",
  "program.create": "Created home program",
  "program.change": "Changed home program (new version)",
  "program.end": "Ended home program",
  "program.handout": "Downloaded home program handout",
  "program.adherence.read": "Viewed home program adherence",
  "home-link.issue": "Made a new home link",
  "home-link.revoke": "Revoked the home link",
  "reminder.set": "Patient set exercise reminders",
  "alert.list": "Viewed the alerts inbox",
  "episode.create": "Started an episode of care",
  "episode.list": "Viewed episodes of care",
  "episode.read": "Viewed an episode of care",
  "episode.update": "Changed an episode of care",
  "episode.discharge": "Discharged an episode of care",
  "episode.decision": "Recorded an exercise decision",
  "intake.link.send": "Sent an intake link",
  "intake.link.revoke": "Revoked an intake link",
  "intake.link.join": "Patient opened the intake from the visit link",
  "intake.submit": "Patient submitted the intake",
  "visit.link.revoke": "Revoked the patient link",
  "trial.start": "Started assessment",
  "trial.finish": "Patient's browser finished uploading",
  "trial.complete": "Saved assessment",
  "trial.discard": "Discarded assessment",
  "trial.annotate": "Recorded pain or note",
  "trial.read": "Viewed assessment",
  "user.create": "Created account",
  "user.disable": "Disabled account",
  "user.enable": "Enabled account",
  "seed.demo": "Created the demo clinic",
};

type Who = { kind: "user" | "patient" | "attempt" | "system"; id: string | null; name: string };
type RecordRef = { type: string; id: string; label: string; href: string | null };

/**
 * The clinic's audit trail, newest first, filtered on the server by person, action (or prefix) and
 * time, with people and records named: "Taylor Therapist", "patient Jordan Rivera", a link to the
 * record. Failed sign-ins name the account that was tried ("unknown account (x@y)" when none exists).
 */
export async function listAudit(c: Caller, input: z.output<typeof auditListInput>) {
  const db = c.db;
  const clinicId = c.user.clinicId;
  const rows = await db.auditEvent.findMany({
    where: {
      clinicId,
      ...(input.action ? { action: { startsWith: input.action } } : {}),
      ...(input.recordId ? { recordId: input.recordId } : {}),
      ...(input.actorId ? { actorId: input.actorId } : {}),
      ...(input.from || input.to ? { at: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lt: input.to } : {}) } } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);

  // Names for everything on this page, in one query per kind, always inside the caller's clinic.
  const ids = (type: string) => [...new Set(page.filter((r) => r.recordType === type && r.recordId).map((r) => r.recordId!))];
  const userIds = [...new Set([...page.map((r) => r.actorId).filter((x): x is string => !!x), ...ids("User")])];
  const visitIds = [...new Set([...ids("Visit"), ...page.filter((r) => r.actorLabel.startsWith("patient:")).map((r) => r.actorLabel.slice(8))])];
  const [users, patients, visits, trials] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds }, clinicId }, select: { id: true, name: true, email: true } }) : [],
    ids("Patient").length ? db.patient.findMany({ where: { id: { in: ids("Patient") }, clinicId }, select: { id: true, firstName: true, lastName: true } }) : [],
    visitIds.length ? db.visit.findMany({ where: { id: { in: visitIds }, clinicId }, select: { id: true, scheduledAt: true, patient: { select: { firstName: true, lastName: true } } } }) : [],
    ids("AssessmentTrial").length
      ? db.assessmentTrial.findMany({ where: { id: { in: ids("AssessmentTrial") }, visit: { clinicId } }, select: { id: true, protocolKey: true, visit: { select: { patient: { select: { firstName: true, lastName: true } } } } } })
      : [],
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const visitById = new Map(visits.map((v) => [v.id, v]));
  const trialById = new Map(trials.map((t) => [t.id, t]));
  const emailOf = (detail: unknown) => {
    const e = detail && typeof detail === "object" ? (detail as { email?: unknown }).email : undefined;
    return typeof e === "string" ? e : null;
  };

  const who = (r: (typeof page)[number]): Who => {
    const u = r.actorId ? userById.get(r.actorId) : undefined;
    if (r.action === "auth.signin.fail" || r.actorLabel.startsWith("attempt:")) {
      const email = r.actorLabel.startsWith("attempt:") ? r.actorLabel.slice(8) : emailOf(r.detail);
      return u ? { kind: "attempt", id: u.id, name: u.name } : { kind: "attempt", id: null, name: `unknown account (${email ?? "no email given"})` };
    }
    if (u) return { kind: "user", id: u.id, name: u.name };
    if (r.actorLabel.startsWith("user:")) return { kind: "user", id: r.actorId, name: r.actorLabel.slice(5) };
    if (r.actorLabel.startsWith("patient:")) {
      const v = visitById.get(r.actorLabel.slice(8));
      return { kind: "patient", id: null, name: v ? `patient ${formatName(v.patient)}` : "patient (visit link)" };
    }
    return { kind: "system", id: null, name: "PoseVisit (system)" };
  };
  const record = (r: (typeof page)[number]): RecordRef | null => {
    if (!r.recordType || !r.recordId) return null;
    const id = r.recordId;
    switch (r.recordType) {
      case "Patient": {
        const p = patientById.get(id);
        return { type: r.recordType, id, label: p ? `Patient ${formatName(p)}` : "Patient (deleted)", href: p ? `/patients/${id}` : null };
      }
      case "Visit": {
        const v = visitById.get(id);
        return { type: r.recordType, id, label: v ? `Visit of ${formatName(v.patient)}` : "Visit (deleted)", href: v ? `/visits/${id}` : null, ...(v ? { at: v.scheduledAt } : {}) };
      }
      case "AssessmentTrial": {
        const t = trialById.get(id);
        return { type: r.recordType, id, label: t ? `${protocolByKey(t.protocolKey)?.title ?? t.protocolKey}${t.visit ? ` of ${formatName(t.visit.patient)}` : ""}` : "Assessment (deleted)", href: t ? `/trials/${id}` : null };
      }
      case "User": {
        const u = userById.get(id);
        return { type: r.recordType, id, label: u ? `Account of ${u.name}` : "Account", href: u ? "/users" : null };
      }
      default:
        return { type: r.recordType, id, label: r.recordType, href: null };
    }
  };
  const items = page.map((r) => ({ ...r, who: who(r), record: record(r), actionText: AUDIT_ACTIONS[r.action] ?? r.action }));
  return { items, nextCursor: more ? page[page.length - 1]!.id : null };
}

/** The filter choices of the audit page: the clinic's people and the actions in words. */
export async function auditFilters(c: Caller) {
  const people = await c.db.user.findMany({ where: { clinicId: c.user.clinicId }, select: { id: true, name: true, email: true }, orderBy: { name: "asc" } });
  return { people, actions: Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label })) };
}
