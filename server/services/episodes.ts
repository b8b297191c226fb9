// Episodes of care (issue 17): create / list / get / update / discharge, the therapist's decision after an emergency
// screening, and the exercise gate every recording start checks (`assertExerciseAllowed`). One ACTIVE episode per
// patient at a time. The intake link and form are in intake.ts; the alert store is alerts.ts.
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { defaultReassessDates, type createEpisodeInput, type dischargeEpisodeInput, type recordEpisodeDecisionInput, type updateEpisodeInput } from "../../app/_shared/care/episodes";
import { exerciseGate, TIER_LABEL, type Tier } from "../../app/_shared/care/red-flags";
import { safeTimeZone } from "../../app/_shared/format";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, conflict, notFound } from "./errors";
import { linkState, revokeEpisodeLinks } from "./patient-links";
import { scheduleDefaultQuestionnaires } from "./questionnaires";

const episodeSelect = {
  id: true, clinicId: true, patientId: true, therapistId: true, startDate: true, plannedWeeks: true, referralReason: true,
  diagnosis: true, goals: true, reassessDates: true, timeZone: true, status: true, dischargedAt: true, dischargeReason: true,
  dischargeNote: true, createdAt: true, updatedAt: true,
  therapist: { select: { id: true, name: true } },
} as const;

const dates = (v: unknown): string[] => (Array.isArray(v) ? v.filter((d): d is string => typeof d === "string") : []);

async function ownEpisode(c: Caller, episodeId: string) {
  const e = await c.db.episode.findFirst({ where: { id: episodeId, clinicId: c.user.clinicId }, select: episodeSelect });
  if (!e) throw notFound("Episode");
  return e;
}

/** The therapist responsible for an episode: an active therapist of the clinic (a therapist may only name themself). */
async function responsibleTherapist(c: Caller, requested: string | undefined) {
  const therapistId = requested ?? (c.user.role === "THERAPIST" ? c.user.id : undefined);
  if (!therapistId) throw new TRPCError({ code: "BAD_REQUEST", message: "Choose the responsible therapist", cause: { field: "therapistId" } });
  if (c.user.role === "THERAPIST" && therapistId !== c.user.id) throw badRequest("Therapists open episodes they are responsible for; an administrator can assign another therapist");
  const t = await c.db.user.findFirst({ where: { id: therapistId, clinicId: c.user.clinicId, role: "THERAPIST", disabled: false }, select: { id: true } });
  if (!t) throw notFound("Therapist");
  return t.id;
}

const ACTIVE_EXISTS = "This patient already has an active episode of care; discharge it before starting a new one";

