import type { Db } from "../db/client";
import type { Env } from "../env";
import { audit } from "./audit";
import { hashPassword, randomToken, tokenHash } from "./crypto";
import { seedDemoTrials } from "./demo-trials";

export const DEMO = {
  clinic: "Riverside Physio (demo)",
  admin: { email: "admin@demo.posevisit.test", password: "demo-admin-2026", name: "Alex Admin" },
  therapist: { email: "therapist@demo.posevisit.test", password: "demo-therapist-2026", name: "Taylor Therapist" },
  clinician: { email: "clinician@demo.posevisit.test", password: "demo-clinician-2026", name: "Casey Clinician" },
} as const;

/**
 * Creates the demo clinic on an empty development database. Returns the patient link of the demo
 * visit (only its hash is stored, so this is the one time it can be shown), or null if nothing was done.
 */
export async function seedDemo(db: Db, env: Env): Promise<{ joinPath: string } | null> {
  if (env.SEED_DEMO === "never" || (env.SEED_DEMO === "auto" && env.NODE_ENV === "production")) return null;
  if ((await db.clinic.count()) > 0) return null;
  const clinic = await db.clinic.create({ data: { name: DEMO.clinic } });
  const mk = async (u: { email: string; password: string; name: string }, role: string) =>
    db.user.create({ data: { clinicId: clinic.id, email: u.email, name: u.name, role, passwordHash: await hashPassword(u.password) } });
  await mk(DEMO.admin, "ADMIN");
  const therapist = await mk(DEMO.therapist, "THERAPIST");
  await mk(DEMO.clinician, "CLINICIAN");
  const patient = await db.patient.create({
    data: {
      clinicId: clinic.id, firstName: "Jordan", lastName: "Rivera", dateOfBirth: new Date("1984-03-12T00:00:00Z"),
      recordNumber: "DEMO-0001", email: "jordan.rivera@example.com", notes: "Mechanical low back pain for 6 weeks; desk job.",
    },
  });
  const token = randomToken();
  const scheduledAt = new Date(Date.now() + 15 * 60_000);
  await db.visit.create({
    data: {
      clinicId: clinic.id, patientId: patient.id, therapistId: therapist.id, scheduledAt, reason: "Initial remote assessment",
      joinTokenHash: tokenHash(env.SESSION_SECRET, token), joinExpiresAt: new Date(scheduledAt.getTime() + 7 * 24 * 3600_000),
    },
  });
  await seedDemoTrials(db, { clinicId: clinic.id, patientId: patient.id, therapistId: therapist.id, tokenHash: (t) => tokenHash(env.SESSION_SECRET, t) });
  await audit(db, { kind: "system" }, "seed.demo", { clinicId: clinic.id });
  return { joinPath: `/join/${token}` };
}

/**
 * On later starts of a development database that holds the demo clinic: where the demo visit is and how
 * to get its patient link again (the link itself was printed once, at first start, and is not stored).
 */
export async function demoLinkHint(db: Db, env: Env, origin: string): Promise<string | null> {
  if (env.NODE_ENV === "production") return null;
  const therapist = await db.user.findFirst({ where: { email: DEMO.therapist.email }, orderBy: { createdAt: "asc" }, select: { id: true, disabled: true } });
  if (!therapist || therapist.disabled) return null;
  const visit = await db.visit.findFirst({
    where: { therapistId: therapist.id, status: { in: ["SCHEDULED", "WAITING", "IN_PROGRESS"] } },
    orderBy: { scheduledAt: "asc" },
    select: { id: true },
  });
  return [
    `[demo] Demo clinic: sign in as ${DEMO.therapist.email} / ${DEMO.therapist.password} (other demo logins: README).`,
    visit
      ? `  Demo patient link: it is shown only once, so open the demo visit ${origin}/visits/${visit.id} and press "Create new link".`
      : `  Demo patient link: schedule a visit on a patient's page (${origin}/patients); the link is shown when it is made.`,
  ].join("\n");
}
