// Home practice (issue 19 part B): the patient's "today's exercises" behind a HOME link, home sessions created
// idempotently by the browser's clientId (a session started offline is created once when it is flushed), their
// camera-counted sets as recordings of the one pipeline (AssessmentTrial kind "exercise", homeSessionId set, visitId
// null, idempotent by their own clientId, so a set started offline is created once too: uploads go through
// recordings.uploadChunk/finish, authorised by the home link), self-reported exercises, and the care events a
// finished session appends (home.session with its form faults, pain.reported HOME_SESSION).
// Staff read the sessions clinic-scoped. The programme itself (building, templates, the link, reminders) is
// services/programs.ts; this file only reads HomeProgram rows.
import type { z } from "zod";
import { adherence, doseInWeek, localDate, prescriptionOn, programModel, programWeekOf, type Adherence, type ProgramModel } from "../../app/_shared/care/program";
import { exerciseGate, type Decision, type Tier } from "../../app/_shared/care/red-flags";
import { faultCount, type finishHomeSessionInput, type homeSessionsInput, type startHomeSessionInput, type startHomeSetInput } from "../../app/_shared/care/home-session";
import { latestExercise } from "../../app/_shared/exercises/catalogue";
import type { ExerciseDose } from "../../app/_shared/recording/schemas";
import { isUniqueViolation, type Db } from "../db/client";
import type { Env } from "../env";
import { appendCareEvents } from "./alerts";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { checkLink, LINK_PROBLEM_MESSAGES, requireLink, type CheckedLink, type LinkProblem, linkActor } from "./patient-links";
import { activeProgramOf, completedSessions } from "./programs";
import { recordingSelect, summarisePending } from "./recordings";

/** A session may be flushed this long after it was started offline. */
const MAX_OFFLINE_AGE_MS = 7 * 86_400_000;
/** The browser's clock may run this far ahead of the server's. */
const CLOCK_SLACK_MS = 5 * 60_000;

type Secret = Pick<Env, "SESSION_SECRET">;

type ProgramRow = { id: string; episodeId: string; status: string; model: ProgramModel; createdAt: Date };

/** The episode's active programme (the newest), with its model validated; null when there is none. */
export async function activeProgram(db: Db, episodeId: string): Promise<ProgramRow | null> {
  const row = await activeProgramOf(db, episodeId);
  if (!row) return null;
  const m = programModel.safeParse(row.model);
  if (!m.success) return null;
  return { id: row.id, episodeId: row.episodeId, status: row.status, model: m.data, createdAt: row.createdAt };
}

/** Adherence of a programme's completed home sessions up to `now`, in the patient's time zone (programs.ts reads the sessions). */
export async function homeAdherence(db: Db, program: ProgramRow, now: Date): Promise<Adherence> {
  const done = await completedSessions(db, program.episodeId);
  return adherence(program.model, done.map(({ id, at, exercises }) => ({ id, at, exercises })), now);
}

/** Exercise is blocked for the episode while an emergency screening waits for a therapist's decision (red-flags.ts). */
async function gateOf(db: Db, episodeId: string) {
  const [screenings, decisions] = await Promise.all([
    db.intakeSubmission.findMany({ where: { episodeId }, select: { id: true, tier: true, submittedAt: true } }),
    db.exerciseDecision.findMany({ where: { episodeId }, select: { id: true, decision: true, decidedAt: true } }),
  ]);
  return exerciseGate(
    screenings.map((s) => ({ id: s.id, at: s.submittedAt.toISOString(), tier: s.tier as Tier })),
    decisions.map((d) => ({ id: d.id, at: d.decidedAt.toISOString(), decision: d.decision as Decision })),
  );
}

