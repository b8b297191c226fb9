// Outcome questionnaires of an episode (issue 17): the clinic's settings (which instruments, licences, licensed
// wording), the schedule of sets due, sending a set by link, answering it (by the patient through the link, or by
// the therapist in a visit), scoring, and the progress / discharge data. The definitions, scoring, MCIDs, licences
// and the default schedule are data in app/_shared/care/questionnaires.ts; this file only stores and checks.
//
// The server's score is the record: answers are validated with `submittedResponse` and scored with `score` here,
// whatever the browser showed. Every response appends `questionnaire.scored` (and `pain.reported` where the
// instrument reports pain) through appendCareEvents, so the alert rules run over it.
import { TRPCError } from "@trpc/server";
import { z, ZodRealError } from "zod";
import { localDate } from "../../app/_shared/care/program";
import {
  availability, clinicTextSchema, defaultSchedule, isFillable, painFromResponse, questionnaireByKey, QUESTIONNAIRES, score, submittedResponse, withClinicText,
  type ClinicQuestionnaireSettings, type ClinicText, type QuestionnaireDefinition, type ScoreResult,
} from "../../app/_shared/care/questionnaires";
import { episodeMeasures, type ResponsePoint, type RomPoint } from "../../app/_shared/care/outcomes";
import type { confirmLicenceInput, enterInVisitInput, sendDueInput, setEnabledInput, setTextInput, submitByLinkInput } from "../../app/_shared/care/questionnaire-api";
import { isTrialSummary } from "../../app/_shared/records/objective";
import { formatName } from "../../app/_shared/format";
import { id as idSchema } from "../../app/_shared/domain";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { appendCareEvents } from "./alerts";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, conflict, notFound } from "./errors";
import { sendMail } from "./mail";
import { issueLink, LINK_PROBLEM_MESSAGES, linkState, requireLink, type CheckedLink, linkActor } from "./patient-links";

/**
 * Writes the default schedule of a new episode (intake, every 2 weeks, discharge) as QuestionnaireDue rows. Called
 * once when an episode is created; does nothing when the episode already has a schedule. The instruments a clinic may
 * not use (licence, no wording supplied) stay in the row and are filtered when a set is sent or filled in.
 */
export async function scheduleDefaultQuestionnaires(db: Db, episode: { id: string; startDate: string; plannedWeeks: number }): Promise<number> {
  if (await db.questionnaireDue.count({ where: { episodeId: episode.id } })) return 0;
  const occasions = defaultSchedule({ startDate: episode.startDate, plannedWeeks: episode.plannedWeeks });
  for (const o of occasions) await db.questionnaireDue.create({ data: { episodeId: episode.id, label: o.kind, dueDate: o.due, instruments: o.instruments } });
  return occasions.length;
}

// ------------------------------------------------------------------------------------------------
// Clinic settings
// ------------------------------------------------------------------------------------------------

/** The newest definition of each instrument. */
const CURRENT = [...new Set(QUESTIONNAIRES.map((d) => d.key))].map((k) => questionnaireByKey(k)!);

export type ClinicQuestionnaireState = { settings: ClinicQuestionnaireSettings; texts: Map<string, ClinicText> };

/** The clinic's settings as `availability` reads them, and the licensed texts it entered (validated again on read). */
export async function loadClinicSettings(db: Db, clinicId: string): Promise<ClinicQuestionnaireState> {
  const rows = await db.clinicQuestionnaireSetting.findMany({ where: { clinicId } });
  const disabled: string[] = [], enabled: string[] = [], licenceConfirmed: string[] = [], textSupplied: string[] = [];
  const texts = new Map<string, ClinicText>();
  for (const r of rows) {
    const def = questionnaireByKey(r.instrument);
    if (!def) continue;
    if (def.licence.enabledByDefault && !r.enabled) disabled.push(def.key);
    if (!def.licence.enabledByDefault && r.enabled) enabled.push(def.key);
    if (r.licenceConfirmedAt) licenceConfirmed.push(def.key);
    if (r.text !== null && def.licence.wording === "CLINIC_SUPPLIED") {
      const t = clinicTextSchema(def).safeParse(r.text);
      if (t.success) { textSupplied.push(def.key); texts.set(def.key, t.data as ClinicText); }
    }
  }
  return { settings: { disabled, enabled, licenceConfirmed, textSupplied }, texts };
}

