// Exercise sets: a recording of pose samples whose spec is an exercise of the library (key + version) with a dose.
// Started and annotated by the therapist; recorded, validated, finished and summarised by the one recording pipeline
// (server/services/recordings.ts), which stores a finished set as PENDING until an exercise-set summariser is
// registered (app/_shared/recording/summary.ts) and summarises it then.
import type { z } from "zod";
import type { annotateExerciseSetInput, startExerciseSetInput } from "../../app/_shared/recording/schemas";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest } from "./errors";
import * as recordings from "./recordings";

export async function startSet(c: Caller, input: z.output<typeof startExerciseSetInput>) {
  const visit = await recordings.visitForNewRecording(c, input.visitId);
  const set = await c.db.assessmentTrial.create({
    data: {
      visitId: visit.id, kind: "exercise", protocolKey: input.exerciseKey, protocolVersion: input.exerciseVersion, side: input.side,
      cameraView: input.cameraView, setNumber: input.setNumber, dose: input.dose, poseModel: input.poseModel,
      poseModelVersion: input.poseModelVersion, qualityFlags: [],
    },
    select: recordings.recordingSelect,
  });
  await audit(c.db, actorOf(c), "set.start", { record: { type: "AssessmentTrial", id: set.id }, ip: c.ip, detail: { exercise: input.exerciseKey, version: input.exerciseVersion, set: input.setNumber } });
  return set;
}

/**
 * After the set: pain, effort, a note, and the therapist's count beside the automatic one. The count is kept as the
 * therapist's corrections (a repetition not counted, one added) and the count they give. Once the server has counted
 * the set, corrections without a count are applied to the server's automatic count (its number is the record).
 */
export async function annotateSet(c: Caller, input: z.output<typeof annotateExerciseSetInput>) {
  const s = await recordings.ownRecording(c, input.trialId, "exercise");
  if (s.status === "DISCARDED") throw badRequest("This exercise set was discarded");
  let correctedCount = input.correctedCount;
  if (input.corrections !== undefined) {
    const removed = input.corrections.flatMap((x) => (x.action === "remove" ? [x.rep] : []));
    if (new Set(removed).size !== removed.length) throw badRequest("Each repetition can be marked as not counted only once");
    const counted = s.automaticCount;
    if (s.status === "COMPLETED" && counted !== null) {
      const beyond = removed.find((r) => r > counted);
      if (beyond !== undefined) throw badRequest(`Repetition ${beyond} was not counted: the set has ${counted}`);
      if (correctedCount === undefined) correctedCount = input.corrections.length ? counted - removed.length + (input.corrections.length - removed.length) : null;
    }
  }
  const updated = await c.db.assessmentTrial.update({
    where: { id: s.id },
    data: {
      ...(input.painDuring !== undefined ? { painDuring: input.painDuring } : {}),
      ...(input.effort !== undefined ? { effort: input.effort } : {}),
      ...(input.note !== undefined ? { note: input.note } : {}),
      ...(correctedCount !== undefined ? { correctedCount } : {}),
      ...(input.corrections !== undefined ? { corrections: input.corrections } : {}),
    },
    select: recordings.recordingSelect,
  });
  await audit(c.db, actorOf(c), "set.annotate", { record: { type: "AssessmentTrial", id: s.id }, ip: c.ip, detail: { correctedCount: updated.correctedCount, automaticCount: updated.automaticCount } });
  return updated;
}

export const stopSet = (c: Caller, id: string) => recordings.stopRecording(c, id, "exercise");
export const completeSet = (c: Caller, id: string) => recordings.completeRecording(c, id, "exercise");
export const discardSet = (c: Caller, id: string) => recordings.discardRecording(c, id, "exercise");
export const getSet = (c: Caller, id: string) => recordings.getRecording(c, id, "exercise");
export const visitSets = (c: Caller, visitId: string) => recordings.visitRecordings(c, "exercise", visitId);
export const patientSets = (c: Caller, patientId: string) => recordings.patientRecordings(c, "exercise", patientId);