/** The dose of an exercise of the programme on a date: the programme week's dose, as the recording pipeline stores it. */
function doseOn(model: ProgramModel, exerciseKey: string, date: string): ExerciseDose | null {
  const week = programWeekOf(model, date) ?? 1;
  const items = model.items.filter((it) => it.exerciseKey === exerciseKey);
  const item = items.find((it) => week >= it.fromWeek && week <= (it.toWeek ?? model.weeks)) ?? items[0];
  if (!item) return null;
  const d = doseInWeek(item, week);
  return { sets: d.sets, ...(d.reps !== null ? { reps: d.reps } : {}), ...(d.holdS !== null ? { holdSeconds: d.holdS } : {}), restSeconds: 60, perSide: d.perSide, timesPerDay: item.timesPerDay };
}

// ---------------------------------------------------------------------------------------------
// The patient's side (a HOME link)
// ---------------------------------------------------------------------------------------------

export type HomeToday =
  | { ok: false; problem: LinkProblem; message: string }
  | {
      ok: true;
      patientFirstName: string;
      clinicName: string;
      timeZone: string;
      today: string;
      exerciseBlocked: boolean;
      program: null | {
        id: string;
        week: number | null;
        weeks: number;
        phase: { key: string; title: string } | null;
        plannedSessions: number;
        exercises: { exerciseKey: string; version: number | null; dose: ExerciseDose; timesPerDay: number; notes: string; tracked: boolean }[];
      };
      sessionsToday: { clientId: string; status: string; startedAt: Date; painBefore: number | null; painAfter: number | null; sets: number; selfReported: number }[];
      adherence: null | {
        thisWeek: { week: number; plannedSessions: number; doneSessions: number; from: string; to: string } | null;
        days: { date: string; status: string; plannedSessions: number; doneSessions: number }[];
        currentStreak: number;
        sessionsPercent: number | null;
      };
    };

/** What the home page shows; a link that does not work is an answer (the page says why), not an error. */
export async function homeToday(db: Db, env: Secret, token: string, now = new Date()): Promise<HomeToday> {
  const r = await checkLink(db, env, token, "HOME", { now });
  if (!r.ok) return { ok: false, problem: r.problem, message: LINK_PROBLEM_MESSAGES[r.problem] };
  const link = await requireLink(db, env, token, "HOME", { now });
  const episode = await db.episode.findUniqueOrThrow({ where: { id: link.episodeId }, select: { timeZone: true, patient: { select: { firstName: true } }, clinic: { select: { name: true } } } });
  const program = await activeProgram(db, link.episodeId);
  const gate = await gateOf(db, link.episodeId);
  await audit(db, linkActor(link), "home.today", { record: { type: "Episode", id: link.episodeId } });
  const tz = program?.model.timeZone ?? episode.timeZone;
  const today = localDate(now, tz);
  const base = { ok: true as const, patientFirstName: episode.patient.firstName, clinicName: episode.clinic.name, timeZone: tz, today, exerciseBlocked: gate.blocked };
  if (!program) return { ...base, program: null, sessionsToday: [], adherence: null };
  const rx = prescriptionOn(program.model, today);
  const sessions = await db.homeSession.findMany({
    where: { programId: program.id, localDate: today },
    orderBy: { startedAt: "asc" },
    select: { clientId: true, status: true, startedAt: true, painBefore: true, painAfter: true, selfReport: true, _count: { select: { recordings: true } } },
  });
  const a = await homeAdherence(db, program, now);
  const week = a.weeks.find((w) => w.from <= today && today <= w.to) ?? null;
  return {
    ...base,
    program: {
      id: program.id,
      week: rx?.week ?? null,
      weeks: program.model.weeks,
      phase: rx?.phase ?? null,
      plannedSessions: rx?.sessions ?? 0,
      exercises: (rx?.exercises ?? []).map((e) => {
        const ex = latestExercise(e.exerciseKey);
        const item = program.model.items.find((it) => it.exerciseKey === e.exerciseKey);
        return { exerciseKey: e.exerciseKey, version: ex?.version ?? null, dose: doseOn(program.model, e.exerciseKey, today)!, timesPerDay: e.timesPerDay, notes: item?.notes ?? "", tracked: !!ex && !ex.selfReported };
      }),
    },
    sessionsToday: sessions.map((s) => ({ clientId: s.clientId, status: s.status, startedAt: s.startedAt, painBefore: s.painBefore, painAfter: s.painAfter, sets: s._count.recordings, selfReported: Array.isArray(s.selfReport) ? s.selfReport.length : 0 })),
    adherence: {
      thisWeek: week ? { week: week.week, plannedSessions: week.plannedSessions, doneSessions: week.doneSessions, from: week.from, to: week.to } : null,
      days: week ? a.days.filter((d) => d.week === week.week).map((d) => ({ date: d.date, status: d.status, plannedSessions: d.plannedSessions, doneSessions: d.doneSessions })) : [],
      currentStreak: a.currentStreak,
      sessionsPercent: a.sessionsPercent,
    },
  };
}

