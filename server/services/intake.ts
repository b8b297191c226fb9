// The intake of an episode (issue 17): the therapist sends an intake link (email through mail.ts, and shown once for
// copying), lists and revokes links, makes a new one (it replaces the old); the patient opens /intake/<token> with no
// sign-in, answers the form (intakeForm), and the server evaluates the red flags (evaluateIntake; the server's result
// is the record), stores the submission, completes the link and appends the red-flag event to the alert engine. The
// patient is told the tier's message at once (PATIENT_MESSAGES: advice, never a diagnosis).
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { redFlagEvent } from "../../app/_shared/care/alerts";
import type { sendIntakeLinkInput } from "../../app/_shared/care/episodes";
import { ageOn, evaluateIntake, INTAKE_FORM_VERSION, PATIENT_MESSAGES, RED_FLAG_VERSION, type IntakeForm, type Tier } from "../../app/_shared/care/red-flags";
import { formatName } from "../../app/_shared/format";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { appendCareEvents } from "./alerts";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, notFound } from "./errors";
import { sendMail } from "./mail";
import { checkLink, completeLink, issueLink, LINK_PROBLEM_MESSAGES, linkState, requireLink, revokeLink, linkActor } from "./patient-links";
import { resolveJoinToken } from "./visits";

const linkSelect = { id: true, purpose: true, createdAt: true, expiresAt: true, revokedAt: true, usedAt: true, completedAt: true, createdById: true } as const;

async function ownActiveEpisode(c: Caller, episodeId: string) {
  const e = await c.db.episode.findFirst({
    where: { id: episodeId, clinicId: c.user.clinicId },
    select: { id: true, clinicId: true, status: true, therapist: { select: { name: true } }, patient: { select: { firstName: true, lastName: true, email: true } } },
  });
  if (!e) throw notFound("Episode");
  if (e.status !== "ACTIVE") throw badRequest("This episode was discharged; its links no longer work");
  return e;
}

/** The email a patient receives with their intake link (plain words; no clinical detail). */
export function intakeLinkMessage(p: { patientName: string; clinicName: string; therapistName: string; url: string; expiresAt: Date; timeZone: string }) {
  const until = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: p.timeZone }).format(p.expiresAt);
  return {
    subject: `${p.clinicName}: your intake form before your first visit`,
    text: [
      `Dear ${p.patientName},`,
      "",
      `${p.therapistName} at ${p.clinicName} asks you to fill in a short form about your back pain before your first visit. It takes about 10 minutes and needs no account.`,
      "",
      `Open the form: ${p.url}`,
      "",
      `The link works until ${until} and only for you; please do not forward it.`,
      "If you have new difficulty passing urine or controlling your bladder or bowels, numbness around your bottom or genitals, or your legs get weaker, seek emergency care straight away.",
      "",
      p.clinicName,
    ].join("\n"),
  };
}

/**
 * Makes a new intake link for the episode (the old open one stops working) and, unless `email` is false, emails it
 * to the patient's address (or `to`). The token comes back once, for copying; only its hash is stored.
 */
