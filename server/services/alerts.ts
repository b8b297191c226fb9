// The alert engine's server side (issue 17; the rules are data in app/_shared/care/alerts.ts). Services append the
// episode's events here (intake screenings, pain reports, questionnaire scores, home sessions); every append re-runs
// the pure rules over ALL the episode's events and upserts the stored alerts by their dedupe key, so the same events
// give the same alerts whatever their order, and a retried event (same id) counts once. The stored row adds the
// workflow the engine does not know: OPEN → ACKNOWLEDGED → RESOLVED, reopened when new evidence arrives after it
// was resolved, SUPERSEDED (kept, for the audit) when a late event makes the engine stop producing its key.
// Changes are published on the event bus; the realtime layer pushes them to the clinic's dashboards.
import { ALERT_RULES, careEvent, evaluateAlerts, type AlertRule, type CareEvent } from "../../app/_shared/care/alerts";
import { isUniqueViolation, type Db } from "../db/client";
import { audit, type Actor } from "./audit";
import { badRequest, notFound } from "./errors";
import { eventBus, type AlertChange } from "./events";

export type AppendResult = { appended: number; duplicates: number; changed: AlertChange[] };


/**
 * Validates and appends events to the episode's log, then re-evaluates its alerts. All or nothing on bad input: one
 * malformed event refuses the whole call with the reasons, and nothing is stored.
 */
export async function appendCareEvents(db: Db, episodeId: string, input: readonly unknown[], rules: readonly AlertRule[] = ALERT_RULES): Promise<AppendResult> {
  const events: CareEvent[] = [];
  const problems: string[] = [];
  input.forEach((raw, i) => {
    const r = careEvent.safeParse(raw);
    if (r.success) events.push(r.data);
    else problems.push(`event ${i}: ${r.error.issues.map((x) => `${x.path.join(".") || "event"} ${x.message}`).join(", ")}`);
  });
  if (problems.length) throw badRequest(`Care events refused: ${problems.join("; ")}`);
  const episode = await db.episode.findUnique({ where: { id: episodeId }, select: { id: true, clinicId: true, patientId: true, therapistId: true } });
  if (!episode) throw notFound("Episode");

  let appended = 0;
  let duplicates = 0;
  for (const e of events) {
    try {
      await db.careEvent.create({ data: { episodeId, eventId: e.id, type: e.type, at: new Date(e.at), data: e as object } });
      appended++;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      duplicates++;
    }
  }
  const changed = appended ? await reevaluate(db, episode, rules) : [];
  if (changed.length) await eventBus.get().publish({ type: "alerts.changed", clinicId: episode.clinicId, episodeId, patientId: episode.patientId, therapistId: episode.therapistId, changed });
  return { appended, duplicates, changed };
}

type EpisodeRef = { id: string; clinicId: string; patientId: string };

async function reevaluate(db: Db, episode: EpisodeRef, rules: readonly AlertRule[]): Promise<AlertChange[]> {
  const rows = await db.careEvent.findMany({ where: { episodeId: episode.id }, select: { data: true } });
  const alerts = evaluateAlerts(episode.id, rows.map((r) => r.data), rules);
  const stored = await db.alert.findMany({ where: { episodeId: episode.id } });
  const byKey = new Map(stored.map((a) => [a.dedupeKey, a]));
  const now = new Date();
  const changed: AlertChange[] = [];
  for (const a of alerts) {
    const prev = byKey.get(a.dedupeKey);
    byKey.delete(a.dedupeKey);
    const fields = { rule: a.rule, severity: a.severity, title: a.title, message: a.message, evidence: a.evidence, openedAt: new Date(a.openedAt), lastAt: new Date(a.lastAt) };
    if (!prev) {
      const row = await db.alert.upsert({
        where: { episodeId_dedupeKey: { episodeId: episode.id, dedupeKey: a.dedupeKey } },
        create: { clinicId: episode.clinicId, episodeId: episode.id, patientId: episode.patientId, dedupeKey: a.dedupeKey, ...fields },
        update: fields,
      });
      changed.push({ id: row.id, severity: a.severity, title: a.title, status: row.status, change: "opened" });
      continue;
    }
    const prevEvidence = Array.isArray(prev.evidence) ? (prev.evidence as string[]) : [];
    const grew = a.evidence.some((id) => !prevEvidence.includes(id));
    const same = !grew && prevEvidence.length === a.evidence.length && prev.rule === a.rule && prev.severity === a.severity && prev.message === a.message && prev.lastAt.getTime() === Date.parse(a.lastAt) && prev.openedAt.getTime() === Date.parse(a.openedAt);
    if (same && prev.status !== "SUPERSEDED") continue;
    // new evidence on a resolved alert, or a superseded key produced again: the alert is open again
    const reopen = (grew && prev.status === "RESOLVED") || prev.status === "SUPERSEDED";
    const row = await db.alert.update({
      where: { id: prev.id },
      data: { ...fields, ...(reopen ? { status: "OPEN", newEvidenceAt: now, acknowledgedAt: null, acknowledgedById: null } : {}) },
    });
    changed.push({ id: row.id, severity: a.severity, title: a.title, status: row.status, change: reopen ? "reopened" : "updated" });
  }
  for (const gone of byKey.values()) {
    if (gone.status === "SUPERSEDED") continue;
    await db.alert.update({ where: { id: gone.id }, data: { status: "SUPERSEDED" } });
    changed.push({ id: gone.id, severity: gone.severity as AlertChange["severity"], title: gone.title, status: "SUPERSEDED", change: "superseded" });
  }
  return changed;
}

/** Acknowledge ("I have seen it") or resolve ("dealt with", with a note). Clinic-scoped, audited. */
export async function setAlertStatus(db: Db, actor: Extract<Actor, { kind: "user" }>, alertId: string, to: "ACKNOWLEDGED" | "RESOLVED", note = "", ip: string | null = null) {
  const a = await db.alert.findFirst({ where: { id: alertId, clinicId: actor.clinicId } });
  if (!a) throw notFound("Alert");
  if (a.status === "SUPERSEDED") throw badRequest("This alert was superseded by later information; there is nothing to do with it");
  if (to === "ACKNOWLEDGED" && a.status !== "OPEN") throw badRequest(a.status === "RESOLVED" ? "This alert is already resolved" : "This alert is already acknowledged");
  if (to === "RESOLVED" && a.status === "RESOLVED") throw badRequest("This alert is already resolved");
  if (to === "RESOLVED" && !note.trim()) throw badRequest("Say how the alert was dealt with");
  const now = new Date();
  const row = await db.alert.update({
    where: { id: a.id },
    data:
      to === "ACKNOWLEDGED"
        ? { status: "ACKNOWLEDGED", acknowledgedAt: now, acknowledgedById: actor.id }
        : { status: "RESOLVED", resolvedAt: now, resolvedById: actor.id, resolutionNote: note.trim().slice(0, 2000), ...(a.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }) },
  });
  await audit(db, actor, to === "ACKNOWLEDGED" ? "alert.acknowledge" : "alert.resolve", { record: { type: "Alert", id: a.id }, detail: { episodeId: a.episodeId, rule: a.rule, severity: a.severity }, ip });
  return row;
}
