import { z } from "zod";
import type { listPatientsInput, patientInput } from "../../app/_shared/domain";
import { isUniqueViolation } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { conflict, notFound } from "./errors";

type PatientData = z.output<typeof patientInput>;

const toRow = (d: PatientData) => ({
  firstName: d.firstName,
  lastName: d.lastName,
  dateOfBirth: new Date(`${d.dateOfBirth}T00:00:00Z`),
  recordNumber: d.recordNumber ?? null,
  email: d.email ?? null,
  phone: d.phone ?? null,
  notes: d.notes,
});

const recordNumberTaken = () => conflict("Another patient in this clinic already has that record number");

export async function listPatients(c: Caller, input: z.output<typeof listPatientsInput>) {
  const words = input.search.split(/\s+/).filter(Boolean).slice(0, 4);
  // `contains` is case-insensitive on SQLite for ASCII; on PostgreSQL we match the common casings.
  const variants = (w: string) => [...new Set([w, w.toLowerCase(), w[0]!.toUpperCase() + w.slice(1).toLowerCase(), w.toUpperCase()])];
  const rows = await c.db.patient.findMany({
    where: {
      clinicId: c.user.clinicId,
      archivedAt: null,
      AND: words.map((w) => ({
        OR: variants(w).flatMap((v) => [{ firstName: { contains: v } }, { lastName: { contains: v } }, { recordNumber: { contains: v } }]),
      })),
    },
    orderBy: input.order === "recent" ? [{ updatedAt: "desc" }, { id: "asc" }] : [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    include: { visits: { orderBy: { scheduledAt: "desc" }, take: 1, select: { scheduledAt: true, status: true } } },
  });
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map(({ visits, ...p }) => ({ ...p, lastVisit: visits[0] ?? null }));
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}

export async function getPatient(c: Caller, id: string) {
  const p = await c.db.patient.findFirst({ where: { id, clinicId: c.user.clinicId } });
  if (!p) throw notFound("Patient");
  await audit(c.db, actorOf(c), "patient.read", { record: { type: "Patient", id }, ip: c.ip });
  return p;
}

export async function createPatient(c: Caller, data: PatientData) {
  try {
    const p = await c.db.patient.create({ data: { ...toRow(data), clinicId: c.user.clinicId } });
    await audit(c.db, actorOf(c), "patient.create", { record: { type: "Patient", id: p.id }, ip: c.ip });
    return p;
  } catch (e) {
    if (isUniqueViolation(e)) throw recordNumberTaken();
    throw e;
  }
}

export async function updatePatient(c: Caller, id: string, data: PatientData) {
  const existing = await c.db.patient.findFirst({ where: { id, clinicId: c.user.clinicId }, select: { id: true } });
  if (!existing) throw notFound("Patient");
  try {
    const p = await c.db.patient.update({ where: { id }, data: toRow(data) });
    await audit(c.db, actorOf(c), "patient.update", { record: { type: "Patient", id }, ip: c.ip, detail: { fields: Object.keys(data) } });
    return p;
  } catch (e) {
    if (isUniqueViolation(e)) throw recordNumberTaken();
    throw e;
  }
}