/** The form a patient reads: the definition with the clinic's licensed wording where it is clinic-supplied; null if it cannot be shown. */
export function formOf(def: QuestionnaireDefinition, state: ClinicQuestionnaireState): QuestionnaireDefinition | null {
  const f = def.licence.wording === "CLINIC_SUPPLIED" ? (state.texts.has(def.key) ? withClinicText(def, state.texts.get(def.key)) : null) : def;
  return f && isFillable(f) ? f : null;
}

/** The instruments of a set the clinic may send now, and the ones it may not (with the reasons). */
export function partitionSet(instruments: unknown, state: ClinicQuestionnaireState) {
  const keys = Array.isArray(instruments) ? instruments.filter((k): k is string => typeof k === "string").map((k) => k.toLowerCase()) : [];
  const available: QuestionnaireDefinition[] = [];
  const unavailable: { key: string; title: string; reasons: string[] }[] = [];
  for (const k of keys) {
    const def = questionnaireByKey(k);
    if (!def) { unavailable.push({ key: k, title: k, reasons: ["Not a known questionnaire"] }); continue; }
    const a = availability(def, state.settings);
    const form = a.available ? formOf(def, state) : null;
    if (form) available.push(form);
    else unavailable.push({ key: k, title: def.title, reasons: a.reasons.length ? a.reasons : ["The clinic's wording is incomplete"] });
  }
  return { available, unavailable };
}

/** Admin screen: every instrument with its licence, the clinic's state and whether it may be sent. */
export async function listSettings(c: Caller) {
  const rows = await c.db.clinicQuestionnaireSetting.findMany({ where: { clinicId: c.user.clinicId } });
  const state = await loadClinicSettings(c.db, c.user.clinicId);
  const confirmers = await c.db.user.findMany({ where: { clinicId: c.user.clinicId, id: { in: rows.flatMap((r) => (r.licenceConfirmedById ? [r.licenceConfirmedById] : [])) } }, select: { id: true, name: true } });
  const names = new Map(confirmers.map((u) => [u.id, u.name]));
  return CURRENT.map((def) => {
    const r = rows.find((x) => x.instrument === def.key);
    const a = availability(def, state.settings);
    return {
      key: def.key, version: def.version, title: def.title, short: def.short, construct: def.construct, licence: def.licence, source: def.source,
      enabled: def.licence.enabledByDefault ? !state.settings.disabled!.includes(def.key) : state.settings.enabled!.includes(def.key),
      licenceConfirmation: r?.licenceConfirmedAt ? { at: r.licenceConfirmedAt, by: names.get(r.licenceConfirmedById ?? "") ?? "a former user", reference: r.licenceReference ?? "" } : null,
      textSupplied: state.settings.textSupplied!.includes(def.key),
      text: state.texts.get(def.key) ?? null,
      /** what the clinic types in: every item (topic for orientation) and every unlabeled option */
      textFields: def.licence.wording === "CLINIC_SUPPLIED"
        ? def.items.map((i) => ({ key: i.key, topic: i.topic, options: i.type === "choice" ? i.options.filter((o) => o.label === null).map((o) => ({ value: o.value, score: o.score })) : [] }))
        : null,
      available: a.available, reasons: a.reasons,
    };
  });
}

async function upsertSetting(db: Db, clinicId: string, instrument: string, data: { enabled?: boolean; licenceConfirmedAt?: Date | null; licenceConfirmedById?: string | null; licenceReference?: string | null; text?: object | null }) {
  const def = questionnaireByKey(instrument)!;
  const { text, ...rest } = data;
  const textField = text === undefined ? {} : { text: text === null ? (null as never) : text };
  await db.clinicQuestionnaireSetting.upsert({
    where: { clinicId_instrument: { clinicId, instrument } },
    create: { clinicId, instrument, enabled: data.enabled ?? def.licence.enabledByDefault, ...rest, ...textField },
    update: { ...rest, ...textField },
  });
}

