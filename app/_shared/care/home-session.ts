// zod contracts of home practice (issue 19 part B), shared by the patient's home page and the server. A home session
// is made in the patient's browser (its clientId is the browser's, so a session started offline is created once when
// it is flushed); its camera-counted sets are recordings of the one pipeline (AssessmentTrial kind "exercise" with
// homeSessionId); exercises without camera are self-reported.
import { z } from "zod";
import { id, joinToken } from "../domain";
import { exerciseKey } from "../recording/schemas";

/** The home link's token (the same 256-bit token maker as every patient link). */
export const homeToken = joinToken.describe("home link token");
export const homeTokenInput = z.object({ token: homeToken });

const score010 = (what: string) => z.number().int(`${what} is a whole number 0–10`).min(0, `${what} is 0–10`).max(10, `${what} is 0–10`);
export const HOW_IT_WENT = ["EASY", "OK", "HARD", "STOPPED"] as const;
export type HowItWent = (typeof HOW_IT_WENT)[number];

/** The browser's id of a home session or of one of its sets: made before the server has seen it. */
export const sessionClientId = z.string().regex(/^[A-Za-z0-9_-]{12,64}$/, "Invalid session id");

export const startHomeSessionInput = z.object({
  token: homeToken,
  clientId: sessionClientId,
  /** when the patient started (the browser's clock; the server bounds it) */
  startedAt: z.iso.datetime({ offset: true, error: "startedAt must be an ISO time" }),
  painBefore: score010("Pain before").nullable().default(null),
});

export const startHomeSetInput = z.object({
  token: homeToken,
  sessionClientId,
  /** the browser's id of the set: the same id again returns the same set (a set started offline, flushed later) */
  clientId: sessionClientId,
  /** when the set was started (the browser's clock; the server bounds it by the session's start and its own clock) */
  startedAt: z.iso.datetime({ offset: true, error: "startedAt must be an ISO time" }).optional(),
  exerciseKey,
  setNumber: z.number().int().min(1).max(20),
  side: z.enum(["LEFT", "RIGHT"]).nullable().default(null),
  cameraView: z.enum(["SAGITTAL", "FRONTAL"]),
  frameAspect: z.number().finite().min(0.2, "Frame aspect must be width / height (0.2–5)").max(5, "Frame aspect must be width / height (0.2–5)"),
  rollDeg: z.number().finite().min(-45).max(45).optional(),
  poseModel: z.enum(["pose_landmarker_lite", "pose_landmarker_full"]).default("pose_landmarker_lite"),
  poseModelVersion: z.string().trim().min(1).max(40).default("tasks-vision-1.1.0"),
});

/** An exercise the patient did without the camera (untracked, no camera, or camera declined). */
export const selfReportedExercise = z.object({
  exerciseKey,
  sets: z.number().int().min(0, "Sets are 0–20").max(20, "Sets are 0–20"),
  /** repetitions per set (null for a hold) */
  reps: z.number().int().min(0).max(200).nullable(),
  /** seconds held per set (null when not a hold) */
  holdS: z.number().int().min(0).max(600).nullable(),
  reason: z.enum(["UNTRACKED", "NO_CAMERA", "DECLINED"]),
});
export type SelfReportedExercise = z.infer<typeof selfReportedExercise>;

export const finishHomeSessionInput = z.object({
  token: homeToken,
  clientId: sessionClientId,
  painAfter: score010("Pain after").nullable().default(null),
  effort: score010("Effort").nullable().default(null),
  howItWent: z.enum(HOW_IT_WENT).nullable().default(null),
  note: z.string().trim().max(1000, "At most 1000 characters").default(""),
  selfReport: z.array(selfReportedExercise).max(30).default([]),
  endedAt: z.iso.datetime({ offset: true }).optional(),
});

/** Staff read the home sessions of an episode, or of every episode of a patient. */
export const homeSessionsInput = z.union([z.object({ episodeId: id }), z.object({ patientId: id })]);

/**
 * Faults counted in an exercise set's stored result: the faults of its repetitions (repetitions[].faults, as the
 * pipeline stores them) or, failing that, the engine's fault summary (faults: { key: { reps[], seconds } }: each
 * faulty repetition once, a faulty hold stretch once).
 */
export function faultCount(summary: unknown): number {
  if (!summary || typeof summary !== "object") return 0;
  const s = summary as { repetitions?: unknown; faults?: unknown };
  let n = 0;
  if (Array.isArray(s.repetitions)) for (const r of s.repetitions) if (r && typeof r === "object" && Array.isArray((r as { faults?: unknown }).faults)) n += (r as { faults: unknown[] }).faults.length;
  if (n > 0) return n;
  if (Array.isArray(s.faults)) return s.faults.length;
  if (s.faults && typeof s.faults === "object") {
    for (const f of Object.values(s.faults as Record<string, unknown>)) {
      if (!f || typeof f !== "object") continue;
      const { reps, seconds } = f as { reps?: unknown; seconds?: unknown };
      const k = Array.isArray(reps) ? reps.length : 0;
      n += k > 0 ? k : typeof seconds === "number" && seconds > 0 ? 1 : 0;
    }
  }
  return n;
}
