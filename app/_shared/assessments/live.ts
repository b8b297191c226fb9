// Messages of the live assessment between the two browsers, carried by the visit socket's reliable
// relay (see app/_shared/protocol.ts). The server only relays them; each receiver validates them here.
import { z } from "zod";
import { id } from "../domain";
import { PROTOCOL_KEYS } from "./catalogue";
import { MEASURES } from "../pose/measures";
import { SAMPLE_BYTES } from "../pose/sample";

export const NS = { control: "assess.ctl", state: "assess.state", live: "pose.live" } as const;

/** Therapist → patient. */
export const controlMsg = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("start"), trialId: id, protocolKey: z.enum(PROTOCOL_KEYS) }),
  z.strictObject({ type: z.literal("stop"), trialId: id }),
  z.strictObject({ type: z.literal("discard"), trialId: id }),
]);
export type ControlMsg = z.infer<typeof controlMsg>;

export const PHASES = ["framing", "countdown", "recording", "saving", "saved", "failed", "discarded"] as const;
export type Phase = (typeof PHASES)[number];

/** Patient → therapist: where the patient's side of the trial is. */
export const stateMsg = z.strictObject({
  trialId: id,
  phase: z.enum(PHASES),
  countdown: z.number().int().min(0).max(10).optional(),
  guidance: z.array(z.string().max(200)).max(10).optional(),
  pendingChunks: z.number().int().min(0).max(100_000).optional(),
  samples: z.number().int().min(0).max(1_000_000).optional(),
  error: z.string().max(500).optional(),
});
export type StateMsg = z.infer<typeof stateMsg>;

/** Patient → therapist, every analysed frame: packed samples (t relative to the trial start while recording). */
export const liveMsg = z.strictObject({
  trialId: id.nullable(),
  /** wall-clock capture time of the last sample (ms since epoch), for the latency read-out */
  capturedAt: z.number().finite(),
  samples: z.string().max(Math.ceil((8 * SAMPLE_BYTES) / 3) * 4 + 4).base64(),
  /**
   * The measures the patient's processor withheld in the last sample because the view cannot give them (PoseResult's
   * `withheld`; absent: none). Only these are explained by the view on the therapist's panel: a value can also be
   * missing for other reasons (landmarks out of frame, the facing not known yet, an outlier), and then the view is not
   * the reason.
   */
  withheld: z.array(z.enum(MEASURES)).max(MEASURES.length).optional(),
});
export type LiveMsg = z.infer<typeof liveMsg>;

export const COUNTDOWN_S = 3;
