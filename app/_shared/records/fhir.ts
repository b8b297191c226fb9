// Pure mapping from PoseVisit's domain rows to HL7 FHIR R4 resources (no database, no I/O).
// Standard codes where they exist (SNOMED CT for range of movement and body site, LOINC for pain and
// note types, UCUM for units, HL7 terminology for encounter class and interpretation); the project's
// own code systems (under POSEVISIT_CODE_BASE) for what has no standard code. README "Records out".
import type {
  Bundle, BundleEntry, CodeableConcept, Composition, Device, DocumentReference, Encounter, Observation, ObservationComponent,
  Organization, Patient, Practitioner, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer, Reference, Resource,
} from "@medplum/fhirtypes";
import { questionnaireByKey, type ScoreResult } from "../care/questionnaires";
import { protocolByKey } from "../assessments/catalogue";
import type { TrialSummary } from "../assessments/summary";
import { bytesToBase64 } from "../pose/sample";
import { isTrialSummary } from "./objective";

/** Stable base of the project's own code systems and identifier systems (never changes with the deployment). */
export const POSEVISIT_CODE_BASE = "https://posevisit.org/fhir";
export const CS = {
  protocol: `${POSEVISIT_CODE_BASE}/CodeSystem/assessment-protocol`,
  measure: `${POSEVISIT_CODE_BASE}/CodeSystem/measure`,
  method: `${POSEVISIT_CODE_BASE}/CodeSystem/method`,
  bodySite: `${POSEVISIT_CODE_BASE}/CodeSystem/body-site`,
  quality: `${POSEVISIT_CODE_BASE}/CodeSystem/quality-flag`,
  /** the score of an outcome questionnaire (code = the instrument's key) */
  questionnaireScore: `${POSEVISIT_CODE_BASE}/CodeSystem/questionnaire-score`,
  /** the answer options of an instrument: `${questionnaireAnswer}/<instrument>`, code = the option's stored value */
  questionnaireAnswer: `${POSEVISIT_CODE_BASE}/CodeSystem/questionnaire-answer`,
} as const;
/** Canonical URL of an instrument's definition (`|version` appended): the project's own Questionnaire ids. */
export const QUESTIONNAIRE_CANONICAL = `${POSEVISIT_CODE_BASE}/Questionnaire`;
export const ID_SYSTEM = {
  patient: `${POSEVISIT_CODE_BASE}/sid/patient-record-number`,
  trial: `${POSEVISIT_CODE_BASE}/sid/assessment-trial`,
  visit: `${POSEVISIT_CODE_BASE}/sid/visit`,
  document: `${POSEVISIT_CODE_BASE}/sid/document`,
  response: `${POSEVISIT_CODE_BASE}/sid/questionnaire-response`,
} as const;
export const SNOMED = "http://snomed.info/sct";
export const LOINC = "http://loinc.org";
export const UCUM = "http://unitsofmeasure.org";

export const CODES = {
  rangeOfJointMovement: { system: SNOMED, code: "364564000", display: "Range of joint movement" },
  regionalBackStructure: { system: SNOMED, code: "304035006", display: "Regional back structure" },
  painNprs: { system: LOINC, code: "72514-3", display: "Pain severity - 0-10 verbal numeric rating [Score] - Reported" },
  progressNote: { system: LOINC, code: "11506-3", display: "Progress note" },
  subjective: { system: LOINC, code: "61150-9", display: "Subjective Narrative" },
  objective: { system: LOINC, code: "61149-1", display: "Objective Narrative" },
  assessment: { system: LOINC, code: "51848-0", display: "Evaluation note" },
  plan: { system: LOINC, code: "18776-5", display: "Plan of care note" },
  markerless: { system: CS.method, code: "markerless-video-pose-estimation", display: "Markerless video pose estimation" },
} as const;

// --- domain rows (what the server reads from the database) --------------------------------------
export type ClinicRow = { id: string; name: string; address?: string | null; phone?: string | null };
export type PatientRow = { id: string; firstName: string; lastName: string; dateOfBirth: Date; recordNumber?: string | null; email?: string | null; phone?: string | null };
export type UserRow = { id: string; name: string; email: string };
export type VisitRow = {
  id: string; patientId: string; therapistId: string; status: string; scheduledAt: Date; durationMin: number;
  startedAt: Date | null; endedAt: Date | null; reason: string;
};
export type TrialRow = {
  id: string; visitId: string; protocolKey: string; protocolVersion: number; side: string | null; status: string;
  startedAt: Date; endedAt: Date | null; poseModel: string; poseModelVersion: string; summary: unknown; qualityFlags: unknown;
  painDuring: number | null; note: string;
};
export type NoteRow = {
  id: string; visitId: string; subjective: string; objective: string; assessment: string; plan: string; authorId: string;
  createdAt: Date; updatedAt: Date; signedAt: Date | null; signedById: string | null;
  addenda: { id: string; text: string; authorId: string; createdAt: Date }[];
};
/** An outcome questionnaire response (QuestionnaireResponse row): the answers and the server's score. */
export type ResponseRow = {
  id: string; instrument: string; version: number; answers: unknown; score: unknown; source: string; visitId: string | null;
  enteredById: string | null; submittedAt: Date;
};
export type RecordRows = {
  clinic: ClinicRow; patient: PatientRow; practitioners: UserRow[]; visits: VisitRow[]; trials: TrialRow[]; notes: NoteRow[];
  /** outcome questionnaires of the patient's episodes (absent: none exported) */
  responses?: ResponseRow[];
};

const ref = <T extends Resource = any>(type: string, id: string, display?: string): Reference<T> => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const iso = (d: Date) => d.toISOString();
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
/** FHIR ids allow [A-Za-z0-9-.]{1,64}; cuids qualify, anything else is made to. */
export const fhirId = (s: string) => s.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64);
const deg = (value: number) => ({ value, unit: "deg", system: UCUM, code: "deg" });
const xhtml = (text: string) => {
  const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const paras = esc.split(/\n+/).filter((p) => p.trim()).map((p) => `<p>${p}</p>`).join("");
  return `<div xmlns="http://www.w3.org/1999/xhtml">${paras || "<p>(none)</p>"}</div>`;
};

export function organizationOf(c: ClinicRow): Organization {
  return {
    resourceType: "Organization", id: fhirId(c.id), active: true, name: c.name,
    ...(c.address ? { address: [{ text: c.address }] } : {}),
    ...(c.phone ? { telecom: [{ system: "phone", value: c.phone }] } : {}),
  };
}

export function patientOf(p: PatientRow, clinicId: string): Patient {
  const telecom = [
    ...(p.phone ? [{ system: "phone" as const, value: p.phone }] : []),
    ...(p.email ? [{ system: "email" as const, value: p.email }] : []),
  ];
  return {
    resourceType: "Patient", id: fhirId(p.id), active: true,
    ...(p.recordNumber ? { identifier: [{ system: `${ID_SYSTEM.patient}/${clinicId}`, value: p.recordNumber }] } : {}),
    name: [{ use: "official", family: p.lastName, given: [p.firstName] }],
    birthDate: dateOnly(p.dateOfBirth),
    ...(telecom.length ? { telecom } : {}),
    managingOrganization: ref("Organization", fhirId(clinicId)),
  };
}

export function practitionerOf(u: UserRow): Practitioner {
  const parts = u.name.trim().split(/\s+/);
  const family = parts.length > 1 ? parts[parts.length - 1]! : parts[0] ?? u.name;
  const given = parts.length > 1 ? parts.slice(0, -1) : [];
  return {
    resourceType: "Practitioner", id: fhirId(u.id), active: true,
    name: [{ text: u.name, family, ...(given.length ? { given } : {}) }],
    telecom: [{ system: "email", value: u.email, use: "work" }],
  };
}

const ENCOUNTER_STATUS: Record<string, Encounter["status"]> = {
  SCHEDULED: "planned", WAITING: "arrived", IN_PROGRESS: "in-progress", ENDED: "finished", CANCELLED: "cancelled",
};

