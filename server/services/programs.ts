// The home exercise program of an episode (issue 19, therapist side): programs built from templates and saved as
// versions, the patient's home link, the handout, reminders and adherence. The maths is app/_shared/care/program.ts;
// templates and education cards are data in program-templates.ts.
//
// History: a program change is a NEW HomeProgram row. Saving names the version it started from (`baseProgramId`);
// inside one transaction the episode row is touched (a write lock on SQLite and PostgreSQL alike, so two saves of the
// same episode run one after the other), the base must still be the ACTIVE version (else CONFLICT), it becomes
// SUPERSEDED and the new row ACTIVE. So there is at most one ACTIVE program per episode, and every earlier version
// stays readable ("version n" = its place in the episode's programs by creation time). Ending a program sets ENDED.
// The patient's reminder setting moves to the new version.
//
// Home-practice (the patient's page) calls `todayFor`, `programAdherence`, `homeReminder`/`setHomeReminder` and
// `homeHandout`; home sessions are read from HomeSession rows (completed ones count) and their recordings.
import { z } from "zod";
import type { ReminderInput, SaveProgramInput, SaveVisitDoseInput } from "../../app/_shared/care/program-api";
import { reminderInput, saveProgramInput, saveVisitDoseInput } from "../../app/_shared/care/program-api";
import {
  adherence, exercisesInWeek, localDate, missedSessionEvents, phaseOf, prescriptionOn, programEndDate, programModel, programWeekAt,
  weekdayOf, withDoseFromWeek, type Adherence, type DoneSession, type ProgramModel,
} from "../../app/_shared/care/program";
import { educationCardByRef, templateByRef } from "../../app/_shared/care/program-templates";
import { latestExercise } from "../../app/_shared/exercises/catalogue";
import { formatName, zonedInstant } from "../../app/_shared/format";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { appendCareEvents } from "./alerts";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, conflict, notFound } from "./errors";
import { sendMail, type MailResult } from "./mail";
import { renderProgramHandout } from "./pdf";
import { issueLink, linkState, requireLink, revokeLink, linkActor } from "./patient-links";

// ---------------------------------------------------------------------------------------------
// Reading programs
// ---------------------------------------------------------------------------------------------

type ProgramRow = { id: string; episodeId: string; modelVersion: number; model: unknown; templateKey: string | null; education: unknown; status: string; createdById: string; createdAt: Date; updatedAt: Date };

