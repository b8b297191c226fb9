// zod contracts of the assessment (trial) procedures, shared by browser and server.
import { z } from "zod";
import { id, joinToken } from "../domain";
import { PROTOCOL_KEYS } from "./catalogue";
import { SAMPLE_BYTES } from "../pose/sample";

export const MAX_SAMPLES_PER_CHUNK = 64;
export const MAX_CHUNKS_PER_TRIAL = 1200; // 20 min at one chunk per second
export const POSE_MODELS = ["pose_landmarker_lite", "pose_landmarker_full"] as const;

export const startTrialInput = z.object({
  visitId: id,
  protocolKey: z.enum(PROTOCOL_KEYS, { error: "Unknown assessment" }),
  poseModel: z.enum(POSE_MODELS).default("pose_landmarker_lite"),
  poseModelVersion: z.string().trim().min(1).max(40).default("tasks-vision-1.1.0"),
});

const base64 = z.string().max(Math.ceil((MAX_SAMPLES_PER_CHUNK * SAMPLE_BYTES) / 3) * 4 + 4, "Chunk too large").base64("Samples must be base64");

/** One upload of packed pose samples; (trialId, seq) makes a retried upload idempotent. */
export const uploadChunkInput = z.object({
  token: joinToken,
  trialId: id,
  seq: z.number().int().min(0).max(MAX_CHUNKS_PER_TRIAL - 1),
  /** ms since the trial's start of the first sample */
  startMs: z.number().finite().min(0).max(3_600_000),
  rateHz: z.number().finite().min(1).max(60),
  samples: base64,
});
export const finishTrialInput = z.object({ token: joinToken, trialId: id, chunkCount: z.number().int().min(0).max(MAX_CHUNKS_PER_TRIAL) });
export const trialIdInput = z.object({ trialId: id });
export const annotateTrialInput = z.object({
  trialId: id,
  painDuring: z.number().int().min(0, "Pain is 0–10").max(10, "Pain is 0–10").nullable().optional(),
  note: z.string().trim().max(2000, "At most 2000 characters").optional(),
});
export const patientTrialsInput = z.object({ patientId: id });
export const visitTrialsInput = z.object({ visitId: id });