function defOrThrow(key: string) {
  const def = questionnaireByKey(key);
  if (!def) throw badRequest("Unknown questionnaire");
  return def;
}

export async function setEnabled(c: Caller, input: z.output<typeof setEnabledInput>) {
  const def = defOrThrow(input.instrument);
  if (input.enabled && def.licence.requiresConfirmation) {
    const r = await c.db.clinicQuestionnaireSetting.findUnique({ where: { clinicId_instrument: { clinicId: c.user.clinicId, instrument: def.key } } });
    if (!r?.licenceConfirmedAt) throw badRequest(`${def.short} needs a licence: record the clinic's licence from ${def.licence.holder} before enabling it`);
  }
  await upsertSetting(c.db, c.user.clinicId, def.key, { enabled: input.enabled });
  await audit(c.db, actorOf(c), input.enabled ? "questionnaire.enable" : "questionnaire.disable", { detail: { instrument: def.key }, ip: c.ip });
  return listSettings(c);
}

export async function confirmLicence(c: Caller, input: z.output<typeof confirmLicenceInput>) {
  const def = defOrThrow(input.instrument);
  if (!def.licence.requiresConfirmation) throw badRequest(`${def.short} does not need a recorded licence`);
  await upsertSetting(c.db, c.user.clinicId, def.key, { licenceConfirmedAt: new Date(), licenceConfirmedById: c.user.id, licenceReference: input.reference });
  await audit(c.db, actorOf(c), "questionnaire.licence.confirm", { detail: { instrument: def.key, reference: input.reference }, ip: c.ip });
  return listSettings(c);
}

/** Withdrawing the licence also switches the instrument off (it may not be sent without one). */
export async function withdrawLicence(c: Caller, instrument: string) {
  const def = defOrThrow(instrument);
  if (!def.licence.requiresConfirmation) throw badRequest(`${def.short} does not need a recorded licence`);
  await upsertSetting(c.db, c.user.clinicId, def.key, { licenceConfirmedAt: null, licenceConfirmedById: null, licenceReference: null, enabled: def.licence.enabledByDefault });
  await audit(c.db, actorOf(c), "questionnaire.licence.withdraw", { detail: { instrument: def.key }, ip: c.ip });
  return listSettings(c);
}

/** The clinic's licensed wording (validated with clinicTextSchema; every item and unlabeled option), or null to remove it. */
export async function setText(c: Caller, input: z.output<typeof setTextInput>) {
  const def = defOrThrow(input.instrument);
  if (def.licence.wording !== "CLINIC_SUPPLIED") throw badRequest(`PoseVisit ships the wording of ${def.short}; it cannot be replaced`);
  let text: object | null = null;
  if (input.text !== null) {
    const r = clinicTextSchema(def).safeParse(input.text);
    if (!r.success) throw new TRPCError({ code: "BAD_REQUEST", message: "Some texts need attention", cause: new ZodRealError(r.error.issues.map((i) => ({ ...i, path: ["text", ...i.path] }))) });
    text = r.data as object;
  }
  await upsertSetting(c.db, c.user.clinicId, def.key, { text });
  await audit(c.db, actorOf(c), text ? "questionnaire.text.set" : "questionnaire.text.remove", { detail: { instrument: def.key }, ip: c.ip });
  return listSettings(c);
}

// ------------------------------------------------------------------------------------------------
// The sets due in an episode, and sending one by link
// ------------------------------------------------------------------------------------------------

const GRACE_DAYS = 3;
const addDays = (d: string, n: number) => { const x = new Date(`${d}T00:00:00Z`); x.setUTCDate(x.getUTCDate() + n); return x.toISOString().slice(0, 10); };

/** done / due (from its date until GRACE_DAYS after) / overdue / upcoming, on the patient's calendar. */
export function dueStatus(d: { dueDate: string; completedAt: Date | null }, today: string): "DONE" | "DUE" | "OVERDUE" | "UPCOMING" {
  if (d.completedAt) return "DONE";
  if (today < d.dueDate) return "UPCOMING";
  return today > addDays(d.dueDate, GRACE_DAYS) ? "OVERDUE" : "DUE";
}