export async function createEpisode(c: Caller, input: z.output<typeof createEpisodeInput>) {
  const patient = await c.db.patient.findFirst({ where: { id: input.patientId, clinicId: c.user.clinicId, archivedAt: null }, select: { id: true } });
  if (!patient) throw notFound("Patient");
  const therapistId = await responsibleTherapist(c, input.therapistId);
  if (await c.db.episode.count({ where: { patientId: patient.id, status: "ACTIVE" } })) throw conflict(ACTIVE_EXISTS);
  const clinic = await c.db.clinic.findUniqueOrThrow({ where: { id: c.user.clinicId }, select: { timezone: true } });
  const e = await c.db.episode.create({
    data: {
      clinicId: c.user.clinicId, patientId: patient.id, therapistId, startDate: input.startDate, plannedWeeks: input.plannedWeeks,
      referralReason: input.referralReason, diagnosis: input.diagnosis, goals: input.goals,
      reassessDates: [...(input.reassessDates ?? defaultReassessDates(input.startDate, input.plannedWeeks))].sort(),
      timeZone: input.timeZone ?? safeTimeZone(clinic.timezone),
    },
    select: episodeSelect,
  });
  // Two requests at once: the later one steps back (no unique index can say "one ACTIVE per patient" on both databases).
  const active = await c.db.episode.findMany({ where: { patientId: patient.id, status: "ACTIVE" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  if (active[0]?.id !== e.id) {
    await c.db.episode.delete({ where: { id: e.id } });
    throw conflict(ACTIVE_EXISTS);
  }
  await scheduleDefaultQuestionnaires(c.db, e);
  await audit(c.db, actorOf(c), "episode.create", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { patientId: patient.id } });
  return { ...e, reassessDates: dates(e.reassessDates) };
}

export async function listEpisodes(c: Caller, patientId: string) {
  const p = await c.db.patient.findFirst({ where: { id: patientId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!p) throw notFound("Patient");
  const rows = await c.db.episode.findMany({
    where: { patientId: p.id, clinicId: c.user.clinicId },
    orderBy: [{ startDate: "desc" }, { createdAt: "desc" }],
    select: { ...episodeSelect, _count: { select: { visits: true } }, intakes: { orderBy: { submittedAt: "desc" }, take: 1, select: { tier: true, submittedAt: true } } },
  });
  const gates = await Promise.all(rows.map((r) => gateOf(c.db, r.id)));
  const openAlerts = await c.db.alert.groupBy({ by: ["episodeId"], where: { clinicId: c.user.clinicId, episodeId: { in: rows.map((r) => r.id) }, status: "OPEN" }, _count: { _all: true } });
  await audit(c.db, actorOf(c), "episode.list", { record: { type: "Patient", id: p.id }, ip: c.ip });
  return rows.map(({ intakes, _count, ...r }, i) => ({
    ...r,
    reassessDates: dates(r.reassessDates),
    visitCount: _count.visits,
    intake: intakes[0] ? { tier: intakes[0].tier as Tier, submittedAt: intakes[0].submittedAt } : null,
    gate: gates[i]!,
    openAlerts: openAlerts.find((a) => a.episodeId === r.id)?._count._all ?? 0,
  }));
}

/** The exercise gate of an episode from its stored screenings (intake submissions) and decisions. */
export async function gateOf(db: Db, episodeId: string) {
  const [screenings, decisions] = await Promise.all([
    db.intakeSubmission.findMany({ where: { episodeId }, select: { id: true, submittedAt: true, tier: true } }),
    db.exerciseDecision.findMany({ where: { episodeId }, select: { id: true, decidedAt: true, decision: true } }),
  ]);
  return exerciseGate(
    screenings.map((s) => ({ id: s.id, at: s.submittedAt.toISOString(), tier: s.tier as Tier })),
    decisions.map((d) => ({ id: d.id, at: d.decidedAt.toISOString(), decision: d.decision as "CLEARED_TO_EXERCISE" | "REFERRED_KEEP_BLOCKED" })),
  );
}

export const EXERCISE_BLOCKED = "Exercise blocked";

/**
 * The one check before an assessment trial or an exercise set starts for a visit (recordings.visitForNewRecording):
 * a visit of an episode whose gate is closed (an emergency red flag without a therapist's clearing decision) is refused.
 */
export async function assertExerciseAllowed(db: Db, visit: { episodeId: string | null }) {
  if (!visit.episodeId) return;
  const gate = await gateOf(db, visit.episodeId);
  if (gate.blocked)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: `${EXERCISE_BLOCKED}: ${gate.reason}. Record a decision on the episode page first.`,
      cause: { reason: "EXERCISE_BLOCKED" },
    });
}

export async function getEpisode(c: Caller, episodeId: string) {
  const e = await ownEpisode(c, episodeId);
  const [patient, visits, intake, decisions, alerts, links, gate] = await Promise.all([
    c.db.patient.findUniqueOrThrow({ where: { id: e.patientId }, select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true, email: true } }),
    c.db.visit.findMany({
      where: { episodeId: e.id, clinicId: c.user.clinicId },
      orderBy: { scheduledAt: "asc" },
      select: { id: true, scheduledAt: true, durationMin: true, status: true, reason: true, therapist: { select: { id: true, name: true } } },
    }),
    c.db.intakeSubmission.findFirst({ where: { episodeId: e.id }, orderBy: { submittedAt: "desc" }, select: { id: true, submittedAt: true, tier: true, answers: true, evaluation: true, redFlagVersion: true, formVersion: true } }),
    c.db.exerciseDecision.findMany({ where: { episodeId: e.id }, orderBy: { decidedAt: "desc" }, select: { id: true, decision: true, note: true, decidedAt: true, decidedBy: { select: { name: true } } } }),
    c.db.alert.findMany({ where: { episodeId: e.id, status: { in: ["OPEN", "ACKNOWLEDGED"] } }, orderBy: [{ openedAt: "desc" }], select: { id: true, severity: true, title: true, message: true, status: true, openedAt: true, rule: true } }),
    c.db.patientLink.findMany({ where: { episodeId: e.id, purpose: "INTAKE" }, orderBy: { createdAt: "desc" }, take: 10, select: { id: true, purpose: true, createdAt: true, expiresAt: true, revokedAt: true, usedAt: true, completedAt: true } }),
    gateOf(c.db, e.id),
  ]);
  await audit(c.db, actorOf(c), "episode.read", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { patientId: e.patientId } });
  const now = new Date();
  return {
    ...e,
    reassessDates: dates(e.reassessDates),
    patient,
    visits,
    intake: intake ? { ...intake, tier: intake.tier as Tier, tierLabel: TIER_LABEL[intake.tier as Tier] } : null,
    decisions,
    alerts,
    intakeLinks: links.map((l) => ({ ...l, state: linkState(l, now) })),
    gate,
  };
}

