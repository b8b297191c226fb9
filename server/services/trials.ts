// Assessment trials: started by the therapist, fed by the patient's browser in idempotent chunks of
// packed pose samples, summarised by the server from what is stored.
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import type { annotateTrialInput, finishTrialInput, startTrialInput, uploadChunkInput } from "../../app/_shared/assessments/schemas";
import { MAX_SAMPLES_PER_CHUNK } from "../../app/_shared/assessments/schemas";
import { summarize } from "../../app/_shared/assessments/summary";
import { base64ToBytes, SAMPLE_BYTES, unpackSamples, type PoseSample } from "../../app/_shared/pose/sample";
import { isUniqueViolation, type Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { tokenHash } from "./crypto";
import { badRequest, conflict, notFound } from "./errors";

/** After a visit ends, the patient's browser may still flush buffered samples for this long. */
const LATE_UPLOAD_MS = 15 * 60_000;

const trialSelect = {
  id: true, visitId: true, protocolKey: true, protocolVersion: true, side: true, cameraView: true, status: true,
  startedAt: true, endedAt: true, poseModel: true, poseModelVersion: true, summary: true, qualityFlags: true,
  painDuring: true, note: true,
} as const;

async function ownTrial(c: Caller, trialId: string) {
  const t = await c.db.assessmentTrial.findFirst({ where: { id: trialId, visit: { clinicId: c.user.clinicId } }, select: { ...trialSelect, visit: { select: { patientId: true, therapistId: true, status: true } } } });
  if (!t) throw notFound("Trial");
  return t;
}

export async function startTrial(c: Caller, input: z.output<typeof startTrialInput>) {
  const visit = await c.db.visit.findFirst({ where: { id: input.visitId, clinicId: c.user.clinicId } });
  if (!visit) throw notFound("Visit");
  if (visit.status !== "IN_PROGRESS") throw badRequest("Assessments run during a visit that is in progress");
  const p = protocolByKey(input.protocolKey)!;
  const open = await c.db.assessmentTrial.findFirst({ where: { visitId: visit.id, status: "RECORDING", endedAt: null } });
  if (open) throw conflict("Stop or discard the current recording first");
  const t = await c.db.assessmentTrial.create({
    data: {
      visitId: visit.id, protocolKey: p.key, protocolVersion: p.version, side: p.side, cameraView: p.view,
      poseModel: input.poseModel, poseModelVersion: input.poseModelVersion, qualityFlags: p.estimate ? ["ESTIMATE"] : [],
    },
    select: trialSelect,
  });
  await audit(c.db, actorOf(c), "trial.start", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip, detail: { protocol: p.key } });
  return t;
}

/** The trial, if the join token belongs to its visit and the visit still accepts samples. */
async function patientTrial(db: Db, secret: string, token: string, trialId: string) {
  const visit = await db.visit.findUnique({
    where: { joinTokenHash: tokenHash(secret, token) },
    select: { id: true, clinicId: true, status: true, endedAt: true, joinExpiresAt: true, joinRevokedAt: true },
  });
  const lateOk = visit?.status === "ENDED" && visit.endedAt && Date.now() - visit.endedAt.getTime() < LATE_UPLOAD_MS;
  if (!visit || (!lateOk && (visit.status !== "IN_PROGRESS" || visit.joinRevokedAt || visit.joinExpiresAt.getTime() < Date.now())))
    throw new TRPCError({ code: "UNAUTHORIZED", message: "This visit link does not allow uploads" });
  const trial = await db.assessmentTrial.findFirst({ where: { id: trialId, visitId: visit.id }, select: { id: true, status: true, protocolKey: true } });
  if (!trial) throw notFound("Trial");
  return { visit, trial };
}

function decodeChunk(input: { samples: string; startMs: number }): { bytes: Uint8Array; samples: PoseSample[] } {
  const bytes = base64ToBytes(input.samples);
  if (bytes.length === 0 || bytes.length % SAMPLE_BYTES !== 0) throw badRequest(`Samples must be a whole number of ${SAMPLE_BYTES}-byte records`);
  const samples = unpackSamples(bytes);
  if (samples.length > MAX_SAMPLES_PER_CHUNK) throw badRequest(`At most ${MAX_SAMPLES_PER_CHUNK} samples per chunk`);
  if (Math.abs(samples[0]!.t - input.startMs) > 1) throw badRequest("startMs does not match the first sample");
  for (let i = 1; i < samples.length; i++) if (samples[i]!.t <= samples[i - 1]!.t) throw badRequest("Sample times must increase");
  return { bytes, samples };
}

export async function uploadChunk(db: Db, secret: string, input: z.output<typeof uploadChunkInput>) {
  const { trial } = await patientTrial(db, secret, input.token, input.trialId);
  const { bytes, samples } = decodeChunk(input);
  const existing = await db.angleSampleChunk.findUnique({ where: { trialId_seq: { trialId: trial.id, seq: input.seq } } });
  if (existing) {
    // A retried upload: accepted once, identical bytes only.
    if (Buffer.compare(Buffer.from(existing.samples), Buffer.from(bytes)) !== 0) throw conflict(`Chunk ${input.seq} was already stored with other samples`);
    return { stored: false, duplicate: true, seq: input.seq };
  }
  if (trial.status !== "RECORDING") throw badRequest(`This trial is ${trial.status.toLowerCase()} and takes no more samples`);
  // Time must run forward across neighbouring chunks too.
  const [prev, next] = await Promise.all([
    input.seq > 0 ? db.angleSampleChunk.findUnique({ where: { trialId_seq: { trialId: trial.id, seq: input.seq - 1 } }, select: { samples: true } }) : null,
    db.angleSampleChunk.findUnique({ where: { trialId_seq: { trialId: trial.id, seq: input.seq + 1 } }, select: { startMs: true } }),
  ]);
  if (prev) {
    const p = unpackSamples(new Uint8Array(prev.samples));
    if (p[p.length - 1]!.t >= samples[0]!.t) throw badRequest("Chunk is out of order: its samples start before the previous chunk ends");
  }
  if (next && next.startMs <= samples[samples.length - 1]!.t) throw badRequest("Chunk is out of order: its samples end after the next chunk starts");
  try {
    await db.angleSampleChunk.create({
      data: { trialId: trial.id, seq: input.seq, startMs: samples[0]!.t, rateHz: input.rateHz, sampleCount: samples.length, samples: Buffer.from(bytes) },
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { stored: false, duplicate: true, seq: input.seq }; // a concurrent retry won
    throw e;
  }
  return { stored: true, duplicate: false, seq: input.seq };
}

function storedChunks(db: Db, trialId: string) {
  return db.angleSampleChunk.findMany({ where: { trialId }, orderBy: { seq: "asc" }, select: { seq: true, samples: true } });
}

async function computeAndComplete(db: Db, trialId: string, protocolKey: string, incomplete: boolean) {
  const samples = (await storedChunks(db, trialId)).flatMap((ch) => unpackSamples(new Uint8Array(ch.samples)));
  const summary = summarize(samples, protocolByKey(protocolKey)!, { incomplete });
  return db.assessmentTrial.update({
    where: { id: trialId },
    data: { status: "COMPLETED", endedAt: new Date(), summary: summary as never, qualityFlags: summary.flags },
    select: trialSelect,
  });
}

/** The patient's browser says it has uploaded chunks 0..chunkCount-1; the server checks and summarises. */
export async function finishTrial(db: Db, secret: string, input: z.output<typeof finishTrialInput>) {
  const { trial, visit } = await patientTrial(db, secret, input.token, input.trialId);
  if (trial.status === "DISCARDED") return { status: "DISCARDED" as const };
  if (trial.status === "COMPLETED") return { status: "COMPLETED" as const, summary: (await db.assessmentTrial.findUniqueOrThrow({ where: { id: trial.id } })).summary };
  const seqs = new Set((await db.angleSampleChunk.findMany({ where: { trialId: trial.id }, select: { seq: true } })).map((c) => c.seq));
  const missing: number[] = [];
  for (let i = 0; i < input.chunkCount; i++) if (!seqs.has(i)) missing.push(i);
  if (missing.length) throw badRequest(`Chunks not received yet: ${missing.slice(0, 20).join(", ")}`);
  if (seqs.size > input.chunkCount) throw badRequest(`More chunks are stored (${seqs.size}) than reported (${input.chunkCount})`);
  const done = await computeAndComplete(db, trial.id, trial.protocolKey, false);
  await audit(db, { kind: "patient", visitId: visit.id, clinicId: visit.clinicId }, "trial.finish", { record: { type: "AssessmentTrial", id: trial.id } });
  return { status: done.status, summary: done.summary };
}

/** Therapist: stop now with what has arrived (the patient may still be flushing; then INCOMPLETE). */
export async function completeTrial(c: Caller, trialId: string) {
  const t = await ownTrial(c, trialId);
  if (t.status === "COMPLETED") return t;
  if (t.status === "DISCARDED") throw badRequest("This trial was discarded");
  const done = await computeAndComplete(c.db, t.id, t.protocolKey, true);
  await audit(c.db, actorOf(c), "trial.complete", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return done;
}

/** Therapist: marks the end of recording; the trial completes when the patient's browser has flushed. */
export async function stopTrial(c: Caller, trialId: string) {
  const t = await ownTrial(c, trialId);
  if (t.status !== "RECORDING") return t;
  return c.db.assessmentTrial.update({ where: { id: t.id }, data: { endedAt: t.endedAt ?? new Date() }, select: trialSelect });
}

export async function discardTrial(c: Caller, trialId: string) {
  const t = await ownTrial(c, trialId);
  const [, updated] = await c.db.$transaction([
    c.db.angleSampleChunk.deleteMany({ where: { trialId: t.id } }),
    c.db.assessmentTrial.update({ where: { id: t.id }, data: { status: "DISCARDED", endedAt: t.endedAt ?? new Date(), summary: undefined }, select: trialSelect }),
  ]);
  await audit(c.db, actorOf(c), "trial.discard", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return updated;
}

export async function annotateTrial(c: Caller, input: z.output<typeof annotateTrialInput>) {
  const t = await ownTrial(c, input.trialId);
  const updated = await c.db.assessmentTrial.update({
    where: { id: t.id },
    data: { ...(input.painDuring !== undefined ? { painDuring: input.painDuring } : {}), ...(input.note !== undefined ? { note: input.note } : {}) },
    select: trialSelect,
  });
  await audit(c.db, actorOf(c), "trial.annotate", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return updated;
}

/** A trial with its samples (packed, base64: the browser unpacks them with the shared code). */
export async function getTrial(c: Caller, trialId: string) {
  const t = await ownTrial(c, trialId);
  const chunks = await storedChunks(c.db, t.id);
  await audit(c.db, actorOf(c), "trial.read", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return { ...t, chunkSeqs: chunks.map((ch) => ch.seq), samples: Buffer.concat(chunks.map((ch) => Buffer.from(ch.samples))).toString("base64") };
}

/** Every saved trial of a patient, oldest visit first, for the record and progress charts. */
export async function patientTrials(c: Caller, patientId: string) {
  const p = await c.db.patient.findFirst({ where: { id: patientId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!p) throw notFound("Patient");
  return c.db.assessmentTrial.findMany({
    where: { visit: { patientId: p.id, clinicId: c.user.clinicId }, status: { not: "DISCARDED" } },
    orderBy: [{ startedAt: "asc" }],
    select: { ...trialSelect, visit: { select: { id: true, scheduledAt: true, startedAt: true } } },
  });
}

export async function visitTrials(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!v) throw notFound("Visit");
  return c.db.assessmentTrial.findMany({ where: { visitId: v.id }, orderBy: { startedAt: "asc" }, select: trialSelect });
}
