// Isomorphic contracts of the episode of care (issue 17): the zod inputs of the episodes, intake, alerts and outbox
// procedures, the discharge reasons, and the default re-assessment dates. The clinical logic (red flags, the gate,
// alert rules) is in red-flags.ts and alerts.ts beside this file.
import { z } from "zod";
import { id, isoDate } from "../domain";
import { intakeForm, recordDecisionInput } from "./red-flags";
import { SEVERITIES } from "./alerts";

export const EPISODE_STATUSES = ["ACTIVE", "DISCHARGED"] as const;
export type EpisodeStatus = (typeof EPISODE_STATUSES)[number];

export const DISCHARGE_REASONS = ["GOALS_MET", "PLATEAU", "REFERRED", "PATIENT_CHOICE", "OTHER"] as const;
export type DischargeReason = (typeof DISCHARGE_REASONS)[number];
export const DISCHARGE_REASON_LABEL: Record<DischargeReason, string> = {
  GOALS_MET: "Goals met",
  PLATEAU: "No further progress expected",
  REFERRED: "Referred elsewhere",
  PATIENT_CHOICE: "Patient's choice",
  OTHER: "Other",
};

export const PLANNED_WEEKS = { min: 4, max: 6, default: 6 } as const;
export const REASSESS_EVERY_DAYS = 14;

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Planned re-assessments every 2 weeks from the start, up to the planned end (calendar dates, no time zone). */
export function defaultReassessDates(startDate: string, plannedWeeks: number): string[] {
  const out: string[] = [];
  for (let d = REASSESS_EVERY_DAYS; d <= plannedWeeks * 7; d += REASSESS_EVERY_DAYS) out.push(addDays(startDate, d));
  return out;
}

/** The planned last day of the episode. */
export const plannedEndDate = (startDate: string, plannedWeeks: number) => addDays(startDate, plannedWeeks * 7);

/** An IANA time zone the runtime knows (Intl), e.g. "Europe/Berlin". */
export const timeZone = z
  .string()
  .trim()
  .min(1, "Choose a time zone")
  .max(64, "Too long")
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Unknown time zone (use a name like Europe/Berlin)");

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const plannedWeeks = z.coerce
  .number({ error: "Planned length in weeks" })
  .int("Whole weeks")
  .min(PLANNED_WEEKS.min, `A course of care is planned for ${PLANNED_WEEKS.min}–${PLANNED_WEEKS.max} weeks`)
  .max(PLANNED_WEEKS.max, `A course of care is planned for ${PLANNED_WEEKS.min}–${PLANNED_WEEKS.max} weeks`);
const reassessDates = z
  .array(isoDate)
  .max(12, "At most 12 re-assessment dates")
  .refine((d) => new Set(d).size === d.length, "Each date once");

const episodeFields = {
  therapistId: id.optional(),
  startDate: isoDate,
  plannedWeeks: plannedWeeks.default(PLANNED_WEEKS.default),
  referralReason: text(1000).default(""),
  diagnosis: text(500).default(""),
  goals: text(1000).default(""),
  /** default: every 2 weeks from the start (defaultReassessDates) */
  reassessDates: reassessDates.optional(),
  /** default: the clinic's time zone */
  timeZone: timeZone.optional(),
};

function datesWithin(v: { startDate?: string; plannedWeeks?: number; reassessDates?: string[] }, ctx: z.RefinementCtx) {
  if (!v.startDate || !v.reassessDates) return;
  const end = plannedEndDate(v.startDate, v.plannedWeeks ?? PLANNED_WEEKS.max);
  v.reassessDates.forEach((d, i) => {
    if (d <= v.startDate!) ctx.addIssue({ code: "custom", path: ["reassessDates", i], message: "A re-assessment comes after the start" });
    else if (d > end) ctx.addIssue({ code: "custom", path: ["reassessDates", i], message: "A re-assessment falls within the planned weeks" });
  });
}

export const createEpisodeInput = z.strictObject({ patientId: id, ...episodeFields }).superRefine(datesWithin);
export type CreateEpisodeInput = z.input<typeof createEpisodeInput>;

export const updateEpisodeInput = z.strictObject({
  episodeId: id,
  data: z
    .strictObject({
      therapistId: id.optional(),
      startDate: isoDate.optional(),
      plannedWeeks: plannedWeeks.optional(),
      referralReason: text(1000).optional(),
      diagnosis: text(500).optional(),
      goals: text(1000).optional(),
      reassessDates: reassessDates.optional(),
      timeZone: timeZone.optional(),
    })
    .refine((d) => Object.values(d).some((v) => v !== undefined), "Nothing to change"),
});

export const episodeIdInput = z.strictObject({ episodeId: id });
export const listEpisodesInput = z.strictObject({ patientId: id });

export const dischargeEpisodeInput = z.strictObject({
  episodeId: id,
  reason: z.enum(DISCHARGE_REASONS, { error: "Choose a discharge reason" }),
  note: text(2000).default(""),
});

export const recordEpisodeDecisionInput = recordDecisionInput.extend({ episodeId: id });

/** The browser's origin, used for the link in an email only when PUBLIC_ORIGIN is not configured. */
const origin = z.url({ protocol: /^https?$/, error: "Not an http(s) origin" }).max(200).optional();

export const sendIntakeLinkInput = z.strictObject({
  episodeId: id,
  /** email the link (to the patient's address, or `to`); false: only make it, for copying */
  email: z.boolean().default(true),
  to: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address")).optional(),
  origin,
});
export const linkIdInput = z.strictObject({ linkId: id });

/** A patient's link token as it arrives from the address bar. */
export const linkToken = z.string().trim().min(20, "This link is not valid").max(200, "This link is not valid").regex(/^[A-Za-z0-9_-]+$/, "This link is not valid");
export const intakeTokenInput = z.strictObject({ token: linkToken });
/** The whole intake (its errors carry the field paths under `form.`, e.g. "form.onset.duration"). */
export const submitIntakeInput = z.strictObject({ token: linkToken, form: intakeForm });

export const ALERT_STATUS_FILTERS = ["OPEN", "ACKNOWLEDGED", "RESOLVED", "ALL"] as const;
export const listAlertsInput = z.strictObject({
  status: z.enum(ALERT_STATUS_FILTERS).default("OPEN"),
  severity: z.enum(SEVERITIES).optional(),
  episodeId: id.optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
export const alertIdInput = z.strictObject({ alertId: id });
export const resolveAlertInput = z.strictObject({ alertId: id, note: z.string().trim().min(3, "Say how the alert was dealt with").max(2000, "At most 2000 characters") });

export const listOutboxInput = z.strictObject({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });
