// The home exercise program on the real database and the real HTTP API (issue 19, therapist side): programs from
// templates saved as versions (one active per episode, a stale save refused), roles and clinic scoping, bad input on
// every procedure, the home link (email through a real SMTP server, expiry, revocation, an ended episode), dosing and
// schedule maths through the service (days per week, times per day, phases, progressions), adherence across time zones
// and missed days with the missed-sessions alert, the handout PDF (pdftotext), and the reminder job sending exactly
// once with two job instances racing on the same database, stopping after revoke and discharge.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ProgramModelInput } from "../../app/_shared/care/program";
import { programFromTemplate, templateByRef } from "../../app/_shared/care/program-templates";
import { createDb, type Db } from "../../server/db/client";
import { checkLink } from "../../server/services/patient-links";
import { appendMissedSessions, programAdherence, todayFor } from "../../server/services/programs";
import { runScheduledJob } from "../../server/services/scheduler";
import { renderFirstPage } from "../support/pdf";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { startSmtp, type TestSmtp } from "../support/smtp";

type Server = Awaited<ReturnType<typeof startTestServer>>;

const MATHS: ProgramModelInput = {
  startDate: "2026-11-30", // a Monday
  weeks: 4,
  timeZone: "Europe/Berlin",
  phases: [{ key: "static", title: "Static stabilisation", fromWeek: 1, toWeek: 2 }, { key: "dynamic", title: "Dynamic stabilisation", fromWeek: 3, toWeek: 4 }],
  items: [
    { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, progression: [{ fromWeek: 3, dose: { sets: 3 }, note: "Three sets" }] },
    { exerciseKey: "prone-press-up", dose: { sets: 1, reps: 10, holdS: 2 }, timesPerDay: 3, daysPerWeek: 7 },
    { exerciseKey: "bird-dog", dose: { sets: 1, reps: 10, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 2, weekdays: [2, 4], fromWeek: 3 },
  ],
};

for (const kind of databaseKinds()) {
  describe(`home programs on ${kind}`, () => {
    let s: Server;
    let smtp: TestSmtp;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, cl: HttpClient, thB: HttpClient;
    let n = 0;

    const newEpisode = async (timeZone = "Europe/Berlin", c: SeededClinic = A) =>
      (await s.db.episode.create({ data: { clinicId: c.clinic.id, patientId: c.patient.id, therapistId: c.therapist.id, startDate: "2026-11-30", timeZone } })).id;
    const save = async (episodeId: string, model: ProgramModelInput, baseProgramId: string | null = null, who = th) =>
      who.call("mutation", "programs.save", { episodeId, baseProgramId, templateKey: null, model, education: ["staying-active@1"] });
    const saved = async (episodeId: string, model: ProgramModelInput, base: string | null = null) => {
      const r = await save(episodeId, model, base);
      assert.ok(r.ok, JSON.stringify(r.ok ? null : r.error));
      // the program exists from before its start, so no day of it is "before the program was given"
      await s.db.homeProgram.update({ where: { id: r.data.id }, data: { createdAt: new Date("2026-11-28T12:00:00Z") } });
      return r.data.id as string;
    };
    const session = (programId: string, episodeId: string, at: string, localDate: string, selfReport: unknown[], pain: { before?: number; after?: number } = {}) =>
      s.db.homeSession.create({ data: { programId, episodeId, clientId: `c-${++n}-${Math.random()}`, localDate, startedAt: new Date(at), endedAt: new Date(Date.parse(at) + 900_000), status: "COMPLETED", selfReport: selfReport as object, painBefore: pain.before ?? null, painAfter: pain.after ?? null } });
    const press = { exerciseKey: "prone-press-up", sets: 1, reps: 10 };

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind), SMTP_URL: smtp.url, MAIL_FROM: "Clinic <clinic@test.posevisit>" }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
      th = new HttpClient(s.url); await th.signIn(A.therapist.email, PASSWORD);
      cl = new HttpClient(s.url); await cl.signIn(A.clinician.email, PASSWORD);
      thB = new HttpClient(s.url); await thB.signIn(B.therapist.email, PASSWORD);
    });
    after(async () => {
      await s?.close();
      await smtp?.stop();
    });

    test("a program from a template, adapted and saved as versions: one active, a stale save refused, history kept", async () => {
      const episodeId = await newEpisode();
      const t = templateByRef("subacute")!;
      const model = programFromTemplate(t, { startDate: "2026-11-30", timeZone: "Europe/Berlin" });
      const first = await th.call("mutation", "programs.save", { episodeId, baseProgramId: null, templateKey: "subacute@1", model, education: t.education });
      assert.ok(first.ok, JSON.stringify(!first.ok && first.error));
      assert.equal(first.data.version, 1);
      // adapt: drop the walk, reorder, change a dose, add an exercise
      const adapted = { ...model, items: [{ exerciseKey: "cat-camel", dose: { sets: 1, reps: 10, holdS: null, perSide: false }, timesPerDay: 2, daysPerWeek: 5, fromWeek: 1, progression: [], notes: "Slowly" }, ...model.items.filter((i) => i.exerciseKey !== "walking").reverse()] };
      const second = await th.call("mutation", "programs.save", { episodeId, baseProgramId: first.data.id, templateKey: "subacute@1", model: adapted, education: ["lifting@1"] });
      assert.ok(second.ok);
      assert.equal(second.data.version, 2);
      // a colleague still holding version 1 cannot overwrite version 2
      const stale = await th.call("mutation", "programs.save", { episodeId, baseProgramId: first.data.id, templateKey: null, model, education: [] });
      assert.equal(!stale.ok && stale.error.data.code, "CONFLICT");
      const firstAgain = await th.call("mutation", "programs.save", { episodeId, baseProgramId: null, templateKey: null, model, education: [] });
      assert.equal(!firstAgain.ok && firstAgain.error.data.code, "CONFLICT", "a second 'first' program is refused too");
      // two saves racing on the same base: exactly one wins
      const race = await Promise.all([0, 1].map(() => th.call("mutation", "programs.save", { episodeId, baseProgramId: second.data.id, templateKey: null, model: adapted, education: [] })));
      assert.equal(race.filter((r) => r.ok).length, 1, JSON.stringify(race.map((r) => r.ok || r.error.message)));
      assert.equal(await s.db.homeProgram.count({ where: { episodeId, status: "ACTIVE" } }), 1);
      const view = await cl.call("query", "programs.forEpisode", { episodeId });
      assert.ok(view.ok, "a clinician reads it");
      assert.deepEqual(view.data.versions.map((v: { version: number; status: string }) => [v.version, v.status]), [[3, "ACTIVE"], [2, "SUPERSEDED"], [1, "SUPERSEDED"]]);
      assert.equal(view.data.versions[1].model.items[0].exerciseKey, "cat-camel");
      assert.deepEqual(view.data.versions[2].education, t.education);
      assert.equal(view.data.episode.patientName, `${A.patient.firstName} ${A.patient.lastName}`);
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "program.change", recordId: episodeId } }));
      // ending it
      const end = await th.call("mutation", "programs.end", { programId: view.data.active.id });
      assert.ok(end.ok);
      assert.equal(await s.db.homeProgram.count({ where: { episodeId, status: "ACTIVE" } }), 0);
    });

    test("roles and clinic scoping", async () => {
      const episodeId = await newEpisode();
      const programId = await saved(episodeId, MATHS);
      const link = await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null });
      assert.ok(link.ok);
      // a clinician reads but does not change
      for (const [p, input] of [
        ["programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: MATHS, education: [] }],
        ["programs.end", { programId }],
        ["programs.issueHomeLink", { episodeId, sendTo: null }],
        ["programs.revokeHomeLink", { linkId: link.data.linkId }],
      ] as const) {
        const r = await cl.call("mutation", p, input);
        assert.equal(!r.ok && r.error.data.code, "FORBIDDEN", p);
      }
      for (const [p, input] of [["programs.adherence", { programId }], ["programs.handout", { programId }], ["programs.homeLinks", { episodeId }]] as const) assert.ok((await cl.call("query", p, input)).ok, p);
      // another clinic's therapist sees nothing and changes nothing
      for (const [k, p, input] of [
        ["query", "programs.forEpisode", { episodeId }], ["query", "programs.adherence", { programId }], ["query", "programs.handout", { programId }], ["query", "programs.homeLinks", { episodeId }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: MATHS, education: [] }], ["mutation", "programs.end", { programId }],
        ["mutation", "programs.issueHomeLink", { episodeId, sendTo: null }], ["mutation", "programs.revokeHomeLink", { linkId: link.data.linkId }],
      ] as const) {
        const r = await thB.call(k, p, input);
        assert.equal(!r.ok && r.error.data.code, "NOT_FOUND", p);
      }
      // signed out: nothing
      const anon = new HttpClient(s.url);
      assert.equal((await anon.call("query", "programs.forEpisode", { episodeId })).status, 401);
      assert.equal(await s.db.homeProgram.count({ where: { episodeId, status: "ACTIVE" } }), 1);
      assert.equal((await checkLink(s.db, s.env, new URL(link.data.url).pathname.split("/")[2]!, "HOME")).ok, true, "still open");
    });

    test("bad input on every procedure is a clear 400 and changes nothing", async () => {
      const episodeId = await newEpisode();
      const programId = await saved(episodeId, MATHS);
      const before = await s.db.homeProgram.count();
      const bad: [("query" | "mutation"), string, unknown][] = [
        ["query", "programs.forEpisode", { episodeId: "" }],
        ["query", "programs.forEpisode", { episodeId, extra: 1 }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, items: [] }, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, timeZone: "Mars/Olympus" }, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, items: [{ ...MATHS.items[0]!, daysPerWeek: 3, weekdays: [1, 2] }] }, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, items: [{ ...MATHS.items[0]!, dose: { sets: 0, reps: null, holdS: null } }] }, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, phases: [{ key: "a", title: "A", fromWeek: 1, toWeek: 3 }, { key: "b", title: "B", fromWeek: 2, toWeek: 4 }] }, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: "no-such@1", model: MATHS, education: [] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: MATHS, education: ["no-card@1"] }],
        ["mutation", "programs.save", { episodeId, baseProgramId: programId, templateKey: null, model: { ...MATHS, items: [{ ...MATHS.items[0]!, exerciseKey: "moonwalk" }] }, education: [] }],
        ["mutation", "programs.end", { programId: 5 }],
        ["query", "programs.adherence", {}],
        ["query", "programs.handout", { programId: "x y" }],
        ["query", "programs.homeLinks", {}],
        ["mutation", "programs.issueHomeLink", { episodeId, sendTo: "not an address" }],
        ["mutation", "programs.revokeHomeLink", { linkId: null }],
        ["query", "programs.homeReminder", { token: "short" }],
        ["mutation", "programs.setHomeReminder", { token: "a".repeat(43), enabled: true, weekdays: [8], time: "18:00", email: "p@example.org" }],
        ["mutation", "programs.setHomeReminder", { token: "a".repeat(43), enabled: true, weekdays: [1, 1], time: "25:00", email: "p@example.org" }],
        ["query", "programs.homeHandout", { token: 1 }],
      ];
      for (const [k, p, input] of bad) {
        const r = await th.call(k, p, input);
        assert.equal(r.status, 400, `${p} ${JSON.stringify(input).slice(0, 120)} → ${r.status} ${!r.ok ? r.error.message : ""}`);
      }
      assert.equal(await s.db.homeProgram.count(), before);
      // an unknown but well-formed token is a plain NOT_FOUND, not a crash
      const r = await new HttpClient(s.url).call("query", "programs.homeReminder", { token: "A".repeat(43) });
      assert.equal(!r.ok && r.error.data.code, "NOT_FOUND");
      assert.match(!r.ok ? r.error.message : "", /not valid/);
    });

    test("home link: emailed through SMTP, works for the reminder form and the handout; expiry, revocation, replacement, discharge stop it", async () => {
      const episodeId = await newEpisode();
      await saved(episodeId, MATHS);
      const r = await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: "pat@example.org", origin: "http://127.0.0.1:9" });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
      assert.equal(r.data.mail.status, "SENT");
      const mail = await smtp.waitFor((m) => m.subject.startsWith("Your home exercise program") && m.to.includes("pat@example.org"));
      const url = /https?:\/\/\S+\/home\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
      assert.equal(url, r.data.url);
      assert.ok(url.startsWith("http://127.0.0.1:9/home/"), "development: the browser's loopback origin");
      const token = url.split("/home/")[1]!;
      const patient = new HttpClient(s.url);
      const rem = await patient.call("query", "programs.homeReminder", { token });
      assert.ok(rem.ok);
      assert.equal(rem.data.timeZone, "Europe/Berlin");
      assert.equal(rem.data.setting, null);
      const set = await patient.call("mutation", "programs.setHomeReminder", { token, enabled: true, weekdays: [5, 1, 3], time: "07:30", email: "pat@example.org" });
      assert.ok(set.ok);
      assert.deepEqual((await patient.call("query", "programs.homeReminder", { token })).data.setting, { weekdays: [1, 3, 5], time: "07:30", email: "pat@example.org", enabled: true });
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "reminder.set", actorLabel: { startsWith: "patient-link:home:" } } }));
      const pdf = await patient.call("query", "programs.homeHandout", { token });
      assert.ok(pdf.ok);
      assert.equal(Buffer.from(pdf.data.base64, "base64").subarray(0, 5).toString(), "%PDF-");
      // the link is long-lived (84 days by default) and then expires
      assert.equal((await checkLink(s.db, s.env, token, "HOME", { now: new Date(Date.now() + 83 * 86_400_000) })).ok, true);
      assert.deepEqual(await checkLink(s.db, s.env, token, "HOME", { now: new Date(Date.now() + 85 * 86_400_000) }), { ok: false, problem: "expired" });
      // a new link replaces the old one
      const again = await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null });
      assert.equal(again.data.replaced, 1);
      assert.equal(again.data.mail, null);
      const old = await patient.call("query", "programs.homeReminder", { token });
      assert.equal(!old.ok && old.error.data.code, "FORBIDDEN");
      assert.match(!old.ok ? old.error.message : "", /no longer active/);
      const token2 = again.data.url.split("/home/")[1];
      assert.ok((await patient.call("query", "programs.homeReminder", { token: token2 })).ok);
      // listed without tokens; revoked by the therapist
      const links = await th.call("query", "programs.homeLinks", { episodeId });
      assert.deepEqual(links.data.map((l: { state: string }) => l.state), ["ACTIVE", "REVOKED"]);
      assert.ok(!JSON.stringify(links.data).includes(token2));
      assert.ok((await th.call("mutation", "programs.revokeHomeLink", { linkId: again.data.linkId })).ok);
      assert.equal((await th.call("mutation", "programs.revokeHomeLink", { linkId: again.data.linkId })).status, 400, "already revoked");
      const gone = await patient.call("mutation", "programs.setHomeReminder", { token: token2, enabled: false, weekdays: [1], time: "07:30", email: "pat@example.org" });
      assert.equal(!gone.ok && gone.error.data.code, "FORBIDDEN");
      // an ended episode stops a link that is otherwise open
      const third = await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null });
      const token3 = third.data.url.split("/home/")[1];
      await s.db.episode.update({ where: { id: episodeId }, data: { status: "DISCHARGED", dischargedAt: new Date() } });
      const closed = await patient.call("query", "programs.homeHandout", { token: token3 });
      assert.match(!closed.ok ? closed.error.message : "", /course of care has ended/);
      assert.equal((await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null })).status, 400, "no new link for an ended episode");
      assert.equal((await th.call("query", "programs.homeLinks", { episodeId })).data[0].state, "EPISODE_ENDED");
    });

    test("dosing and schedule maths through the service: weekdays, times per day, phases, progressions, the patient's zone", async () => {
      const episodeId = await newEpisode();
      const programId = await saved(episodeId, MATHS);
      const at = (iso: string) => todayFor(s.db, programId, new Date(iso));
      const mon = await at("2026-11-30T10:00:00Z");
      assert.equal(mon.date, "2026-11-30");
      assert.equal(mon.prescription!.phase!.title, "Static stabilisation");
      assert.deepEqual(mon.exercises.map((e) => [e.exerciseKey, e.reps, e.timesPerDay]), [["bridge", 20, 1], ["prone-press-up", 30, 3]]);
      assert.equal(mon.prescription!.sessions, 3, "the most times a day of the day's exercises");
      assert.equal(mon.prescription!.reps, 50);
      assert.equal(mon.exercises[0]!.title, "Glute bridge");
      assert.deepEqual(mon.education.map((c) => c.key), ["staying-active"]);
      // Tuesday of week 1: only the daily exercise (3 days a week = Mon/Wed/Fri)
      assert.deepEqual((await at("2026-12-01T10:00:00Z")).exercises.map((e) => e.exerciseKey), ["prone-press-up"]);
      // week 3: the progression (3 sets) and the exercise that starts in week 3 on its chosen weekdays (Tue/Thu)
      const w3mon = await at("2026-12-14T10:00:00Z");
      assert.equal(w3mon.prescription!.phase!.key, "dynamic");
      assert.deepEqual(w3mon.exercises.map((e) => [e.exerciseKey, e.dose.sets, e.reps]), [["bridge", 3, 30], ["prone-press-up", 1, 30]]);
      const w3tue = await at("2026-12-15T10:00:00Z");
      assert.deepEqual(w3tue.exercises.map((e) => [e.exerciseKey, e.reps]), [["prone-press-up", 30], ["bird-dog", 20]], "10 per side");
      // the patient's date, not the server's: 23:30 UTC on Sunday is Monday 00:30 in Berlin
      assert.equal((await at("2026-11-29T23:30:00Z")).date, "2026-11-30");
      assert.equal((await at("2026-11-29T22:30:00Z")).prescription, null, "Sunday in Berlin: before the program");
      assert.equal((await at("2026-12-28T10:00:00Z")).prescription, null, "after its 4 weeks");
    });

    test("adherence across time zones and missed days; missed sessions appended once and alerted", async () => {
      const episodeId = await newEpisode();
      const programId = await saved(episodeId, MATHS);
      const bridge = { exerciseKey: "bridge", sets: 2, reps: 10 };
      // Monday: all 3 sessions; Tuesday: 1 of 3; 23:30 UTC on Tuesday is Wednesday in Berlin: 1 of 3; Thu, Fri: none
      await session(programId, episodeId, "2026-11-30T07:00:00Z", "2026-11-30", [bridge, press], { before: 3, after: 2 });
      await session(programId, episodeId, "2026-11-30T12:00:00Z", "2026-11-30", [press]);
      await session(programId, episodeId, "2026-11-30T18:00:00Z", "2026-11-30", [press]);
      await session(programId, episodeId, "2026-12-01T08:00:00Z", "2026-12-01", [press]);
      await session(programId, episodeId, "2026-12-01T23:30:00Z", "2026-12-02", [{ ...press, reps: 6 }]);
      const now = new Date("2026-12-05T12:00:00Z"); // Saturday
      const r = await programAdherence(s.db, programId, now);
      const st = Object.fromEntries(r.adherence.days.slice(0, 7).map((d) => [d.date, d.status]));
      assert.deepEqual(st, { "2026-11-30": "done", "2026-12-01": "partial", "2026-12-02": "partial", "2026-12-03": "missed", "2026-12-04": "missed", "2026-12-05": "today", "2026-12-06": "upcoming" });
      const w1 = r.adherence.weeks[0]!;
      assert.deepEqual([w1.plannedSessions, w1.doneSessions, w1.sessionsPercent], [15, 5, 33.3], "Mon–Fri planned (today counts once done)");
      // reps done: Mon 20 + 30, Tue 10, Wed 6; planned Mon 50, Tue 30, Wed 50, Thu 30, Fri 50
      assert.deepEqual([w1.doneReps, w1.plannedReps], [66, 210]);
      assert.deepEqual(r.adherence.missedDays, ["2026-12-03", "2026-12-04"]);
      assert.equal(r.adherence.missedSessionsInARow, 8, "Fri 3 + Thu 3 + Wed 2");
      assert.deepEqual(r.pain, [{ id: r.pain[0]!.id, at: "2026-11-30T07:00:00.000Z", localDate: "2026-11-30", before: 3, after: 2 }]);
      // the same instant in Los Angeles is still Tuesday
      const la = await newEpisode("America/Los_Angeles");
      const laProgram = await saved(la, { ...MATHS, timeZone: "America/Los_Angeles", items: [MATHS.items[1]!] });
      await session(laProgram, la, "2026-12-01T23:30:00Z", "2026-12-01", [press]);
      const laDays = (await programAdherence(s.db, laProgram, now)).adherence.days;
      assert.deepEqual([laDays[1]!.date, laDays[1]!.doneSessions, laDays[2]!.doneSessions], ["2026-12-01", 1, 0]);

      // the job appends the missed days (Tue 2, Wed 2, Thu 3, Fri 3) once, and the missed-sessions rule alerts
      assert.ok((await appendMissedSessions(s.db, now)) >= 4 + 5, "the missed days of both episodes (other tests. programs add theirs)");
      assert.equal(await appendMissedSessions(s.db, now), 0, "idempotent");
      assert.equal(await s.db.careEvent.count({ where: { episodeId: la, type: "home.missed" } }), 5, "LA: Mon to Fri (Tuesday 1 of 3 done)");
      const events = await s.db.careEvent.findMany({ where: { episodeId, type: "home.missed" }, orderBy: { at: "asc" } });
      assert.deepEqual(events.map((e) => [e.eventId, (e.data as { sessions: number }).sessions]), [[`missed:${episodeId}:2026-12-01`, 2], [`missed:${episodeId}:2026-12-02`, 2], [`missed:${episodeId}:2026-12-03`, 3], [`missed:${episodeId}:2026-12-04`, 3]]);
      const alert = await s.db.alert.findFirstOrThrow({ where: { episodeId, rule: "missed-sessions@1" } });
      assert.equal(alert.severity, "REVIEW");
      assert.match(alert.message, /10 prescribed home sessions missed in a row/);
      // the end of Berlin's Friday: 23:59:59.999 local = 22:59:59.999 UTC
      assert.equal(events[3]!.at.toISOString(), "2026-12-04T22:59:59.999Z");
    });

    test("handout PDF: phases, exercises with instructions and dose per phase, progressions, education cards", async () => {
      const episodeId = await newEpisode();
      const programId = await saved(episodeId, { ...MATHS, items: MATHS.items.map((i) => (i.exerciseKey === "bridge" ? { ...i, notes: "Keep your ribs down" } : i)) });
      const r = await th.call("query", "programs.handout", { programId });
      assert.ok(r.ok);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-handout-"));
      const file = path.join(dir, r.data.filename);
      fs.writeFileSync(file, Buffer.from(r.data.base64, "base64"));
      renderFirstPage(file);
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
      for (const want of [A.clinic.name, `For ${A.patient.firstName} ${A.patient.lastName}`, "from 2026-11-30 to 2026-12-27 (4 weeks)", "Static stabilisation · weeks 1–2", "Dynamic stabilisation · weeks 3–4",
        "Glute bridge", "2 sets × 10, hold 6 s · Mon, Wed, Fri · once a day", "3 sets × 10, hold 6 s", "Prone press-up (McKenzie)", "Every day · 3 times a day",
        "Bird dog", "1 set × 10, hold 5 s, each side · Tue, Thu · once a day", "Squeeze your buttocks and lift your hips", "Note from your therapist: Keep your ribs down", "Good to know", "Staying active", "page 1 of"]) {
        assert.ok(text.includes(want), `missing "${want}" in: ${text.slice(0, 3000)}`);
      }
      // bird dog starts in week 3: not in the first phase's list
      const first = text.slice(text.indexOf("Static stabilisation"), text.indexOf("Dynamic stabilisation"));
      assert.ok(!first.includes("Bird dog"));
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "program.handout", recordId: episodeId } }));
    });

    test("reminders: exactly one email with two job instances racing; on time only; stop after revoke and discharge", async () => {
      const episodeId = await newEpisode();
      await saved(episodeId, MATHS);
      const link = await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null });
      const token = link.data.url.split("/home/")[1];
      const to = `rem-${episodeId}@example.org`;
      const patient = new HttpClient(s.url);
      assert.ok((await patient.call("mutation", "programs.setHomeReminder", { token, enabled: true, weekdays: [1, 2, 3, 4, 5, 6, 7], time: "18:00", email: to })).ok);
      const second: Db = await createDb(s.env.DATABASE_URL);
      const count = () => smtp.messages.filter((m) => m.to.includes(to)).length;
      const settle = () => new Promise((res) => setTimeout(res, 300));
      try {
        // 18:05 in Berlin on Monday of week 2: two schedulers (two database clients, as two processes) race
        const now = new Date("2026-12-07T17:05:00Z");
        const [x, y] = await Promise.all([runScheduledJob(s.db, s.env, now), runScheduledJob(second, s.env, now)]);
        assert.equal(x.reminders + y.reminders, 1);
        const m = await smtp.waitFor((q) => q.to.includes(to));
        assert.equal(m.subject, "Time for your home exercises");
        assert.match(m.text, /Clinic .*: today's home exercises are waiting \(2 exercises, 3 times today\)/);
        await Promise.all([runScheduledJob(s.db, s.env, new Date("2026-12-07T17:20:00Z")), runScheduledJob(second, s.env, new Date("2026-12-07T17:21:00Z"))]);
        await settle();
        assert.equal(count(), 1, "once per day and time");
        assert.ok(await s.db.outboxEmail.findUnique({ where: { dedupeKey: `reminder:${episodeId}:2026-12-07T18:00` } }));
        // not before the chosen time; not hours late (a server that was down)
        await runScheduledJob(s.db, s.env, new Date("2026-12-08T16:55:00Z"));
        await runScheduledJob(s.db, s.env, new Date("2026-12-09T21:30:00Z"));
        await settle();
        assert.equal(count(), 1);
        await runScheduledJob(second, s.env, new Date("2026-12-08T17:00:00Z"));
        await smtp.waitFor(() => count() === 2);
        // not when today's sessions are all done
        const activeId = (await s.db.homeProgram.findFirstOrThrow({ where: { episodeId, status: "ACTIVE" } })).id;
        for (const t of ["06:00", "09:00", "12:00"]) await session(activeId, episodeId, `2026-12-10T${t}:00Z`, "2026-12-10", [press]);
        await runScheduledJob(s.db, s.env, new Date("2026-12-10T17:05:00Z"));
        await settle();
        assert.equal(count(), 2);
        // revoked link: no reminders; a new link: they resume
        assert.ok((await th.call("mutation", "programs.revokeHomeLink", { linkId: link.data.linkId })).ok);
        await runScheduledJob(s.db, s.env, new Date("2026-12-11T17:05:00Z"));
        await settle();
        assert.equal(count(), 2);
        await th.call("mutation", "programs.issueHomeLink", { episodeId, sendTo: null });
        await runScheduledJob(s.db, s.env, new Date("2026-12-12T17:05:00Z"));
        await smtp.waitFor(() => count() === 3);
        // a program change keeps the reminder (it moves to the new version) and does not send twice that day
        const active = await s.db.homeProgram.findFirstOrThrow({ where: { episodeId, status: "ACTIVE" } });
        const changed = await save(episodeId, MATHS, active.id);
        assert.ok(changed.ok);
        assert.equal((await s.db.reminderSetting.findUniqueOrThrow({ where: { programId: changed.data.id } })).email, to);
        await runScheduledJob(s.db, s.env, new Date("2026-12-12T17:30:00Z"));
        await settle();
        assert.equal(count(), 3);
        // discharge: no more
        await s.db.episode.update({ where: { id: episodeId }, data: { status: "DISCHARGED", dischargedAt: new Date() } });
        await runScheduledJob(s.db, s.env, new Date("2026-12-13T17:05:00Z"));
        await settle();
        assert.equal(count(), 3);
      } finally {
        await second.$disconnect();
      }
    });
  });
}
