// Home practice on the real database and the real HTTP API (issue 19 part B): a set practised at home goes through
// the one recording pipeline, authorised by the HOME link (not another episode's set, not with a revoked or expired
// link, not into a closed set); a home session is created once per clientId; finishing it appends home.session and
// pain.reported (HOME_SESSION) through the alert store (pain 8 raises pain-high); bad input is refused and nothing
// stored is damaged; staff read home sessions clinic-scoped, clinicians too, and patients cannot.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Recorder, type KV, type SendResult, type Transport } from "../../app/_lib/recording/recorder";
import { bytesToBase64, packSamples } from "../../app/_shared/pose/sample";
import { registerExerciseSetSummariser, type ExerciseSetSummariser } from "../../app/_shared/recording/summary";
import { issueLink, revokeLink } from "../../server/services/patient-links";
import { databaseKinds } from "../support/databases";
import { twoClinicServer } from "../support/two-clinics";
import { flexionSweep } from "../support/samples";
import type { SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const memoryKV = (): KV => {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k), keys: () => [...map.keys()] };
};
/** Stands in for the exercise engine's summariser: counts bends past 40° and gives shallow ones a fault. */
const countBends: ExerciseSetSummariser = (_k, _v, _d, samples) => {
  const reps: { romDeg: number; faults: string[] }[] = [];
  let peak: number | null = null;
  for (const s of samples) {
    const a = s.angles.trunkFlexion;
    if (a === null) continue;
    if (peak === null && a > 40) peak = a;
    else if (peak !== null) {
      peak = Math.max(peak, a);
      if (a < 20) {
        reps.push({ romDeg: peak, faults: peak < 60 ? ["SHALLOW"] : [] });
        peak = null;
      }
    }
  }
  return { automaticCount: reps.length, repetitions: reps, holdTimes: [], flags: [] };
};

const today = () => new Date().toISOString().slice(0, 10);
const programModel = () => ({
  // started yesterday, so that a session started minutes ago falls inside the programme even just after midnight
  startDate: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), weeks: 6, timeZone: "UTC", phases: [],
  items: [
    { exerciseKey: "squat", dose: { sets: 2, reps: 10, holdS: null, perSide: false }, timesPerDay: 1, daysPerWeek: 7 },
    { exerciseKey: "walking", dose: { sets: 1, reps: null, holdS: 600, perSide: false }, timesPerDay: 1, daysPerWeek: 7 },
  ],
});
let nextId = 0;
const clientId = () => `client-${Date.now().toString(36)}-${nextId++}`;

