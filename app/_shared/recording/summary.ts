// One summariser entry point for every recording: it dispatches on the recording's kind and spec.
//   assessment -> app/_shared/assessments/summary.ts (protocol from the versioned catalogue)
//   exercise   -> the exercise-set summariser registered with registerExerciseSetSummariser (the exercise engine,
//                 app/_shared/exercises/summary.ts). Until one is registered, a finished set is stored with all its
//                 samples and status PENDING; it is summarised the next time it is read or finished after registration.
import { protocolByKey } from "../assessments/catalogue";
import { summarize } from "../assessments/summary";
import type { z } from "zod";
import type { PoseSample } from "../pose/sample";
import { exerciseDoseSchema, exerciseSetResultSchema, type ExerciseDose, type ExerciseSetResult, type RecordingKind } from "./schemas";

/**
 * What a set's result depends on besides its spec, dose and samples: the camera frame's aspect ratio (width / height,
 * needed to turn normalised landmarks into angles), the calibration's camera roll, and the side of a one-side-per-set
 * exercise. Stored with the set when it starts.
 */
export interface ExerciseSetContext {
  /** null: not stored (sets started before it was); the summariser then assumes 4:3 and says so in the flags */
  frameAspect: number | null;
  rollDeg: number | null;
  side: "LEFT" | "RIGHT" | null;
}

/** The slot the exercise engine fills: the set's result from its stored samples (the server's number is the record). */
export type ExerciseSetSummariser = (specKey: string, specVersion: number, dose: ExerciseDose, samples: PoseSample[], context: ExerciseSetContext) => ExerciseSetResult;

let exerciseSummariser: ExerciseSetSummariser | null = null;
/** Registers (or, with null, removes) the exercise-set summariser; returns the one it replaced. */
export function registerExerciseSetSummariser(fn: ExerciseSetSummariser | null): ExerciseSetSummariser | null {
  const was = exerciseSummariser;
  exerciseSummariser = fn;
  return was;
}
export const hasExerciseSetSummariser = () => exerciseSummariser !== null;

export interface RecordingSpec {
  kind: RecordingKind | string;
  specKey: string;
  specVersion: number;
  /** exercise sets: the stored dose (JSON) */
  dose?: unknown;
  /** exercise sets: frame aspect, camera roll and side (exerciseContextOf) */
  context?: ExerciseSetContext;
}

const finiteOrNull = (v: unknown, min: number, max: number) => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max ? v : null);

/** The context of a stored set, from its row (its frameAspect, rollDeg and side columns). */
export function exerciseContextOf(row: { side?: string | null; frameAspect?: number | null; rollDeg?: number | null }): ExerciseSetContext {
  return {
    frameAspect: finiteOrNull(row.frameAspect, 0.2, 5),
    rollDeg: finiteOrNull(row.rollDeg, -45, 45),
    side: row.side === "LEFT" || row.side === "RIGHT" ? row.side : null,
  };
}

export type SummaryOutcome =
  | { status: "COMPLETED"; summary: Record<string, unknown>; flags: string[]; exercise?: ExerciseColumns }
  | { status: "PENDING"; reason: string };
type ExerciseColumns = { automaticCount: number; repetitions: unknown[]; holdTimes: number[] };

export function summariseRecording(spec: RecordingSpec, samples: PoseSample[], opts: { incomplete: boolean }): SummaryOutcome {
  if (spec.kind === "assessment") {
    const protocol = protocolByKey(spec.specKey);
    if (!protocol) throw new Error(`Unknown assessment protocol ${spec.specKey}`);
    const s = summarize(samples, protocol, { incomplete: opts.incomplete });
    return { status: "COMPLETED", summary: s as unknown as Record<string, unknown>, flags: s.flags };
  }
  if (spec.kind === "exercise") {
    if (!exerciseSummariser) return { status: "PENDING", reason: "No exercise-set summariser is registered yet" };
    // A summariser that fails (or returns something malformed) leaves the set PENDING with every sample kept: it is
    // tried again on the next read, and the patient's upload never fails because of it.
    let r: z.output<typeof exerciseSetResultSchema>;
    try {
      const dose = exerciseDoseSchema.parse(spec.dose);
      r = exerciseSetResultSchema.parse(exerciseSummariser(spec.specKey, spec.specVersion, dose, samples, spec.context ?? exerciseContextOf({})));
    } catch (e) {
      return { status: "PENDING", reason: `The exercise-set summariser failed: ${(e as Error).message.slice(0, 300)}` };
    }
    const flags = [...new Set([...r.flags, ...(opts.incomplete ? ["INCOMPLETE"] : [])])];
    return {
      status: "COMPLETED",
      summary: { ...r, flags, sampleCount: samples.length, specKey: spec.specKey, specVersion: spec.specVersion },
      flags,
      exercise: { automaticCount: r.automaticCount, repetitions: r.repetitions, holdTimes: r.holdTimes },
    };
  }
  throw new Error(`Unknown recording kind ${spec.kind}`);
}
