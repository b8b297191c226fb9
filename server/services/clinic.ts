import { safeTimeZone } from "../../app/_shared/format";
import { notFound } from "./errors";
import type { Caller } from "./context";

/** The caller's clinic: its name and the time zone every page shows times in. */
export async function getClinic(c: Caller) {
  const clinic = await c.db.clinic.findUnique({ where: { id: c.user.clinicId }, select: { id: true, name: true, timezone: true } });
  if (!clinic) throw notFound("Clinic");
  return { id: clinic.id, name: clinic.name, timeZone: safeTimeZone(clinic.timezone) };
}