/** A stored program's model, validated (a row that no longer parses is reported, never trusted). */
export function modelOf(row: { id: string; model: unknown }): ProgramModel {
  const r = programModel.safeParse(row.model);
  if (!r.success) throw new Error(`home program ${row.id}: stored model does not validate: ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data;
}
const educationOf = (row: { education: unknown }) => (Array.isArray(row.education) ? (row.education as unknown[]).filter((x): x is string => typeof x === "string" && !!educationCardByRef(x)) : []);

async function ownEpisode(c: Caller, episodeId: string) {
  const e = await c.db.episode.findFirst({
    where: { id: episodeId, clinicId: c.user.clinicId },
    select: { id: true, clinicId: true, patientId: true, therapistId: true, status: true, startDate: true, plannedWeeks: true, timeZone: true, patient: { select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true, email: true } } },
  });
  if (!e) throw notFound("Episode");
  return e;
}
async function ownProgram(c: Caller, programId: string) {
  const p = await c.db.homeProgram.findFirst({ where: { id: programId, episode: { clinicId: c.user.clinicId } } });
  if (!p) throw notFound("Program");
  return p;
}

function view(row: ProgramRow, version: number, names: Map<string, string>) {
  const model = modelOf(row);
  return {
    id: row.id, version, status: row.status as "ACTIVE" | "SUPERSEDED" | "ENDED", model, endDate: programEndDate(model),
    templateKey: row.templateKey, education: educationOf(row), createdAt: row.createdAt, updatedAt: row.updatedAt,
    createdBy: names.get(row.createdById) ?? "a former colleague",
  };
}
export type ProgramView = ReturnType<typeof view>;

/** The episode's programs (every version, newest first) and its active one; the patient named, no health data beyond. */
export async function episodePrograms(c: Caller, episodeId: string) {
  const e = await ownEpisode(c, episodeId);
  const rows = await c.db.homeProgram.findMany({ where: { episodeId: e.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const users = await c.db.user.findMany({ where: { clinicId: c.user.clinicId, id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  const versions = rows.map((r, i) => view(r, i + 1, names)).reverse();
  const reminder = await c.db.reminderSetting.findFirst({ where: { program: { episodeId: e.id, status: "ACTIVE" } }, select: { weekdays: true, time: true, timeZone: true, enabled: true, updatedAt: true } });
  await audit(c.db, actorOf(c), "program.read", { record: { type: "Episode", id: e.id }, ip: c.ip });
  return {
    episode: { id: e.id, status: e.status, startDate: e.startDate, plannedWeeks: e.plannedWeeks, timeZone: e.timeZone, patient: e.patient, patientName: formatName(e.patient) },
    active: versions.find((v) => v.status === "ACTIVE") ?? null,
    versions,
    reminder: reminder ? { weekdays: reminder.weekdays as number[], time: reminder.time, timeZone: reminder.timeZone, enabled: reminder.enabled, updatedAt: reminder.updatedAt } : null,
  };
}

/** The active program of an episode (null when none). */
export async function activeProgramOf(db: Db, episodeId: string) {
  return db.homeProgram.findFirst({ where: { episodeId, status: "ACTIVE" }, orderBy: { createdAt: "desc" } });
}

// ---------------------------------------------------------------------------------------------
// Saving (a new version each time)
// ---------------------------------------------------------------------------------------------

/** Checks what zod cannot: exercises exist in the catalogue. */
function checkCatalogue(model: ProgramModel) {
  model.items.forEach((it, i) => {
    if (!latestExercise(it.exerciseKey)) throw Object.assign(badRequest(`Exercise ${i + 1}: not in the exercise library`), {});
  });
}

export async function saveProgram(c: Caller, raw: SaveProgramInput) {
  const input = saveProgramInput.parse(raw);
  const e = await ownEpisode(c, input.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode has ended; its program can no longer change");
  checkCatalogue(input.model);
  const row = await c.db.$transaction(async (tx) => {
    await tx.episode.update({ where: { id: e.id }, data: { updatedAt: new Date() } }); // serialises saves of this episode
    const active = await tx.homeProgram.findFirst({ where: { episodeId: e.id, status: "ACTIVE" }, select: { id: true } });
    if ((active?.id ?? null) !== input.baseProgramId) {
      throw conflict(active ? "The program was changed meanwhile (someone saved a newer version). Reload to see it, then make your change again." : "That program is no longer active. Reload the page.");
    }
    if (active) await tx.homeProgram.update({ where: { id: active.id }, data: { status: "SUPERSEDED" } });
    const created = await tx.homeProgram.create({
      data: { episodeId: e.id, modelVersion: 1, model: input.model as object, templateKey: input.templateKey, education: input.education, status: "ACTIVE", createdById: c.user.id },
    });
    if (active) await tx.reminderSetting.updateMany({ where: { programId: active.id }, data: { programId: created.id } });
    return created;
  });
  const version = await c.db.homeProgram.count({ where: { episodeId: e.id, createdAt: { lte: row.createdAt } } });
  await audit(c.db, actorOf(c), input.baseProgramId ? "program.change" : "program.create", {
    record: { type: "Episode", id: e.id }, ip: c.ip, detail: { programId: row.id, replaces: input.baseProgramId, template: input.templateKey, exercises: input.model.items.length },
  });
  return { id: row.id, version };
}

/** Ends the active program (no more reminders or home sessions for it). */
export async function endProgram(c: Caller, programId: string) {
  const p = await ownProgram(c, programId);
  if (p.status !== "ACTIVE") throw badRequest("Only the active program can be ended");
  const r = await c.db.homeProgram.updateMany({ where: { id: p.id, status: "ACTIVE" }, data: { status: "ENDED" } });
  if (r.count !== 1) throw conflict("The program was changed meanwhile. Reload the page.");
  await audit(c.db, actorOf(c), "program.end", { record: { type: "Episode", id: p.episodeId }, ip: c.ip, detail: { programId: p.id } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Today and adherence (also called by home-practice)
// ---------------------------------------------------------------------------------------------

const selfReportEntry = z.object({ exerciseKey: z.string().min(1).max(64), sets: z.number().int().min(0).max(100), reps: z.number().int().min(0).max(1000).nullable().optional(), holdS: z.number().nullable().optional(), perSide: z.boolean().optional() });
type SetSummaryish = { counts?: { total?: unknown }; faults?: Record<string, { reps?: unknown[] }>; hold?: { heldS?: Record<string, unknown> } | null };

/**
 * Repetitions a recording counts for adherence: the therapist's count if corrected, else the server's; a hold counts
 * one per hold held. Faults: fault occurrences over the set's counted repetitions.
 */
function recordingCounts(r: { protocolKey: string; correctedCount: number | null; automaticCount: number | null; holdTimes: unknown; summary: unknown }) {
  const s = (r.summary ?? {}) as SetSummaryish;
  const holds = Array.isArray(r.holdTimes) ? r.holdTimes.length : 0;
  const reps = r.correctedCount ?? r.automaticCount ?? (holds || (typeof s.counts?.total === "number" ? s.counts.total : 0));
  const faults = s.faults && typeof s.faults === "object" ? Object.values(s.faults).reduce((a, f) => a + (Array.isArray(f?.reps) ? f.reps.length : 0), 0) : 0;
  const counted = typeof s.counts?.total === "number" ? s.counts.total : reps;
  return { reps, faults, counted };
}

export type HomeSessionFacts = DoneSession & { localDate: string; painBefore: number | null; painAfter: number | null; faults: number; countedReps: number };

/** The episode's completed home sessions as adherence input, with pain and form facts. */
export async function completedSessions(db: Db, episodeId: string): Promise<HomeSessionFacts[]> {
  const rows = await db.homeSession.findMany({
    where: { episodeId, status: "COMPLETED" }, orderBy: { startedAt: "asc" },
    select: { id: true, startedAt: true, localDate: true, painBefore: true, painAfter: true, selfReport: true, recordings: { where: { status: "COMPLETED", kind: "exercise" }, select: { protocolKey: true, correctedCount: true, automaticCount: true, holdTimes: true, summary: true } } },
  });
  return rows.map((s) => {
    const per = new Map<string, number>();
    let faults = 0, countedReps = 0;
    for (const r of s.recordings) {
      const k = recordingCounts(r);
      per.set(r.protocolKey, (per.get(r.protocolKey) ?? 0) + k.reps);
      faults += k.faults;
      countedReps += k.counted;
    }
    for (const raw of Array.isArray(s.selfReport) ? s.selfReport : []) {
      const e = selfReportEntry.safeParse(raw);
      if (!e.success) continue;
      const n = e.data.sets * (e.data.reps ?? 1) * (e.data.perSide ? 2 : 1);
      per.set(e.data.exerciseKey, (per.get(e.data.exerciseKey) ?? 0) + n);
    }
    return {
      id: s.id, at: s.startedAt.toISOString(), localDate: s.localDate, painBefore: s.painBefore, painAfter: s.painAfter, faults, countedReps,
      exercises: [...per].map(([exerciseKey, reps]) => ({ exerciseKey, reps: Math.min(reps, 10_000) })),
    };
  });
}

/** The day's prescription of a program at `now` (the patient's date in the program's zone); null outside it. */
export async function todayFor(db: Db, programId: string, now: Date = new Date()) {
  const p = await db.homeProgram.findUnique({ where: { id: programId } });
  if (!p) throw notFound("Program");
  const model = modelOf(p);
  const date = localDate(now, model.timeZone);
  const rx = prescriptionOn(model, date);
  const done = (await completedSessions(db, p.episodeId)).filter((s) => localDate(s.at, model.timeZone) === date);
  return {
    programId: p.id, status: p.status, date, timeZone: model.timeZone, prescription: rx,
    exercises: (rx?.exercises ?? []).map((e) => {
      const ex = latestExercise(e.exerciseKey);
      const item = model.items.find((i) => i.exerciseKey === e.exerciseKey);
      return { ...e, title: ex?.title ?? e.exerciseKey, instructions: ex?.instructions ?? [], selfReported: ex?.selfReported ?? true, notes: item?.notes ?? "", doneReps: done.reduce((a, s) => a + s.exercises.filter((x) => x.exerciseKey === e.exerciseKey).reduce((b, x) => b + x.reps, 0), 0) };
    }),
    doneSessions: done.length,
    education: educationOf(p).map((r) => educationCardByRef(r)!),
  };
}

/** Adherence of a program at `now` over the episode's completed home sessions, with a form-quality trend per week. */
export async function programAdherence(db: Db, programId: string, now: Date = new Date()) {
  const p = await db.homeProgram.findUnique({ where: { id: programId } });
  if (!p) throw notFound("Program");
  const model = modelOf(p);
  const sessions = await completedSessions(db, p.episodeId);
  const a: Adherence = adherence(model, sessions.map(({ id, at, exercises }) => ({ id, at, exercises })), now);
  const form = a.weeks.map((w) => {
    const inWeek = sessions.filter((s) => { const d = localDate(s.at, model.timeZone); return d >= w.from && d <= w.to; });
    const counted = inWeek.reduce((x, s) => x + s.countedReps, 0);
    const faults = inWeek.reduce((x, s) => x + s.faults, 0);
    return { week: w.week, sessions: inWeek.length, countedReps: counted, faults, faultsPerSession: inWeek.length ? Math.round((faults / inWeek.length) * 10) / 10 : null, cleanPercent: counted > 0 ? Math.round(Math.max(0, 1 - faults / counted) * 1000) / 10 : null };
  });
  const pain = sessions.filter((s) => s.painBefore !== null || s.painAfter !== null).map((s) => ({ id: s.id, at: s.at, localDate: s.localDate, before: s.painBefore, after: s.painAfter }));
  return { programId: p.id, status: p.status, adherence: a, form, pain, sessions: sessions.length };
}

/** The staff view of adherence (clinic-scoped, audited). */
export async function adherenceFor(c: Caller, programId: string, now = new Date()) {
  const p = await ownProgram(c, programId);
  const r = await programAdherence(c.db, p.id, now);
  await audit(c.db, actorOf(c), "program.adherence.read", { record: { type: "Episode", id: p.episodeId }, ip: c.ip, detail: { programId: p.id } });
  return r;
}

// ---------------------------------------------------------------------------------------------
// The plan in the visit (issue 13: "the next exercise of the patient's plan")
// ---------------------------------------------------------------------------------------------

/** What a set counts as once its samples are all in (a running or discarded set does not make an exercise done). */
const RECORDED_SET = ["COMPLETED", "PENDING"];

export type VisitPlanExercise = {
  /** 1-based place in the program (the program's order) */
  position: number;
  exerciseKey: string;
  /** the library's current version (what a set started from the visit records), null when no longer in the library */
  exerciseVersion: number | null;
  title: string;
  selfReported: boolean;
  /** this program week's dose, progressions applied; the rest between sets is the library's */
  dose: { sets: number; reps: number | null; holdS: number | null; restS: number; perSide: boolean };
  timesPerDay: number;
  daysPerWeek: number;
  /** the therapist's note on the exercise in the program */
  notes: string;
  /** the note of the progression step in force this week ("" when none) */
  stepNote: string;
  /** sets of it recorded in this visit (samples complete) */
  setsRecorded: number;
  done: boolean;
};
export type VisitPlan =
  | { state: "no-episode" | "no-program"; patientName: string; message: string }
  | {
      state: "plan";
      patientName: string;
      /** the program version shown (the base of "save this dose to the program") */
      programId: string;
      version: number;
      /** the program week the visit's day falls in; before the start the first, after the end the last */
      week: number;
      weeks: number;
      when: "before" | "during" | "after";
      startDate: string;
      endDate: string;
      phase: { key: string; title: string } | null;
      /** the exercises in force this week, in the program's order */
      exercises: VisitPlanExercise[];
      /** position of the first exercise not yet done (and still in the library); null when all are done */
      next: number | null;
    };

async function ownVisitEpisode(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({
    where: { id: visitId, clinicId: c.user.clinicId },
    select: { id: true, patient: { select: { firstName: true, lastName: true } }, episode: { select: { id: true, status: true } } },
  });
  if (!v) throw notFound("Visit");
  return v;
}

/**
 * The plan for a visit: its episode's active program, the exercises of the current program week (the week of `now`
 * in the program's time zone) in the program's order, each with that week's dose and the therapist's note, marked
 * done when a set of it was recorded in this visit, and the next one (the first not done). Staff of the visit's
 * clinic; the router lets writers ask (it is the room's tool for starting sets). Reading the program is audited.
 */
export async function visitPlan(c: Caller, visitId: string, now: Date = new Date()): Promise<VisitPlan> {
  const v = await ownVisitEpisode(c, visitId);
  const patientName = formatName(v.patient);
  if (!v.episode) return { state: "no-episode", patientName, message: "This visit is not part of an episode of care, so there is no home program to follow." };
  if (v.episode.status !== "ACTIVE") return { state: "no-program", patientName, message: `${v.patient.firstName}'s episode of care has ended; its program no longer applies.` };
  const row = await activeProgramOf(c.db, v.episode.id);
  const parsed = row ? programModel.safeParse(row.model) : null;
  if (!row || !parsed?.success) return { state: "no-program", patientName, message: row ? `${v.patient.firstName}'s home program could not be read; open it on the episode page.` : `${v.patient.firstName} has no active home program in this episode.` };
  const model = parsed.data;
  const at = programWeekAt(model, localDate(now, model.timeZone));
  const recorded = await c.db.assessmentTrial.groupBy({ by: ["protocolKey"], where: { visitId: v.id, kind: "exercise", status: { in: RECORDED_SET } }, _count: { _all: true } });
  const setsOf = new Map(recorded.map((r) => [r.protocolKey, r._count._all]));
  const exercises = exercisesInWeek(model, at.week).map(({ index, item, dose }): VisitPlanExercise => {
    const ex = latestExercise(item.exerciseKey);
    const step = item.progression.filter((p) => p.fromWeek <= at.week).at(-1);
    const setsRecorded = setsOf.get(item.exerciseKey) ?? 0;
    return {
      position: index + 1, exerciseKey: item.exerciseKey, exerciseVersion: ex?.version ?? null, title: ex?.title ?? item.exerciseKey, selfReported: ex?.selfReported ?? true,
      dose: { sets: dose.sets, reps: dose.reps, holdS: dose.holdS, restS: ex?.dose.restS ?? 60, perSide: dose.perSide },
      timesPerDay: item.timesPerDay, daysPerWeek: item.daysPerWeek, notes: item.notes, stepNote: step?.note ?? "", setsRecorded, done: setsRecorded > 0,
    };
  });
  const version = await c.db.homeProgram.count({ where: { episodeId: v.episode.id, createdAt: { lte: row.createdAt } } });
  await audit(c.db, actorOf(c), "program.read", { record: { type: "Episode", id: v.episode.id }, ip: c.ip, detail: { programId: row.id, visitId: v.id } });
  const phase = phaseOf(model, at.week);
  return {
    state: "plan", patientName, programId: row.id, version, week: at.week, weeks: model.weeks, when: at.when, startDate: model.startDate, endDate: programEndDate(model),
    phase: phase ? { key: phase.key, title: phase.title } : null, exercises, next: exercises.find((e) => !e.done && e.exerciseVersion !== null)?.position ?? null,
  };
}

/**
 * "Save this dose to the program" from the visit: a new program version in which the exercise at `position` has this
 * dose from the current program week on (programs.ts `withDoseFromWeek`; earlier weeks keep theirs). The base must be
 * the version the room showed (else CONFLICT, as any program save). Audited as a program change and as made in the visit.
 */
export async function saveVisitDose(c: Caller, raw: SaveVisitDoseInput, now: Date = new Date()) {
  const input = saveVisitDoseInput.parse(raw);
  const v = await ownVisitEpisode(c, input.visitId);
  if (!v.episode) throw badRequest("This visit is not part of an episode of care: there is no program to change");
  const row = await activeProgramOf(c.db, v.episode.id);
  if (!row) throw badRequest("This episode has no active home program");
  if (row.id !== input.programId) throw conflict("The program was changed meanwhile (someone saved a newer version). Reload to see it, then save the dose again.");
  const model = modelOf(row);
  const { week } = programWeekAt(model, localDate(now, model.timeZone));
  const inForce = exercisesInWeek(model, week).find((e) => e.index === input.position - 1);
  if (!inForce) throw badRequest(`Exercise ${input.position} is not in week ${week} of the program`);
  const next = withDoseFromWeek(model, inForce.index, week, input.dose);
  const templateKey = row.templateKey && templateByRef(row.templateKey) ? row.templateKey : null;
  const saved = await saveProgram(c, { episodeId: v.episode.id, baseProgramId: row.id, templateKey, model: next, education: educationOf(row) });
  await audit(c.db, actorOf(c), "program.dose-from-visit", {
    record: { type: "Episode", id: v.episode.id }, ip: c.ip,
    detail: { visitId: v.id, programId: saved.id, replaces: row.id, exercise: inForce.item.exerciseKey, position: input.position, fromWeek: week, before: inForce.dose, dose: input.dose },
  });
  return { programId: saved.id, version: saved.version, fromWeek: week };
}

// ---------------------------------------------------------------------------------------------
// The home link
// ---------------------------------------------------------------------------------------------

const HOME_MAIL = (clinic: string, name: string, url: string) => ({
  subject: `Your home exercise program from ${clinic}`,
  text: [
    `Hello ${name},`,
    "",
    `${clinic} has set up your home exercise program. Open this link to see today's exercises, practise them with your camera (if you like) and tell your therapist how it went:`,
    "",
    url,
    "",
    "The link is personal: please do not share it. It works until your course of care ends; your clinic can send you a new one at any time.",
  ].join("\n"),
});

/** The origin links are built on: PUBLIC_ORIGIN; without it (development) the browser's, if it is a loopback one. */
export function linkOrigin(env: Env, requested?: string): string {
  if (env.PUBLIC_ORIGIN) return env.PUBLIC_ORIGIN.replace(/\/$/, "");
  if (requested) {
    try {
      const u = new URL(requested);
      if (/^https?:$/.test(u.protocol) && (u.hostname === "localhost" || u.hostname === "[::1]" || /^127\./.test(u.hostname))) return u.origin;
    } catch { /* fall through */ }
  }
  return `http://localhost:${env.PORT || 3000}`;
}

/** Issues a new home link (the old one stops working), shows it once, and emails it when asked. */
export async function issueHomeLink(c: Caller, input: { episodeId: string; sendTo: string | null; origin?: string }) {
  const origin = linkOrigin(c.env, input.origin);
  const e = await ownEpisode(c, input.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode has ended; a home link would not work");
  if (!(await activeProgramOf(c.db, e.id))) throw badRequest("Save a home program first: the link opens it");
  const issued = await issueLink(c.db, c.env, { clinicId: e.clinicId, episodeId: e.id, purpose: "HOME", createdById: c.user.id });
  const url = `${origin}${issued.path}`;
  let mail: MailResult | null = null;
  if (input.sendTo) {
    const clinic = await c.db.clinic.findUniqueOrThrow({ where: { id: e.clinicId }, select: { name: true } });
    mail = await sendMail(c.db, c.env, { clinicId: e.clinicId, to: input.sendTo, purpose: "home-link", ...HOME_MAIL(clinic.name, e.patient.firstName, url) });
  }
  await audit(c.db, actorOf(c), "home-link.issue", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { linkId: issued.link.id, replaced: issued.replaced, emailed: !!input.sendTo, mail: mail?.status ?? null } });
  return { url, linkId: issued.link.id, expiresAt: issued.link.expiresAt, replaced: issued.replaced, mail };
}

/** The episode's home links (never a token), newest first. */
export async function listHomeLinks(c: Caller, episodeId: string, now = new Date()) {
  const e = await ownEpisode(c, episodeId);
  const rows = await c.db.patientLink.findMany({ where: { episodeId: e.id, purpose: "HOME" }, orderBy: { createdAt: "desc" }, select: { id: true, createdAt: true, expiresAt: true, revokedAt: true, completedAt: true, usedAt: true, createdById: true } });
  const users = await c.db.user.findMany({ where: { clinicId: c.user.clinicId, id: { in: rows.flatMap((r) => (r.createdById ? [r.createdById] : [])) } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, expiresAt: r.expiresAt, revokedAt: r.revokedAt, usedAt: r.usedAt, state: e.status !== "ACTIVE" && linkState(r, now) === "ACTIVE" ? ("EPISODE_ENDED" as const) : linkState(r, now), createdBy: r.createdById ? names.get(r.createdById) ?? null : null }));
}

export async function revokeHomeLink(c: Caller, linkId: string) {
  const l = await c.db.patientLink.findFirst({ where: { id: linkId, clinicId: c.user.clinicId, purpose: "HOME" }, select: { id: true, episodeId: true } });
  if (!l) throw notFound("Link");
  if (!(await revokeLink(c.db, c.user.clinicId, l.id))) throw badRequest("This link is already revoked");
  await audit(c.db, actorOf(c), "home-link.revoke", { record: { type: "Episode", id: l.episodeId }, ip: c.ip, detail: { linkId: l.id } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// The patient, through the home link
// ---------------------------------------------------------------------------------------------


async function linkedProgram(db: Db, env: Env, token: string) {
  const link = await requireLink(db, env, token, "HOME");
  const program = await activeProgramOf(db, link.episodeId);
  if (!program) throw notFound("Home program");
  return { link, program };
}

/** The patient's reminder choice (null: none yet), with the program's time zone and a suggested address. */
export async function homeReminder(db: Db, env: Env, token: string) {
  const { link, program } = await linkedProgram(db, env, token);
  const r = await db.reminderSetting.findUnique({ where: { programId: program.id } });
  const patient = await db.episode.findUniqueOrThrow({ where: { id: link.episodeId }, select: { patient: { select: { email: true } } } });
  return {
    timeZone: modelOf(program).timeZone,
    setting: r ? { weekdays: r.weekdays as number[], time: r.time, email: r.email, enabled: r.enabled } : null,
    suggestedEmail: patient.patient.email ?? null,
  };
}

/** Sets (or switches off) the patient's reminder. Audited as the link's holder. */
export async function setHomeReminder(db: Db, env: Env, raw: ReminderInput, ip: string | null = null) {
  const input = reminderInput.parse(raw);
  const { link, program } = await linkedProgram(db, env, input.token);
  const tz = modelOf(program).timeZone;
  const data = { email: input.email, weekdays: [...input.weekdays].sort(), time: input.time, timeZone: tz, enabled: input.enabled };
  await db.reminderSetting.upsert({ where: { programId: program.id }, create: { programId: program.id, ...data }, update: data });
  await audit(db, linkActor(link), "reminder.set", { record: { type: "Episode", id: link.episodeId }, ip, detail: { enabled: input.enabled, weekdays: data.weekdays, time: input.time } });
  return { ok: true, timeZone: tz };
}

/** The printable handout of the program behind a home link (the patient downloads it). */
export async function homeHandout(db: Db, env: Env, token: string, ip: string | null = null) {
  const { link, program } = await linkedProgram(db, env, token);
  const r = (await renderProgramHandout(db, link.clinicId, program.id))!;
  await audit(db, linkActor(link), "program.handout", { record: { type: "Episode", id: link.episodeId }, ip, detail: { programId: program.id } });
  return { filename: r.filename, contentType: "application/pdf", base64: r.pdf.toString("base64") };
}

/** The handout of one of the clinic's programs (staff print it or hand it over). */
export async function handoutFor(c: Caller, programId: string) {
  const p = await ownProgram(c, programId);
  const r = (await renderProgramHandout(c.db, c.user.clinicId, p.id))!;
  await audit(c.db, actorOf(c), "program.handout", { record: { type: "Episode", id: p.episodeId }, ip: c.ip, detail: { programId: p.id, bytes: r.pdf.length } });
  return { filename: r.filename, contentType: "application/pdf", base64: r.pdf.toString("base64") };
}

// ---------------------------------------------------------------------------------------------
// The scheduled job: reminders, missed sessions, mail retries (server/services/scheduler.ts runs it)
// ---------------------------------------------------------------------------------------------

/** How late a reminder may still go out (a server that was down does not send this morning's reminder at night). */
export const REMINDER_GRACE_MS = 2 * 3600_000;

export const reminderDedupeKey = (episodeId: string, date: string, time: string) => `reminder:${episodeId}:${date}T${time}`;

/**
 * Emails the reminders due at `now`: enabled, on one of the chosen weekdays, at or after the chosen local time (at
 * most REMINDER_GRACE_MS late), inside the program's dates, for an ACTIVE program of an ACTIVE episode whose home
 * link is still open, and not when today's planned sessions are already done. The dedupe key
 * `reminder:<episode>:<local date>T<time>` makes each go out exactly once, however many processes run the job (an
 * episode has one active program at a time, so the episode names "the program" across its versions).
 */
export async function sendDueReminders(db: Db, env: Env, now: Date = new Date()): Promise<{ sent: number; skipped: number }> {
  const settings = await db.reminderSetting.findMany({
    where: { enabled: true, program: { status: "ACTIVE", episode: { status: "ACTIVE" } } },
    include: { program: { include: { episode: { select: { id: true, clinicId: true, clinic: { select: { name: true } } } } } } },
  });
  let sent = 0, skipped = 0;
  for (const s of settings) {
    const ep = s.program.episode;
    let model: ProgramModel;
    try { model = modelOf(s.program); } catch { skipped++; continue; }
    const date = localDate(now, s.timeZone);
    const weekdays = Array.isArray(s.weekdays) ? (s.weekdays as number[]) : [];
    if (!weekdays.includes(weekdayOf(date))) continue;
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const [hh, mm] = s.time.split(":").map(Number) as [number, number];
    const due = zonedInstant({ year: y, month: m, day: d, hour: hh, minute: mm }, s.timeZone).getTime();
    if (now.getTime() < due || now.getTime() > due + REMINDER_GRACE_MS) continue;
    const rx = prescriptionOn(model, localDate(now, model.timeZone));
    if (!rx || rx.sessions === 0) continue;
    const openLink = await db.patientLink.count({ where: { episodeId: ep.id, purpose: "HOME", revokedAt: null, expiresAt: { gt: now } } });
    if (!openLink) { skipped++; continue; }
    const doneToday = (await completedSessions(db, ep.id)).filter((x) => localDate(x.at, model.timeZone) === rx.date).length;
    if (doneToday >= rx.sessions) { skipped++; continue; }
    const titles = rx.exercises.map((e) => latestExercise(e.exerciseKey)?.title ?? e.exerciseKey);
    const r = await sendMail(db, env, {
      clinicId: ep.clinicId, to: s.email, purpose: "reminder", dedupeKey: reminderDedupeKey(ep.id, date, s.time),
      subject: "Time for your home exercises",
      text: [
        "Hello,",
        "",
        `This is your reminder from ${ep.clinic.name}: today's home exercises are waiting (${titles.length} ${titles.length === 1 ? "exercise" : "exercises"}${rx.sessions > 1 ? `, ${rx.sessions} times today` : ""}).`,
        "Open the home exercise link your clinic sent you to start. Every session counts, however short.",
        "",
        "You chose to get these reminders; you can change or switch them off on your home exercise page.",
      ].join("\n"),
    });
    if (!r.duplicate) sent++;
  }
  return { sent, skipped };
}

/**
 * Appends `home.missed` events (program.ts `missedSessionEvents`) for the finished days of each active program, so
 * the missed-sessions alert rule sees them; ids are stable, so re-running appends nothing new.
 */
export async function appendMissedSessions(db: Db, now: Date = new Date()): Promise<number> {
  const programs = await db.homeProgram.findMany({ where: { status: "ACTIVE", episode: { status: "ACTIVE" } } });
  let appended = 0;
  for (const p of programs) {
    let r;
    try { r = await programAdherence(db, p.id, now); } catch { continue; }
    // ids name the episode (missed:<episode>:<date>), not the program version, so a program change does not count
    // a missed day twice; days up to the one the first program was saved on cannot have been missed
    const first = await db.homeProgram.findFirst({ where: { episodeId: p.episodeId }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
    const since = localDate(first?.createdAt ?? p.createdAt, r.adherence.timeZone);
    const events = missedSessionEvents(p.episodeId, r.adherence).filter((e) => e.localDate > since);
    if (!events.length) continue;
    const have = new Set((await db.careEvent.findMany({ where: { episodeId: p.episodeId, type: "home.missed" }, select: { eventId: true } })).map((e) => e.eventId));
    const fresh = events.filter((e) => !have.has(e.id));
    if (fresh.length) appended += (await appendCareEvents(db, p.episodeId, fresh)).appended;
  }
  return appended;
}
