// Isomorphic domain contracts: roles, statuses and the zod schemas of every tRPC input. Imported by
// the browser (forms show the same field errors) and by the server (the procedures validate with them).
import { z } from "zod";

export const ROLES = ["ADMIN", "THERAPIST", "CLINICIAN"] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABEL: Record<Role, string> = { ADMIN: "Administrator", THERAPIST: "Therapist", CLINICIAN: "Clinician (read-only)" };

export const VISIT_STATUSES = ["SCHEDULED", "WAITING", "IN_PROGRESS", "ENDED", "CANCELLED"] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
export const VISIT_STATUS_LABEL: Record<VisitStatus, string> = {
  SCHEDULED: "Scheduled",
  WAITING: "Patient waiting",
  IN_PROGRESS: "In progress",
  ENDED: "Ended",
  CANCELLED: "Cancelled",
};

export const id = z.string().trim().min(1, "Required").max(64, "Too long").regex(/^[A-Za-z0-9_-]+$/, "Invalid id");
const name = (label: string) => z.string().trim().min(1, `${label} is required`).max(100, `${label} is too long`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const email = z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address"));
export const password = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "At most 200 characters")
  .refine((p) => /[A-Za-z]/.test(p) && /[^A-Za-z]/.test(p), "Mix letters with digits or symbols");

/** A calendar date "YYYY-MM-DD" (no time zone games for birthdays). Forms use the native date picker, which
 * sends "" until month, day and year are all filled in: the messages speak of the picker, not of the wire format. */
export const isoDate = z
  .string()
  .min(1, "Enter the date (month, day and year)")
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, "Enter a complete date (month, day and year)")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a real date");

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, "Email is required").max(254),
  password: z.string().min(1, "Password is required").max(200),
});
export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1, "Required").max(200), newPassword: password })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a new password" });

export const createUserInput = z.object({
  name: name("Name"),
  email,
  role: z.enum(ROLES),
  password,
});
export const setUserDisabledInput = z.object({ userId: id, disabled: z.boolean() });

export const patientInput = z.object({
  firstName: name("First name"),
  lastName: name("Last name"),
  dateOfBirth: isoDate.refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return d.getTime() <= Date.now() && d.getUTCFullYear() >= 1900;
  }, "Date of birth must be between 1900 and today"),
  recordNumber: optionalText(40),
  email: z
    .string()
    .trim()
    .max(254)
    .optional()
    .transform((v) => (v ? v.toLowerCase() : undefined))
    .pipe(z.email("Enter a valid email address").optional()),
  phone: optionalText(40).refine((v) => v === undefined || /^[+0-9 ()./-]{5,40}$/.test(v), "Enter a valid phone number"),
  notes: z.string().trim().max(5000, "At most 5000 characters").default(""),
});
export type PatientInput = z.input<typeof patientInput>;
export const updatePatientInput = z.object({ id, data: patientInput });
export const listPatientsInput = z.object({
  search: z.string().trim().max(100).default(""),
  order: z.enum(["name", "recent"]).default("name"),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: id.optional(),
});

export const scheduleVisitInput = z.object({
  patientId: id,
  therapistId: id.optional(),
  scheduledAt: z.coerce.date().refine((d) => d.getTime() > Date.now() - 12 * 3600_000, "Pick a time that is not in the past"),
  durationMin: z.coerce.number().int().min(10, "At least 10 minutes").max(180, "At most 180 minutes").default(45),
  reason: z.string().trim().max(500, "At most 500 characters").default(""),
});
export const visitIdInput = z.object({ visitId: id });
export const listVisitsInput = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  patientId: id.optional(),
  status: z.enum(VISIT_STATUSES).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
export const auditListInput = z.object({
  /** an action or an action prefix ("patient." for every patient event) */
  action: z.string().trim().max(60).regex(/^[a-z.]*$/, "Invalid action").optional(),
  recordId: id.optional(),
  /** events by this person, failed sign-ins for their account included */
  actorId: id.optional(),
  /** events at or after from, before to */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(200).default(100),
  cursor: id.optional(),
});

/** Patient join tokens: 32 random bytes, base64url (256 bits). */
export const joinToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This visit link is not valid");
