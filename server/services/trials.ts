// Assessment trials: started by the therapist, recorded through the one recording pipeline
// (server/services/recordings.ts: chunk upload, validation, finish, summary), annotated with pain and a note.
import type { z } from "zod";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import type { annotateTrialInput, startTrialInput } from "../../app/_shared/assessments/schemas";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import * as recordings from "./recordings";

const { recordingSelect: trialSelect } = recordings;

export async function startTrial(c: Caller, input: z.output<typeof startTrialInput>) {
  const visit = await recordings.visitForNewRecording(c, input.visitId);
  const p = protocolByKey(input.protocolKey)!;
  const t = await c.db.assessmentTrial.create({
    data: {
      visitId: visit.id, kind: "assessment", protocolKey: p.key, protocolVersion: p.version, side: p.side, cameraView: p.view,
      poseModel: input.poseModel, poseModelVersion: input.poseModelVersion, qualityFlags: p.estimate ? ["ESTIMATE"] : [],
    },
    select: trialSelect,
  });
  await audit(c.db, actorOf(c), "trial.start", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip, detail: { protocol: p.key } });
  return t;
}

// The pipeline's steps, for trials (kind-agnostic: a trial id or a set id both work).
export const uploadChunk = recordings.uploadChunk;
export const finishTrial = recordings.finishRecording;
export const completeTrial = (c: Caller, trialId: string) => recordings.completeRecording(c, trialId);
export const stopTrial = (c: Caller, trialId: string) => recordings.stopRecording(c, trialId);
export const discardTrial = (c: Caller, trialId: string) => recordings.discardRecording(c, trialId);
export const getTrial = (c: Caller, trialId: string) => recordings.getRecording(c, trialId);

export async function annotateTrial(c: Caller, input: z.output<typeof annotateTrialInput>) {
  const t = await recordings.ownRecording(c, input.trialId, "assessment");
  const updated = await c.db.assessmentTrial.update({
    where: { id: t.id },
    data: { ...(input.painDuring !== undefined ? { painDuring: input.painDuring } : {}), ...(input.note !== undefined ? { note: input.note } : {}) },
    select: trialSelect,
  });
  await audit(c.db, actorOf(c), "trial.annotate", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return updated;
}

/** Every saved trial of a patient, oldest visit first, for the record and progress charts (exercise sets not included). */
export const patientTrials = (c: Caller, patientId: string) => recordings.patientRecordings(c, "assessment", patientId);
export const visitTrials = (c: Caller, visitId: string) => recordings.visitRecordings(c, "assessment", visitId);
