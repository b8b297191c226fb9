// Outcome questionnaires through the real server and database (issue 17 part B): clinic settings and licence gating,
// the sets due of an episode, sending a set by link (email through a real SMTP server on loopback), the patient
// answering it (validation, scoring, single use, expiry, revocation), the therapist entering answers in a visit,
// every instrument's stored score (missing items included), alerts raised by a worsening score, the progress data,
// the discharge summary PDF (text read back with pdftotext) and the FHIR export of the responses.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Bundle, Observation, QuestionnaireResponse } from "@medplum/fhirtypes";
import { questionnaireByKey } from "../../app/_shared/care/questionnaires";
import { scheduleDefaultQuestionnaires } from "../../server/services/questionnaires";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { validateFhir } from "../support/fhir-validate";
import { pdfText } from "../support/pdf";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { startSmtp, type TestSmtp } from "../support/smtp";

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** The clinic's licensed wording for a CLINIC_SUPPLIED instrument (test copy, not the real text). */
function clinicText(key: string) {
  const def = questionnaireByKey(key)!;
  return {
    instrument: def.key, version: def.version, instructions: `Licensed instructions of ${def.short}`,
    items: Object.fromEntries(def.items.map((i) => {
      const missing = i.type === "choice" ? i.options.filter((o) => o.label === null) : [];
      return [i.key, missing.length ? { text: `Licensed ${i.key}`, options: Object.fromEntries(missing.map((o) => [o.value, `Option ${o.value} of ${i.key}`])) } : { text: `Licensed ${i.key}` }];
    })),
  };
}
const ticks = (n: number) => Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`q${i + 1}`, i < n]));
const STARTBACK_HIGH = { leg_pain: "agree", shoulder_neck: "agree", walk_short: "agree", dress_slowly: "agree", fear: "agree", worry: "agree", catastrophising: "agree", enjoyment: "agree", bothersome: "very_much" };
const INTAKE = {
  nprs: { current: 6, best: 4, worst: 8 },
  peg: { pain: 6, enjoyment: 5, activity: 7 },
  psfs: { activities: [{ name: "Bending to tie shoes", score: 3 }, { name: "Sitting 1 hour", score: 4 }, { name: "Walking to work", score: 5 }] },
  rmdq: ticks(8),
  startback: STARTBACK_HIGH,
};
const resp = (instrument: string, answers: unknown) => ({ instrument, version: 1, answers });