export async function sendIntakeLink(c: Caller, input: z.output<typeof sendIntakeLinkInput>) {
  const e = await ownActiveEpisode(c, input.episodeId);
  const to = input.to ?? e.patient.email ?? null;
  const origin = c.env.PUBLIC_ORIGIN ?? input.origin;
  // everything checked before the link is made: a refused call changes nothing
  if (input.email && !to) throw new TRPCError({ code: "BAD_REQUEST", message: "No email address on file for this patient: enter one, or make the link without email and copy it", cause: { field: "to" } });
  if (input.email && !origin) throw badRequest("The app's public address is not known (set PUBLIC_ORIGIN)");
  if (await c.db.intakeSubmission.count({ where: { episodeId: e.id } })) throw badRequest("The intake of this episode has already been filled in");
  const issued = await issueLink(c.db, c.env, { clinicId: e.clinicId, episodeId: e.id, purpose: "INTAKE", createdById: c.user.id });
  let mail: { id: string; status: string; to: string; error?: string } | null = null;
  if (input.email && to && origin) {
    const clinic = await c.db.clinic.findUniqueOrThrow({ where: { id: e.clinicId }, select: { name: true, timezone: true } });
    const msg = intakeLinkMessage({ patientName: formatName(e.patient), clinicName: clinic.name, therapistName: e.therapist.name, url: `${origin.replace(/\/$/, "")}${issued.path}`, expiresAt: issued.link.expiresAt, timeZone: clinic.timezone || "UTC" });
    const r = await sendMail(c.db, c.env, { clinicId: e.clinicId, to, subject: msg.subject, text: msg.text, purpose: "intake-link" });
    mail = { id: r.id, status: r.status, to, ...(r.error ? { error: r.error } : {}) };
  }
  await audit(c.db, actorOf(c), "intake.link.send", { record: { type: "Episode", id: e.id }, ip: c.ip, detail: { linkId: issued.link.id, emailed: !!mail, mailStatus: mail?.status ?? null, replaced: issued.replaced } });
  return { linkId: issued.link.id, path: issued.path, expiresAt: issued.link.expiresAt, replaced: issued.replaced, mail };
}

