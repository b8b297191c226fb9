// Records that leave the app: the visit note (SOAP, signed, addenda), the rows behind FHIR and PDF
// exports, the patient-level CSV. Every function is clinic-scoped and audited.
import type { z } from "zod";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { getExercise } from "../../app/_shared/exercises/catalogue";
import type { RecordRows } from "../../app/_shared/records/fhir";
import { csvRow, isTrialSummary, objectiveText } from "../../app/_shared/records/objective";
import type { addendumInput, clinicProfileInput, saveNoteInput } from "../../app/_shared/records/schemas";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest, conflict, forbidden, notFound } from "./errors";

const trialCols = {
  id: true, visitId: true, protocolKey: true, protocolVersion: true, side: true, status: true, startedAt: true, endedAt: true,
  poseModel: true, poseModelVersion: true, summary: true, qualityFlags: true, painDuring: true, note: true,
} as const;
const noteInclude = { addenda: { orderBy: { createdAt: "asc" as const }, select: { id: true, text: true, authorId: true, createdAt: true } } };

/** Everything the exports need about one patient of one clinic; null when the patient is not the clinic's. */
export async function loadRecordRows(db: Db, clinicId: string, patientId: string): Promise<RecordRows | null> {
  const patient = await db.patient.findFirst({
    where: { id: patientId, clinicId },
    select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true, email: true, phone: true },
  });
  if (!patient) return null;
  const clinic = await db.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { id: true, name: true, profile: { select: { address: true, phone: true } } } });
  const visits = await db.visit.findMany({
    where: { patientId, clinicId }, orderBy: { scheduledAt: "asc" },
    select: { id: true, patientId: true, therapistId: true, status: true, scheduledAt: true, durationMin: true, startedAt: true, endedAt: true, reason: true },
  });
  const visitIds = visits.map((v) => v.id);
  const [trials, notes, responses] = await Promise.all([
    db.assessmentTrial.findMany({ where: { visitId: { in: visitIds } }, orderBy: { startedAt: "asc" }, select: trialCols }).then((rows) => rows.flatMap((t) => (t.visitId ? [{ ...t, visitId: t.visitId }] : []))),
    db.visitNote.findMany({ where: { visitId: { in: visitIds } }, include: noteInclude }),
    db.questionnaireResponse.findMany({
      where: { episode: { patientId, clinicId } }, orderBy: { submittedAt: "asc" },
      select: { id: true, instrument: true, version: true, answers: true, score: true, source: true, visitId: true, enteredById: true, submittedAt: true },
    }),
  ]);
  const userIds = [...new Set([...visits.map((v) => v.therapistId), ...responses.flatMap((r) => (r.enteredById ? [r.enteredById] : [])), ...notes.flatMap((n) => [n.authorId, ...(n.signedById ? [n.signedById] : []), ...n.addenda.map((a) => a.authorId)])])];
  const practitioners = await db.user.findMany({ where: { id: { in: userIds }, clinicId }, select: { id: true, name: true, email: true }, orderBy: { id: "asc" } });
  return {
    clinic: { id: clinic.id, name: clinic.name, address: clinic.profile?.address || null, phone: clinic.profile?.phone || null },
    patient, practitioners, visits, trials, notes, responses,
  };
}

async function ownVisit(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { id: true, patientId: true, therapistId: true, status: true, scheduledAt: true } });
  if (!v) throw notFound("Visit");
  return v;
}

/** Best result per protocol of the patient's latest earlier visit that measured it. */
export async function previousResults(db: Db, clinicId: string, patientId: string, before: Date): Promise<Map<string, number>> {
  const rows = await db.assessmentTrial.findMany({
    where: { status: "COMPLETED", visit: { patientId, clinicId, scheduledAt: { lt: before } } },
    orderBy: { startedAt: "asc" }, select: { protocolKey: true, summary: true },
  });
  const out = new Map<string, number>();
  for (const r of rows) if (isTrialSummary(r.summary) && r.summary.bestDeg !== null) out.set(r.protocolKey, r.summary.bestDeg);
  return out;
}

async function objectivePrefill(c: Caller, v: { id: string; patientId: string; scheduledAt: Date }) {
  const trials = await c.db.assessmentTrial.findMany({ where: { visitId: v.id }, orderBy: { startedAt: "asc" }, select: { protocolKey: true, status: true, summary: true, painDuring: true } });
  return objectiveText(trials, await previousResults(c.db, c.user.clinicId, v.patientId, v.scheduledAt));
}

