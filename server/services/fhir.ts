// The read-only FHIR R4 API's data: resources of one clinic, built by the pure mapping in
// app/_shared/records/fhir.ts from what the database holds.
import type { Bundle, CapabilityStatement, OperationOutcome, Resource } from "@medplum/fhirtypes";
import { collectionBundle, painObservationOf, patientOf, romObservationOf, measuredTrials, visitDocumentBundle } from "../../app/_shared/records/fhir";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { notePdfs } from "./pdf";
import { loadRecordRows } from "./records";

export const FHIR_VERSION = "4.0.1";

export function capabilityStatement(base: string): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement", status: "active", date: "2026-12-01", kind: "instance", fhirVersion: FHIR_VERSION,
    publisher: "PoseVisit", name: "PoseVisitReadApi", title: "PoseVisit read-only FHIR API",
    description: "Read-only access to one clinic's patients and their measured movement results, authorised by a per-clinic bearer token.",
    format: ["application/fhir+json"], implementation: { description: "PoseVisit", url: base },
    software: { name: "PoseVisit" },
    rest: [{
      mode: "server",
      security: { description: "Authorization: Bearer <clinic API token> (created by a clinic administrator; read-only)." },
      resource: [
        { type: "Patient", interaction: [{ code: "read" }], operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }] },
        { type: "Observation", interaction: [{ code: "search-type" }], searchParam: [{ name: "patient", type: "reference" }] },
      ],
    }],
  };
}

export function outcome(code: "not-found" | "not-supported" | "security" | "login" | "invalid" | "exception", diagnostics: string): OperationOutcome {
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] };
}

type Who = { tokenId: string; clinicId: string; ip: string };
const actor = (w: Who) => ({ kind: "apiToken" as const, id: w.tokenId, clinicId: w.clinicId });

export async function readPatient(db: Db, w: Who, patientId: string): Promise<Resource | null> {
  const p = await db.patient.findFirst({ where: { id: patientId, clinicId: w.clinicId } });
  if (!p) return null;
  await audit(db, actor(w), "fhir.patient.read", { record: { type: "Patient", id: p.id }, ip: w.ip });
  return patientOf(p, w.clinicId);
}

export async function searchObservations(db: Db, w: Who, patientId: string, base: string, selfUrl: string): Promise<Bundle | null> {
  const rows = await loadRecordRows(db, w.clinicId, patientId);
  if (!rows) return null;
  const visits = new Map(rows.visits.map((v) => [v.id, v]));
  const obs: Resource[] = [];
  for (const t of measuredTrials(rows.trials)) {
    const v = visits.get(t.visitId)!;
    obs.push(romObservationOf(t, v));
    const pain = painObservationOf(t, v);
    if (pain) obs.push(pain);
  }
  await audit(db, actor(w), "fhir.observation.search", { record: { type: "Patient", id: patientId }, ip: w.ip, detail: { count: obs.length } });
  return {
    resourceType: "Bundle", type: "searchset", total: obs.length, link: [{ relation: "self", url: selfUrl }],
    entry: obs.map((r) => ({ fullUrl: `${base}/${r.resourceType}/${r.id}`, resource: r, search: { mode: "match" } })),
  };
}

export async function patientEverything(db: Db, w: Who, patientId: string, base: string): Promise<Bundle | null> {
  const rows = await loadRecordRows(db, w.clinicId, patientId);
  if (!rows) return null;
  await audit(db, actor(w), "fhir.patient.everything", { record: { type: "Patient", id: patientId }, ip: w.ip });
  return collectionBundle(rows, { base, timestamp: new Date(), pdfs: await notePdfs(db, w.clinicId, rows.notes) });
}

/** For staff exports (tRPC): the record as a collection Bundle, or one visit as a document Bundle. */
export async function exportBundle(db: Db, clinicId: string, patientId: string, base: string, opts: { visitId?: string; pdfs?: Map<string, { data: Uint8Array; title: string }> } = {}) {
  const rows = await loadRecordRows(db, clinicId, patientId);
  if (!rows) return null;
  opts = { ...opts, pdfs: opts.pdfs ?? (await notePdfs(db, clinicId, opts.visitId ? rows.notes.filter((n) => n.visitId === opts.visitId) : rows.notes)) };
  if (opts.visitId) return visitDocumentBundle(rows, opts.visitId, { base, timestamp: new Date(), pdfs: opts.pdfs });
  return collectionBundle(rows, { base, timestamp: new Date(), pdfs: opts.pdfs });
}