async function ownEpisode(c: Caller, episodeId: string) {
  const e = await c.db.episode.findFirst({
    where: { id: episodeId, clinicId: c.user.clinicId },
    include: { patient: { select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true, email: true } }, therapist: { select: { id: true, name: true } } },
  });
  if (!e) throw notFound("Episode");
  return e;
}

/** The episode's sets due, each with its status, what may be sent, its responses and its links (never tokens). */
export async function listDue(c: Caller, episodeId: string, now = new Date()) {
  const e = await ownEpisode(c, episodeId);
  const state = await loadClinicSettings(c.db, c.user.clinicId);
  const today = localDate(now, e.timeZone);
  const [dues, links, responses] = await Promise.all([
    c.db.questionnaireDue.findMany({ where: { episodeId: e.id }, orderBy: [{ dueDate: "asc" }, { createdAt: "asc" }] }),
    c.db.patientLink.findMany({ where: { episodeId: e.id, purpose: "QUESTIONNAIRE" }, orderBy: { createdAt: "desc" }, select: { id: true, payload: true, expiresAt: true, revokedAt: true, completedAt: true, usedAt: true, createdAt: true } }),
    c.db.questionnaireResponse.findMany({ where: { episodeId: e.id }, orderBy: { submittedAt: "asc" }, select: { id: true, dueId: true, instrument: true, version: true, score: true, source: true, submittedAt: true } }),
  ]);
  await audit(c.db, actorOf(c), "questionnaire.list", { record: { type: "Episode", id: e.id }, ip: c.ip });
  return {
    episode: { id: e.id, status: e.status, startDate: e.startDate, plannedWeeks: e.plannedWeeks, timeZone: e.timeZone, patient: e.patient },
    today,
    due: dues.map((d) => {
      const set = partitionSet(d.instruments, state);
      const mine = links.filter((l) => linkPayload.safeParse(l.payload).data?.dueId === d.id);
      return {
        id: d.id, label: d.label, dueDate: d.dueDate, sentAt: d.sentAt, completedAt: d.completedAt, status: dueStatus(d, today),
        available: set.available.map((f) => ({ key: f.key, version: f.version, title: f.title, short: f.short })),
        unavailable: set.unavailable,
        responses: responses.filter((r) => r.dueId === d.id).map((r) => ({ id: r.id, instrument: r.instrument, source: r.source, submittedAt: r.submittedAt, score: (r.score as ScoreResult | null)?.score ?? null })),
        links: mine.map((l) => ({ id: l.id, state: linkState(l, now), expiresAt: l.expiresAt, createdAt: l.createdAt, openedAt: l.usedAt })),
      };
    }),
  };
}

const linkPayload = z.object({ dueId: idSchema });

/** The app's own origin for links in email (PUBLIC_ORIGIN; in development the loopback address). */
export const appOrigin = (env: Env) => (env.PUBLIC_ORIGIN ? new URL(env.PUBLIC_ORIGIN).origin : `http://localhost:${env.PORT}`);

export function questionnaireLinkMessage(o: { url: string; firstName: string; clinicName: string; expiresAt: Date; count: number }) {
  return {
    subject: `${o.clinicName}: your questionnaires`,
    text: [
      `Hello ${o.firstName},`,
      "",
      `${o.clinicName} asks you to answer ${o.count} short questionnaire${o.count === 1 ? "" : "s"} about your back. It takes about 5–10 minutes and works on a phone.`,
      "",
      `Open this link: ${o.url}`,
      "",
      `The link is personal: please do not share it. It works until ${o.expiresAt.toUTCString()} and can be sent once.`,
      "If anything gets much worse, or you have new numbness, weakness, or problems with your bladder or bowels, do not wait for the questionnaire: seek medical care today.",
    ].join("\n"),
  };
}

