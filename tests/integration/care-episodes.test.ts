// Issue 17 part A on the real server and database: episodes (one active per patient, defaults, discharge revoking
// links), the intake link (email through a real SMTP server, expiry, revocation, replacement, single use), the intake
// form end to end for every red-flag tier, the exercise gate refusing trials.start / exerciseSets.start until a
// decision, the alerts inbox, the outbox, and alerts pushed live on the clinic socket to that clinic only. Every new
// procedure: roles, clinic scoping, bad input with nothing half-written.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ClinicAlertUpdate } from "../../app/_shared/protocol";
import { RED_FLAG_KEYS, type IntakeFormInput } from "../../app/_shared/care/red-flags";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { startSmtp, type TestSmtp } from "../support/smtp";
import { connect, staffCookie } from "./realtime-support";

type Server = Awaited<ReturnType<typeof startTestServer>>;

const answers = (over: Record<string, "yes" | "no" | "unsure"> = {}) => Object.fromEntries(RED_FLAG_KEYS.map((k) => [k, over[k] ?? "no"]));
const form = (over: Record<string, "yes" | "no" | "unsure"> = {}): IntakeFormInput => ({
  version: 1,
  onset: { duration: "1_to_6_weeks", how: "lifting", description: "Lifting a box" },
  regions: ["lower_back_centre", "buttock_left"],
  leg: { spread: "buttock_thigh", side: "left", symptoms: ["pain"] },
  betterWith: ["walking"],
  worseWith: ["sitting", "bending"],
  previous: { episodes: "one", details: "" },
  work: { status: "working", occupation: "Nurse", physicalDemand: "heavy", activityLevel: "active" },
  goals: ["Pick up my daughter without pain"],
  medication: [{ name: "Ibuprofen", dose: "400 mg", forBackPain: true }],
  redFlags: answers(over),
});
const tokenOf = (path: string) => path.split("/").pop()!;
const today = () => new Date().toISOString().slice(0, 10);

