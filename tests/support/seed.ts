// Fixtures that seed unique data per test: two clinics, each with an admin, therapist and clinician.
import crypto from "node:crypto";
import type { Db } from "../../server/db/client";
import { hashPassword } from "../../server/services/crypto";

export const PASSWORD = "correct-horse-42";
let cachedHash: Promise<string> | undefined;

export async function seedClinic(db: Db, label = crypto.randomBytes(4).toString("hex")) {
  cachedHash ??= hashPassword(PASSWORD);
  const passwordHash = await cachedHash;
  const clinic = await db.clinic.create({ data: { name: `Clinic ${label}` } });
  const mk = (role: string) =>
    db.user.create({ data: { clinicId: clinic.id, role, name: `${role.toLowerCase()} ${label}`, email: `${role.toLowerCase()}-${label}@test.posevisit`, passwordHash } });
  const [admin, therapist, clinician] = await Promise.all([mk("ADMIN"), mk("THERAPIST"), mk("CLINICIAN")]);
  const patient = await db.patient.create({
    data: { clinicId: clinic.id, firstName: "Pat", lastName: `Ient-${label}`, dateOfBirth: new Date("1980-01-02T00:00:00Z"), recordNumber: `R-${label}` },
  });
  return { clinic, admin, therapist, clinician, patient };
}
export type SeededClinic = Awaited<ReturnType<typeof seedClinic>>;