/** Sends a due set by link (a new link replaces this set's earlier ones); emails it when an address is known. */
export async function sendDue(c: Caller, input: z.output<typeof sendDueInput>) {
  const due = await c.db.questionnaireDue.findFirst({ where: { id: input.dueId, episode: { clinicId: c.user.clinicId } } });
  if (!due) throw notFound("Questionnaire set");
  const e = await ownEpisode(c, due.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode of care has ended: nothing can be sent");
  if (due.completedAt) throw badRequest("This set is already answered");
  const set = partitionSet(due.instruments, await loadClinicSettings(c.db, c.user.clinicId));
  if (!set.available.length) throw badRequest(`None of this set's questionnaires may be sent: ${set.unavailable.map((u) => `${u.title} (${u.reasons.join("; ")})`).join(", ")}`);
  const now = new Date();
  // a new link for this set replaces the set's open ones (links of other sets stay)
  const open = await c.db.patientLink.findMany({ where: { episodeId: e.id, purpose: "QUESTIONNAIRE", revokedAt: null, completedAt: null }, select: { id: true, payload: true } });
  const replaced = open.filter((l) => linkPayload.safeParse(l.payload).data?.dueId === due.id).map((l) => l.id);
  if (replaced.length) await c.db.patientLink.updateMany({ where: { id: { in: replaced } }, data: { revokedAt: now } });
  const l = await issueLink(c.db, c.env, { clinicId: c.user.clinicId, episodeId: e.id, purpose: "QUESTIONNAIRE", payload: { dueId: due.id }, createdById: c.user.id, replace: false }, now);
  await c.db.questionnaireDue.update({ where: { id: due.id }, data: { sentAt: now } });
  const to = input.email ?? e.patient.email ?? null;
  let email: { to: string; status: string; error?: string } | null = null;
  if (input.sendEmail && to) {
    const clinic = await c.db.clinic.findUniqueOrThrow({ where: { id: c.user.clinicId }, select: { name: true } });
    const msg = questionnaireLinkMessage({ url: `${appOrigin(c.env)}${l.path}`, firstName: e.patient.firstName, clinicName: clinic.name, expiresAt: l.link.expiresAt, count: set.available.length });
    const r = await sendMail(c.db, c.env, { clinicId: c.user.clinicId, to, subject: msg.subject, text: msg.text, purpose: "questionnaire-link" });
    email = { to, status: r.status, ...(r.error ? { error: r.error } : {}) };
  }
  await audit(c.db, actorOf(c), "questionnaire.send", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { dueId: due.id, instruments: set.available.map((f) => f.key), emailed: email?.status ?? null, replaced: replaced.length } });
  return { path: l.path, expiresAt: l.link.expiresAt, linkId: l.link.id, email, instruments: set.available.map((f) => f.short), replaced: replaced.length };
}

// ------------------------------------------------------------------------------------------------
// The patient: open the set by link, answer it
// ------------------------------------------------------------------------------------------------


async function dueOfLink(db: Db, link: CheckedLink) {
  const p = linkPayload.safeParse(link.payload);
  const due = p.success ? await db.questionnaireDue.findFirst({ where: { id: p.data.dueId, episodeId: link.episodeId } }) : null;
  if (!due) throw new TRPCError({ code: "NOT_FOUND", message: LINK_PROBLEM_MESSAGES.unknown });
  if (due.completedAt) throw new TRPCError({ code: "FORBIDDEN", message: LINK_PROBLEM_MESSAGES.completed });
  return due;
}

