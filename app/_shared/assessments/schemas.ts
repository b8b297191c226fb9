// zod contracts of the assessment (trial) procedures, shared by browser and server.
import { z } from "zod";
import { id } from "../domain";
import { PROTOCOL_KEYS } from "./catalogue";

// The chunk upload, finish and id inputs are the recording pipeline's (one for trials and exercise sets).
export { MAX_SAMPLES_PER_CHUNK, MAX_CHUNKS_PER_RECORDING as MAX_CHUNKS_PER_TRIAL, uploadChunkInput, finishRecordingInput as finishTrialInput, recordingIdInput as trialIdInput } from "../recording/schemas";
export const POSE_MODELS = ["pose_landmarker_lite", "pose_landmarker_full"] as const;

export const startTrialInput = z.object({
  visitId: id,
  protocolKey: z.enum(PROTOCOL_KEYS, { error: "Unknown assessment" }),
  poseModel: z.enum(POSE_MODELS).default("pose_landmarker_lite"),
  poseModelVersion: z.string().trim().min(1).max(40).default("tasks-vision-1.1.0"),
});

export const annotateTrialInput = z.object({
  trialId: id,
  painDuring: z.number().int().min(0, "Pain is 0–10").max(10, "Pain is 0–10").nullable().optional(),
  note: z.string().trim().max(2000, "At most 2000 characters").optional(),
});
export const patientTrialsInput = z.object({ patientId: id });
export const visitTrialsInput = z.object({ visitId: id });
