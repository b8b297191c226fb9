// Records that leave the app, through the real server and database: FHIR export and read API,
// API tokens, the PDF visit report (text extracted with poppler's pdftotext), notes, CSV.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Bundle, Observation, Resource } from "@medplum/fhirtypes";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { validateFhir } from "../support/fhir-validate";
import { chunked, flexionSweep } from "../support/samples";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Summary = { bestDeg: number; reps: { peakDeg: number }[] };

for (const kind of databaseKinds()) {
  describe(`records on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, admin: HttpClient, clin: HttpClient, thB: HttpClient, adminB: HttpClient;
    let visit1: string, visit2: string;

    /** A visit of clinic A with one completed trunk-flexion trial peaking near peakDeg. */
    async function measuredVisit(peakDeg: number, scheduledAt: Date, pain: number) {
      const r = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true, JSON.stringify(r));
      const visitId = r.data.visit.id as string;
      await s.db.visit.update({ where: { id: visitId }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      const token = (r.data.joinPath as string).split("/").pop()!;
      const t = await th.call("mutation", "trials.start", { visitId, protocolKey: "trunk-flexion" });
      assert.equal(t.ok, true, JSON.stringify(t));
      const patient = new HttpClient(s.url);
      const sweep = flexionSweep({ reps: 3, peakDeg });
      // the recording "ran" as long as its samples (the server refuses samples from the future)
      await s.db.assessmentTrial.update({ where: { id: t.data.id }, data: { startedAt: new Date(Date.now() - sweep.at(-1)!.t - 2_000) } });
      const chunks = chunked(sweep);
      for (const ch of chunks) assert.equal((await patient.call("mutation", "trials.uploadChunk", { token, trialId: t.data.id, ...ch })).ok, true);
      assert.equal((await patient.call("mutation", "trials.finish", { token, trialId: t.data.id, chunkCount: chunks.length })).ok, true);
      assert.equal((await th.call("mutation", "trials.annotate", { trialId: t.data.id, painDuring: pain })).ok, true);
      await s.db.visit.update({ where: { id: visitId }, data: { status: "ENDED", endedAt: new Date(), scheduledAt, startedAt: scheduledAt } });
      return visitId;
    }
    const fhir = (p: string, init: RequestInit & { token?: string } = {}) =>
      fetch(`${s.url}/fhir/R4${p}`, { ...init, headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) } });

    before(async () => {
      // Index the R4 definitions first: it blocks for seconds, which would let keep-alive sockets go stale mid-test.
      validateFhir({ resourceType: "Patient" });
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
      th = new HttpClient(s.url); await th.signIn(A.therapist.email, PASSWORD);
      admin = new HttpClient(s.url); await admin.signIn(A.admin.email, PASSWORD);
      clin = new HttpClient(s.url); await clin.signIn(A.clinician.email, PASSWORD);
      thB = new HttpClient(s.url); await thB.signIn(B.therapist.email, PASSWORD);
      adminB = new HttpClient(s.url); await adminB.signIn(B.admin.email, PASSWORD);
      visit1 = await measuredVisit(70, new Date("2026-10-01T09:00:00Z"), 6);
      visit2 = await measuredVisit(85, new Date("2026-11-01T09:00:00Z"), 3);
    });
    after(async () => {
      await s?.close();
    });

    test("notes: drafted, signed by the therapist and locked; later changes are addenda; roles and clinics enforced", async () => {
      const first = await th.call("query", "records.note", { visitId: visit2 });
      assert.equal(first.data.note, null);
      assert.match(first.data.objectivePrefill, /Trunk flexion \(bend forward\): peak \d+\.\d°/);
      assert.match(first.data.objectivePrefill, /since last visit/);
      const body = { visitId: visit2, subjective: "Less morning stiffness", objective: first.data.objectivePrefill, assessment: "Improving flexion", plan: "Progress to loaded hinge" };
      assert.equal((await clin.call("mutation", "records.saveNote", body)).error?.data.code, "FORBIDDEN");
      assert.equal((await thB.call("mutation", "records.saveNote", body)).error?.data.code, "NOT_FOUND");
      assert.equal((await thB.call("query", "records.note", { visitId: visit2 })).error?.data.code, "NOT_FOUND");
      assert.equal((await th.call("mutation", "records.saveNote", body)).ok, true);
      assert.equal((await th.call("mutation", "records.addAddendum", { visitId: visit2, text: "too early" })).error?.data.code, "BAD_REQUEST");
      assert.equal((await admin.call("mutation", "records.signNote", { visitId: visit2 })).error?.data.code, "FORBIDDEN");
      const signed = await th.call("mutation", "records.signNote", { visitId: visit2 });
      assert.equal(signed.ok, true, JSON.stringify(signed));
      assert.equal(signed.data.signedById, A.therapist.id);
      const edit = await th.call("mutation", "records.saveNote", { ...body, plan: "changed after signing" });
      assert.equal(edit.error?.data.code, "CONFLICT");
      assert.equal((await th.call("mutation", "records.signNote", { visitId: visit2 })).error?.data.code, "CONFLICT");
      const stored = await s.db.visitNote.findUniqueOrThrow({ where: { visitId: visit2 } });
      assert.equal(stored.plan, "Progress to loaded hinge");
      const add = await th.call("mutation", "records.addAddendum", { visitId: visit2, text: "Patient phoned: pain 2/10 next day" });
      assert.equal(add.ok, true);
      assert.equal(add.data.addenda.length, 1);
      assert.equal((await clin.call("mutation", "records.addAddendum", { visitId: visit2, text: "x" })).error?.data.code, "FORBIDDEN");
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "note.sign", recordId: visit2 } }));
    });

    test("FHIR export of a seeded patient validates, round-trips through JSON and holds exactly the stored results", async () => {
      const r = await clin.call("query", "records.patientFhir", { patientId: A.patient.id });
      assert.equal(r.ok, true, JSON.stringify(r));
      const bundle = JSON.parse(r.data.json) as Bundle;
      validateFhir(bundle);
      for (const e of bundle.entry ?? []) validateFhir(e.resource as Resource);
      assert.deepEqual(JSON.parse(JSON.stringify(bundle)), bundle);
      const trials = await s.db.assessmentTrial.findMany({ where: { visit: { patientId: A.patient.id }, status: "COMPLETED" } });
      const rom = (bundle.entry ?? []).map((e) => e.resource as Resource).filter((x): x is Observation => x.resourceType === "Observation" && x.code.coding?.[0]?.code === "364564000");
      assert.deepEqual(rom.map((o) => o.valueQuantity?.value).sort(), trials.map((t) => (t.summary as Summary).bestDeg).sort());
      for (const t of trials) {
        const o = rom.find((x) => x.identifier?.[0]?.value === t.id)!;
        assert.deepEqual(o.component?.filter((c) => c.code.coding?.[0]?.code?.startsWith("repetition-")).map((c) => c.valueQuantity?.value), (t.summary as Summary).reps.map((x) => x.peakDeg));
      }
      assert.equal((bundle.entry ?? []).filter((e) => e.resource?.resourceType === "Encounter").length, 2);
      const docs = (bundle.entry ?? []).map((e) => e.resource as Resource).filter((x) => x.resourceType === "DocumentReference");
      assert.equal(docs.length, 1);
      const att = docs[0]!.resourceType === "DocumentReference" ? docs[0]!.content[0]!.attachment : null;
      assert.equal(att?.contentType, "application/pdf");
      assert.equal(Buffer.from(att!.data!, "base64").subarray(0, 5).toString(), "%PDF-");
      assert.equal(docs[0]!.resourceType === "DocumentReference" && docs[0]!.docStatus, "final");
      assert.equal((await thB.call("query", "records.patientFhir", { patientId: A.patient.id })).error?.data.code, "NOT_FOUND");
    });

    test("API tokens: admins only, per clinic; FHIR API refuses no token, revoked tokens, other clinics' ids and writes", async () => {
      assert.equal((await th.call("mutation", "records.createApiToken", { name: "EHR" })).error?.data.code, "FORBIDDEN");
      assert.equal((await clin.call("query", "records.apiTokens")).error?.data.code, "FORBIDDEN");
      const made = await admin.call("mutation", "records.createApiToken", { name: "EHR bridge" });
      assert.equal(made.ok, true, JSON.stringify(made));
      const token = made.data.token as string;
      const row = await s.db.apiToken.findUniqueOrThrow({ where: { id: made.data.apiToken.id } });
      assert.notEqual(row.tokenHash, token);
      assert.ok(!JSON.stringify(row).includes(token.slice(10)), "the token itself is not stored");
      const madeB = await adminB.call("mutation", "records.createApiToken", { name: "B" });

      const meta = await fhir("/metadata");
      assert.equal(meta.status, 200);
      assert.match(meta.headers.get("content-type") ?? "", /^application\/fhir\+json/);
      validateFhir((await meta.json()) as Resource);

      const none = await fhir(`/Patient/${A.patient.id}`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as Resource).resourceType, "OperationOutcome");
      assert.equal((await fhir(`/Patient/${A.patient.id}`, { token: "pvfhir_wrong" })).status, 401);

      const pat = await fhir(`/Patient/${A.patient.id}`, { token });
      assert.equal(pat.status, 200);
      const patient = (await pat.json()) as Resource;
      validateFhir(patient);
      assert.equal(patient.id, A.patient.id);
      const obs = await fhir(`/Observation?patient=Patient/${A.patient.id}`, { token });
      assert.equal(obs.status, 200);
      const set = (await obs.json()) as Bundle;
      validateFhir(set);
      assert.equal(set.type, "searchset");
      assert.equal(set.total, 4); // 2 ROM + 2 pain
      const list = await admin.call("query", "records.apiTokens");
      assert.ok(list.data.find((t: { id: string; lastUsedAt: Date | null }) => t.id === row.id)?.lastUsedAt);

      // another clinic's patient: 404, same as an id that does not exist
      const foreign = await fhir(`/Patient/${B.patient.id}`, { token });
      assert.equal(foreign.status, 404);
      assert.equal(((await foreign.json()) as Resource).resourceType, "OperationOutcome");
      assert.equal((await fhir(`/Observation?patient=${B.patient.id}`, { token })).status, 404);
      assert.equal((await fhir(`/Patient/${A.patient.id}`, { token: madeB.data.token })).status, 404);
      // writes: 405, nothing changes
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        const w = await fhir(`/Patient/${A.patient.id}`, { method, token, headers: { "content-type": "application/fhir+json" }, body: method === "DELETE" ? undefined : JSON.stringify(patient) });
        assert.equal(w.status, 405, method);
        assert.equal(((await w.json()) as Resource).resourceType, "OperationOutcome");
      }
      assert.equal((await fhir(`/Observation?code=x`, { token })).status, 400);
      // revoke: by the other clinic's admin, not found; by ours, the token stops working
      assert.equal((await adminB.call("mutation", "records.revokeApiToken", { tokenId: row.id })).error?.data.code, "NOT_FOUND");
      assert.equal((await admin.call("mutation", "records.revokeApiToken", { tokenId: row.id })).ok, true);
      assert.equal((await fhir(`/Patient/${A.patient.id}`, { token })).status, 401);
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "fhir.patient.read", actorLabel: `api-token:${row.id}` } }));
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "apitoken.revoke", recordId: row.id } }));
    });

    test("the PDF visit report carries the database's numbers, the previous visit, pain and the signed note", async () => {
      assert.equal((await admin.call("mutation", "records.setClinicProfile", { address: "12 Harbour Road, Bristol", phone: "+44 117 000000" })).ok, true);
      assert.equal((await thB.call("query", "records.visitPdf", { visitId: visit2 })).error?.data.code, "NOT_FOUND");
      // names beyond Latin-1 print as written (the standard PDF fonts turned them into "?")
      const intl = { firstName: "Łukasz Μαρία", lastName: "Żółć-Иванова" };
      await s.db.patient.update({ where: { id: A.patient.id }, data: intl });
      const r = await clin.call("query", "records.visitPdf", { visitId: visit2 });
      await s.db.patient.update({ where: { id: A.patient.id }, data: { firstName: A.patient.firstName, lastName: A.patient.lastName } });
      assert.equal(r.ok, true, JSON.stringify(r));
      const bytes = Buffer.from(r.data.base64, "base64");
      assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-pdf-"));
      const file = path.join(dir, "report.pdf");
      fs.writeFileSync(file, bytes);
      if (process.env.PV_KEEP_PDF) fs.copyFileSync(file, process.env.PV_KEEP_PDF);
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
      const [t1] = await s.db.assessmentTrial.findMany({ where: { visitId: visit1 } });
      const [t2] = await s.db.assessmentTrial.findMany({ where: { visitId: visit2 } });
      const b1 = (t1!.summary as Summary).bestDeg, b2 = (t2!.summary as Summary).bestDeg;
      assert.ok(text.includes(A.clinic.name) && text.includes("12 Harbour Road, Bristol"), text);
      assert.ok(text.includes(`${intl.firstName} ${intl.lastName}`), text.split("\n").find((l) => l.includes("Patient")));
      assert.ok(text.includes("Jan 2, 1980"), "date of birth in the app's one date format");
      assert.ok(text.includes(A.therapist.name));
      assert.ok(text.includes(`${b2.toFixed(1)}°`), `current ${b2}`);
      assert.ok(text.includes(`${b1.toFixed(1)}°`), `previous ${b1}`);
      assert.ok(text.includes(`+${(Math.round((b2 - b1) * 10) / 10).toFixed(1)}°`), "change");
      assert.ok(text.includes("90–120°") || text.includes("90-120°"), "normal range");
      for (const rep of (t2!.summary as Summary).reps) assert.ok(text.includes(`${rep.peakDeg.toFixed(1)}°`), `rep ${rep.peakDeg}`);
      assert.ok(text.includes("3/10"), "pain");
      assert.match(text, /Signed by therapist/);
      assert.ok(text.includes("Progress to loaded hinge") && text.includes("Patient phoned"), "note and addendum");
      execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", file, path.join(dir, "p")]);
      assert.ok(fs.readdirSync(dir).some((f) => f.endsWith(".png")));
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "visit.export.pdf", recordId: visit2 } }));
    });

    test("patient CSV: one row per trial with its summary; formula-like text escaped; clinic-scoped", async () => {
      const [t] = await s.db.assessmentTrial.findMany({ where: { visitId: visit1 } });
      await s.db.assessmentTrial.update({ where: { id: t!.id }, data: { note: "=HYPERLINK(\"http://evil\")" } });
      const r = await clin.call("query", "records.patientCsv", { patientId: A.patient.id });
      assert.equal(r.ok, true);
      const lines = (r.data.csv as string).trim().split("\r\n");
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^visit_id,visit_date,trial_id,protocol/);
      assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil"")"`)), lines.join("\n"));
      assert.ok(lines.some((l) => l.includes(`,${(t!.summary as Summary).bestDeg},`)));
      assert.equal((await thB.call("query", "records.patientCsv", { patientId: A.patient.id })).error?.data.code, "NOT_FOUND");
    });
  });
}