/** What the patient's page shows: the set's forms (with the clinic's licensed wording), one at a time. */
export async function openByLink(db: Db, env: Env, token: string, ip: string | null = null) {
  const link = await requireLink(db, env, token, "QUESTIONNAIRE");
  const due = await dueOfLink(db, link);
  const [clinic, patient, state] = await Promise.all([
    db.clinic.findUniqueOrThrow({ where: { id: link.clinicId }, select: { name: true } }),
    db.patient.findUniqueOrThrow({ where: { id: link.episode.patientId }, select: { firstName: true } }),
    loadClinicSettings(db, link.clinicId),
  ]);
  const set = partitionSet(due.instruments, state);
  if (!set.available.length) throw new TRPCError({ code: "FORBIDDEN", message: "These questionnaires are not available at the moment. Please contact your clinic." });
  // the follow-up PSFS asks about the same activities the patient named before
  const lastPsfs = await db.questionnaireResponse.findFirst({ where: { episodeId: link.episodeId, instrument: "psfs" }, orderBy: { submittedAt: "desc" }, select: { answers: true } });
  const acts = (lastPsfs?.answers as { activities?: unknown } | undefined)?.activities;
  const activityNames = Array.isArray(acts) ? acts.flatMap((a) => (a && typeof a === "object" && typeof (a as { name?: unknown }).name === "string" ? [(a as { name: string }).name] : [])).slice(0, 5) : [];
  await audit(db, linkActor(link), "questionnaire.open", { record: { type: "Episode", id: link.episodeId }, ip, detail: { dueId: due.id } });
  return { clinicName: clinic.name, firstName: patient.firstName, label: due.label, expiresAt: link.expiresAt, forms: set.available, activityNames };
}

function refuse(issues: z.core.$ZodIssue[], message: string): never {
  throw new TRPCError({ code: "BAD_REQUEST", message, cause: new ZodRealError(issues) });
}

/** Validates and scores one response; issues carry `prefix` in their path. */
function checkResponse(raw: unknown, prefix: (string | number)[]) {
  const r = submittedResponse.safeParse(raw);
  if (!r.success) return { ok: false as const, issues: r.error.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] })) };
  const def = questionnaireByKey(r.data.instrument, r.data.version)!;
  return { ok: true as const, def, answers: r.data.answers, result: score(def, r.data.answers) };
}

function eventsOf(def: QuestionnaireDefinition, row: { id: string; submittedAt: Date; answers: unknown }, result: ScoreResult, painSource: "QUESTIONNAIRE" | "VISIT") {
  const at = row.submittedAt.toISOString();
  const pain = painFromResponse(def, row.answers as Record<string, never>);
  return [
    { id: `questionnaire:${row.id}`, at, type: "questionnaire.scored", instrument: def.key, version: def.version, score: result.score, responseId: row.id },
    ...(pain !== null ? [{ id: `pain:questionnaire:${row.id}`, at, type: "pain.reported", value: pain, source: painSource, context: "now", refId: row.id }] : []),
  ];
}

/**
 * The patient sends the whole set at once: every available instrument exactly once, each computable by its
 * missing-item rule. All or nothing: a bad answer anywhere refuses the call and nothing is stored; the link is
 * completed in the same transaction, so two tabs sending at once store one set.
 */
export async function submitByLink(db: Db, env: Env, input: z.output<typeof submitByLinkInput>, ip: string | null = null) {
  const link = await requireLink(db, env, input.token, "QUESTIONNAIRE");
  const due = await dueOfLink(db, link);
  const set = partitionSet(due.instruments, await loadClinicSettings(db, link.clinicId));
  const checked = input.responses.map((r, i) => checkResponse(r, ["responses", i]));
  const issues = checked.flatMap((x) => (x.ok ? [] : x.issues));
  if (issues.length) refuse(issues, "Some answers need attention");
  const ok = checked.map((x) => x as Extract<typeof x, { ok: true }>);
  const expected = set.available.map((f) => f.key).sort();
  const got = ok.map((x) => x.def.key).sort();
  if (JSON.stringify(expected) !== JSON.stringify(got)) throw badRequest(`Send each questionnaire of this set once: expected ${expected.join(", ")}, got ${got.join(", ")}`);
  const notComputable = ok.flatMap((x) => (x.result.completeness.computable ? [] : [`${x.def.short}: ${x.result.completeness.reason ?? "not enough answers"}`]));
  if (notComputable.length) throw badRequest(`Some questionnaires need more answers: ${notComputable.join("; ")}`);
  const now = new Date();
  const rows = await db.$transaction(async (tx) => {
    const claimed = await tx.patientLink.updateMany({ where: { id: link.id, completedAt: null, revokedAt: null }, data: { completedAt: now } });
    if (claimed.count !== 1) throw conflict(LINK_PROBLEM_MESSAGES.completed);
    const out = [];
    for (const x of ok)
      out.push(await tx.questionnaireResponse.create({
        data: { episodeId: link.episodeId, instrument: x.def.key, version: x.def.version, answers: x.answers as object, score: x.result as object, source: "LINK", linkId: link.id, dueId: due.id, submittedAt: now },
      }));
    await tx.questionnaireDue.updateMany({ where: { id: due.id, completedAt: null }, data: { completedAt: now } });
    return out;
  });
  await appendCareEvents(db, link.episodeId, rows.flatMap((r, i) => eventsOf(ok[i]!.def, r, ok[i]!.result, "QUESTIONNAIRE")));
  await audit(db, linkActor(link), "questionnaire.submit", { record: { type: "Episode", id: link.episodeId }, ip, detail: { dueId: due.id, responses: rows.map((r) => r.id) } });
  return { received: rows.length };
}