export function encounterOf(v: VisitRow, clinicId: string, therapist?: UserRow): Encounter {
  const start = v.startedAt ?? v.scheduledAt;
  const end = v.endedAt ?? (v.startedAt ? undefined : new Date(v.scheduledAt.getTime() + v.durationMin * 60_000));
  return {
    resourceType: "Encounter", id: fhirId(v.id), status: ENCOUNTER_STATUS[v.status] ?? "unknown",
    identifier: [{ system: ID_SYSTEM.visit, value: v.id }],
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "VR", display: "virtual" },
    serviceType: { text: "Physical therapy telehealth visit (low back pain)" },
    subject: ref("Patient", fhirId(v.patientId)),
    participant: [{ individual: ref("Practitioner", fhirId(v.therapistId), therapist?.name) }],
    period: { start: iso(start), ...(end ? { end: iso(end) } : {}) },
    ...(v.reason ? { reasonCode: [{ text: v.reason }] } : {}),
    serviceProvider: ref("Organization", fhirId(clinicId)),
  };
}

/** One Device per pose model and version: the software that measured. */
export const deviceId = (model: string, version: string) => fhirId(`pose-${model}-${version}`);
export function deviceOf(model: string, version: string): Device {
  return {
    resourceType: "Device", id: deviceId(model, version), status: "active",
    deviceName: [{ name: model, type: "model-name" }],
    type: { text: "Markerless pose estimation software (MediaPipe PoseLandmarker, in the patient's browser)" },
    version: [{ value: version }],
    manufacturer: "Google MediaPipe (model); PoseVisit (measurement)",
  };
}

const TRUNK = new Set(["trunkFlexion", "lateralFlexion", "trunkRotation"]);
function bodySiteOf(primary: string): CodeableConcept {
  if (TRUNK.has(primary)) return { coding: [CODES.regionalBackStructure], text: "Trunk (lumbar and thoracic spine)" };
  const m = /^(knee|hip)Flexion([LR])$/.exec(primary);
  if (m) {
    const side = m[2] === "L" ? "left" : "right";
    return { coding: [{ system: CS.bodySite, code: `${m[1]}-${side}`, display: `${m[1] === "knee" ? "Knee" : "Hip"}, ${side}` }], text: `${m[1] === "knee" ? "Knee" : "Hip"} joint, ${side}` };
  }
  return { coding: [{ system: CS.bodySite, code: primary }], text: primary };
}

const INTERP: Record<string, { code: string; display: string }> = { below: { code: "L", display: "Low" }, within: { code: "N", display: "Normal" }, above: { code: "H", display: "High" } };

export const isSummary = isTrialSummary;

/** The trials that yield a measured result: completed, with a server summary that has a value. */
export function measuredTrials(trials: readonly TrialRow[]): (TrialRow & { summary: TrialSummary })[] {
  return trials.filter((t): t is TrialRow & { summary: TrialSummary } => t.status === "COMPLETED" && isSummary(t.summary) && t.summary.bestDeg !== null);
}

export const romObservationId = (trialId: string) => fhirId(`${trialId}-rom`);
export const painObservationId = (trialId: string) => fhirId(`${trialId}-pain`);