const sessionSelect = { id: true, clientId: true, programId: true, episodeId: true, localDate: true, startedAt: true, endedAt: true, painBefore: true, painAfter: true, effort: true, howItWent: true, note: true, selfReport: true, status: true } as const;

/** Starts a home session; the same clientId again returns the same session (a retried or flushed start). */
export async function startHomeSession(db: Db, env: Secret, input: z.output<typeof startHomeSessionInput>, now = new Date()) {
  const link = await requireLink(db, env, input.token, "HOME", { now });
  const mine = await db.homeSession.findUnique({ where: { clientId: input.clientId }, select: sessionSelect });
  if (mine) {
    if (mine.episodeId !== link.episodeId) throw conflict("This session id is already in use");
    return mine;
  }
  const startedAt = new Date(input.startedAt);
  if (startedAt.getTime() > now.getTime() + CLOCK_SLACK_MS) throw badRequest("The session's start lies in the future: check the device's clock");
  if (startedAt.getTime() < now.getTime() - MAX_OFFLINE_AGE_MS) throw badRequest("This session was started more than 7 days ago and can no longer be saved");
  if ((await gateOf(db, link.episodeId)).blocked) throw forbidden("Your clinic has asked you not to exercise until your therapist has spoken with you.");
  const program = await activeProgram(db, link.episodeId);
  if (!program) throw badRequest("There is no home programme to practise yet");
  try {
    const s = await db.homeSession.create({
      data: { programId: program.id, episodeId: link.episodeId, clientId: input.clientId, localDate: localDate(startedAt, program.model.timeZone), startedAt, painBefore: input.painBefore },
      select: sessionSelect,
    });
    await audit(db, linkActor(link), "home.session.start", { record: { type: "HomeSession", id: s.id } });
    return s;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // two tabs (or a retry) flushed the same start at once: the first one stands
    const won = await db.homeSession.findUnique({ where: { clientId: input.clientId }, select: sessionSelect });
    if (!won || won.episodeId !== link.episodeId) throw conflict("This session id is already in use");
    return won;
  }
}

async function ownSession(db: Db, link: CheckedLink, clientId: string) {
  const s = await db.homeSession.findUnique({ where: { clientId }, select: sessionSelect });
  if (!s || s.episodeId !== link.episodeId) throw notFound("Home session");
  return s;
}

/**
 * The set a browser made under `clientId`, if the server has it: it must be a set of this session (null when there is
 * none yet). A client id already used by another session's set, or by a visit recording, is refused.
 */
async function setOfClient(db: Db, sessionId: string, clientId: string) {
  const row = await db.assessmentTrial.findUnique({ where: { clientId }, select: { ...recordingSelect, homeSessionId: true } });
  if (!row) return null;
  if (row.homeSessionId !== sessionId) throw conflict("This set id is already in use");
  const { homeSessionId: _, ...set } = row;
  return set;
}

