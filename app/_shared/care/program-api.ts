// zod inputs of the home-program procedures (server/api/routers/programs.ts), shared by the builder UI and the
// server. The program itself is `programModel` (program.ts); templates and cards are program-templates.ts.
import { z } from "zod";
import { programModel } from "./program";
import { educationRefs, templateByRef } from "./program-templates";

const id = z.string().trim().min(1, "Missing id").max(64).regex(/^[A-Za-z0-9_-]+$/, "Invalid id");
/** A home-link token as it appears in the URL (256 random bits, base64url). */
export const homeToken = z.string().trim().min(20, "This link is not valid").max(200, "This link is not valid").regex(/^[A-Za-z0-9_-]+$/, "This link is not valid");

export const episodeRefInput = z.strictObject({ episodeId: id });
export const programRefInput = z.strictObject({ programId: id });
export const linkRefInput = z.strictObject({ linkId: id });
/** The plan of a visit: its episode's active program (server/services/programs.ts `visitPlan`). */
export const visitRefInput = z.strictObject({ visitId: id });

/**
 * "Save this dose to the program" from the visit: the exercise at `position` (1-based, in the program's order) of the
 * program version the room shows (`programId`; a newer version meanwhile is a CONFLICT) gets this dose from the
 * current program week on, as a new program version.
 */
export const saveVisitDoseInput = z.strictObject({
  visitId: id,
  programId: id,
  position: z.number().int().min(1).max(30),
  dose: z.strictObject({
    sets: z.number().int().min(1, "At least 1 set").max(10, "At most 10 sets"),
    reps: z.number().int().min(1, "At least 1 repetition").max(100, "At most 100 repetitions").nullable(),
    holdS: z.number().int().min(1, "At least 1 second").max(600, "At most 10 minutes").nullable(),
  }).refine((d) => d.reps !== null || d.holdS !== null, "Give repetitions, a hold time, or both"),
});
export type SaveVisitDoseInput = z.input<typeof saveVisitDoseInput>;

export const saveProgramInput = z.strictObject({
  episodeId: id,
  /**
   * The program version this change starts from (null for the episode's first program). A save whose base is no
   * longer the active version is refused (CONFLICT), so two therapists editing at once cannot overwrite each other.
   */
  baseProgramId: id.nullable(),
  templateKey: z.string().max(50).refine((r) => templateByRef(r) !== undefined, "Unknown template").nullable(),
  model: programModel,
  education: educationRefs,
});
export type SaveProgramInput = z.input<typeof saveProgramInput>;

export const issueHomeLinkInput = z.strictObject({
  episodeId: id,
  /** email the link to this address (null: only show it once, to copy) */
  sendTo: z.email("The email address is not valid").max(254).nullable(),
  /** the browser's origin, for the link's address when the server has no PUBLIC_ORIGIN (development; loopback only) */
  origin: z.url().max(200).optional(),
});

/** HH:MM, 24-hour clock, local time of the patient. */
export const reminderTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A time like 18:30");
export const reminderInput = z.strictObject({
  token: homeToken,
  enabled: z.boolean(),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1, "Pick at least one day").max(7)
    .refine((xs) => new Set(xs).size === xs.length, "Each day once"),
  time: reminderTime,
  email: z.email("The email address is not valid").max(254),
});
export type ReminderInput = z.input<typeof reminderInput>;
export const homeTokenInput = z.strictObject({ token: homeToken });

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** "2 sets × 10, hold 6 s, each side" — the dose in plain words (patient handout, builder, today's list). */
export function doseText(d: { sets: number; reps: number | null; holdS: number | null; perSide?: boolean }): string {
  const what = d.reps !== null ? `${d.reps}${d.holdS !== null ? `, hold ${d.holdS} s` : ""}` : `hold ${d.holdS} s`;
  return `${d.sets} ${d.sets === 1 ? "set" : "sets"} × ${what}${d.perSide ? ", each side" : ""}`;
}
/** "Mon, Wed, Fri · twice a day" */
export function scheduleText(weekdays: readonly number[], timesPerDay: number): string {
  const days = weekdays.length === 7 ? "Every day" : [...weekdays].sort().map((w) => WEEKDAY_SHORT[w - 1]).join(", ");
  const times = timesPerDay === 1 ? "once a day" : timesPerDay === 2 ? "twice a day" : `${timesPerDay} times a day`;
  return `${days} · ${times}`;
}