/** The measured result of one trial: peak ROM (or the mean angle of a hold) with a component per repetition. */
export function romObservationOf(t: TrialRow & { summary: TrialSummary }, v: VisitRow): Observation {
  const p = protocolByKey(t.protocolKey);
  const s = t.summary;
  const title = p?.title ?? t.protocolKey;
  const isHold = s.hold !== null;
  const components: ObservationComponent[] = isHold
    ? [
        { code: { coding: [{ system: CS.measure, code: "hold-sd", display: "Standard deviation over the hold" }] }, valueQuantity: deg(s.hold!.sdDeg) },
        { code: { coding: [{ system: CS.measure, code: "hold-min", display: "Minimum over the hold" }] }, valueQuantity: deg(s.hold!.minDeg) },
        { code: { coding: [{ system: CS.measure, code: "hold-max", display: "Maximum over the hold" }] }, valueQuantity: deg(s.hold!.maxDeg) },
      ]
    : [
        ...s.reps.map((r) => ({
          code: { coding: [{ system: CS.measure, code: `repetition-${r.index + 1}-peak`, display: `Repetition ${r.index + 1} peak` }] },
          valueQuantity: deg(r.peakDeg),
        })),
        ...(s.meanDeg !== null ? [{ code: { coding: [{ system: CS.measure, code: "mean-peak", display: "Mean of repetition peaks" }] }, valueQuantity: deg(s.meanDeg) }] : []),
      ];
  const flags = Array.isArray(t.qualityFlags) ? (t.qualityFlags as unknown[]).filter((f): f is string => typeof f === "string") : s.flags;
  const notes = [
    ...(flags.length ? [{ text: `Quality flags: ${flags.join(", ")}` }] : []),
    ...(p?.normal?.note ? [{ text: p.normal.note }] : []),
    ...(t.note ? [{ text: t.note }] : []),
  ];
  return {
    resourceType: "Observation", id: romObservationId(t.id), status: "final",
    identifier: [{ system: ID_SYSTEM.trial, value: t.id }],
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "exam", display: "Exam" }] }],
    code: {
      coding: [
        ...(isHold ? [] : [CODES.rangeOfJointMovement]),
        { system: CS.protocol, code: t.protocolKey, display: title, version: String(t.protocolVersion) },
      ],
      text: isHold ? `${title}: mean ${s.primary} angle` : `${title}: peak range of movement`,
    },
    subject: ref("Patient", fhirId(v.patientId)),
    encounter: ref("Encounter", fhirId(v.id)),
    effectivePeriod: { start: iso(t.startedAt), ...(t.endedAt ? { end: iso(t.endedAt) } : {}) },
    performer: [ref("Practitioner", fhirId(v.therapistId))],
    valueQuantity: deg(isHold ? s.hold!.meanDeg : s.bestDeg!),
    ...(s.vsNormal ? { interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", ...INTERP[s.vsNormal]! }] }] } : {}),
    ...(notes.length ? { note: notes } : {}),
    bodySite: bodySiteOf(s.primary),
    method: {
      coding: [CODES.markerless],
      text: `Markerless video pose estimation (${t.poseModel} ${t.poseModelVersion}), single webcam, ${p?.view === "FRONTAL" ? "frontal" : "sagittal"} view`,
    },
    device: ref("Device", deviceId(t.poseModel, t.poseModelVersion), `${t.poseModel} ${t.poseModelVersion}`),
    ...(s.normal ? { referenceRange: [{ low: deg(s.normal.min), high: deg(s.normal.max), text: s.normal.source }] } : {}),
    ...(components.length ? { component: components } : {}),
  };
}

/** Pain reported during the movement (NPRS 0–10). */
export function painObservationOf(t: TrialRow, v: VisitRow): Observation | null {
  if (t.painDuring === null || t.status !== "COMPLETED") return null;
  const p = protocolByKey(t.protocolKey);
  return {
    resourceType: "Observation", id: painObservationId(t.id), status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey", display: "Survey" }] }],
    code: { coding: [CODES.painNprs], text: `Pain during ${p?.title ?? t.protocolKey} (NPRS 0-10)` },
    subject: ref("Patient", fhirId(v.patientId)),
    encounter: ref("Encounter", fhirId(v.id)),
    effectiveDateTime: iso(t.endedAt ?? t.startedAt),
    performer: [ref("Patient", fhirId(v.patientId))],
    valueInteger: t.painDuring,
    derivedFrom: [ref("Observation", romObservationId(t.id))],
  };
}

/** The text of a note, addenda included, as plain text sections. */
export function noteSections(n: NoteRow, names: Map<string, string>) {
  const addenda = n.addenda.map((a) => `Addendum ${a.createdAt.toISOString()} by ${names.get(a.authorId) ?? a.authorId}: ${a.text}`);
  return { subjective: n.subjective, objective: n.objective, assessment: n.assessment, plan: n.plan, addenda };
}

export const noteDocumentId = (noteId: string) => fhirId(`${noteId}-doc`);

export function documentReferenceOf(n: NoteRow, v: VisitRow, clinicId: string, pdf?: { data: Uint8Array; title: string }): DocumentReference {
  return {
    resourceType: "DocumentReference", id: noteDocumentId(n.id), status: "current", docStatus: n.signedAt ? "final" : "preliminary",
    identifier: [{ system: ID_SYSTEM.document, value: n.id }],
    type: { coding: [CODES.progressNote], text: "Physical therapy visit note (SOAP)" },
    subject: ref("Patient", fhirId(v.patientId)),
    date: iso(n.signedAt ?? n.updatedAt),
    author: [ref("Practitioner", fhirId(n.signedById ?? n.authorId))],
    ...(n.signedAt && n.signedById ? { authenticator: ref("Practitioner", fhirId(n.signedById)) } : {}),
    custodian: ref("Organization", fhirId(clinicId)),
    description: `Visit note, ${dateOnly(v.startedAt ?? v.scheduledAt)}${n.signedAt ? "" : " (not signed)"}`,
    content: [{
      attachment: pdf
        ? { contentType: "application/pdf", data: bytesToBase64(pdf.data), title: pdf.title, size: pdf.data.length, creation: iso(n.signedAt ?? n.updatedAt) }
        : { contentType: "text/plain", data: bytesToBase64(new TextEncoder().encode(soapText(n))), title: "Visit note (text)" },
    }],
    context: { encounter: [ref("Encounter", fhirId(v.id))], period: { start: iso(v.startedAt ?? v.scheduledAt) } },
  };
}