// ------------------------------------------------------------------------------------------------
// In a visit: the therapist enters the patient's answers
// ------------------------------------------------------------------------------------------------

/** The forms a therapist may fill in during a visit of the episode, and the episode's open sets. */
export async function visitForms(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { id: true, episodeId: true, patientId: true } });
  if (!v) throw notFound("Visit");
  if (!v.episodeId) return { episodeId: null, patientId: v.patientId, forms: [], openSets: [], entered: [] };
  const state = await loadClinicSettings(c.db, c.user.clinicId);
  const forms = CURRENT.flatMap((d) => (availability(d, state.settings).available ? [formOf(d, state)].filter((f): f is QuestionnaireDefinition => !!f) : []));
  const dues = await c.db.questionnaireDue.findMany({ where: { episodeId: v.episodeId, completedAt: null }, orderBy: { dueDate: "asc" } });
  const entered = await c.db.questionnaireResponse.findMany({ where: { visitId: v.id }, orderBy: { submittedAt: "asc" }, select: { id: true, instrument: true, score: true, submittedAt: true, dueId: true } });
  await audit(c.db, actorOf(c), "questionnaire.list", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return {
    episodeId: v.episodeId,
    patientId: v.patientId,
    forms,
    openSets: dues.map((d) => ({ id: d.id, label: d.label, dueDate: d.dueDate, instruments: partitionSet(d.instruments, state).available.map((f) => f.key) })),
    entered: entered.map((r) => ({ id: r.id, instrument: r.instrument, dueId: r.dueId, submittedAt: r.submittedAt, score: (r.score as ScoreResult | null)?.score ?? null, band: (r.score as ScoreResult | null)?.band?.label ?? null })),
  };
}

/** One response entered by the therapist in a visit (source VISIT); counts towards a set when one is named. */
export async function enterInVisit(c: Caller, input: z.output<typeof enterInVisitInput>) {
  const v = await c.db.visit.findFirst({ where: { id: input.visitId, clinicId: c.user.clinicId }, select: { id: true, episodeId: true } });
  if (!v) throw notFound("Visit");
  if (!v.episodeId) throw badRequest("This visit is not part of an episode of care");
  const e = await ownEpisode(c, v.episodeId);
  if (e.status !== "ACTIVE") throw badRequest("This episode of care has ended");
  const x = checkResponse(input.response, ["response"]);
  if (!x.ok) refuse(x.issues, "Some answers need attention");
  const state = await loadClinicSettings(c.db, c.user.clinicId);
  const a = availability(x.def, state.settings);
  if (!a.available || !formOf(x.def, state)) throw badRequest(`${x.def.short} may not be used in this clinic: ${a.reasons.join("; ") || "its wording is incomplete"}`);
  let dueId: string | null = null;
  if (input.dueId) {
    const due = await c.db.questionnaireDue.findFirst({ where: { id: input.dueId, episodeId: e.id } });
    if (!due) throw notFound("Questionnaire set");
    if (due.completedAt) throw badRequest("This set is already answered");
    if (!partitionSet(due.instruments, state).available.some((f) => f.key === x.def.key)) throw badRequest(`${x.def.short} is not part of this set`);
    dueId = due.id;
  }
  const now = new Date();
  const row = await c.db.questionnaireResponse.create({
    data: { episodeId: e.id, instrument: x.def.key, version: x.def.version, answers: x.answers as object, score: x.result as object, source: "VISIT", visitId: v.id, dueId, enteredById: c.user.id, submittedAt: now },
  });
  if (dueId) {
    const due = (await c.db.questionnaireDue.findUnique({ where: { id: dueId } }))!;
    const have = new Set((await c.db.questionnaireResponse.findMany({ where: { dueId }, select: { instrument: true } })).map((r) => r.instrument));
    if (partitionSet(due.instruments, state).available.every((f) => have.has(f.key))) await c.db.questionnaireDue.updateMany({ where: { id: dueId, completedAt: null }, data: { completedAt: now } });
  }
  await appendCareEvents(c.db, e.id, eventsOf(x.def, row, x.result, "VISIT"));
  await audit(c.db, actorOf(c), "questionnaire.enter", { record: { type: "Visit", id: v.id }, ip: c.ip, detail: { responseId: row.id, instrument: x.def.key } });
  return { id: row.id, instrument: row.instrument, score: x.result };
}