const noteView = (n: Awaited<ReturnType<typeof findNote>>) => n;
function findNote(db: Db, visitId: string) {
  return db.visitNote.findUnique({
    where: { visitId },
    include: { ...noteInclude, author: { select: { name: true } }, signedBy: { select: { name: true } }, addenda: { orderBy: { createdAt: "asc" }, include: { author: { select: { name: true } } } } },
  });
}

/** The note of a visit (null if none yet) and the objective text the visit's results would give now. */
export async function getNote(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  const note = noteView(await findNote(c.db, v.id));
  await audit(c.db, actorOf(c), "note.read", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return { note, objectivePrefill: await objectivePrefill(c, v) };
}

export async function saveNote(c: Caller, input: z.output<typeof saveNoteInput>) {
  const v = await ownVisit(c, input.visitId);
  const existing = await c.db.visitNote.findUnique({ where: { visitId: v.id }, select: { id: true, signedAt: true } });
  if (existing?.signedAt) throw conflict("This note is signed and locked; add an addendum instead");
  const data = { subjective: input.subjective, objective: input.objective, assessment: input.assessment, plan: input.plan };
  // updateMany with signedAt: null closes the race with a concurrent sign
  if (existing) {
    const r = await c.db.visitNote.updateMany({ where: { id: existing.id, signedAt: null }, data });
    if (r.count === 0) throw conflict("This note is signed and locked; add an addendum instead");
  } else {
    await c.db.visitNote.create({ data: { visitId: v.id, authorId: c.user.id, ...data } });
  }
  await audit(c.db, actorOf(c), existing ? "note.update" : "note.create", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return noteView(await findNote(c.db, v.id));
}

/** Signing is the therapist's act: it locks the note. */
export async function signNote(c: Caller, visitId: string) {
  if (c.user.role !== "THERAPIST") throw forbidden("Only a therapist signs visit notes");
  const v = await ownVisit(c, visitId);
  const n = await c.db.visitNote.findUnique({ where: { visitId: v.id }, select: { id: true, signedAt: true, subjective: true, objective: true, assessment: true, plan: true } });
  if (!n) throw badRequest("Write the note before signing it");
  if (n.signedAt) throw conflict("This note is already signed");
  if (![n.subjective, n.objective, n.assessment, n.plan].some((s) => s.trim())) throw badRequest("An empty note cannot be signed");
  const r = await c.db.visitNote.updateMany({ where: { id: n.id, signedAt: null }, data: { signedAt: new Date(), signedById: c.user.id } });
  if (r.count === 0) throw conflict("This note is already signed");
  await audit(c.db, actorOf(c), "note.sign", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return noteView(await findNote(c.db, v.id));
}

export async function addAddendum(c: Caller, input: z.output<typeof addendumInput>) {
  const v = await ownVisit(c, input.visitId);
  const n = await c.db.visitNote.findUnique({ where: { visitId: v.id }, select: { id: true, signedAt: true } });
  if (!n) throw badRequest("This visit has no note yet");
  if (!n.signedAt) throw badRequest("The note is not signed yet: edit it directly");
  await c.db.visitNoteAddendum.create({ data: { noteId: n.id, text: input.text, authorId: c.user.id } });
  await audit(c.db, actorOf(c), "note.addendum", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return noteView(await findNote(c.db, v.id));
}

export const PATIENT_CSV_COLUMNS = [
  "visit_id", "visit_date", "trial_id", "protocol", "protocol_version", "side", "status", "started_at", "ended_at",
  "primary_measure", "best_deg", "mean_deg", "rep_count", "rep_peaks_deg", "hold_mean_deg", "hold_sd_deg",
  "normal_min_deg", "normal_max_deg", "vs_normal", "pain_nprs", "valid_fraction", "mean_confidence", "duration_ms",
  "quality_flags", "pose_model", "pose_model_version", "note",
  // exercise sets (kind "exercise"; empty for assessment trials): where it was done, the dose, the server's count
  // beside the therapist's corrected count, the hold time, effort
  "kind", "place", "set_number", "dose", "automatic_count", "corrected_count", "hold_s", "effort_borg",
] as const;

/** One row per saved trial with its stored summary (discarded trials left out). */
export async function patientCsv(c: Caller, patientId: string): Promise<{ filename: string; csv: string }> {
  const p = await c.db.patient.findFirst({ where: { id: patientId, clinicId: c.user.clinicId }, select: { id: true, lastName: true, recordNumber: true } });
  if (!p) throw notFound("Patient");
  // every trial and exercise set of the patient: in a visit, or practised at home (a home session of an episode)
  const trials = await c.db.assessmentTrial.findMany({
    where: {
      status: { not: "DISCARDED" },
      OR: [{ visit: { patientId: p.id, clinicId: c.user.clinicId } }, { homeSession: { episode: { patientId: p.id, clinicId: c.user.clinicId } } }],
    },
    orderBy: { startedAt: "asc" },
    select: {
      ...trialCols, kind: true, setNumber: true, dose: true, automaticCount: true, correctedCount: true, holdTimes: true, effort: true, repetitions: true,
      visit: { select: { scheduledAt: true, startedAt: true } },
    },
  });
  const lines = [csvRow(PATIENT_CSV_COLUMNS)];
  for (const t of trials) {
    const set = t.kind === "exercise";
    const s = !set && isTrialSummary(t.summary) ? t.summary : null;
    const flags = Array.isArray(t.qualityFlags) ? (t.qualityFlags as unknown[]).join(" ") : "";
    const holds = Array.isArray(t.holdTimes) ? (t.holdTimes as unknown[]).filter((x): x is number => typeof x === "number") : [];
    const reps = set && Array.isArray(t.repetitions) ? (t.repetitions as { romDeg?: unknown }[]) : [];
    const title = set ? (getExercise(t.protocolKey, t.protocolVersion)?.title ?? t.protocolKey) : (protocolByKey(t.protocolKey)?.title ?? t.protocolKey);
    const when = t.visit ? (t.visit.startedAt ?? t.visit.scheduledAt) : t.startedAt;
    lines.push(csvRow([
      t.visitId ?? "", when.toISOString().slice(0, 10), t.id, title,
      t.protocolVersion, t.side ?? "", t.status, t.startedAt, t.endedAt ?? "",
      s?.primary ?? "", s?.bestDeg ?? "", s?.meanDeg ?? "", s ? s.reps.length : set ? reps.length : "",
      s ? s.reps.map((r) => r.peakDeg).join(" ") : reps.map((r) => (typeof r.romDeg === "number" ? Math.round(r.romDeg * 10) / 10 : "")).join(" "),
      s?.hold?.meanDeg ?? "", s?.hold?.sdDeg ?? "", s?.normal?.min ?? "", s?.normal?.max ?? "", s?.vsNormal ?? "",
      t.painDuring ?? "", s?.validFraction ?? "", s?.meanConfidence ?? "", s?.durationMs ?? "", flags, t.poseModel, t.poseModelVersion, t.note,
      t.kind, t.visitId ? "visit" : "home", t.setNumber ?? "", set && t.dose ? JSON.stringify(t.dose) : "", t.automaticCount ?? "", t.correctedCount ?? "",
      holds.length ? holds.map((h) => Math.round(h * 10) / 10).join(" ") : "", t.effort ?? "",
    ]));
  }
  await audit(c.db, actorOf(c), "patient.export.csv", { record: { type: "Patient", id: p.id }, ip: c.ip, detail: { rows: trials.length } });
  const name = (p.recordNumber ?? p.lastName).replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40) || "patient";
  return { filename: `posevisit-${name}-trials.csv`, csv: `${lines.join("\r\n")}\r\n` };
}

export async function getClinicProfile(c: Caller) {
  const clinic = await c.db.clinic.findUniqueOrThrow({ where: { id: c.user.clinicId }, select: { name: true, profile: { select: { address: true, phone: true } } } });
  return { name: clinic.name, address: clinic.profile?.address ?? "", phone: clinic.profile?.phone ?? "" };
}

export async function setClinicProfile(c: Caller, input: z.output<typeof clinicProfileInput>) {
  await c.db.clinicProfile.upsert({ where: { clinicId: c.user.clinicId }, create: { clinicId: c.user.clinicId, ...input }, update: input });
  await audit(c.db, actorOf(c), "clinic.profile.update", { record: { type: "Clinic", id: c.user.clinicId }, ip: c.ip });
  return getClinicProfile(c);
}