/**
 * Starts a camera-counted set in a home session: a recording of the one pipeline with the programme's dose. The
 * browser names the set (clientId) and says when it started, so a set started offline is created once, with its own
 * start time, when the page flushes it; the same clientId again returns the same set, whatever happened to it since.
 */
export async function startHomeSet(db: Db, env: Secret, input: z.output<typeof startHomeSetInput>, now = new Date()) {
  const link = await requireLink(db, env, input.token, "HOME", { now });
  const s = await ownSession(db, link, input.sessionClientId);
  const mine = await setOfClient(db, s.id, input.clientId);
  if (mine) return mine;
  if (s.status !== "OPEN") throw badRequest("This home session is finished; start a new one");
  const program = await db.homeProgram.findUnique({ where: { id: s.programId }, select: { model: true } });
  const model = programModel.safeParse(program?.model);
  if (!model.success) throw badRequest("The home programme could not be read");
  const ex = latestExercise(input.exerciseKey);
  const dose = doseOn(model.data, input.exerciseKey, s.localDate);
  if (!ex || !dose) throw badRequest("This exercise is not in your home programme");
  if (ex.selfReported) throw badRequest("This exercise is not counted by the camera: report it when you finish");
  let startedAt = input.startedAt ? new Date(input.startedAt) : now;
  if (startedAt.getTime() > now.getTime() + CLOCK_SLACK_MS) throw badRequest("The set's start lies in the future: check the device's clock");
  if (startedAt > now) startedAt = now;
  if (startedAt < s.startedAt) startedAt = s.startedAt;
  let set;
  try {
    set = await db.assessmentTrial.create({
      data: {
        visitId: null, homeSessionId: s.id, clientId: input.clientId, kind: "exercise", protocolKey: ex.key, protocolVersion: ex.version, side: input.side, cameraView: input.cameraView,
        setNumber: input.setNumber, dose, poseModel: input.poseModel, poseModelVersion: input.poseModelVersion, frameAspect: input.frameAspect, rollDeg: input.rollDeg ?? null, qualityFlags: [], startedAt,
      },
      select: recordingSelect,
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // two flushes of one offline start at once: the first one stands
    const won = await setOfClient(db, s.id, input.clientId);
    if (!won) throw conflict("This set id is already in use");
    return won;
  }
  await audit(db, linkActor(link), "set.start", { record: { type: "AssessmentTrial", id: set.id }, detail: { exercise: ex.key, version: ex.version, set: input.setNumber, home: true } });
  return set;
}

/**
 * Finishes a home session with the patient's report; appends home.session (with the form faults of its counted sets)
 * and one pain.reported per pain number (source HOME_SESSION) through the alert store, so pain ≥ 7 raises the
 * pain-high alert at once. Finishing twice changes nothing (the events have stable ids).
 */
export async function finishHomeSession(db: Db, env: Secret, input: z.output<typeof finishHomeSessionInput>, now = new Date()) {
  const link = await requireLink(db, env, input.token, "HOME", { now });
  const s = await ownSession(db, link, input.clientId);
  if (s.status === "COMPLETED") return { session: s, alerts: null };
  const program = await db.homeProgram.findUnique({ where: { id: s.programId }, select: { model: true } });
  const model = programModel.safeParse(program?.model);
  const keys = new Set(model.success ? model.data.items.map((i) => i.exerciseKey) : []);
  const unknown = input.selfReport.find((x) => !keys.has(x.exerciseKey));
  if (unknown) throw badRequest(`"${unknown.exerciseKey}" is not in your home programme`);
  let endedAt = input.endedAt ? new Date(input.endedAt) : now;
  if (endedAt.getTime() > now.getTime() + CLOCK_SLACK_MS) throw badRequest("The session's end lies in the future: check the device's clock");
  if (endedAt < s.startedAt) endedAt = s.startedAt;
  const done = await db.homeSession.updateMany({
    where: { id: s.id, status: "OPEN" },
    data: { status: "COMPLETED", endedAt, painAfter: input.painAfter, effort: input.effort, howItWent: input.howItWent, note: input.note, selfReport: input.selfReport as never },
  });
  const session = await db.homeSession.findUniqueOrThrow({ where: { id: s.id }, select: sessionSelect });
  if (done.count === 0) return { session, alerts: null }; // another tab finished it first
  const sets = await db.assessmentTrial.findMany({ where: { homeSessionId: s.id, status: "COMPLETED" }, select: { summary: true, repetitions: true } });
  const formFaults = sets.reduce((n, x) => n + Math.max(faultCount(x.summary), faultCount({ repetitions: x.repetitions })), 0);
  const at = (d: Date) => d.toISOString();
  const events: unknown[] = [{ id: `home:${s.id}`, at: at(endedAt), type: "home.session", sessionId: s.id, localDate: s.localDate, completed: true, formFaults }];
  if (s.painBefore !== null) events.push({ id: `pain:home:${s.id}:before`, at: at(s.startedAt), type: "pain.reported", value: s.painBefore, source: "HOME_SESSION", context: "before", refId: s.id });
  if (input.painAfter !== null) events.push({ id: `pain:home:${s.id}:after`, at: at(endedAt), type: "pain.reported", value: input.painAfter, source: "HOME_SESSION", context: "after", refId: s.id });
  const alerts = await appendCareEvents(db, s.episodeId, events);
  await audit(db, linkActor(link), "home.session.finish", { record: { type: "HomeSession", id: s.id }, detail: { sets: sets.length, selfReported: input.selfReport.length, formFaults } });
  return { session, alerts };
}

// ---------------------------------------------------------------------------------------------
// Staff (clinic-scoped; clinicians read too)
// ---------------------------------------------------------------------------------------------

/** Home sessions of an episode (or of every episode of a patient), newest first, with their sets and adherence. */
export async function listHomeSessions(c: Caller, input: z.output<typeof homeSessionsInput>, now = new Date()) {
  const where = "episodeId" in input ? { id: input.episodeId, clinicId: c.user.clinicId } : { patientId: input.patientId, clinicId: c.user.clinicId };
  const episodes = await c.db.episode.findMany({ where, select: { id: true, startDate: true, status: true } });
  if ("episodeId" in input && episodes.length === 0) throw notFound("Episode");
  if ("patientId" in input && episodes.length === 0 && !(await c.db.patient.findFirst({ where: { id: input.patientId, clinicId: c.user.clinicId }, select: { id: true } }))) throw notFound("Patient");
  const ids = episodes.map((e) => e.id);
  const rows = await c.db.homeSession.findMany({
    where: { episodeId: { in: ids } },
    orderBy: { startedAt: "desc" },
    take: 200,
    select: { ...sessionSelect, recordings: { where: { status: { not: "DISCARDED" } }, orderBy: { startedAt: "asc" }, select: recordingSelect } },
  });
  const sessions = [];
  for (const r of rows) {
    const recs = await summarisePending(c.db, r.recordings);
    sessions.push({ ...r, recordings: recs.map((x) => ({ ...x, faults: faultCount(x.summary) })) });
  }
  const programs = [];
  for (const e of episodes) {
    const p = await activeProgram(c.db, e.id);
    if (p) {
      const a = await homeAdherence(c.db, p, now);
      programs.push({ episodeId: e.id, programId: p.id, startDate: p.model.startDate, weeks: a.weeks, sessionsPercent: a.sessionsPercent, repsPercent: a.repsPercent, currentStreak: a.currentStreak, missedDays: a.missedDays.length, today: a.today });
    }
  }
  await audit(c.db, actorOf(c), "home.sessions.read", { record: "episodeId" in input ? { type: "Episode", id: input.episodeId } : { type: "Patient", id: input.patientId }, ip: c.ip });
  return { sessions, programs };
}