export async function listIntakeLinks(c: Caller, episodeId: string) {
  const e = await c.db.episode.findFirst({ where: { id: episodeId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!e) throw notFound("Episode");
  const rows = await c.db.patientLink.findMany({ where: { episodeId: e.id, purpose: "INTAKE" }, orderBy: { createdAt: "desc" }, select: linkSelect });
  const now = new Date();
  return rows.map((l) => ({ ...l, state: linkState(l, now) }));
}

export async function revokeIntakeLink(c: Caller, linkId: string) {
  const l = await c.db.patientLink.findFirst({ where: { id: linkId, clinicId: c.user.clinicId, purpose: "INTAKE" }, select: { id: true, episodeId: true, revokedAt: true, completedAt: true } });
  if (!l) throw notFound("Link");
  if (l.revokedAt) throw badRequest("This link is already revoked");
  if (l.completedAt) throw badRequest("This link was used: the intake is in; there is nothing to revoke");
  if (!(await revokeLink(c.db, c.user.clinicId, l.id))) throw badRequest("This link is already revoked");
  await audit(c.db, actorOf(c), "intake.link.revoke", { record: { type: "Episode", id: l.episodeId }, ip: c.ip, detail: { linkId: l.id } });
  return { ok: true as const };
}

// ---------------------------------------------------------------------------------------------
// The patient's side (no sign-in: the link is the credential)
// ---------------------------------------------------------------------------------------------


/** What the intake page shows before the form: who asks, until when. Never throws for a bad token. */
export async function intakeInfo(db: Db, env: Env, token: string) {
  const r = await checkLink(db, env, token, "INTAKE");
  if (!r.ok) return { ok: false as const, problem: r.problem, message: LINK_PROBLEM_MESSAGES[r.problem] };
  const e = await db.episode.findUniqueOrThrow({ where: { id: r.link.episodeId }, select: { clinic: { select: { name: true } }, therapist: { select: { name: true } }, patient: { select: { firstName: true } } } });
  return { ok: true as const, clinicName: e.clinic.name, therapistName: e.therapist.name, firstName: e.patient.firstName, expiresAt: r.link.expiresAt };
}

const today = (timeZone: string, now: Date) => {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
};

/**
 * Stores a validated intake: the link is completed (single use: a second tab is refused) in the same transaction as
 * the submission, so there is never a submission without its link closed, nor a closed link without a submission.
 * The red-flag event then goes to the alert engine; the patient's message does not wait on it.
 */
export async function submitIntake(db: Db, env: Env, token: string, form: IntakeForm, ip: string | null = null, log: (m: string) => void = (m) => console.error(m)) {
  const link = await requireLink(db, env, token, "INTAKE");
  const episode = await db.episode.findUniqueOrThrow({ where: { id: link.episodeId }, select: { id: true, timeZone: true, patient: { select: { dateOfBirth: true } } } });
  const now = new Date();
  const age = ageOn(episode.patient.dateOfBirth.toISOString().slice(0, 10), today(episode.timeZone, now));
  const evaluation = evaluateIntake(form, age);
  const submission = await db.$transaction(async (tx) => {
    if (!(await completeLink(tx as unknown as Db, link.id, now))) throw new TRPCError({ code: "FORBIDDEN", message: LINK_PROBLEM_MESSAGES.completed });
    // other open intake links of the episode (e.g. one opened from the join page) have done their job too
    await tx.patientLink.updateMany({ where: { episodeId: episode.id, purpose: "INTAKE", id: { not: link.id }, revokedAt: null, completedAt: null }, data: { revokedAt: now } });
    return tx.intakeSubmission.create({
      data: { episodeId: episode.id, linkId: link.id, formVersion: INTAKE_FORM_VERSION, answers: form as object, redFlagVersion: RED_FLAG_VERSION, tier: evaluation.tier, evaluation: evaluation as object, submittedAt: now },
      select: { id: true, tier: true, submittedAt: true },
    });
  });
  await audit(db, linkActor(link), "intake.submit", { record: { type: "Episode", id: episode.id }, ip, detail: { submissionId: submission.id, tier: evaluation.tier, redFlagVersion: RED_FLAG_VERSION } });
  try {
    await appendCareEvents(db, episode.id, [redFlagEvent(`intake:${submission.id}`, now.toISOString(), evaluation)]);
  } catch (e) {
    // the gate reads the stored submission, so exercise stays blocked; the alert is re-derivable from the event id
    log(`[intake] alert append failed for episode ${episode.id}: ${e instanceof Error ? e.stack : String(e)}`);
  }
  return { tier: evaluation.tier as Tier, message: PATIENT_MESSAGES[evaluation.tier], exerciseBlocked: evaluation.exerciseBlocked };
}

/** The visit's episode still waits for its intake: a link was sent and is open, and nothing was submitted. */
async function pendingIntake(db: Db, env: Env, joinToken: string) {
  const r = await resolveJoinToken(db, env.SESSION_SECRET, joinToken);
  if (!r.ok) return null;
  const v = await db.visit.findUnique({ where: { id: r.visit.id }, select: { id: true, episodeId: true, clinicId: true } });
  if (!v?.episodeId) return null;
  const [open, submitted] = await Promise.all([
    db.patientLink.findFirst({ where: { episodeId: v.episodeId, purpose: "INTAKE", revokedAt: null, completedAt: null, expiresAt: { gt: new Date() }, episode: { status: "ACTIVE" } }, orderBy: { expiresAt: "desc" }, select: { expiresAt: true } }),
    db.intakeSubmission.count({ where: { episodeId: v.episodeId } }),
  ]);
  return open && !submitted ? { visitId: v.id, clinicId: v.clinicId, episodeId: v.episodeId, expiresAt: open.expiresAt } : null;
}

/** The join page asks whether to show its "fill in your intake form first" step (no side effect). */
export async function joinIntakePending(db: Db, env: Env, joinToken: string) {
  return { pending: !!(await pendingIntake(db, env, joinToken)) };
}

/**
 * The patient holding the visit link asks for the intake form from the join page: they get an intake link of their
 * own (the emailed one keeps working; whichever is submitted first closes the other), expiring with the open one.
 */
export async function intakeFromJoin(db: Db, env: Env, joinToken: string) {
  const p = await pendingIntake(db, env, joinToken);
  if (!p) throw new TRPCError({ code: "NOT_FOUND", message: "There is no intake form waiting for this visit" });
  const issued = await issueLink(db, env, { clinicId: p.clinicId, episodeId: p.episodeId, purpose: "INTAKE", replace: false, expiresAt: p.expiresAt });
  await audit(db, { kind: "patient", visitId: p.visitId, clinicId: p.clinicId }, "intake.link.join", { record: { type: "Episode", id: p.episodeId }, detail: { linkId: issued.link.id } });
  return { path: issued.path };
}