for (const kind of databaseKinds()) {
  describe(`outcome questionnaires on ${kind}`, () => {
    let s: Server;
    let smtp: TestSmtp;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, admin: HttpClient, clin: HttpClient, thB: HttpClient, adminB: HttpClient, patient: HttpClient;
    let episodeId: string;
    let visitId: string;

    before(async () => {
      validateFhir({ resourceType: "Patient" }); // index the R4 definitions before sockets can go stale
      smtp = await startSmtp();
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind), SMTP_URL: smtp.url, PUBLIC_ORIGIN: "http://127.0.0.1:3362" }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
      await s.db.patient.update({ where: { id: A.patient.id }, data: { email: "pat.ient@example.org" } });
      const sign = async (email: string) => { const h = new HttpClient(s.url); await h.signIn(email, PASSWORD); return h; };
      [th, admin, clin, thB, adminB] = await Promise.all([sign(A.therapist.email), sign(A.admin.email), sign(A.clinician.email), sign(B.therapist.email), sign(B.admin.email)]);
      patient = new HttpClient(s.url);
      const today = new Date().toISOString().slice(0, 10);
      const e = await s.db.episode.create({ data: { clinicId: A.clinic.id, patientId: A.patient.id, therapistId: A.therapist.id, startDate: today, plannedWeeks: 6, goals: "Tie my shoes without pain" } });
      episodeId = e.id;
      assert.equal(await scheduleDefaultQuestionnaires(s.db, { id: e.id, startDate: today, plannedWeeks: 6 }), 4);
      const v = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(v.ok, true, JSON.stringify(v));
      visitId = v.data.visit.id;
      await s.db.visit.update({ where: { id: visitId }, data: { episodeId, status: "IN_PROGRESS", startedAt: new Date() } });
    });
    after(async () => {
      await s?.close();
      await smtp?.stop();
    });

    const settingOf = async (h: HttpClient, key: string) => ((await h.call("query", "questionnaires.settings")).data as { key: string; available: boolean; enabled: boolean; reasons: string[]; licenceConfirmation: unknown }[]).find((x) => x.key === key)!;

    test("clinic settings: admins only; ODI needs a recorded licence and the clinic's wording; STarT Back the wording; other clinics unaffected", async () => {
      for (const h of [th, clin]) {
        assert.equal((await h.call("query", "questionnaires.settings")).error?.data.code, "FORBIDDEN");
        assert.equal((await h.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: true })).error?.data.code, "FORBIDDEN");
        assert.equal((await h.call("mutation", "questionnaires.confirmLicence", { instrument: "odi", reference: "MAPI-123", confirm: true })).error?.data.code, "FORBIDDEN");
        assert.equal((await h.call("mutation", "questionnaires.setText", { instrument: "startback", text: clinicText("startback") })).error?.data.code, "FORBIDDEN");
      }
      const odi0 = await settingOf(admin, "odi");
      assert.deepEqual([odi0.enabled, odi0.available], [false, false]);
      assert.ok(odi0.reasons.some((r) => /licence/.test(r)));
      // enabling ODI before a licence is recorded is refused, and nothing is stored
      const refused = await admin.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: true });
      assert.equal(refused.error?.data.code, "BAD_REQUEST");
      assert.match(refused.error!.message, /needs a licence/);
      assert.equal(await s.db.clinicQuestionnaireSetting.count({ where: { clinicId: A.clinic.id } }), 0);
      // bad input: no reference, no confirmation tick, unknown instrument
      assert.equal((await admin.call("mutation", "questionnaires.confirmLicence", { instrument: "odi", reference: "", confirm: true })).error?.data.code, "BAD_REQUEST");
      assert.equal((await admin.call("mutation", "questionnaires.confirmLicence", { instrument: "odi", reference: "MAPI-123", confirm: false })).error?.data.code, "BAD_REQUEST");
      assert.equal((await admin.call("mutation", "questionnaires.setEnabled", { instrument: "sf36", enabled: true })).error?.data.code, "BAD_REQUEST");
      assert.equal((await admin.call("mutation", "questionnaires.confirmLicence", { instrument: "nprs", reference: "x-123", confirm: true })).error?.data.code, "BAD_REQUEST");
      assert.equal((await admin.call("mutation", "questionnaires.confirmLicence", { instrument: "odi", reference: "MAPI-2026-117", confirm: true })).ok, true);
      assert.equal((await admin.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: true })).ok, true);
      const odi1 = await settingOf(admin, "odi");
      assert.equal(odi1.available, false, "still no wording");
      assert.deepEqual(odi1.reasons, ["The clinic has not entered the licensed wording yet"]);
      // wording: incomplete text is refused with the field named, and nothing is stored
      const partial = clinicText("odi");
      delete (partial.items as Record<string, unknown>).sleeping;
      const bad = await admin.call("mutation", "questionnaires.setText", { instrument: "odi", text: partial });
      assert.equal(bad.error?.data.code, "BAD_REQUEST");
      assert.match(JSON.stringify(bad.error!.data.zodError), /text\.items/);
      assert.equal((await s.db.clinicQuestionnaireSetting.findFirstOrThrow({ where: { clinicId: A.clinic.id, instrument: "odi" } })).text, null);
      assert.equal((await admin.call("mutation", "questionnaires.setText", { instrument: "nprs", text: clinicText("startback") })).error?.data.code, "BAD_REQUEST", "shipped wording cannot be replaced");
      assert.equal((await admin.call("mutation", "questionnaires.setText", { instrument: "odi", text: clinicText("odi") })).ok, true);
      assert.equal((await settingOf(admin, "odi")).available, true);
      const sb = await settingOf(admin, "startback");
      assert.deepEqual([sb.enabled, sb.available], [true, false]);
      assert.equal((await admin.call("mutation", "questionnaires.setText", { instrument: "startback", text: clinicText("startback") })).ok, true);
      assert.equal((await settingOf(admin, "startback")).available, true);
      // the other clinic is untouched
      assert.equal((await settingOf(adminB, "odi")).available, false);
      assert.equal((await settingOf(adminB, "startback")).available, false);
      // withdrawing the licence switches ODI off again; re-confirm for the later tests
      assert.equal((await admin.call("mutation", "questionnaires.withdrawLicence", { instrument: "odi" })).ok, true);
      assert.deepEqual([(await settingOf(admin, "odi")).enabled, (await settingOf(admin, "odi")).available], [false, false]);
      await admin.call("mutation", "questionnaires.confirmLicence", { instrument: "odi", reference: "MAPI-2026-117", confirm: true });
      await admin.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: true });
      assert.ok(await s.db.auditEvent.count({ where: { clinicId: A.clinic.id, action: "questionnaire.licence.confirm" } }) >= 2);
    });

    test("sets due: listed with their status for the clinic's staff only; sending is for writers of the clinic; the email arrives", async () => {
      const list = await clin.call("query", "questionnaires.due", { episodeId });
      assert.equal(list.ok, true, JSON.stringify(list));
      const due = list.data.due as { id: string; label: string; status: string; available: { key: string }[] }[];
      assert.deepEqual(due.map((d) => d.label), ["INTAKE", "REVIEW", "REVIEW", "DISCHARGE"]);
      assert.deepEqual(due.map((d) => d.status), ["DUE", "UPCOMING", "UPCOMING", "UPCOMING"]);
      assert.deepEqual(due[0]!.available.map((a) => a.key), ["nprs", "peg", "psfs", "rmdq", "startback"]);
      assert.equal((await thB.call("query", "questionnaires.due", { episodeId })).error?.data.code, "NOT_FOUND");
      assert.equal((await th.call("query", "questionnaires.due", { episodeId: "not an id!" })).error?.data.code, "BAD_REQUEST");
      assert.equal((await clin.call("mutation", "questionnaires.send", { dueId: due[0]!.id })).error?.data.code, "FORBIDDEN");
      assert.equal((await thB.call("mutation", "questionnaires.send", { dueId: due[0]!.id })).error?.data.code, "NOT_FOUND");
      assert.equal((await th.call("mutation", "questionnaires.send", { dueId: due[0]!.id, email: "nope" })).error?.data.code, "BAD_REQUEST");
      assert.equal(await s.db.patientLink.count({ where: { episodeId } }), 0, "nothing issued on refused sends");
      const sent = await th.call("mutation", "questionnaires.send", { dueId: due[0]!.id });
      assert.equal(sent.ok, true, JSON.stringify(sent));
      assert.match(sent.data.path, /^\/q\/[A-Za-z0-9_-]{43}$/);
      assert.equal(sent.data.email.status, "SENT");
      const mail = await smtp.waitFor((m) => m.to.includes("pat.ient@example.org") && /questionnaires/.test(m.subject));
      assert.ok(mail.text.includes(`http://127.0.0.1:3362${sent.data.path}`), mail.text);
      // the patient opens it: the forms carry the clinic's licensed wording
      const token = (sent.data.path as string).split("/").pop()!;
      const open = await patient.call("query", "questionnaires.open", { token });
      assert.equal(open.ok, true, JSON.stringify(open));
      assert.deepEqual(open.data.forms.map((f: { key: string }) => f.key), ["nprs", "peg", "psfs", "rmdq", "startback"]);
      assert.equal(open.data.forms[4].items[0].text, "Licensed leg_pain");
    });

    test("the patient's set: validated as a whole (nothing half-written), scored by the server, single use, events appended", async () => {
      const due = (await th.call("query", "questionnaires.due", { episodeId })).data.due[0] as { id: string };
      const sent = await th.call("mutation", "questionnaires.send", { dueId: due.id, sendEmail: false });
      assert.equal(sent.data.replaced, 1, "a new link for the set replaces the earlier one");
      assert.equal(sent.data.email, null);
      const token = (sent.data.path as string).split("/").pop()!;
      const all = Object.entries(INTAKE).map(([k, a]) => resp(k, a));
      const none = async () => {
        assert.equal(await s.db.questionnaireResponse.count({ where: { episodeId } }), 0);
        assert.equal((await s.db.patientLink.findFirstOrThrow({ where: { episodeId, completedAt: { not: null } }, select: { id: true } }).catch(() => null)), null);
      };
      // an answer out of range: the field is named, nothing stored
      const r1 = await patient.call("mutation", "questionnaires.submit", { token, responses: [resp("nprs", { current: 11, best: 4, worst: 8 }), ...all.slice(1)] });
      assert.equal(r1.error?.data.code, "BAD_REQUEST");
      assert.ok((r1.error!.data.zodError as { fieldErrors: Record<string, string[]> }).fieldErrors["responses.0.answers.current"], JSON.stringify(r1.error));
      await none();
      // an unknown question, a missing questionnaire, one not computable by its missing-item rule, a duplicate
      assert.equal((await patient.call("mutation", "questionnaires.submit", { token, responses: [resp("nprs", { ...INTAKE.nprs, mood: 3 }), ...all.slice(1)] })).error?.data.code, "BAD_REQUEST");
      const missing = await patient.call("mutation", "questionnaires.submit", { token, responses: all.slice(0, 4) });
      assert.match(missing.error!.message, /each questionnaire of this set once/);
      const nc = await patient.call("mutation", "questionnaires.submit", { token, responses: [resp("nprs", { current: 6, best: null, worst: 8 }), ...all.slice(1)] });
      assert.match(nc.error!.message, /NPRS: Needs at least 3/);
      assert.equal((await patient.call("mutation", "questionnaires.submit", { token, responses: [...all, all[0]] })).error?.data.code, "BAD_REQUEST");
      assert.equal((await patient.call("mutation", "questionnaires.submit", { token: "x".repeat(43), responses: all })).error?.data.code, "NOT_FOUND");
      await none();
      // accepted: the server's scores are stored
      const ok = await patient.call("mutation", "questionnaires.submit", { token, responses: all });
      assert.equal(ok.ok, true, JSON.stringify(ok));
      assert.equal(ok.data.received, 5);
      const rows = await s.db.questionnaireResponse.findMany({ where: { episodeId }, orderBy: { instrument: "asc" } });
      const scoreOf = (k: string) => (rows.find((r) => r.instrument === k)!.score as { score: number | null; band: { key: string } | null; subscores: Record<string, number | null> });
      assert.equal(scoreOf("nprs").score, 6);
      assert.equal(scoreOf("peg").score, 6);
      assert.equal(scoreOf("psfs").score, 4);
      assert.equal(scoreOf("rmdq").score, 8);
      assert.deepEqual([scoreOf("startback").score, scoreOf("startback").subscores.psychosocial, scoreOf("startback").band?.key], [9, 5, "high"]);
      assert.ok(rows.every((r) => r.source === "LINK" && r.dueId === due.id));
      assert.ok((await s.db.questionnaireDue.findUniqueOrThrow({ where: { id: due.id } })).completedAt);
      // single use: the same link again, or opening it, says it was sent
      const again = await patient.call("mutation", "questionnaires.submit", { token, responses: all });
      assert.equal(again.error?.data.code, "FORBIDDEN");
      assert.match(again.error!.message, /already been sent/);
      assert.match((await patient.call("query", "questionnaires.open", { token })).error!.message, /already been sent/);
      assert.equal(await s.db.questionnaireResponse.count({ where: { episodeId } }), 5);
      // events for the alert engine: five scores and the NPRS current pain
      const events = await s.db.careEvent.findMany({ where: { episodeId } });
      assert.equal(events.filter((e) => e.type === "questionnaire.scored").length, 5);
      assert.deepEqual(events.filter((e) => e.type === "pain.reported").map((e) => (e.data as { value: number }).value), [6]);
      assert.ok(await s.db.auditEvent.count({ where: { action: "questionnaire.submit", actorLabel: { startsWith: "patient-link:questionnaire:" } } }));
    });

    test("a questionnaire link stops working when it expires, is replaced or revoked, or the episode ends", async () => {
      const due = (await th.call("query", "questionnaires.due", { episodeId })).data.due[1] as { id: string };
      const a = await th.call("mutation", "questionnaires.send", { dueId: due.id, sendEmail: false });
      const tokA = (a.data.path as string).split("/").pop()!;
      assert.equal((await patient.call("query", "questionnaires.open", { token: tokA })).ok, true);
      const b = await th.call("mutation", "questionnaires.send", { dueId: due.id, sendEmail: false });
      const tokB = (b.data.path as string).split("/").pop()!;
      assert.match((await patient.call("query", "questionnaires.open", { token: tokA })).error!.message, /no longer active/);
      await s.db.patientLink.update({ where: { id: b.data.linkId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const exp = await patient.call("mutation", "questionnaires.submit", { token: tokB, responses: [resp("nprs", INTAKE.nprs)] });
      assert.equal(exp.error?.data.code, "FORBIDDEN");
      assert.match(exp.error!.message, /expired/);
      // a link for another set still works; discharging the episode closes it
      const c = await th.call("mutation", "questionnaires.send", { dueId: ((await th.call("query", "questionnaires.due", { episodeId })).data.due[2] as { id: string }).id, sendEmail: false });
      const tokC = (c.data.path as string).split("/").pop()!;
      assert.equal((await patient.call("query", "questionnaires.open", { token: tokC })).ok, true);
      await s.db.episode.update({ where: { id: episodeId }, data: { status: "DISCHARGED" } });
      assert.match((await patient.call("query", "questionnaires.open", { token: tokC })).error!.message, /course of care has ended/);
      assert.match((await th.call("mutation", "questionnaires.send", { dueId: due.id })).error!.message, /ended/);
      await s.db.episode.update({ where: { id: episodeId }, data: { status: "ACTIVE" } });
      await s.db.patientLink.update({ where: { id: c.data.linkId }, data: { revokedAt: new Date() } });
      assert.match((await patient.call("query", "questionnaires.open", { token: tokC })).error!.message, /no longer active/);
    });

    test("in a visit: every instrument scored and stored, missing items included; roles and clinics enforced", async () => {
      const enter = (h: HttpClient, instrument: string, answers: unknown, extra: Record<string, unknown> = {}) => h.call("mutation", "questionnaires.enterInVisit", { visitId, response: resp(instrument, answers), ...extra });
      assert.equal((await clin.call("mutation", "questionnaires.enterInVisit", { visitId, response: resp("nprs", INTAKE.nprs) })).error?.data.code, "FORBIDDEN");
      assert.equal((await thB.call("mutation", "questionnaires.enterInVisit", { visitId, response: resp("nprs", INTAKE.nprs) })).error?.data.code, "NOT_FOUND");
      assert.equal((await thB.call("query", "questionnaires.visitForms", { visitId })).error?.data.code, "NOT_FOUND");
      const before = await s.db.questionnaireResponse.count({ where: { episodeId } });
      assert.equal((await enter(th, "rmdq", { q1: "yes" })).error?.data.code, "BAD_REQUEST");
      assert.equal((await enter(th, "psfs", { activities: [{ name: "a", score: 3 }] })).error?.data.code, "BAD_REQUEST");
      assert.equal((await enter(th, "nprs", {})).error?.data.code, "BAD_REQUEST");
      assert.equal((await enter(th, "nprs", INTAKE.nprs, { dueId: "nope" })).error?.data.code, "NOT_FOUND");
      assert.equal(await s.db.questionnaireResponse.count({ where: { episodeId } }), before, "nothing stored on bad input");
      const forms = await clin.call("query", "questionnaires.visitForms", { visitId });
      assert.deepEqual(forms.data.forms.map((f: { key: string }) => f.key), ["nprs", "peg", "psfs", "rmdq", "startback", "odi"]);
      const cases: [string, unknown, number | null, string | null][] = [
        ["nprs", { current: 5, best: null, worst: 7 }, null, null], // needs all three
        ["peg", { pain: 5, enjoyment: 4, activity: 6 }, 5, null],
        ["psfs", { activities: [{ name: "Bending", score: 5 }, { name: "Sitting", score: 6 }, { name: "Walking", score: 7 }, { name: "Lifting", score: null }] }, 6, null],
        ["rmdq", ticks(0), 0, null],
        ["startback", { ...STARTBACK_HIGH, leg_pain: null }, null, "high"], // total unknown, group still high
        ["odi", { pain_intensity: "s2", personal_care: "s1", lifting: "s3", walking: "s2", sitting: "s2", standing: "s2", sleeping: "s1", sex_life: null, social_life: "s2", travelling: null }, 38, "moderate"], // 15 / (5 × 8) = 37.5 → 38
      ];
      for (const [k, answers, expected, band] of cases) {
        const r = await enter(th, k, answers);
        assert.equal(r.ok, true, `${k}: ${JSON.stringify(r.error)}`);
        const row = await s.db.questionnaireResponse.findUniqueOrThrow({ where: { id: r.data.id } });
        const sc = row.score as { score: number | null; band: { key: string } | null; completeness: { missing: string[] } };
        assert.equal(sc.score, expected, k);
        if (band) assert.equal(sc.band?.key, band, k);
        assert.deepEqual([row.source, row.visitId, row.enteredById], ["VISIT", visitId, A.therapist.id]);
      }
      const odi = await s.db.questionnaireResponse.findFirstOrThrow({ where: { visitId, instrument: "odi" } });
      assert.deepEqual((odi.score as { completeness: { missing: string[] } }).completeness.missing, ["sex_life", "travelling"]);
      // a clinic without the licence cannot enter ODI (gating on every path)
      await admin.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: false });
      assert.match((await enter(th, "odi", { pain_intensity: "s1" })).error!.message, /may not be used/);
      await admin.call("mutation", "questionnaires.setEnabled", { instrument: "odi", enabled: true });
    });

    test("a worsening score and high pain raise alerts through the rules", async () => {
      // the RMDQ baseline (intake, by link) was 8; 14 two weeks later is worse by more than its MCID of 5
      const r = await th.call("mutation", "questionnaires.enterInVisit", { visitId, response: resp("rmdq", ticks(14)) });
      assert.equal(r.ok, true, JSON.stringify(r));
      const worse = await s.db.alert.findMany({ where: { episodeId, rule: { startsWith: "questionnaire-worse" } } });
      assert.equal(worse.length, 1, "RMDQ 0 in the visit was an improvement; 14 is a worsening");
      assert.match(worse[0]!.message, /RMDQ worse by 6/);
      const pain = await th.call("mutation", "questionnaires.enterInVisit", { visitId, response: resp("nprs", { current: 8, best: 6, worst: 9 }) });
      assert.equal(pain.ok, true);
      assert.ok(await s.db.alert.count({ where: { episodeId, rule: { startsWith: "pain-high" }, status: "OPEN" } }));
    });

    test("progress and discharge summary: baseline vs now with clinically important changes; PDF text matches the database", async () => {
      // the review set, two weeks after intake, by link: clearly better on NPRS, RMDQ and PSFS
      const intake = await s.db.questionnaireResponse.findMany({ where: { episodeId, source: "LINK" } });
      await s.db.questionnaireResponse.updateMany({ where: { id: { in: intake.map((x) => x.id) } }, data: { submittedAt: new Date(Date.now() - 14 * 86_400_000) } });
      await s.db.questionnaireResponse.updateMany({ where: { episodeId, source: "VISIT" }, data: { submittedAt: new Date(Date.now() - 7 * 86_400_000) } });
      const dues = (await th.call("query", "questionnaires.due", { episodeId })).data.due as { id: string; status: string }[];
      const last = dues[3]!;
      const sent = await th.call("mutation", "questionnaires.send", { dueId: last.id, sendEmail: false });
      const token = (sent.data.path as string).split("/").pop()!;
      const ok = await patient.call("mutation", "questionnaires.submit", {
        token,
        responses: [resp("nprs", { current: 2, best: 1, worst: 3 }), resp("peg", { pain: 2, enjoyment: 2, activity: 2 }), resp("psfs", { activities: [{ name: "Bending to tie shoes", score: 7 }, { name: "Sitting 1 hour", score: 8 }, { name: "Walking to work", score: 9 }] }), resp("rmdq", ticks(2))],
      });
      assert.equal(ok.ok, true, JSON.stringify(ok));
      assert.equal((await thB.call("query", "questionnaires.progress", { episodeId })).error?.data.code, "NOT_FOUND");
      const p = await clin.call("query", "questionnaires.progress", { episodeId });
      assert.equal(p.ok, true, JSON.stringify(p));
      type M = { key: string; baseline: { value: number }; latest: { value: number }; important: boolean | null; verdict: string; thresholds: { improved: number | null } };
      const m = (k: string) => (p.data.measures as M[]).find((x) => x.key === k)!;
      assert.deepEqual([m("nprs").baseline.value, m("nprs").latest.value, m("nprs").important], [6, 2, true]);
      assert.match(m("nprs").verdict, /Improved by 4 points: clinically important/);
      // the MCID line sits at the nearer criterion: 30 % of 6 = 1.8 points (nearer than 2) → 4.2
      assert.equal(m("nprs").thresholds.improved, 4.2);
      assert.deepEqual([m("rmdq").baseline.value, m("rmdq").latest.value, m("rmdq").important], [8, 2, true]);
      assert.deepEqual([m("psfs").baseline.value, m("psfs").latest.value, m("psfs").important], [4, 8, true]);
      assert.equal(m("peg").important, null, "PEG has no MCID: shown without a verdict");
      assert.match(m("peg").verdict, /no MCID/);
      assert.equal(m("startback").latest.value, 9);

      // the PDF: clinic, patient, every measure's baseline and now, important changes marked
      assert.equal((await thB.call("query", "questionnaires.dischargePdf", { episodeId })).error?.data.code, "NOT_FOUND");
      const pdf = await clin.call("query", "questionnaires.dischargePdf", { episodeId });
      assert.equal(pdf.ok, true, JSON.stringify(pdf.error));
      const bytes = Buffer.from(pdf.data.base64, "base64");
      assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
      const text = pdfText(bytes, "discharge.pdf");
      assert.ok(text.includes(A.clinic.name), text);
      assert.ok(text.includes(`${A.patient.firstName} ${A.patient.lastName}`));
      assert.ok(text.includes("Tie my shoes without pain"));
      const line = (short: string) => text.split("\n").find((l) => l.trimStart().startsWith(short)) ?? "";
      assert.match(line("NPRS *"), /6\/10 \(.*\) +2\/10 \(.*\) +-4 +Improved by 4 points: clinically important/, text);
      assert.match(line("RMDQ *"), /8\/24 \(.*\) +2\/24 \(.*\) +-6 +Improved by 6 points: clinically important/);
      assert.match(line("PSFS *"), /4\/10 \(.*\) +8\/10 \(.*\) +\+4 +Improved by 4 points: clinically important/);
      assert.match(line("PEG"), /6\/10 \(.*\) +2\/10 \(.*\) +-4 +Improved by 4 points: no MCID/);
      assert.equal(await s.db.auditEvent.count({ where: { action: "episode.export.pdf", recordId: episodeId } }), 1);
    });
    test("FHIR export: a QuestionnaireResponse and a score Observation per stored response, NPRS pain with LOINC 72514-3, all valid R4", async () => {
      const r = await th.call("query", "records.patientFhir", { patientId: A.patient.id });
      assert.equal(r.ok, true, JSON.stringify(r.error));
      const bundle = JSON.parse(r.data.json) as Bundle;
      const resources = bundle.entry!.map((e) => e.resource!);
      for (const res of resources) validateFhir(res);
      validateFhir(bundle);
      const stored = await s.db.questionnaireResponse.findMany({ where: { episodeId } });
      const qrs = resources.filter((x): x is QuestionnaireResponse => x.resourceType === "QuestionnaireResponse");
      assert.equal(qrs.length, stored.length);
      const obs = resources.filter((x): x is Observation => x.resourceType === "Observation");
      const scores = obs.filter((o) => o.code.coding?.some((c) => c.system === "https://posevisit.org/fhir/CodeSystem/questionnaire-score"));
      assert.equal(scores.length, stored.length);
      for (const row of stored) {
        const o = scores.find((x) => x.derivedFrom?.[0]?.reference === `QuestionnaireResponse/${row.id}-qr`)!;
        const sc = (row.score as { score: number | null }).score;
        assert.equal(o.valueQuantity?.value ?? null, sc, row.instrument);
        const qr = qrs.find((x) => x.identifier?.value === row.id)!;
        assert.equal(qr.questionnaire, `https://posevisit.org/fhir/Questionnaire/${row.instrument}|1`);
        assert.equal(qr.authored, row.submittedAt.toISOString());
      }
      const nprsRows = stored.filter((x) => x.instrument === "nprs");
      const pain = obs.filter((o) => o.code.coding?.some((c) => c.system === "http://loinc.org" && c.code === "72514-3") && o.derivedFrom?.[0]?.reference?.startsWith("QuestionnaireResponse/"));
      assert.deepEqual(pain.map((o) => o.valueInteger).sort(), nprsRows.map((x) => (x.answers as { current: number }).current).sort());
      // licensed wording never leaves in the export: item texts are PoseVisit's own topics
      assert.doesNotMatch(r.data.json, /Licensed /);
      // visit entries name their encounter and the therapist who entered them
      const inVisit = qrs.find((x) => x.identifier?.value === stored.find((y) => y.source === "VISIT")!.id)!;
      assert.equal(inVisit.encounter?.reference, `Encounter/${visitId}`);
      assert.equal(inVisit.author?.reference, `Practitioner/${A.therapist.id}`);
    });
  });
}
