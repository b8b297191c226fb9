// The data model of a guided exercise: dose, tracker spec (repetitions or a hold), form rules. Everything is plain,
// JSON-serialisable data validated by zod, so catalogues can be versioned, stored beside results and reviewed.
// See README.md in this folder for how to write a spec.
import { z } from "zod";
import { EXERCISE_MEASURES, POSITIONS } from "../pose/joint-angles";

export const measureKey = z.enum(EXERCISE_MEASURES);
export const position = z.enum(POSITIONS);
export const SIDES = ["left", "right"] as const;
export const sideKey = z.enum(SIDES);
export type SideKey = z.infer<typeof sideKey>;
/** A repetition's or hold's side; null = both sides / not sided. */
export type SideOrNone = SideKey | null;

// ------------------------------------------------------------------ dose

export const DoseSchema = z.strictObject({
  sets: z.number().int().min(1, "At least 1 set").max(20, "At most 20 sets"),
  /** repetitions per set (per side when perSide) */
  reps: z.number().int().min(1).max(200).nullable(),
  /** seconds a hold lasts, or how long each repetition is held at its end position */
  holdS: z.number().min(1).max(600).nullable(),
  restS: z.number().min(0).max(900),
  perDay: z.number().int().min(1).max(12),
  perSide: z.boolean(),
  /** aerobic work: minutes per session */
  minutes: z.number().min(1).max(120).nullable(),
  /** for exercises done one side per set: the side of this set (null = not chosen yet) */
  side: sideKey.nullable().default(null),
});
export type Dose = z.infer<typeof DoseSchema>;

// ------------------------------------------------------------------ repetitions

/** A secondary measure that must also reach its target during a repetition (e.g. the arm in a bird dog). */
export const RequireSchema = z.strictObject({
  measure: measureKey,
  direction: z.union([z.literal(1), z.literal(-1)]),
  target: z.number().finite(),
  /** plain words for the reason a repetition is not counted, e.g. "arm not raised high enough" */
  label: z.string().min(3).max(80),
  /**
   * below this confidence the requirement's measure counts as not seen (the requirement is then "unverified", never
   * failed): for a far-side limb that the pose model half-loses in a side view and places where it is not
   */
  minConfidence: z.number().min(0).max(1).optional(),
});

/**
 * One repetition state machine over a primary measure. With direction +1 the movement increases the measure:
 * a repetition STARTS when the value rises to `start`, must reach `target` to count, and ENDS when it falls back to
 * `end` (end < start: the gap is the hysteresis, so noise around one threshold neither starts nor ends a rep). With
 * direction -1 every comparison is mirrored. `returnTo` (optional) asks for a full return past `end` before the
 * repetition counts (a cycle such as cat-camel).
 */
export const RepMachineSchema = z.strictObject({
  side: sideKey.nullable(),
  primary: measureKey,
  direction: z.union([z.literal(1), z.literal(-1)]),
  start: z.number().finite(),
  target: z.number().finite(),
  end: z.number().finite(),
  returnTo: z.number().finite().optional(),
  requires: z.array(RequireSchema).max(4).default([]),
  /**
   * start / target / end (and returnTo) are offsets from the patient's own rest value, measured while they stand
   * still in the start position before each repetition, instead of absolute angles: for movements whose rest value
   * differs between people and cameras by as much as the movement's threshold (standing posture: a few degrees of
   * lean either way; the pose model's bias on a trunk angle), e.g. standing back extension.
   */
  relative: z.boolean().optional(),
}).refine((m) => m.direction * (m.target - m.start) >= 0, { message: "target must lie beyond start in the movement's direction" })
  .refine((m) => m.direction * (m.start - m.end) >= 3, { message: "end must lie at least 3 units before start (hysteresis)" })
  .refine((m) => m.returnTo === undefined || m.direction * (m.end - m.returnTo) >= 0, { message: "returnTo must lie at or beyond end, back toward the start" });
export type RepMachine = z.infer<typeof RepMachineSchema>;

const common = {
  version: z.number().int().min(1),
  /** positions the patient must be in when a repetition or hold may begin */
  positions: z.array(position).min(1),
  /** a measure below this confidence counts as missing */
  minConfidence: z.number().min(0).max(1).default(0.3),
  /** tracking lost (no frames, frozen frames, or the measure withheld) for longer than this resets the current phase */
  stallResetS: z.number().min(0.5).max(10).default(2),
  /** form rule set applied (form.ts), or null */
  form: z.string().max(40).nullable().default(null),
  /** when a measure stands in for what the patient actually moves (e.g. the head for the spine), say so */
  proxyNote: z.string().max(300).optional(),
};

