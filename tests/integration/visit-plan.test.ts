// The plan for a visit (issue 13 "or the next exercise of the patient's plan", over issue 19's home program), on the
// real database and the real HTTP API: programs.forVisit lists the active program's exercises of the current program
// week in the program's order with that week's dose (progressions applied) and the therapist's notes, marks an
// exercise done once a set of it was recorded in this visit (a running or discarded set does not count), and names
// the next one; a visit without an episode or an episode without a program says so. Writers of the visit's clinic
// only: another clinic's therapist, a clinician and a patient are refused. programs.saveVisitDose saves the room's
// dose to the program as a new version from the current week on, audited; a stale version is a CONFLICT.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { localDate, type ProgramModelInput } from "../../app/_shared/care/program";
import { addDays } from "../../app/_shared/care/questionnaires";
import { latestExercise } from "../../app/_shared/exercises/catalogue";
import { databaseKinds } from "../support/databases";
import type { SeededClinic } from "../support/seed";
import type { HttpClient, startTestServer } from "../support/server";
import { twoClinicServer } from "../support/two-clinics";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const TZ = "Europe/Berlin";
/** A 4-week program whose week 2 is today (in its time zone). */
const program = (): ProgramModelInput => ({
  startDate: addDays(localDate(new Date(), TZ), -8),
  weeks: 4,
  timeZone: TZ,
  phases: [{ key: "static", title: "Static stabilisation", fromWeek: 1, toWeek: 2 }, { key: "dynamic", title: "Dynamic stabilisation", fromWeek: 3, toWeek: 4 }],
  items: [
    { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, notes: "Squeeze the glutes first", progression: [{ fromWeek: 2, dose: { sets: 3 }, note: "Three sets from week 2" }] },
    { exerciseKey: "squat", dose: { sets: 2, reps: 8, holdS: null }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
    { exerciseKey: "prone-press-up", dose: { sets: 1, reps: 10, holdS: 2 }, timesPerDay: 3, daysPerWeek: 7 },
    { exerciseKey: "bird-dog", dose: { sets: 1, reps: 6, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 2, toWeek: 2, notes: "Slowly" },
  ],
});

for (const kind of databaseKinds()) {
  describe(`the plan for a visit on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, thB: HttpClient, cl: HttpClient, patient: HttpClient;
    let signedIn: (email: string) => Promise<HttpClient>;
    let episodeId: string, programId: string, visitId: string;

    const plan = async (who: HttpClient = th, id = visitId) => who.call("query", "programs.forVisit", { visitId: id });
    const ok = async (who: HttpClient = th, id = visitId) => {
      const r = await plan(who, id);
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.data;
    };
    const visitOf = async (c: SeededClinic, who: HttpClient, patientId = c.patient.id) => {
      const v = await who.call("mutation", "visits.schedule", { patientId, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(v.ok, true, JSON.stringify(v));
      await s.db.visit.update({ where: { id: v.data.visit.id }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      return v.data.visit.id as string;
    };
    /** A set started through the real procedure. */
    const startSet = async (exerciseKey: string) => {
      const r = await th.call("mutation", "exerciseSets.start", { visitId, exerciseKey, exerciseVersion: latestExercise(exerciseKey)!.version, cameraView: "SAGITTAL", dose: { sets: 1, reps: 10 }, frameAspect: 4 / 3 });
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.data.id as string;
    };
    /** Its samples all in: the one pipeline marks it so after the patient's upload (tests/integration/recordings.test.ts). */
    const recorded = (id: string, status: "COMPLETED" | "PENDING" = "COMPLETED") => s.db.assessmentTrial.update({ where: { id }, data: { status, endedAt: new Date() } });

    before(async () => {
      ({ s, A, B, th, thB, cl, patient, signedIn } = await twoClinicServer(kind));
      episodeId = (await s.db.episode.create({ data: { clinicId: A.clinic.id, patientId: A.patient.id, therapistId: A.therapist.id, startDate: addDays(localDate(new Date(), TZ), -8), timeZone: TZ } })).id;
      const saved = await th.call("mutation", "programs.save", { episodeId, baseProgramId: null, templateKey: null, model: program(), education: [] });
      assert.equal(saved.ok, true, JSON.stringify(saved));
      programId = saved.data.id;
      visitId = await visitOf(A, th);
      assert.equal((await s.db.visit.findUniqueOrThrow({ where: { id: visitId } })).episodeId, episodeId, "the visit belongs to the patient's episode");
    });
    after(async () => {
      await s?.close();
    });

    test("the current week's exercises in the program's order, with that week's dose and notes; the next is the first", async () => {
      const p = await ok();
      assert.equal(p.state, "plan");
      assert.deepEqual([p.patientName, p.version, p.week, p.weeks, p.when, p.phase?.title], [`${A.patient.firstName} ${A.patient.lastName}`, 1, 2, 4, "during", "Static stabilisation"]);
      // week 2: the squat starts in week 3, so positions 1, 3, 4 in the program's order
      assert.deepEqual(p.exercises.map((e: { position: number; exerciseKey: string }) => [e.position, e.exerciseKey]), [[1, "bridge"], [3, "prone-press-up"], [4, "bird-dog"]]);
      const [bridge, press, birdDog] = p.exercises;
      assert.deepEqual(bridge.dose, { sets: 3, reps: 10, holdS: 6, restS: latestExercise("bridge")!.dose.restS, perSide: false }, "week 2's progression applied, the library's rest");
      assert.deepEqual([bridge.title, bridge.notes, bridge.stepNote, bridge.done, bridge.setsRecorded], ["Glute bridge", "Squeeze the glutes first", "Three sets from week 2", false, 0]);
      assert.deepEqual([press.dose.reps, press.dose.holdS, press.timesPerDay], [10, 2, 3]);
      assert.deepEqual([birdDog.dose.perSide, birdDog.notes], [true, "Slowly"]);
      assert.equal(p.next, 1);
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "program.read", recordId: episodeId } }), "reading the program is audited");
    });

    test("done once a set of it was recorded in this visit; a discarded or running set does not count; next moves on", async () => {
      const first = await startSet("bridge");
      assert.equal((await ok()).next, 1, "a running set does not make it done");
      await recorded(first);
      let p = await ok();
      assert.deepEqual(p.exercises.map((e: { done: boolean; setsRecorded: number }) => [e.done, e.setsRecorded]), [[true, 1], [false, 0], [false, 0]]);
      assert.equal(p.next, 3);

      const dropped = await startSet("prone-press-up");
      assert.equal((await th.call("mutation", "exerciseSets.discard", { trialId: dropped })).ok, true);
      assert.equal((await ok()).next, 3, "a discarded set does not count");
      const pending = await startSet("prone-press-up");
      await recorded(pending, "PENDING"); // samples complete, summary waiting: recorded
      p = await ok();
      assert.equal(p.next, 4);
      // a set of an exercise that is not this week's changes nothing in the plan
      await recorded(await startSet("squat"));
      await recorded(await startSet("bird-dog"));
      p = await ok();
      assert.deepEqual(p.exercises.map((e: { done: boolean }) => e.done), [true, true, true]);
      assert.equal(p.next, null, "every exercise of the week has a set");
      // another visit of the same episode starts afresh
      const other = await visitOf(A, th);
      assert.equal((await ok(th, other)).next, 1);
    });

    test("a visit without an episode, an episode without a program: said so, nothing else", async () => {
      const loner = await s.db.patient.create({ data: { clinicId: A.clinic.id, firstName: "Lone", lastName: "Visitor", dateOfBirth: new Date("1990-05-06T00:00:00Z"), recordNumber: `R-lone-${Date.now()}` } });
      const p = await ok(th, await visitOf(A, th, loner.id));
      assert.deepEqual([p.state, p.patientName], ["no-episode", "Lone Visitor"]);
      assert.match(p.message, /not part of an episode of care/);
      assert.equal("exercises" in p, false);

      await s.db.episode.create({ data: { clinicId: B.clinic.id, patientId: B.patient.id, therapistId: B.therapist.id, startDate: localDate(new Date(), TZ), timeZone: TZ } });
      const q = await ok(thB, await visitOf(B, thB));
      assert.equal(q.state, "no-program");
      assert.match(q.message, /no active home program/);
    });

    test("writers of the visit's clinic only: another clinic, a clinician, a patient and bad input are refused", async () => {
      const other = await plan(thB);
      assert.equal(!other.ok && other.error.data.code, "NOT_FOUND", "another clinic's therapist does not learn the visit exists");
      const clin = await plan(cl);
      assert.equal(!clin.ok && clin.error.data.code, "FORBIDDEN");
      const anon = await plan(patient);
      assert.equal(!anon.ok && anon.error.data.code, "UNAUTHORIZED");
      assert.equal((await ok(await signedIn(A.admin.email))).state, "plan", "an admin of the clinic may");
      for (const input of [{ visitId: "" }, { visitId: "../x" }, { visitId: "x".repeat(65) }, { visitId, extra: 1 }, {}, null]) {
        const r = await th.call("query", "programs.forVisit", input);
        assert.equal(!r.ok && r.error.data.code, "BAD_REQUEST", JSON.stringify(input));
      }
      const missing = await plan(th, "no-such-visit");
      assert.equal(!missing.ok && missing.error.data.code, "NOT_FOUND");
    });

    test("the room's dose saved to the program: a new version from this week on, audited; stale, foreign and bad saves refused", async () => {
      const dose = { sets: 2, reps: 12, holdS: 6 };
      for (const [who, code] of [[cl, "FORBIDDEN"], [thB, "NOT_FOUND"], [patient, "UNAUTHORIZED"]] as const) {
        const r = await who.call("mutation", "programs.saveVisitDose", { visitId, programId, position: 1, dose });
        assert.equal(!r.ok && r.error.data.code, code);
      }
      const notThisWeek = await th.call("mutation", "programs.saveVisitDose", { visitId, programId, position: 2, dose });
      assert.equal(!notThisWeek.ok && notThisWeek.error.data.code, "BAD_REQUEST");
      assert.match(!notThisWeek.ok ? notThisWeek.error.message : "", /not in week 2/);
      for (const bad of [{ ...dose, reps: null, holdS: null }, { ...dose, sets: 0 }, { ...dose, reps: 1000 }, { ...dose, restS: 30 }]) {
        const r = await th.call("mutation", "programs.saveVisitDose", { visitId, programId, position: 1, dose: bad });
        assert.equal(!r.ok && r.error.data.code, "BAD_REQUEST", JSON.stringify(bad));
      }
      assert.equal(await s.db.homeProgram.count({ where: { episodeId } }), 1, "nothing saved by the refused calls");

      const r = await th.call("mutation", "programs.saveVisitDose", { visitId, programId, position: 1, dose });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual([r.data.version, r.data.fromWeek], [2, 2]);
      const p = await ok();
      assert.deepEqual([p.version, p.programId, p.exercises[0].dose.sets, p.exercises[0].dose.reps, p.exercises[0].stepNote], [2, r.data.programId, 2, 12, "Three sets from week 2"]);
      // week 1 keeps its dose: the change is a progression step from week 2
      const stored = await th.call("query", "programs.forEpisode", { episodeId });
      const bridge = stored.data.active.model.items[0];
      assert.deepEqual([bridge.dose.sets, bridge.dose.reps, bridge.progression], [2, 10, [{ fromWeek: 2, dose: { sets: 2, reps: 12, holdS: 6 }, note: "Three sets from week 2" }]]);
      assert.equal(stored.data.versions[1].status, "SUPERSEDED");
      const ev = await s.db.auditEvent.findFirst({ where: { action: "program.dose-from-visit", recordId: episodeId } });
      assert.ok(ev, "audited as made in the visit");
      assert.ok(await s.db.auditEvent.findFirst({ where: { action: "program.change", recordId: episodeId } }), "and as a program change");
      // the room still holding version 1 cannot overwrite version 2
      const stale = await th.call("mutation", "programs.saveVisitDose", { visitId, programId, position: 1, dose: { sets: 1, reps: 5, holdS: 6 } });
      assert.equal(!stale.ok && stale.error.data.code, "CONFLICT");
      assert.equal(await s.db.homeProgram.count({ where: { episodeId } }), 2);
    });
  });
}
