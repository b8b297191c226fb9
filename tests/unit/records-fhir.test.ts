// FHIR mapping: every resource validates against the R4 StructureDefinitions, the bundle carries exactly
// the measured results, and the codes are the ones the README lists.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Bundle, Observation, Resource } from "@medplum/fhirtypes";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { summarize } from "../../app/_shared/assessments/summary";
import { CODES, collectionBundle, romObservationId, visitDocumentBundle, type RecordRows } from "../../app/_shared/records/fhir";
import { flexionSweep } from "../support/samples";
import { validateFhir } from "../support/fhir-validate";

function rows(): RecordRows {
  const flex = summarize(flexionSweep({ reps: 3, peakDeg: 80 }), protocolByKey("trunk-flexion")!);
  const posture = summarize(flexionSweep({ reps: 1, peakDeg: 10 }), protocolByKey("posture")!);
  const t0 = new Date("2026-11-20T10:00:00Z");
  return {
    clinic: { id: "clinicA", name: "Back Clinic <&>", address: "1 Main St, Springfield" },
    patient: { id: "pat1", firstName: "Pat", lastName: "Ient", dateOfBirth: new Date("1980-01-02T00:00:00Z"), recordNumber: "R-1", email: "p@example.org" },
    practitioners: [{ id: "th1", name: "Thea Rapist", email: "t@example.org" }],
    visits: [
      { id: "v1", patientId: "pat1", therapistId: "th1", status: "ENDED", scheduledAt: t0, durationMin: 45, startedAt: t0, endedAt: new Date(t0.getTime() + 1800_000), reason: "LBP" },
      { id: "v2", patientId: "pat1", therapistId: "th1", status: "SCHEDULED", scheduledAt: new Date("2026-12-20T10:00:00Z"), durationMin: 45, startedAt: null, endedAt: null, reason: "" },
    ],
    trials: [
      { id: "t1", visitId: "v1", protocolKey: "trunk-flexion", protocolVersion: 1, side: null, status: "COMPLETED", startedAt: t0, endedAt: new Date(t0.getTime() + 20_000), poseModel: "pose_landmarker_lite", poseModelVersion: "0.10.14", summary: flex, qualityFlags: flex.flags, painDuring: 4, note: "guarded" },
      { id: "t2", visitId: "v1", protocolKey: "posture", protocolVersion: 1, side: null, status: "COMPLETED", startedAt: t0, endedAt: t0, poseModel: "pose_landmarker_lite", poseModelVersion: "0.10.14", summary: posture, qualityFlags: [], painDuring: null, note: "" },
      { id: "t3", visitId: "v1", protocolKey: "trunk-flexion", protocolVersion: 1, side: null, status: "DISCARDED", startedAt: t0, endedAt: t0, poseModel: "pose_landmarker_lite", poseModelVersion: "0.10.14", summary: null, qualityFlags: [], painDuring: 9, note: "" },
    ],
    notes: [{ id: "n1", visitId: "v1", subjective: "Pain <worse> in the morning", objective: "Flexion 80°", assessment: "Improving", plan: "Continue", authorId: "th1", createdAt: t0, updatedAt: t0, signedAt: t0, signedById: "th1", addenda: [{ id: "a1", text: "Called patient", authorId: "th1", createdAt: t0 }] }],
  };
}

const resources = (b: Bundle) => (b.entry ?? []).map((e) => e.resource as Resource);

test("collection bundle: every resource validates against R4, and it survives a JSON round trip", () => {
  const r = rows();
  const b = collectionBundle(r, { base: "https://example.org/fhir/R4", timestamp: new Date(), pdfs: new Map([["n1", { data: new TextEncoder().encode("%PDF-1.7 test"), title: "note.pdf" }]]) });
  validateFhir(b);
  for (const res of resources(b)) validateFhir(res);
  assert.deepEqual(JSON.parse(JSON.stringify(b)), b);
  const types = resources(b).map((x) => x.resourceType);
  assert.deepEqual([...new Set(types)].sort(), ["Device", "DocumentReference", "Encounter", "Observation", "Organization", "Patient", "Practitioner"]);
  assert.equal(types.filter((t) => t === "Encounter").length, 2);
});

test("observations are exactly the stored results: peak, reps, UCUM deg, SNOMED code and body site, method and device", () => {
  const r = rows();
  const b = collectionBundle(r, { base: "https://example.org/fhir/R4", timestamp: new Date() });
  const obs = resources(b).filter((x): x is Observation => x.resourceType === "Observation");
  // t1 ROM + t1 pain + t2 hold; the discarded trial contributes nothing
  assert.equal(obs.length, 3);
  const rom = obs.find((o) => o.id === romObservationId("t1"))!;
  const s = r.trials[0]!.summary as ReturnType<typeof summarize>;
  assert.equal(rom.valueQuantity?.value, s.bestDeg);
  assert.deepEqual({ unit: rom.valueQuantity?.unit, system: rom.valueQuantity?.system, code: rom.valueQuantity?.code }, { unit: "deg", system: "http://unitsofmeasure.org", code: "deg" });
  assert.deepEqual(rom.component?.filter((c) => c.code.coding?.[0]?.code?.startsWith("repetition-")).map((c) => c.valueQuantity?.value), s.reps.map((x) => x.peakDeg));
  assert.equal(rom.code.coding?.[0]?.code, CODES.rangeOfJointMovement.code);
  assert.equal(rom.bodySite?.coding?.[0]?.code, "304035006");
  assert.match(rom.method?.text ?? "", /pose_landmarker_lite 0\.10\.14/);
  assert.equal(rom.device?.reference, "Device/pose-pose_landmarker_lite-0.10.14".replace(/_/g, "-"));
  assert.equal(rom.referenceRange?.[0]?.low?.value, 90);
  assert.equal(rom.interpretation?.[0]?.coding?.[0]?.code, "L");
  const pain = obs.find((o) => o.code.coding?.[0]?.code === "72514-3")!;
  assert.equal(pain.valueInteger, 4);
  const devices = resources(b).filter((x) => x.resourceType === "Device");
  assert.equal(devices.length, 1);
  assert.equal(devices[0]!.id, rom.device?.reference?.split("/")[1]);
});

test("visit document bundle: Composition first with SOAP sections, attested when signed; validates", () => {
  const b = visitDocumentBundle(rows(), "v1", { base: "https://example.org/fhir/R4", timestamp: new Date() });
  validateFhir(b);
  for (const res of resources(b)) validateFhir(res);
  const comp = resources(b)[0]!;
  assert.equal(comp.resourceType, "Composition");
  if (comp.resourceType !== "Composition") return;
  assert.equal(comp.status, "final");
  assert.deepEqual(comp.section?.map((x) => x.title), ["Subjective", "Objective", "Assessment", "Plan"]);
  assert.match(comp.section?.[0]?.text?.div ?? "", /Pain &lt;worse&gt;/);
  assert.match(comp.section?.[3]?.text?.div ?? "", /Called patient/);
  assert.equal(comp.section?.[1]?.entry?.length, 3);
  assert.equal(resources(b).filter((x) => x.resourceType === "Encounter").length, 1);
});

test("an invalid resource is refused by the validator (the check can fail)", () => {
  assert.throws(() => validateFhir({ resourceType: "Observation", code: { text: "x" } } as unknown as Resource));
  assert.throws(() => validateFhir({ resourceType: "Patient", birthDate: "02/01/1980" } as unknown as Resource));
});