for (const kind of databaseKinds()) {
  describe(`episodes, intake, gate and alerts on ${kind}`, () => {
    let s: Server;
    let smtp: TestSmtp;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, adm: HttpClient, cl: HttpClient, thB: HttpClient, anon: HttpClient;
    const who = async (email: string) => {
      const h = new HttpClient(s.url);
      await h.signIn(email, PASSWORD);
      return h;
    };
    const newPatient = async (c: SeededClinic, email: string | null = "pat@example.org") =>
      s.db.patient.create({ data: { clinicId: c.clinic.id, firstName: "Pat", lastName: `P${Math.random().toString(36).slice(2, 8)}`, dateOfBirth: new Date("1975-05-05T00:00:00Z"), email } });
    const newEpisode = async (patientId: string, h = th, extra: object = {}) => {
      const r = await h.call("mutation", "episodes.create", { patientId, startDate: today(), referralReason: "GP referral", diagnosis: "Non-specific LBP", goals: "Garden again", ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.data as { id: string; reassessDates: string[]; timeZone: string; plannedWeeks: number };
    };
    const sendLink = async (episodeId: string, extra: object = {}) => {
      const r = await th.call("mutation", "episodes.intake.send", { episodeId, origin: s.url, ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.data as { linkId: string; path: string; mail: { status: string } | null; replaced: number };
    };
    const inProgressVisit = async (patientId: string) => {
      const r = await th.call("mutation", "visits.schedule", { patientId, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true, JSON.stringify(r));
      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      return r.data.visit as { id: string; episodeId: string | null };
    };

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind), SMTP_URL: smtp.url, MAIL_FROM: "Clinic <clinic@test.posevisit>" }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
      [th, adm, cl, thB] = await Promise.all([who(A.therapist.email), who(A.admin.email), who(A.clinician.email), who(B.therapist.email)]);
      anon = new HttpClient(s.url);
    });
    after(async () => {
      await s?.close();
      await smtp?.stop();
    });

    test("episodes: defaults, one active per patient, roles and clinic scoping, bad input stores nothing", async () => {
      const p = await newPatient(A);
      // bad input on create: nothing written
      for (const bad of [
        { patientId: p.id, startDate: "2026-02-30" },
        { patientId: p.id, startDate: today(), plannedWeeks: 8 },
        { patientId: p.id, startDate: today(), timeZone: "Mars/Olympus" },
        { patientId: p.id, startDate: today(), reassessDates: ["2020-01-01"] },
        { patientId: p.id, startDate: today(), extra: 1 },
        { patientId: "bad id!", startDate: today() },
      ]) {
        const r = await th.call("mutation", "episodes.create", bad);
        assert.equal(r.ok, false, JSON.stringify(bad));
        if (!r.ok) assert.equal(r.error.data.code, "BAD_REQUEST");
      }
      assert.equal(await s.db.episode.count({ where: { patientId: p.id } }), 0);
      // roles: clinician read-only, no sign-in refused, another clinic's therapist cannot see the patient
      const c1 = await cl.call("mutation", "episodes.create", { patientId: p.id, startDate: today() });
      assert.equal(!c1.ok && c1.error.data.code, "FORBIDDEN");
      const c2 = await anon.call("mutation", "episodes.create", { patientId: p.id, startDate: today() });
      assert.equal(!c2.ok && c2.error.data.code, "UNAUTHORIZED");
      const c3 = await thB.call("mutation", "episodes.create", { patientId: p.id, startDate: today() });
      assert.equal(!c3.ok && c3.error.data.code, "NOT_FOUND");
      // an admin must name the responsible therapist
      const c4 = await adm.call("mutation", "episodes.create", { patientId: p.id, startDate: today() });
      assert.equal(!c4.ok && c4.error.data.code, "BAD_REQUEST");
      assert.equal(await s.db.episode.count({ where: { patientId: p.id } }), 0);

      const e = await newEpisode(p.id);
      assert.equal(e.plannedWeeks, 6);
      assert.equal(e.reassessDates.length, 3, "every 2 weeks over 6 weeks");
      assert.equal(e.timeZone, "UTC", "the clinic's time zone");
      assert.ok((await s.db.questionnaireDue.count({ where: { episodeId: e.id } })) >= 3, "questionnaires scheduled");
      const dup = await th.call("mutation", "episodes.create", { patientId: p.id, startDate: today() });
      assert.equal(!dup.ok && dup.error.data.code, "CONFLICT");
      assert.match(!dup.ok ? dup.error.message : "", /already has an active episode/);
      // two at once on a new patient: exactly one
      const q = await newPatient(A);
      const both = await Promise.all([0, 1].map(() => th.call("mutation", "episodes.create", { patientId: q.id, startDate: today() })));
      assert.equal(both.filter((r) => r.ok).length, 1);
      assert.equal(await s.db.episode.count({ where: { patientId: q.id, status: "ACTIVE" } }), 1);

      // list / get: clinician may read, the other clinic may not
      const l = await cl.call("query", "episodes.list", { patientId: p.id });
      assert.equal(l.ok && l.data.length, 1);
      const lB = await thB.call("query", "episodes.list", { patientId: p.id });
      assert.equal(!lB.ok && lB.error.data.code, "NOT_FOUND");
      const g = await cl.call("query", "episodes.get", { episodeId: e.id });
      assert.equal(g.ok && g.data.gate.blocked, false);
      const gB = await thB.call("query", "episodes.get", { episodeId: e.id });
      assert.equal(!gB.ok && gB.error.data.code, "NOT_FOUND");
      assert.ok(await s.db.auditEvent.count({ where: { action: "episode.read", recordId: e.id } }));

      // update: validated, scoped, read-only for clinicians
      const u0 = await th.call("mutation", "episodes.update", { episodeId: e.id, data: {} });
      assert.equal(!u0.ok && u0.error.data.code, "BAD_REQUEST");
      const u1 = await th.call("mutation", "episodes.update", { episodeId: e.id, data: { plannedWeeks: 4 } });
      assert.equal(!u1.ok && u1.error.data.code, "BAD_REQUEST", "the 6-week re-assessment falls outside 4 weeks");
      const u2 = await cl.call("mutation", "episodes.update", { episodeId: e.id, data: { goals: "x" } });
      assert.equal(!u2.ok && u2.error.data.code, "FORBIDDEN");
      const u3 = await thB.call("mutation", "episodes.update", { episodeId: e.id, data: { goals: "x" } });
      assert.equal(!u3.ok && u3.error.data.code, "NOT_FOUND");
      const u4 = await th.call("mutation", "episodes.update", { episodeId: e.id, data: { goals: "Walk the dog for 30 minutes", timeZone: "Europe/Berlin" } });
      assert.equal(u4.ok && u4.data.goals, "Walk the dog for 30 minutes");
      const row = await s.db.episode.findUniqueOrThrow({ where: { id: e.id } });
      assert.equal(row.plannedWeeks, 6, "the refused update changed nothing");

      // a visit scheduled now belongs to the active episode
      const v = await th.call("mutation", "visits.schedule", { patientId: p.id, scheduledAt: new Date(Date.now() + 3_600_000) });
      assert.equal(v.ok && v.data.visit.episodeId, e.id);

      // discharge: scoped, validated, revokes the episode's links, then a new episode may start
      const link = await sendLink(e.id, { email: false });
      for (const [h, input, code] of [[cl, { episodeId: e.id, reason: "GOALS_MET" }, "FORBIDDEN"], [thB, { episodeId: e.id, reason: "GOALS_MET" }, "NOT_FOUND"], [th, { episodeId: e.id, reason: "BORED" }, "BAD_REQUEST"]] as const) {
        const r = await h.call("mutation", "episodes.discharge", input);
        assert.equal(!r.ok && r.error.data.code, code);
      }
      const d = await th.call("mutation", "episodes.discharge", { episodeId: e.id, reason: "GOALS_MET", note: "Back to gardening" });
      assert.equal(d.ok && d.data.status, "DISCHARGED");
      assert.equal(d.ok && d.data.linksRevoked >= 1, true);
      const info = await anon.call("query", "episodes.intake.info", { token: tokenOf(link.path) });
      assert.equal(info.ok && info.data.ok, false);
      assert.equal(info.ok && info.data.problem, "revoked");
      const again = await th.call("mutation", "episodes.discharge", { episodeId: e.id, reason: "GOALS_MET" });
      assert.equal(!again.ok && again.error.data.code, "BAD_REQUEST");
      await newEpisode(p.id);
    });

    test("intake link: emailed through SMTP, listed with state, replaced, revoked, expired; roles and scoping", async () => {
      const p = await newPatient(A, "patient.one@example.org");
      const e = await newEpisode(p.id);
      // no address and email asked: refused before any link is made
      const noMail = await newPatient(A, null);
      const e2 = await newEpisode(noMail.id);
      const r0 = await th.call("mutation", "episodes.intake.send", { episodeId: e2.id, origin: s.url });
      assert.equal(!r0.ok && r0.error.data.code, "BAD_REQUEST");
      assert.equal(await s.db.patientLink.count({ where: { episodeId: e2.id } }), 0);
      for (const [h, code] of [[cl, "FORBIDDEN"], [thB, "NOT_FOUND"], [anon, "UNAUTHORIZED"]] as const) {
        const r = await h.call("mutation", "episodes.intake.send", { episodeId: e.id, origin: s.url });
        assert.equal(!r.ok && r.error.data.code, code);
      }
      const bad = await th.call("mutation", "episodes.intake.send", { episodeId: e.id, to: "not-an-address" });
      assert.equal(!bad.ok && bad.error.data.code, "BAD_REQUEST");
      assert.equal(await s.db.patientLink.count({ where: { episodeId: e.id } }), 0);

      const first = await sendLink(e.id);
      assert.equal(first.mail?.status, "SENT");
      const m = await smtp.waitFor((x) => x.to.includes("patient.one@example.org"));
      assert.ok(m.text.includes(`${s.url}${first.path}`), "the email holds the link");
      assert.doesNotMatch(m.text, /cauda|red flag|diagnos/i);
      const second = await sendLink(e.id, { email: false });
      assert.equal(second.replaced, 1);
      assert.equal(second.mail, null);
      const links = await cl.call("query", "episodes.intake.links", { episodeId: e.id });
      assert.deepEqual(links.ok && links.data.map((l: { state: string }) => l.state), ["ACTIVE", "REVOKED"]);
      assert.equal(!(await thB.call("query", "episodes.intake.links", { episodeId: e.id })).ok, true);
      const i1 = await anon.call("query", "episodes.intake.info", { token: tokenOf(first.path) });
      assert.equal(i1.ok && i1.data.problem, "revoked");
      const i2 = await anon.call("query", "episodes.intake.info", { token: tokenOf(second.path) });
      assert.equal(i2.ok && i2.data.ok, true);
      assert.equal(i2.ok && i2.data.firstName, "Pat");
      const i3 = await anon.call("query", "episodes.intake.info", { token: "x".repeat(43) });
      assert.equal(i3.ok && i3.data.problem, "unknown");

      // revoke: scoped and role-checked
      for (const [h, code] of [[cl, "FORBIDDEN"], [thB, "NOT_FOUND"]] as const) {
        const r = await h.call("mutation", "episodes.intake.revoke", { linkId: second.linkId });
        assert.equal(!r.ok && r.error.data.code, code);
      }
      assert.equal((await th.call("mutation", "episodes.intake.revoke", { linkId: second.linkId })).ok, true);
      const again = await th.call("mutation", "episodes.intake.revoke", { linkId: second.linkId });
      assert.equal(!again.ok && again.error.data.code, "BAD_REQUEST");
      const sub = await anon.call("mutation", "episodes.intake.submit", { token: tokenOf(second.path), form: form() });
      assert.equal(!sub.ok && sub.error.data.code, "FORBIDDEN");
      assert.match(!sub.ok ? sub.error.message : "", /no longer active/);

      // expiry
      const third = await sendLink(e.id, { email: false });
      await s.db.patientLink.update({ where: { id: third.linkId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const ex = await anon.call("mutation", "episodes.intake.submit", { token: tokenOf(third.path), form: form() });
      assert.equal(!ex.ok && ex.error.data.code, "FORBIDDEN");
      assert.match(!ex.ok ? ex.error.message : "", /expired/);
      assert.equal(await s.db.intakeSubmission.count({ where: { episodeId: e.id } }), 0);
    });

    test("intake form: every tier end to end, bad input keeps the link open, single use, alerts only at EMERGENCY/URGENT", async () => {
      const cases = [
        { flags: { saddle_numbness: "yes" }, tier: "EMERGENCY", alert: "EMERGENCY" },
        { flags: { weight_loss: "yes" }, tier: "URGENT", alert: "URGENT" },
        { flags: { night_pain: "yes" }, tier: "REVIEW", alert: null },
        { flags: {}, tier: "NONE", alert: null },
      ] as const;
      for (const c of cases) {
        const p = await newPatient(A, null);
        const e = await newEpisode(p.id);
        const l = await sendLink(e.id, { email: false });
        const token = tokenOf(l.path);
        // bad form: field errors with paths, nothing stored, the link still works
        const broken = { ...form(c.flags), regions: [], redFlags: { ...answers(c.flags), bladder_bowel: "maybe" } };
        const b = await anon.call("mutation", "episodes.intake.submit", { token, form: broken });
        assert.equal(!b.ok && b.error.data.code, "BAD_REQUEST");
        const fields = !b.ok ? Object.keys((b.error.data.zodError as { fieldErrors: Record<string, string[]> }).fieldErrors) : [];
        assert.ok(fields.includes("form.regions") && fields.includes("form.redFlags.bladder_bowel"), fields.join(","));
        assert.equal(await s.db.intakeSubmission.count({ where: { episodeId: e.id } }), 0);
        const ok = await anon.call("mutation", "episodes.intake.submit", { token, form: form(c.flags) });
        assert.equal(ok.ok, true, JSON.stringify(ok));
        assert.equal(ok.ok && ok.data.tier, c.tier);
        if (c.tier === "EMERGENCY") assert.match(ok.ok ? ok.data.message.title : "", /emergency care today/);
        assert.doesNotMatch(JSON.stringify(ok.ok ? ok.data.message : ""), /cauda|equina|fracture|cancer|infection/i, "never a diagnosis");
        const twice = await anon.call("mutation", "episodes.intake.submit", { token, form: form(c.flags) });
        assert.equal(!twice.ok && twice.error.data.code, "FORBIDDEN", "single use");
        assert.equal(await s.db.intakeSubmission.count({ where: { episodeId: e.id } }), 1);
        const alerts = await s.db.alert.findMany({ where: { episodeId: e.id } });
        assert.deepEqual(alerts.map((a) => a.severity), c.alert ? [c.alert] : []);
        const g = await th.call("query", "episodes.get", { episodeId: e.id });
        assert.equal(g.ok && g.data.intake.tier, c.tier);
        assert.equal(g.ok && g.data.gate.blocked, c.tier === "EMERGENCY");
        assert.ok(await s.db.auditEvent.count({ where: { action: "intake.submit", recordId: e.id, actorLabel: { startsWith: "patient-link:intake:" } } }));
      }
    });

    test("the gate refuses trials.start and exerciseSets.start for a visit of a blocked episode until a therapist clears it", async () => {
      const p = await newPatient(A, null);
      const e = await newEpisode(p.id);
      const l = await sendLink(e.id, { email: false });
      const visit = await inProgressVisit(p.id);
      assert.equal(visit.episodeId, e.id);
      const sub = await anon.call("mutation", "episodes.intake.submit", { token: tokenOf(l.path), form: form({ bladder_bowel: "yes" }) });
      assert.equal(sub.ok && sub.data.exerciseBlocked, true);
      const set = { visitId: visit.id, exerciseKey: "hip-hinge", exerciseVersion: 1, cameraView: "SAGITTAL", dose: { sets: 3, reps: 10, restSeconds: 60 } };
      const refused = async () => {
        for (const [path, input] of [["trials.start", { visitId: visit.id, protocolKey: "trunk-flexion" }], ["exerciseSets.start", set]] as const) {
          const r = await th.call("mutation", path, input);
          assert.equal(!r.ok && r.error.data.code, "PRECONDITION_FAILED", path);
          assert.match(!r.ok ? r.error.message : "", /Exercise blocked/);
        }
        assert.equal(await s.db.assessmentTrial.count({ where: { visitId: visit.id } }), 0);
      };
      await refused();
      // the decision: validated, role-checked, scoped
      for (const [h, input, code] of [
        [th, { episodeId: e.id, decision: "CLEARED_TO_EXERCISE", note: "" }, "BAD_REQUEST"],
        [th, { episodeId: e.id, decision: "MAYBE", note: "Spoke to GP" }, "BAD_REQUEST"],
        [cl, { episodeId: e.id, decision: "CLEARED_TO_EXERCISE", note: "Spoke to GP" }, "FORBIDDEN"],
        [thB, { episodeId: e.id, decision: "CLEARED_TO_EXERCISE", note: "Spoke to GP" }, "NOT_FOUND"],
      ] as const) {
        const r = await h.call("mutation", "episodes.decide", input);
        assert.equal(!r.ok && r.error.data.code, code, JSON.stringify(input));
      }
      assert.equal(await s.db.exerciseDecision.count({ where: { episodeId: e.id } }), 0);
      const keep = await th.call("mutation", "episodes.decide", { episodeId: e.id, decision: "REFERRED_KEEP_BLOCKED", note: "Sent to the emergency department" });
      assert.equal(keep.ok && keep.data.gate.blocked, true);
      await refused();
      const clear = await th.call("mutation", "episodes.decide", { episodeId: e.id, decision: "CLEARED_TO_EXERCISE", note: "Imaging clear; emergency team discharged" });
      assert.equal(clear.ok && clear.data.gate.blocked, false);
      const t = await th.call("mutation", "trials.start", { visitId: visit.id, protocolKey: "trunk-flexion" });
      assert.equal(t.ok, true, JSON.stringify(t));
      // an episode with no emergency has nothing to decide
      const p2 = await newPatient(A, null);
      const e2 = await newEpisode(p2.id);
      const none = await th.call("mutation", "episodes.decide", { episodeId: e2.id, decision: "CLEARED_TO_EXERCISE", note: "Nothing to decide" });
      assert.equal(!none.ok && none.error.data.code, "BAD_REQUEST");
    });

    test("join page: an open intake link gives the visit's patient a form of their own; none once submitted", async () => {
      const p = await newPatient(A, null);
      const e = await newEpisode(p.id);
      const v = await th.call("mutation", "visits.schedule", { patientId: p.id, scheduledAt: new Date(Date.now() + 600_000) });
      const join = tokenOf(v.ok ? v.data.joinPath : "");
      assert.equal((await anon.call("query", "episodes.intake.joinPending", { token: join })).data.pending, false, "no link sent yet");
      await sendLink(e.id, { email: false });
      assert.equal((await anon.call("query", "episodes.intake.joinPending", { token: join })).data.pending, true);
      assert.equal((await anon.call("query", "episodes.intake.joinPending", { token: "nope" })).data.pending, false);
      const bad = await anon.call("mutation", "episodes.intake.fromJoin", { token: "nope" });
      assert.equal(!bad.ok && bad.error.data.code, "NOT_FOUND");
      const r = await anon.call("mutation", "episodes.intake.fromJoin", { token: join });
      assert.equal(r.ok, true, JSON.stringify(r));
      const sub = await anon.call("mutation", "episodes.intake.submit", { token: tokenOf(r.data.path), form: form() });
      assert.equal(sub.ok, true);
      assert.equal((await anon.call("query", "episodes.intake.joinPending", { token: join })).data.pending, false);
      assert.equal(await s.db.patientLink.count({ where: { episodeId: e.id, revokedAt: null, completedAt: null } }), 0, "the emailed link closed with it");
    });

    test("alerts: pushed live to this clinic's dashboards only, listed, acknowledged, resolved with a note, emailed to the therapist", async () => {
      const cookieA = await staffCookie(s, A.clinician.email);
      const cookieB = await staffCookie(s, B.admin.email);
      const dashA = await connect(s, { role: "staff" }, { cookie: cookieA, origin: s.url });
      const dashB = await connect(s, { role: "staff" }, { cookie: cookieB, origin: s.url });
      const gotA: ClinicAlertUpdate[] = [], gotB: ClinicAlertUpdate[] = [];
      dashA.socket.on("clinic:alert", (u) => void gotA.push(u));
      dashB.socket.on("clinic:alert", (u) => void gotB.push(u));
      try {
        const p = await newPatient(A, null);
        const e = await newEpisode(p.id);
        const l = await sendLink(e.id, { email: false });
        await anon.call("mutation", "episodes.intake.submit", { token: tokenOf(l.path), form: form({ leg_weakness: "yes" }) });
        const deadline = Date.now() + 5000;
        while (!gotA.some((u) => u.episodeId === e.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const u = gotA.find((x) => x.episodeId === e.id);
        assert.ok(u, "the clinic's dashboard got the alert");
        assert.equal(u.alerts[0]?.severity, "EMERGENCY");
        assert.equal(u.patientId, p.id);
        // B's dashboard is in another clinic's room: give any stray message time to arrive, then check none did
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(gotB.length, 0);

        const mail = await smtp.waitFor((m) => m.to.includes(A.therapist.email) && /EMERGENCY/.test(m.subject));
        assert.doesNotMatch(mail.text, new RegExp(p.lastName), "no patient name in the alert email");

        // inbox: list with filters, counts, scoping, roles
        const list = await cl.call("query", "alerts.list", { status: "OPEN", severity: "EMERGENCY" });
        const mine = list.ok ? (list.data as { id: string; episodeId: string }[]).find((a) => a.episodeId === e.id) : undefined;
        assert.ok(mine);
        const listB = await thB.call("query", "alerts.list", { status: "ALL" });
        assert.equal(listB.ok && (listB.data as { episodeId: string }[]).some((a) => a.episodeId === e.id), false);
        const counts = await th.call("query", "alerts.counts");
        assert.ok(counts.ok && counts.data.EMERGENCY >= 1);
        assert.equal(!(await th.call("query", "alerts.list", { status: "DONE" })).ok, true);
        assert.equal(!(await anon.call("query", "alerts.counts")).ok, true);
        for (const [h, path, input, code] of [
          [cl, "alerts.acknowledge", { alertId: mine.id }, "FORBIDDEN"],
          [thB, "alerts.acknowledge", { alertId: mine.id }, "NOT_FOUND"],
          [th, "alerts.resolve", { alertId: mine.id, note: "" }, "BAD_REQUEST"],
          [thB, "alerts.resolve", { alertId: mine.id, note: "Not mine" }, "NOT_FOUND"],
        ] as const) {
          const r = await h.call("mutation", path, input);
          assert.equal(!r.ok && r.error.data.code, code, `${path} ${code}`);
        }
        assert.equal((await s.db.alert.findUniqueOrThrow({ where: { id: mine.id } })).status, "OPEN");
        assert.equal((await th.call("mutation", "alerts.acknowledge", { alertId: mine.id })).ok, true);
        const res = await th.call("mutation", "alerts.resolve", { alertId: mine.id, note: "Phoned; patient went to the emergency department" });
        assert.equal(res.ok && res.data.status, "RESOLVED");
        const resolved = await cl.call("query", "alerts.list", { status: "RESOLVED" });
        assert.ok(resolved.ok && (resolved.data as { id: string }[]).some((a) => a.id === mine.id));
        assert.equal(await s.db.auditEvent.count({ where: { recordType: "Alert", recordId: mine.id } }), 2);
      } finally {
        dashA.socket.close();
        dashB.socket.close();
      }
    });

    test("outbox: admins of the clinic only, says whether SMTP is configured", async () => {
      const r = await adm.call("query", "outbox.list", { limit: 20 });
      assert.equal(r.ok && r.data.smtpConfigured, true);
      assert.ok(r.ok && r.data.emails.length > 0);
      for (const h of [th, cl]) {
        const x = await h.call("query", "outbox.list", { limit: 20 });
        assert.equal(!x.ok && x.error.data.code, "FORBIDDEN");
      }
      const adB = await who(B.admin.email);
      const b = await adB.call("query", "outbox.list", {});
      assert.equal(b.ok && b.data.emails.length, 0, "another clinic's outbox is empty");
      assert.equal(!(await adm.call("query", "outbox.list", { limit: 0 })).ok, true);
    });
  });
}