for (const kind of databaseKinds()) {
  describe(`home sessions on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let patient: HttpClient, th: HttpClient, cl: HttpClient, thB: HttpClient;

    /** An episode of a clinic's patient with an active home programme and a home link. */
    const episodeWithLink = async (c: SeededClinic) => {
      const e = await s.db.episode.create({ data: { clinicId: c.clinic.id, patientId: c.patient.id, therapistId: c.therapist.id, startDate: today() } });
      await s.db.homeProgram.create({ data: { episodeId: e.id, modelVersion: 1, model: programModel(), createdById: c.therapist.id } });
      const link = await issueLink(s.db, s.env, { clinicId: c.clinic.id, episodeId: e.id, purpose: "HOME" });
      return { episodeId: e.id, token: link.token, linkId: link.link.id };
    };
    const call = (path: string, input: object, kind: "mutation" | "query" = "mutation") => patient.call(kind, `home.${path}`, input);
    const startSession = async (token: string, extra: object = {}) => {
      const r = await call("startSession", { token, clientId: clientId(), startedAt: new Date().toISOString(), painBefore: 3, ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.data as { id: string; clientId: string };
    };
    const startSet = async (token: string, sessionClientId: string, extra: object = {}) => {
      const r = await call("startSet", { token, sessionClientId, clientId: clientId(), exerciseKey: "squat", setNumber: 1, cameraView: "SAGITTAL", frameAspect: 4 / 3, ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      // the set has been recording for 10 minutes, so that its samples lie in the past
      await s.db.assessmentTrial.update({ where: { id: r.data.id }, data: { startedAt: new Date(Date.now() - 600_000) } });
      return r.data.id as string;
    };
    const transport = (online: { up: boolean }): Transport => ({
      async send(token, c): Promise<SendResult> {
        if (!online.up) return "retry";
        const r = await patient.call("mutation", "recordings.uploadChunk", { token, ...c });
        return r.ok ? "ok" : { fatal: r.error.message };
      },
      async finish(token, trialId, chunkCount): Promise<SendResult> {
        if (!online.up) return "retry";
        const r = await patient.call("mutation", "recordings.finish", { token, trialId, chunkCount });
        return r.ok ? "ok" : { fatal: r.error.message };
      },
    });
    const chunk = (seq: number, from = 0, n = 15) => {
      const part = flexionSweep({ reps: 1 }).slice(from, from + n);
      return { seq, startMs: part[0]!.t, rateHz: 15, format: 1, samples: bytesToBase64(packSamples(part)) };
    };

    before(async () => {
      ({ s, A, B, th, thB, cl, patient } = await twoClinicServer(kind));
    });
    after(async () => {
      registerExerciseSetSummariser(null);
      await s.close();
    });

    test("today's exercises behind the home link; a set recorded through the offline buffer with a cut connection, counted by the server", async () => {
      const previous = registerExerciseSetSummariser(countBends);
      try {
        const h = await episodeWithLink(A);
        const t = await call("today", { token: h.token }, "query");
        assert.equal(t.ok, true, JSON.stringify(t));
        assert.equal(t.data.ok, true);
        assert.equal(t.data.patientFirstName, "Pat");
        assert.deepEqual(t.data.program.exercises.map((e: { exerciseKey: string; tracked: boolean }) => [e.exerciseKey, e.tracked]), [["squat", true], ["walking", false]]);
        assert.deepEqual(t.data.program.exercises[0].dose, { sets: 2, reps: 10, restSeconds: 60, perSide: false, timesPerDay: 1 });

        const sess = await startSession(h.token);
        const setClient = clientId();
        const setId = await startSet(h.token, sess.clientId, { clientId: setClient });
        const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
        assert.equal(row.visitId, null);
        assert.equal(row.homeSessionId, sess.id);
        assert.equal(row.kind, "exercise");
        assert.equal(row.frameAspect, 4 / 3);
        assert.deepEqual(row.dose, { sets: 2, reps: 10, restSeconds: 60, perSide: false, timesPerDay: 1 }, "the dose comes from the programme, not from the browser");
        assert.equal(await startSet(h.token, sess.clientId, { clientId: setClient }), setId, "a retried start returns the set already recording");

        const samples = flexionSweep({ reps: 4, peakDeg: 80 });
        const net = { up: true };
        const rec = new Recorder(memoryKV(), transport(net), setId, h.token);
        const q = Math.floor(samples.length / 3);
        for (const x of samples.slice(0, q)) rec.add(x);
        await rec.flush();
        net.up = false; // the connection drops during the set
        for (const x of samples.slice(q)) rec.add(x);
        assert.equal(await rec.stop(), false, "offline: not finished yet");
        assert.ok(rec.pending() > 0);
        net.up = true;
        await rec.flush();
        assert.equal(rec.finished(), true);
        assert.deepEqual(rec.errors, []);
        const stored = await s.db.angleSampleChunk.findMany({ where: { trialId: setId } });
        assert.equal(stored.reduce((n, c) => n + c.sampleCount, 0), samples.length, "every sample stored once");
        const set = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
        assert.equal(set.status, "COMPLETED");
        assert.equal(set.automaticCount, 4, "the server's count is the record");
        const trail = await s.db.auditEvent.findFirst({ where: { action: "set.finish", recordId: setId } });
        assert.match(trail!.actorLabel, /^patient-link:home:/);
      } finally {
        registerExerciseSetSummariser(previous);
      }
    });

    test("uploads: another episode's set, a revoked or expired link, a closed set and a finished session are refused; stored chunks stay intact", async () => {
      const h = await episodeWithLink(A);
      const other = await episodeWithLink(A); // the same patient's other episode, its own link
      const sess = await startSession(h.token);
      const setId = await startSet(h.token, sess.clientId);
      const up = (token: string, trialId: string, c: object) => patient.call("mutation", "recordings.uploadChunk", { token, trialId, ...c });
      assert.equal((await up(h.token, setId, chunk(0))).ok, true);
      const before = (await s.db.angleSampleChunk.findMany({ where: { trialId: setId } })).map((c) => Buffer.from(c.samples).toString("hex"));

      // another episode's link cannot feed this set, nor can a visit join token, nor a made-up token
      const wrong = await up(other.token, setId, chunk(1, 15));
      assert.equal(wrong.ok, false);
      assert.equal(wrong.error.data.code, "NOT_FOUND");
      const made = await up("x".repeat(43), setId, chunk(1, 15));
      assert.equal(made.ok, false);
      assert.equal(made.error.data.code, "UNAUTHORIZED");
      // another episode's session cannot take a set through this link
      const s2 = await startSession(other.token);
      const cross = await call("startSet", { token: h.token, sessionClientId: s2.clientId, clientId: clientId(), exerciseKey: "squat", setNumber: 1, cameraView: "SAGITTAL", frameAspect: 1.33 });
      assert.equal(cross.ok, false);
      assert.equal(cross.error.data.code, "NOT_FOUND");

      // bad chunks: refused, nothing changed
      assert.equal((await up(h.token, setId, { ...chunk(0), samples: chunk(1, 15).samples })).error?.data.code, "CONFLICT", "a chunk already stored is not replaced");
      assert.equal((await up(h.token, setId, { ...chunk(1, 15), samples: "%%%" })).ok, false);
      assert.equal((await up(h.token, setId, { ...chunk(1, 15), seq: -1 })).ok, false);

      // a closed set takes no more samples
      assert.equal((await patient.call("mutation", "recordings.finish", { token: h.token, trialId: setId, chunkCount: 1 })).ok, true);
      const closed = await up(h.token, setId, chunk(1, 15));
      assert.equal(closed.ok, false);
      assert.match(closed.error.message, /takes no more samples/);
      const after = (await s.db.angleSampleChunk.findMany({ where: { trialId: setId } })).map((c) => Buffer.from(c.samples).toString("hex"));
      assert.deepEqual(after, before, "stored samples untouched");

      // a finished session takes no more sets
      assert.equal((await call("finishSession", { token: h.token, clientId: sess.clientId, painAfter: 2 })).ok, true);
      const late = await call("startSet", { token: h.token, sessionClientId: sess.clientId, clientId: clientId(), exerciseKey: "squat", setNumber: 2, cameraView: "SAGITTAL", frameAspect: 1.33 });
      assert.equal(late.ok, false);
      assert.match(late.error.message, /finished/);

      // a revoked link uploads nothing and its page says so
      const s3 = await startSession(other.token);
      const set3 = await startSet(other.token, s3.clientId);
      assert.equal(await revokeLink(s.db, A.clinic.id, other.linkId), true);
      const revoked = await up(other.token, set3, chunk(0));
      assert.equal(revoked.ok, false);
      assert.equal(revoked.error.data.code, "UNAUTHORIZED");
      assert.match(revoked.error.message, /no longer active/);
      const page = await call("today", { token: other.token }, "query");
      assert.deepEqual([page.data.ok, page.data.problem], [false, "revoked"]);
      assert.equal((await s.db.angleSampleChunk.count({ where: { trialId: set3 } })), 0);

      // an expired link too
      const h4 = await episodeWithLink(B);
      const s4 = await startSession(h4.token);
      const set4 = await startSet(h4.token, s4.clientId);
      await s.db.patientLink.update({ where: { id: h4.linkId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await up(h4.token, set4, chunk(0));
      assert.equal(expired.ok, false);
      assert.match(expired.error.message, /expired/);
      assert.equal((await call("startSession", { token: h4.token, clientId: clientId(), startedAt: new Date().toISOString() })).error?.data.code, "FORBIDDEN");

      // an ended episode: the page says the course of care has ended
      const h5 = await episodeWithLink(A);
      await s.db.episode.update({ where: { id: h5.episodeId }, data: { status: "DISCHARGED", dischargedAt: new Date() } });
      const ended = await call("today", { token: h5.token }, "query");
      assert.deepEqual([ended.data.ok, ended.data.problem], [false, "episode-closed"]);
      assert.match(ended.data.message, /course of care has ended/);
    });

    test("a set started offline is created once per clientId, with the device's start time; another link or session cannot take that id; bad ids are refused", async () => {
      const h = await episodeWithLink(A);
      const sessionId = clientId();
      const sessionStart = new Date(Date.now() - 15 * 60_000).toISOString();
      // the session and its set were made on the device without a connection; the page flushes them later, twice at once
      const [s1, s2] = await Promise.all([0, 1].map(() => call("startSession", { token: h.token, clientId: sessionId, startedAt: sessionStart, painBefore: 2 })));
      assert.equal(s1!.ok && s2!.ok, true, JSON.stringify([s1, s2]));
      const setClient = clientId();
      const setStart = new Date(Date.now() - 10 * 60_000).toISOString();
      const input = { token: h.token, sessionClientId: sessionId, clientId: setClient, exerciseKey: "squat", setNumber: 1, cameraView: "SAGITTAL", frameAspect: 4 / 3, startedAt: setStart };
      const [a, b] = await Promise.all([call("startSet", input), call("startSet", input)]);
      assert.equal(a!.ok && b!.ok, true, JSON.stringify([a, b]));
      assert.equal(a!.data.id, b!.data.id, "two flushes of one offline set: one set");
      assert.equal(await s.db.assessmentTrial.count({ where: { clientId: setClient } }), 1);
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { clientId: setClient } });
      assert.equal(row.homeSessionId, s1!.data.id);
      assert.equal(row.startedAt.toISOString(), setStart, "the set keeps the time it was started on the device");
      assert.equal((await call("startSet", input)).data.id, row.id, "a third flush too");
      // its samples, recorded ten minutes ago, upload under the server's id
      assert.equal((await patient.call("mutation", "recordings.uploadChunk", { token: h.token, trialId: row.id, ...chunk(0) })).ok, true);

      // another episode's link cannot take the id (nor reach this session); another session of the same link neither
      const other = await episodeWithLink(A);
      const os = await startSession(other.token);
      const taken = await call("startSet", { ...input, token: other.token, sessionClientId: os.clientId });
      assert.equal(taken.error?.data.code, "CONFLICT", JSON.stringify(taken));
      assert.equal((await call("startSet", { ...input, token: other.token })).error?.data.code, "NOT_FOUND");
      const second = await startSession(h.token);
      assert.equal((await call("startSet", { ...input, sessionClientId: second.clientId })).error?.data.code, "CONFLICT");
      assert.equal(await s.db.assessmentTrial.count({ where: { homeSession: { clientId: { in: [os.clientId, second.clientId] } } } }), 0, "nothing made for them");
      assert.equal((await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: row.id } })).homeSessionId, s1!.data.id, "the set stays where it was");

      // start times: one in the future is refused, one before the session's start is the session's start
      assert.equal((await call("startSet", { ...input, clientId: clientId(), setNumber: 2, startedAt: new Date(Date.now() + 86_400_000).toISOString() })).error?.data.code, "BAD_REQUEST");
      const early = await call("startSet", { ...input, clientId: clientId(), setNumber: 2, startedAt: new Date(Date.now() - 2 * 3_600_000).toISOString() });
      assert.equal(early.ok, true, JSON.stringify(early));
      assert.equal(new Date(early.data.startedAt).toISOString(), sessionStart);

      // bad ids and times: refused, nothing made
      const before = await s.db.assessmentTrial.count();
      for (const bad of [{ clientId: "short" }, { clientId: "../../etc/passwd" }, { clientId: "x".repeat(65) }, { clientId: undefined }, { startedAt: "yesterday" }, { startedAt: 5 }]) {
        const r = await call("startSet", { ...input, setNumber: 3, ...bad });
        assert.equal(r.error?.data.code, "BAD_REQUEST", JSON.stringify(bad));
      }
      assert.equal(await s.db.assessmentTrial.count(), before);

      // the session finished: the same set's id still answers (a late flush whose answer was lost); a new set does not
      assert.equal((await call("finishSession", { token: h.token, clientId: sessionId, painAfter: 2 })).ok, true);
      assert.equal((await call("startSet", input)).data?.id, row.id);
      assert.match((await call("startSet", { ...input, clientId: clientId(), setNumber: 3 })).error?.message ?? "", /finished/);
    });

    test("a session is created once per clientId, finished once; events appended; pain 8 raises the pain-high alert; bad input changes nothing", async () => {
      const h = await episodeWithLink(A);
      const id = clientId();
      const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
      const [a, b] = await Promise.all([0, 1].map(() => call("startSession", { token: h.token, clientId: id, startedAt, painBefore: 4 })));
      assert.equal(a!.ok && b!.ok, true, JSON.stringify([a, b]));
      assert.equal(a!.data.id, b!.data.id, "two flushes of one offline start: one session");
      assert.equal(await s.db.homeSession.count({ where: { clientId: id } }), 1);
      // another episode's link cannot take over that clientId
      const other = await episodeWithLink(A);
      const taken = await call("startSession", { token: other.token, clientId: id, startedAt });
      assert.equal(taken.error?.data.code, "CONFLICT");

      // bad input: refused with a clear message, nothing stored or changed
      const bad = [
        { token: h.token, clientId: id, painAfter: 11 },
        { token: h.token, clientId: id, painAfter: 2.5 },
        { token: h.token, clientId: id, howItWent: "GREAT" },
        { token: h.token, clientId: id, selfReport: [{ exerciseKey: "plank", sets: 1, reps: null, holdS: 20, reason: "NO_CAMERA" }] },
        { token: h.token, clientId: id, selfReport: [{ exerciseKey: "walking", sets: 99, reps: null, holdS: null, reason: "UNTRACKED" }] },
        { token: h.token, clientId: id, endedAt: new Date(Date.now() + 86_400_000).toISOString() },
        { token: "short", clientId: id },
        { token: h.token, clientId: "../../etc" },
      ];
      for (const input of bad) {
        const r = await call("finishSession", input);
        assert.equal(r.ok, false, JSON.stringify(input));
        assert.equal(r.error.data.code, "BAD_REQUEST", JSON.stringify(r.error));
      }
      assert.equal((await call("startSession", { token: h.token, clientId: clientId(), startedAt: new Date(Date.now() + 86_400_000).toISOString() })).error?.data.code, "BAD_REQUEST");
      assert.equal((await call("startSession", { token: h.token, clientId: clientId(), startedAt: "yesterday" })).error?.data.code, "BAD_REQUEST");
      assert.equal((await call("startSet", { token: h.token, sessionClientId: id, clientId: clientId(), exerciseKey: "walking", setNumber: 1, cameraView: "SAGITTAL", frameAspect: 1.3 })).error?.data.code, "BAD_REQUEST", "a self-reported exercise has no camera set");
      assert.equal((await call("startSet", { token: h.token, sessionClientId: id, clientId: clientId(), exerciseKey: "plank", setNumber: 1, cameraView: "SAGITTAL", frameAspect: 1.3 })).error?.data.code, "BAD_REQUEST", "not in the programme");
      const untouched = await s.db.homeSession.findUniqueOrThrow({ where: { clientId: id } });
      assert.deepEqual([untouched.status, untouched.painAfter, untouched.selfReport], ["OPEN", null, null]);
      assert.equal(await s.db.careEvent.count({ where: { episodeId: h.episodeId } }), 0);

      // finished with pain 8: home.session + two pain reports; pain-high opens
      const fin = await call("finishSession", { token: h.token, clientId: id, painAfter: 8, effort: 6, howItWent: "HARD", note: "Sore after", selfReport: [{ exerciseKey: "walking", sets: 1, reps: null, holdS: null, reason: "UNTRACKED" }] });
      assert.equal(fin.ok, true, JSON.stringify(fin));
      const events = await s.db.careEvent.findMany({ where: { episodeId: h.episodeId }, orderBy: { at: "asc" } });
      assert.deepEqual(events.map((e) => e.type).sort(), ["home.session", "pain.reported", "pain.reported"]);
      const alerts = await s.db.alert.findMany({ where: { episodeId: h.episodeId } });
      const high = alerts.find((a) => /^pain-high@/.test(a.rule));
      assert.equal(high?.status, "OPEN", "pain 8 in a home session raises pain-high");
      assert.deepEqual(alerts.map((a) => a.rule.split("@")[0]), ["pain-high"], "one session rated low before and 8 after is not pain rising across sessions (home-pain-rise@2)");
      const again = await call("finishSession", { token: h.token, clientId: id, painAfter: 1 });
      assert.equal(again.ok, true);
      assert.equal((await s.db.homeSession.findUniqueOrThrow({ where: { clientId: id } })).painAfter, 8, "finishing twice changes nothing");
      assert.equal(await s.db.careEvent.count({ where: { episodeId: h.episodeId } }), 3, "no event twice");

      // adherence counts it for the patient
      const t = await call("today", { token: h.token }, "query");
      assert.equal(t.data.adherence.thisWeek.doneSessions, 1);
      assert.equal(t.data.sessionsToday.length, startedAt.slice(0, 10) === today() ? 1 : 0, "today's sessions are those of the patient's local date");
    });

    test("staff read home sessions clinic-scoped (clinicians too); patients and other clinics cannot", async () => {
      const previous = registerExerciseSetSummariser(countBends);
      try {
        const h = await episodeWithLink(A);
        const sess = await startSession(h.token);
        const setId = await startSet(h.token, sess.clientId);
        const rec = new Recorder(memoryKV(), transport({ up: true }), setId, h.token);
        for (const x of flexionSweep({ reps: 3, peakDeg: 50 })) rec.add(x); // shallow: a fault each
        assert.equal(await rec.stop(), true);
        assert.equal((await call("finishSession", { token: h.token, clientId: sess.clientId, painAfter: 2 })).ok, true);
        const ev = await s.db.careEvent.findFirstOrThrow({ where: { episodeId: h.episodeId, type: "home.session" } });
        assert.equal((ev.data as { formFaults: number }).formFaults, 3, "the form faults of the counted set");

        for (const who of [th, cl]) {
          const r = await who.call("query", "home.sessions", { episodeId: h.episodeId });
          assert.equal(r.ok, true, JSON.stringify(r));
          assert.equal(r.data.sessions.length, 1);
          assert.equal(r.data.sessions[0].recordings[0].automaticCount, 3);
          assert.equal(r.data.sessions[0].recordings[0].faults, 3);
          assert.equal(r.data.programs[0].weeks[0].doneSessions, 1);
          const byPatient = await who.call("query", "home.sessions", { patientId: A.patient.id });
          assert.ok(byPatient.data.sessions.some((x: { id: string }) => x.id === sess.id));
        }
        // the set opens like any set of the clinic
        assert.equal((await th.call("query", "exerciseSets.get", { trialId: setId })).ok, true);
        assert.equal((await thB.call("query", "exerciseSets.get", { trialId: setId })).error?.data.code, "NOT_FOUND");
        assert.equal((await thB.call("query", "home.sessions", { episodeId: h.episodeId })).error?.data.code, "NOT_FOUND");
        assert.equal((await thB.call("query", "home.sessions", { patientId: A.patient.id })).error?.data.code, "NOT_FOUND");
        assert.equal((await patient.call("query", "home.sessions", { episodeId: h.episodeId })).error?.data.code, "UNAUTHORIZED");
        assert.equal((await th.call("query", "home.sessions", { episodeId: "../x" })).error?.data.code, "BAD_REQUEST");
      } finally {
        registerExerciseSetSummariser(previous);
      }
    });
  });
}
