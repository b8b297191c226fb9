// zod contracts of the one recording pipeline (assessment trials and exercise sets), shared by browser and server.
import { z } from "zod";
import { id, joinToken } from "../domain";
import { sampleBytes, V1_MEASURE_COUNT } from "../pose/sample";
import { CHUNK_FORMATS, LEGACY_CHUNK_FORMAT } from "./codec";

export const RECORDING_KINDS = ["assessment", "exercise"] as const;
export type RecordingKind = (typeof RECORDING_KINDS)[number];
export const RECORDING_STATUSES = ["RECORDING", "COMPLETED", "PENDING", "DISCARDED"] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const MAX_SAMPLES_PER_CHUNK = 64;
export const MAX_CHUNKS_PER_RECORDING = 1200; // 20 min at one chunk per second
/** Longest recording: its samples' times (ms since its start) stay below this. */
export const MAX_RECORDING_MS = 30 * 60_000;
/** Most bytes of one uploaded chunk: a full chunk of the legacy records (format 2 is far smaller in practice). */
export const MAX_CHUNK_BYTES = 2 * MAX_SAMPLES_PER_CHUNK * sampleBytes(V1_MEASURE_COUNT);

const base64 = z.string().max(Math.ceil(MAX_CHUNK_BYTES / 3) * 4 + 4, "Chunk too large").base64("Samples must be base64");

/** One upload of encoded pose samples; (trialId, seq) makes a retried upload idempotent. */
export const uploadChunkInput = z.object({
  token: joinToken,
  /** the recording's id (an assessment trial or an exercise set) */
  trialId: id,
  seq: z.number().int().min(0).max(MAX_CHUNKS_PER_RECORDING - 1),
  /** ms since the recording's start of the first sample */
  startMs: z.number().finite().min(0).max(MAX_RECORDING_MS),
  rateHz: z.number().finite().min(1).max(60),
  /** chunk format of `samples` (app/_shared/recording/codec.ts); pages from before format 2 send none: 1 */
  format: z.union(CHUNK_FORMATS.map((f) => z.literal(f)) as [z.ZodLiteral<1>, z.ZodLiteral<2>], { error: "Unknown chunk format" }).default(LEGACY_CHUNK_FORMAT),
  samples: base64,
});
/** The same upload from a patient's live visit socket (`recording:chunk`): the socket's handshake holds the token. */
export const visitChunkInput = uploadChunkInput.omit({ token: true }).strict();
/** Largest JSON size of a `recording:chunk` payload (the longest base64 chunk and its fields). */
export const VISIT_CHUNK_JSON_MAX = Math.ceil(MAX_CHUNK_BYTES / 3) * 4 + 512;
export const finishRecordingInput = z.object({ token: joinToken, trialId: id, chunkCount: z.number().int().min(0).max(MAX_CHUNKS_PER_RECORDING) });
export const recordingIdInput = z.object({ trialId: id });

// ---- exercise sets ----
const seconds = (max: number) => z.number().finite().min(0).max(max);
/** The prescribed dose of one exercise, as the therapist set it for this set. */
export const exerciseDoseSchema = z
  .object({
    sets: z.number().int().min(1, "At least one set").max(20, "At most 20 sets"),
    reps: z.number().int().min(1, "At least one repetition").max(200, "At most 200 repetitions").optional(),
    holdSeconds: seconds(600).optional(),
    restSeconds: seconds(900).default(60),
    perSide: z.boolean().default(false),
    timesPerDay: z.number().int().min(1).max(10).optional(),
  })
  .refine((d) => d.reps !== undefined || d.holdSeconds !== undefined, { message: "Give repetitions or a hold time", path: ["reps"] });
export type ExerciseDose = z.output<typeof exerciseDoseSchema>;

export const exerciseKey = z.string().trim().min(1).max(60).regex(/^[a-z0-9][a-z0-9-]*$/, "Unknown exercise");

export const startExerciseSetInput = z.object({
  visitId: id,
  exerciseKey,
  exerciseVersion: z.number().int().min(1).max(10_000),
  cameraView: z.enum(["SAGITTAL", "FRONTAL"]),
  side: z.enum(["LEFT", "RIGHT"]).nullable().default(null),
  setNumber: z.number().int().min(1).max(20).default(1),
  dose: exerciseDoseSchema,
  poseModel: z.enum(["pose_landmarker_lite", "pose_landmarker_full"]).default("pose_landmarker_lite"),
  poseModelVersion: z.string().trim().min(1).max(40).default("tasks-vision-1.1.0"),
  /** the camera frame's width / height (the exercise angles need it to recompute the set on the server) */
  frameAspect: z.number().finite().min(0.2, "Frame aspect must be width / height (0.2–5)").max(5, "Frame aspect must be width / height (0.2–5)").optional(),
  /** the calibration's camera roll, degrees */
  rollDeg: z.number().finite().min(-45, "Camera roll is at most 45°").max(45, "Camera roll is at most 45°").optional(),
});

export const countCorrection = z.discriminatedUnion("action", [
  z.object({ action: z.literal("remove"), rep: z.number().int().min(1).max(1000) }),
  z.object({ action: z.literal("add"), atMs: z.number().finite().min(0).max(MAX_RECORDING_MS) }),
]);
const score010 = (what: string) => z.number().int().min(0, `${what} is 0–10`).max(10, `${what} is 0–10`).nullable().optional();
export const annotateExerciseSetInput = z.object({
  trialId: id,
  painDuring: score010("Pain"),
  effort: score010("Effort (Borg CR10)"),
  note: z.string().trim().max(2000, "At most 2000 characters").optional(),
  correctedCount: z.number().int().min(0).max(1000).nullable().optional(),
  corrections: z.array(countCorrection).max(200).optional(),
});
export const exerciseSetsInput = z.union([z.object({ visitId: id }), z.object({ patientId: id })]);

/**
 * What an exercise set's summariser returns (computed from the stored samples on the server). The named fields are
 * stored in their columns; the whole object (with anything else it holds) is the set's `summary`.
 */
export const exerciseSetResultSchema = z.looseObject({
  automaticCount: z.number().int().min(0).max(10_000),
  repetitions: z.array(z.record(z.string(), z.unknown())).max(10_000).default([]),
  holdTimes: z.array(z.number().finite().min(0)).max(10_000).default([]),
  flags: z.array(z.string().max(60)).max(100).default([]),
});
export type ExerciseSetResult = z.input<typeof exerciseSetResultSchema>;