export async function updateEpisode(c: Caller, input: z.output<typeof updateEpisodeInput>) {
  const e = await ownEpisode(c, input.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode was discharged; it can no longer be changed");
  const d = input.data;
  const therapistId = d.therapistId !== undefined && d.therapistId !== e.therapistId ? await responsibleTherapist(c, d.therapistId) : undefined;
  const startDate = d.startDate ?? e.startDate;
  const plannedWeeks = d.plannedWeeks ?? e.plannedWeeks;
  const reassess = d.reassessDates ?? dates(e.reassessDates);
  const end = new Date(Date.parse(`${startDate}T00:00:00Z`) + plannedWeeks * 7 * 86_400_000).toISOString().slice(0, 10);
  const bad = reassess.find((x) => x <= startDate || x > end);
  if (bad) throw new TRPCError({ code: "BAD_REQUEST", message: `The re-assessment on ${bad} is outside the planned weeks (${startDate} to ${end})`, cause: { field: "reassessDates" } });
  const row = await c.db.episode.update({
    where: { id: e.id },
    data: {
      ...(therapistId ? { therapistId } : {}),
      ...(d.startDate !== undefined ? { startDate: d.startDate } : {}),
      ...(d.plannedWeeks !== undefined ? { plannedWeeks: d.plannedWeeks } : {}),
      ...(d.referralReason !== undefined ? { referralReason: d.referralReason } : {}),
      ...(d.diagnosis !== undefined ? { diagnosis: d.diagnosis } : {}),
      ...(d.goals !== undefined ? { goals: d.goals } : {}),
      ...(d.reassessDates !== undefined ? { reassessDates: [...d.reassessDates].sort() } : {}),
      ...(d.timeZone !== undefined ? { timeZone: d.timeZone } : {}),
    },
    select: episodeSelect,
  });
  await audit(c.db, actorOf(c), "episode.update", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { fields: Object.keys(d).filter((k) => d[k as keyof typeof d] !== undefined) } });
  return { ...row, reassessDates: dates(row.reassessDates) };
}

export async function dischargeEpisode(c: Caller, input: z.output<typeof dischargeEpisodeInput>) {
  const e = await ownEpisode(c, input.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode is already discharged");
  const now = new Date();
  const r = await c.db.episode.updateMany({ where: { id: e.id, status: "ACTIVE" }, data: { status: "DISCHARGED", dischargedAt: now, dischargeReason: input.reason, dischargeNote: input.note } });
  if (!r.count) throw conflict("The episode changed meanwhile; reload the page");
  const revoked = await revokeEpisodeLinks(c.db, e.id, now);
  await audit(c.db, actorOf(c), "episode.discharge", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { reason: input.reason, linksRevoked: revoked } });
  return { ...(await ownEpisode(c, e.id)), linksRevoked: revoked };
}

/** The therapist's decision after an emergency screening: clears the gate, or keeps it closed (referred). */
export async function recordDecision(c: Caller, input: z.output<typeof recordEpisodeDecisionInput>) {
  const e = await ownEpisode(c, input.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode was discharged");
  const before = await gateOf(c.db, e.id);
  if (!before.screeningId) throw badRequest("There is no emergency screening to decide on in this episode");
  const d = await c.db.exerciseDecision.create({ data: { episodeId: e.id, decision: input.decision, note: input.note, decidedById: c.user.id } });
  await audit(c.db, actorOf(c), "episode.decision", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { decision: input.decision, decisionId: d.id } });
  return { decision: d, gate: await gateOf(c.db, e.id) };
}

/** The patient's ACTIVE episode (a visit scheduled now belongs to it), or null. */
export async function activeEpisodeId(db: Db, patientId: string): Promise<string | null> {
  const e = await db.episode.findFirst({ where: { patientId, status: "ACTIVE" }, orderBy: { createdAt: "asc" }, select: { id: true } });
  return e?.id ?? null;
}

/** The gate of a visit's episode, for the visit room's banner (clinic-scoped). */
export async function gateForVisit(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { episodeId: true, patientId: true } });
  if (!v) throw notFound("Visit");
  if (!v.episodeId) return { episodeId: null, patientId: v.patientId, blocked: false, reason: null };
  const g = await gateOf(c.db, v.episodeId);
  return { episodeId: v.episodeId, patientId: v.patientId, blocked: g.blocked, reason: g.reason };
}