function soapText(n: NoteRow): string {
  return [`Subjective:\n${n.subjective}`, `Objective:\n${n.objective}`, `Assessment:\n${n.assessment}`, `Plan:\n${n.plan}`,
    ...n.addenda.map((a) => `Addendum (${a.createdAt.toISOString()}):\n${a.text}`)].join("\n\n");
}

// --- outcome questionnaires (issue 17): QuestionnaireResponse + score Observations -------------------------------

export const responseResourceId = (responseId: string) => fhirId(`${responseId}-qr`);
export const scoreObservationId = (responseId: string) => fhirId(`${responseId}-score`);
export const responsePainObservationId = (responseId: string) => fhirId(`${responseId}-pain`);
const survey = [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey", display: "Survey" }] }];

/** The answers as FHIR items: linkId = the item's key, text = its topic in PoseVisit's words (never licensed wording). */
function responseItems(r: ResponseRow): QuestionnaireResponseItem[] {
  const def = questionnaireByKey(r.instrument, r.version);
  const answers = (r.answers && typeof r.answers === "object" ? r.answers : {}) as Record<string, unknown>;
  if (!def) return [];
  const out: QuestionnaireResponseItem[] = [];
  for (const i of def.items) {
    const v = answers[i.key];
    if (v === null || v === undefined) continue;
    if (i.type === "activities" && Array.isArray(v)) {
      const acts = v.filter((a): a is { name: string; score: number | null } => !!a && typeof a === "object" && typeof (a as { name?: unknown }).name === "string");
      if (acts.length) out.push({ linkId: i.key, text: i.topic, item: acts.map((a, n) => ({ linkId: `${i.key}.${n + 1}`, text: a.name, ...(typeof a.score === "number" ? { answer: [{ valueInteger: a.score }] } : {}) })) });
      continue;
    }
    let answer: QuestionnaireResponseItemAnswer | null = null;
    if (i.type === "scale" && typeof v === "number") answer = { valueInteger: v };
    if (i.type === "tick" && typeof v === "boolean") answer = { valueBoolean: v };
    if (i.type === "choice" && typeof v === "string") {
      const o = i.options.find((x) => x.value === v);
      if (o) answer = { valueCoding: { system: `${CS.questionnaireAnswer}/${def.key}`, code: o.value, ...(o.label ? { display: o.label } : {}) } };
    }
    if (answer) out.push({ linkId: i.key, text: i.topic, answer: [answer] });
  }
  return out;
}

/** One response as QuestionnaireResponse (answers) + score Observation (+ NPRS current pain with LOINC 72514-3). */
export function responseResources(r: ResponseRow, patientId: string, visitIds: ReadonlySet<string>): Resource[] {
  const def = questionnaireByKey(r.instrument, r.version);
  if (!def) return [];
  const sc = (r.score && typeof r.score === "object" ? r.score : null) as ScoreResult | null;
  const encounter = r.visitId && visitIds.has(r.visitId) ? { encounter: ref("Encounter", fhirId(r.visitId)) } : {};
  const author = r.source === "VISIT" && r.enteredById ? ref("Practitioner", fhirId(r.enteredById)) : ref("Patient", fhirId(patientId));
  const qr: QuestionnaireResponse = {
    resourceType: "QuestionnaireResponse", id: responseResourceId(r.id),
    identifier: { system: ID_SYSTEM.response, value: r.id },
    questionnaire: `${QUESTIONNAIRE_CANONICAL}/${def.key}|${def.version}`,
    status: "completed",
    subject: ref("Patient", fhirId(patientId)),
    ...encounter,
    authored: iso(r.submittedAt),
    author,
    source: ref("Patient", fhirId(patientId)),
    item: responseItems(r),
  };
  const unitCode = def.unit === "%" ? "%" : "{score}";
  const code: CodeableConcept = { coding: [{ system: CS.questionnaireScore, code: def.key, display: `${def.title} score` }], text: `${def.short} score (${def.construct})` };
  const notes = [
    ...(sc?.band ? [{ text: `${sc.band.label}${def.bandSource ? ` (${def.bandSource})` : ""}` }] : []),
    ...(sc && !sc.completeness.computable ? [{ text: `Not computable: ${sc.completeness.reason ?? "items missing"}` }] : []),
    ...(sc && sc.completeness.missing.length ? [{ text: `Not answered: ${sc.completeness.missing.join(", ")}` }] : []),
  ];
  const components: ObservationComponent[] = def.scoring.kind === "startBack" && sc
    ? (["total", "psychosocial"] as const).map((k) => ({
        code: { coding: [{ system: CS.questionnaireScore, code: `${def.key}-${k}`, display: k === "total" ? "STarT Back total score" : "STarT Back psychosocial subscale" }] },
        ...(typeof sc.subscores[k] === "number" ? { valueInteger: sc.subscores[k] as number } : { dataAbsentReason: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/data-absent-reason", code: "unknown" }] } }),
      }))
    : [];
  const value = typeof sc?.score === "number"
    ? { valueQuantity: { value: sc.score, unit: def.unit === "%" ? "%" : "score", system: UCUM, code: unitCode } }
    : sc?.band ? { valueCodeableConcept: { text: sc.band.label } }
    : { dataAbsentReason: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/data-absent-reason", code: "unknown" }], text: "Not computable: items missing" } };
  const obs: Observation = {
    resourceType: "Observation", id: scoreObservationId(r.id), status: "final", category: survey, code,
    subject: ref("Patient", fhirId(patientId)), ...encounter, effectiveDateTime: iso(r.submittedAt), performer: [author],
    ...value,
    ...(notes.length ? { note: notes } : {}),
    ...(def.range ? { referenceRange: [{ low: { value: def.range.min, unit: def.unit === "%" ? "%" : "score", system: UCUM, code: unitCode }, high: { value: def.range.max, unit: def.unit === "%" ? "%" : "score", system: UCUM, code: unitCode }, text: `${def.higherIsBetter ? "higher is better" : "higher is worse"}` }] } : {}),
    ...(components.length ? { component: components } : {}),
    derivedFrom: [ref("QuestionnaireResponse", qr.id!)],
  };
  const out: Resource[] = [qr, obs];
  const answers = (r.answers && typeof r.answers === "object" ? r.answers : {}) as Record<string, unknown>;
  const pain = def.painItem ? answers[def.painItem] : undefined;
  if (typeof pain === "number")
    out.push({
      resourceType: "Observation", id: responsePainObservationId(r.id), status: "final", category: survey,
      code: { coding: [CODES.painNprs], text: "Pain now (NPRS 0-10)" },
      subject: ref("Patient", fhirId(patientId)), ...encounter, effectiveDateTime: iso(r.submittedAt), performer: [ref("Patient", fhirId(patientId))],
      valueInteger: pain, derivedFrom: [ref("QuestionnaireResponse", qr.id!)],
    } satisfies Observation);
  return out;
}

const entryOf = (base: string, r: Resource): BundleEntry => ({ fullUrl: `${base}/${r.resourceType}/${r.id}`, resource: r });

/** Every resource of a patient's record, in a stable order. */
export function recordResources(rows: RecordRows, opts: { pdfs?: Map<string, { data: Uint8Array; title: string }> } = {}): Resource[] {
  const { clinic, patient } = rows;
  const users = new Map(rows.practitioners.map((u) => [u.id, u]));
  const visits = [...rows.visits].sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime());
  const visitById = new Map(visits.map((v) => [v.id, v]));
  const measured = measuredTrials(rows.trials).filter((t) => visitById.has(t.visitId));
  const devices = new Map<string, Device>();
  for (const t of measured) devices.set(deviceId(t.poseModel, t.poseModelVersion), deviceOf(t.poseModel, t.poseModelVersion));
  const out: Resource[] = [organizationOf(clinic), patientOf(patient, clinic.id)];
  for (const u of rows.practitioners) out.push(practitionerOf(u));
  out.push(...devices.values());
  for (const v of visits) out.push(encounterOf(v, clinic.id, users.get(v.therapistId)));
  for (const t of measured) {
    const v = visitById.get(t.visitId)!;
    out.push(romObservationOf(t, v));
    const pain = painObservationOf(t, v);
    if (pain) out.push(pain);
  }
  for (const n of rows.notes) {
    const v = visitById.get(n.visitId);
    if (v) out.push(documentReferenceOf(n, v, clinic.id, opts.pdfs?.get(n.id)));
  }
  const visitIds = new Set(visitById.keys());
  for (const r of [...(rows.responses ?? [])].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime())) out.push(...responseResources(r, patient.id, visitIds));
  return out;
}

/** The patient's record as a Bundle of type collection. */
export function collectionBundle(rows: RecordRows, opts: { base: string; timestamp: Date; pdfs?: Map<string, { data: Uint8Array; title: string }> }): Bundle {
  return {
    resourceType: "Bundle", type: "collection", timestamp: iso(opts.timestamp),
    entry: recordResources(rows, opts).map((r) => entryOf(opts.base, r)),
  };
}

/** The visit report as a FHIR document: Composition first, then everything it references. */
export function visitDocumentBundle(rows: RecordRows, visitId: string, opts: { base: string; timestamp: Date; pdfs?: Map<string, { data: Uint8Array; title: string }> }): Bundle {
  const v = rows.visits.find((x) => x.id === visitId);
  if (!v) throw new Error(`visit ${visitId} is not in the record`);
  const one: RecordRows = { ...rows, visits: [v], trials: rows.trials.filter((t) => t.visitId === v.id), notes: rows.notes.filter((n) => n.visitId === v.id) };
  const resources = recordResources(one, opts);
  const note = one.notes[0];
  const names = new Map(rows.practitioners.map((u) => [u.id, u.name]));
  const obs = resources.filter((r): r is Observation => r.resourceType === "Observation");
  const sections = note ? noteSections(note, names) : null;
  const composition: Composition = {
    resourceType: "Composition", id: fhirId(`${v.id}-report`),
    identifier: { system: ID_SYSTEM.document, value: `${v.id}-report` },
    status: note?.signedAt ? "final" : "preliminary",
    type: { coding: [CODES.progressNote], text: "Physical therapy visit report" },
    subject: ref("Patient", fhirId(v.patientId)),
    encounter: ref("Encounter", fhirId(v.id)),
    date: iso(note?.signedAt ?? opts.timestamp),
    author: [ref("Practitioner", fhirId(note?.signedById ?? v.therapistId))],
    title: `Visit report ${dateOnly(v.startedAt ?? v.scheduledAt)}`,
    ...(note?.signedAt && note.signedById ? { attester: [{ mode: "legal", time: iso(note.signedAt), party: ref("Practitioner", fhirId(note.signedById)) }] } : {}),
    custodian: ref("Organization", fhirId(rows.clinic.id)),
    section: [
      { title: "Subjective", code: { coding: [CODES.subjective] }, text: { status: "generated", div: xhtml(sections?.subjective ?? "") } },
      {
        title: "Objective", code: { coding: [CODES.objective] },
        text: { status: "generated", div: xhtml(sections?.objective || obs.map((o) => `${o.code.text}: ${o.valueQuantity?.value ?? o.valueInteger} ${o.valueQuantity?.unit ?? ""}`.trim()).join("\n")) },
        ...(obs.length ? { entry: obs.map((o) => ref("Observation", o.id!)) } : {}),
      },
      { title: "Assessment", code: { coding: [CODES.assessment] }, text: { status: "generated", div: xhtml(sections?.assessment ?? "") } },
      { title: "Plan", code: { coding: [CODES.plan] }, text: { status: "generated", div: xhtml([sections?.plan ?? "", ...(sections?.addenda ?? [])].join("\n")) } },
    ],
  };
  return {
    resourceType: "Bundle", type: "document", timestamp: iso(opts.timestamp),
    identifier: { system: ID_SYSTEM.document, value: `${v.id}-report-${opts.timestamp.getTime()}` },
    entry: [composition, ...resources].map((r) => entryOf(opts.base, r)),
  };
}

