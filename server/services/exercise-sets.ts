// Exercise sets: a recording of pose samples whose spec is an exercise of the library (key + version) with a dose.
// Started and annotated by the therapist; recorded, validated, finished and summarised by the one recording pipeline
// (server/services/recordings.ts), which stores a finished set as PENDING until an exercise-set summariser is
// registered (app/_shared/recording/summary.ts) and summarises it then.
import type { z } from "zod";
import { type Dose, type SetResult, getExercise, summarizeExerciseSet } from "../../app/_shared/exercises";
import type { PoseSample } from "../../app/_shared/pose/sample";
import type { annotateExerciseSetInput, ExerciseDose, ExerciseSetResult, startExerciseSetInput } from "../../app/_shared/recording/schemas";
import { type ExerciseSetContext, registerExerciseSetSummariser } from "../../app/_shared/recording/summary";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { badRequest } from "./errors";
import * as recordings from "./recordings";

export async function startSet(c: Caller, input: z.output<typeof startExerciseSetInput>) {
  if (!getExercise(input.exerciseKey, input.exerciseVersion)) throw badRequest(`Unknown exercise ${input.exerciseKey} version ${input.exerciseVersion}`);
  const visit = await recordings.visitForNewRecording(c, input.visitId);
  const set = await c.db.assessmentTrial.create({
    data: {
      visitId: visit.id, kind: "exercise", protocolKey: input.exerciseKey, protocolVersion: input.exerciseVersion, side: input.side,
      cameraView: input.cameraView, setNumber: input.setNumber, dose: input.dose, poseModel: input.poseModel,
      frameAspect: input.frameAspect ?? null, rollDeg: input.rollDeg ?? null,
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

// ---------------------------------------------------------------- the server's result (the exercise engine)

/** The recording pipeline's dose (what the therapist set) in the engine's terms; what it leaves open, the exercise's default. */
export function engineDose(d: ExerciseDose, fallback: Dose, side: ExerciseSetContext["side"]): Dose {
  return {
    ...fallback,
    sets: d.sets,
    reps: d.reps ?? (d.holdSeconds === undefined ? fallback.reps : null),
    holdS: d.holdSeconds === undefined ? null : d.holdSeconds > 0 ? Math.max(1, d.holdSeconds) : null,
    restS: d.restSeconds,
    perDay: d.timesPerDay ?? fallback.perDay,
    perSide: d.perSide || fallback.perSide,
    side: side === "LEFT" ? "left" : side === "RIGHT" ? "right" : null,
  };
}

/** Columns and summary of a set from the engine's result. */
export function toSetResult(r: SetResult, assumedAspect: boolean): ExerciseSetResult {
  const flags: string[] = [];
  if (assumedAspect) flags.push("FRAME_ASPECT_ASSUMED");
  if (r.kind === "self-reported") flags.push("SELF_REPORTED");
  if (r.kind !== "self-reported" && !r.complete) flags.push("BELOW_DOSE");
  if (r.rejected.some((x) => x.code === "tracking-lost")) flags.push("TRACKING_LOST");
  return {
    ...r,
    automaticCount: r.counts.total,
    repetitions: r.reps as unknown as Record<string, unknown>[],
    holdTimes: r.hold ? Object.values(r.hold.heldS).map((s) => s ?? 0) : [],
    flags,
  };
}

/** The exercise-set summariser: the engine's summarizeExerciseSet over the set's stored samples. */
export function summariseExerciseSet(specKey: string, specVersion: number, dose: ExerciseDose, samples: PoseSample[], context: ExerciseSetContext): ExerciseSetResult {
  const ex = getExercise(specKey, specVersion);
  if (!ex) throw new Error(`Unknown exercise ${specKey}@${specVersion}`);
  const r = summarizeExerciseSet(
    { exercise: `${ex.key}@${ex.version}`, dose: engineDose(dose, ex.dose, context.side), frameAspect: context.frameAspect ?? 4 / 3, ...(context.rollDeg !== null ? { rollDeg: context.rollDeg } : {}) },
    samples,
  );
  return toSetResult(r, context.frameAspect === null);
}

/**
 * Registers the engine as the recording pipeline's exercise-set summariser (at server start) and summarises the sets
 * that were stored PENDING before it was; returns how many it summarised.
 */
export async function registerExerciseEngine(db: Db): Promise<number> {
  registerExerciseSetSummariser(summariseExerciseSet);
  const pending = await db.assessmentTrial.findMany({ where: { kind: "exercise", status: "PENDING" }, select: { id: true, kind: true, status: true } });
  if (!pending.length) return 0;
  const done = await recordings.summarisePending(db, pending);
  return done.filter((r) => r.status === "COMPLETED").length;
}