// ------------------------------------------------------------------------------------------------
// Progress and discharge
// ------------------------------------------------------------------------------------------------

/** Everything the progress view and the discharge summary show (questionnaires and movement), clinic-scoped. */
export async function loadEpisodeOutcomes(db: Db, clinicId: string, episodeId: string) {
  const e = await db.episode.findFirst({
    where: { id: episodeId, clinicId },
    include: { patient: { select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true } }, therapist: { select: { name: true } } },
  });
  if (!e) return null;
  const [responses, visits] = await Promise.all([
    db.questionnaireResponse.findMany({ where: { episodeId: e.id }, orderBy: { submittedAt: "asc" }, select: { id: true, instrument: true, version: true, score: true, submittedAt: true, source: true } }),
    db.visit.findMany({
      where: { episodeId: e.id, clinicId, status: { not: "CANCELLED" } }, orderBy: { scheduledAt: "asc" },
      select: { id: true, scheduledAt: true, startedAt: true, status: true, trials: { where: { status: "COMPLETED" }, select: { id: true, protocolKey: true, summary: true, startedAt: true } } },
    }),
  ]);
  const rom: RomPoint[] = visits.flatMap((v) => v.trials.flatMap((t) => (isTrialSummary(t.summary) && t.summary.bestDeg !== null ? [{ trialId: t.id, visitId: v.id, protocolKey: t.protocolKey, at: v.startedAt ?? v.scheduledAt, bestDeg: t.summary.bestDeg }] : [])));
  const points: ResponsePoint[] = responses.map((r) => ({ id: r.id, instrument: r.instrument, version: r.version, score: r.score as ScoreResult | null, submittedAt: r.submittedAt, source: r.source }));
  const clinic = await db.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { name: true, timezone: true, profile: { select: { address: true, phone: true } } } });
  return {
    clinic: { name: clinic.name, timeZone: clinic.timezone, address: clinic.profile?.address || null, phone: clinic.profile?.phone || null },
    episode: { id: e.id, startDate: e.startDate, plannedWeeks: e.plannedWeeks, status: e.status, dischargedAt: e.dischargedAt, dischargeReason: e.dischargeReason, dischargeNote: e.dischargeNote, referralReason: e.referralReason, diagnosis: e.diagnosis, goals: e.goals, therapist: e.therapist.name },
    patient: e.patient,
    patientName: formatName(e.patient),
    visits: visits.map((v) => ({ id: v.id, at: v.startedAt ?? v.scheduledAt, status: v.status })),
    measures: episodeMeasures(points, rom),
    responses: points.length,
  };
}

export async function episodeProgress(c: Caller, episodeId: string) {
  const r = await loadEpisodeOutcomes(c.db, c.user.clinicId, episodeId);
  if (!r) throw notFound("Episode");
  await audit(c.db, actorOf(c), "episode.progress.read", { record: { type: "Episode", id: episodeId }, ip: c.ip });
  return r;
}