export const RepSpecSchema = z.strictObject({
  kind: z.literal("reps"),
  ...common,
  /** "none": one machine; "alternating": one machine per side, all running, counted per side;
   *  "chosen": one machine per side, only the side named by the set's dose runs */
  sides: z.enum(["none", "alternating", "chosen"]),
  machines: z.array(RepMachineSchema).min(1).max(2),
  /** a repetition shorter than this (start to end) is rejected as too quick */
  minRepS: z.number().min(0.2).max(20),
  /** whether each repetition is held at its target for the dose's holdS */
  holdAtTarget: z.boolean().default(false),
  /** the hold zone: within this many units short of the target */
  holdToleranceDeg: z.number().min(0).max(30).default(5),
  /** units around the peak that count as "at the peak" for tempo (up / hold / down) */
  plateauDeg: z.number().min(0.5).max(20).default(5),
}).refine((s) => (s.sides === "none" ? s.machines.length === 1 && s.machines[0]!.side === null : s.machines.length === 2 && s.machines[0]!.side === "left" && s.machines[1]!.side === "right"), {
  message: "sides 'none' has one machine with side null; 'alternating'/'chosen' have a left then a right machine",
});
export type RepSpec = z.infer<typeof RepSpecSchema>;

// ------------------------------------------------------------------ holds

/** One condition of a held position: the measure stays within [min, max] (widened by tolerance once holding). */
export const HoldConditionSchema = z.strictObject({
  measure: measureKey,
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  /** hysteresis: once the hold runs, it keeps running until the value leaves [min - tol, max + tol] */
  tolerance: z.number().min(0).max(30),
  code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  /** shown when the hold pauses because of this condition */
  reason: z.string().min(3).max(120),
  /** spoken when it pauses */
  cue: z.string().min(3).max(80),
}).refine((c) => c.min !== undefined || c.max !== undefined, { message: "a condition needs min or max" })
  .refine((c) => c.min === undefined || c.max === undefined || c.min < c.max, { message: "min must be below max" });
export type HoldCondition = z.infer<typeof HoldConditionSchema>;

export const HoldZoneSchema = z.strictObject({ side: sideKey.nullable(), conditions: z.array(HoldConditionSchema).min(1).max(6) });
export type HoldZone = z.infer<typeof HoldZoneSchema>;

export const HoldSpecSchema = z.strictObject({
  kind: z.literal("hold"),
  ...common,
  sides: z.enum(["none", "chosen"]),
  zones: z.array(HoldZoneSchema).min(1).max(2),
}).refine((s) => (s.sides === "none" ? s.zones.length === 1 && s.zones[0]!.side === null : s.zones.length === 2 && s.zones[0]!.side === "left" && s.zones[1]!.side === "right"), {
  message: "sides 'none' has one zone with side null; 'chosen' has a left then a right zone",
});
export type HoldSpec = z.infer<typeof HoldSpecSchema>;

export const TrackerSpecSchema = z.union([RepSpecSchema, HoldSpecSchema]);
export type TrackerSpec = RepSpec | HoldSpec;

// ------------------------------------------------------------------ form rules

/**
 * A named fault with a measurable condition and a cue.
 * scope "rep": judged once per counted repetition on an aggregate of the measure over that repetition:
 *   atPeak  the value at the primary measure's peak (e.g. trunk lean at the bottom of a squat)
 *   max/min/maxAbs over the repetition; range = max - min; peak = the primary measure's own peak value;
 *   fromRest = the largest deviation, either way, from the measure's value at the still rest just before the
 *   repetition (the median of the last second with no repetition running; the repetition's first frames when there
 *   was none), so a camera-dependent offset at rest and the part of the movement before the start threshold count
 *   right (e.g. the pelvis rolling in a bird dog).
 * scope "hold": judged each second of a hold (a hold exercise, or the hold phase of a held repetition) on that
 *   second's mean, or on dropFromBest = how far the mean fell (in `direction`) below the best second of this hold.
 * The fault is present when the aggregate is `op` `value`; a cue, once raised, stays raised until the aggregate is
 * back past `clear` (hysteresis, so cues do not flicker).
 */
export const FormRuleSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  label: z.string().min(3).max(100),
  cue: z.string().min(3).max(80),
  scope: z.enum(["rep", "hold"]),
  measure: measureKey,
  aggregate: z.enum(["atPeak", "max", "min", "maxAbs", "range", "peak", "fromRest", "mean", "dropFromBest"]),
  /** for dropFromBest: +1 when larger values are better */
  direction: z.union([z.literal(1), z.literal(-1)]).optional(),
  op: z.enum([">", "<"]),
  value: z.number().finite(),
  clear: z.number().finite(),
  /** for hold rules: consecutive faulty seconds before the fault counts */
  minSeconds: z.number().int().min(1).max(10).default(1),
}).refine((r) => (r.op === ">" ? r.clear <= r.value : r.clear >= r.value), { message: "clear must lie on the good side of value" })
  .refine((r) => (r.scope === "rep" ? ["atPeak", "max", "min", "maxAbs", "range", "peak", "fromRest"] : ["mean", "dropFromBest"]).includes(r.aggregate), { message: "aggregate does not fit the scope" })
  .refine((r) => r.aggregate !== "dropFromBest" || r.direction !== undefined, { message: "dropFromBest needs a direction" });
export type FormRule = z.infer<typeof FormRuleSchema>;

export const FormRuleSetSchema = z.strictObject({ key: z.string().min(2).max(40), version: z.number().int().min(1), rules: z.array(FormRuleSchema).min(1).max(8) });
export type FormRuleSet = z.infer<typeof FormRuleSetSchema>;
