// Exercise sets through the one recording pipeline, on a real database and the real HTTP API: the same chunk
// format, upload procedures, validation and offline buffer as trials; refused bad uploads leave stored data intact;
// clinicians cannot start or change sets; clinic scoping; a cut connection loses and duplicates nothing; a finished
// set waits as PENDING until an exercise-set summariser is registered and is then summarised by the server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { deflateSync, inflateSync } from "fflate";
import { flushLeftovers, Recorder, type KV, type SendResult, type Transport } from "../../app/_lib/recording/recorder";
import { base64ToBytes, bytesToBase64, packSamples } from "../../app/_shared/pose/sample";
import { decodeChunk, encodeChunk } from "../../app/_shared/recording/codec";
import { registerExerciseSetSummariser, type ExerciseSetSummariser } from "../../app/_shared/recording/summary";
import { databaseKinds } from "../support/databases";
import { twoClinicServer } from "../support/two-clinics";
import { flexionSweep, recordedSweep } from "../support/samples";
import type { SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
/** The same compact chunk with its body DEFLATE-compressed at level 1 (as another client's encoder might). */
function recompress(chunk: Uint8Array): Uint8Array {
  let o = 0;
  const varint = () => {
    let v = 0, shift = 0, b: number;
    do {
      b = chunk[o++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  const head = [varint(), varint(), varint(), varint(), varint()];
  varint(); // the old packed length
  const packed = deflateSync(inflateSync(chunk.subarray(o)), { level: 1 });
  const out: number[] = [];
  for (let v of [...head, packed.length]) {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
  return Uint8Array.from([...out, ...packed]);
}

const memoryKV = (): KV & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k), keys: () => [...map.keys()] };
};
const dose = { sets: 3, reps: 10, restSeconds: 60 };

/** A summariser standing in for the exercise engine's: counts forward bends past 40 deg (with hysteresis) and their ROM. */
const countBends: ExerciseSetSummariser = (_key, _version, d, samples) => {
  const reps: { romDeg: number; startMs: number; endMs: number; faults: string[] }[] = [];
  let cur: { romDeg: number; startMs: number } | null = null;
  for (const s of samples) {
    const a = s.angles.trunkFlexion;
    if (a === null) continue;
    if (!cur && a > 40) cur = { romDeg: a, startMs: s.t };
    else if (cur) {
      cur.romDeg = Math.max(cur.romDeg, a);
      if (a < 20) {
        reps.push({ ...cur, endMs: s.t, faults: cur.romDeg < 60 ? ["SHALLOW"] : [] });
        cur = null;
      }
    }
  }
  return { automaticCount: reps.length, repetitions: reps, holdTimes: [], flags: reps.length < (d.reps ?? 0) ? ["BELOW_DOSE"] : [] };
};

for (const kind of databaseKinds()) {
  describe(`exercise sets on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    let th: HttpClient, thB: HttpClient, cl: HttpClient, patient: HttpClient;
    const open = async (t = th, clinic = A) => {
      const r = await t.call("mutation", "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 600_000) });
      assert.equal(r.ok, true, JSON.stringify(r));
      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
      return { visitId: r.data.visit.id as string, token: (r.data.joinPath as string).split("/").pop()! };
    };
    const startSet = async (visitId: string, extra: object = {}, t = th) => {
      const r = await t.call("mutation", "exerciseSets.start", { visitId, exerciseKey: "hip-hinge", exerciseVersion: 1, cameraView: "SAGITTAL", dose, ...extra });
      assert.equal(r.ok, true, JSON.stringify(r));
      // the set has been recording for 10 minutes, so that its samples lie in the past
      await s.db.assessmentTrial.update({ where: { id: r.data.id }, data: { startedAt: new Date(Date.now() - 600_000) } });
      return r.data.id as string;
    };
    const transport = (online: { up: boolean; lose: number }): Transport => ({
      async send(token, c): Promise<SendResult> {
        if (!online.up) return "retry";
        const r = await patient.call("mutation", "recordings.uploadChunk", { token, ...c });
        if (online.lose > 0) {
          online.lose--;
          return "retry"; // stored, but the answer was lost with the connection
        }
        return r.ok ? "ok" : { fatal: r.error.message };
      },
      async finish(token, trialId, chunkCount): Promise<SendResult> {
        if (!online.up) return "retry";
        const r = await patient.call("mutation", "recordings.finish", { token, trialId, chunkCount });
        return r.ok ? "ok" : { fatal: r.error.message };
      },
    });
    const chunksOf = (id: string) => s.db.angleSampleChunk.findMany({ where: { trialId: id }, orderBy: { seq: "asc" } });
    const snapshot = async (id: string) => (await chunksOf(id)).map((c) => [c.seq, c.format, Buffer.from(c.samples).toString("hex")]);

    before(async () => {
      ({ s, A, B, th, thB, cl, patient } = await twoClinicServer(kind));
    });
    after(async () => {
      registerExerciseSetSummariser(null);
      await s.close();
    });

    test("a set through the patient's offline buffer and a cut connection: every sample stored once; PENDING until a summariser is registered", async () => {
      registerExerciseSetSummariser(null);
      const { visitId, token } = await open();
      const setId = await startSet(visitId, { setNumber: 2 });
      const samples = await recordedSweep({ seconds: 20, repMs: 5000 }); // 4 bends to 80 deg
      const net = { up: true, lose: 0 };
      const kv = memoryKV();
      const rec = new Recorder(kv, transport(net), setId, token);
      const q = Math.floor(samples.length / 4);
      for (const x of samples.slice(0, q)) rec.add(x);
      await rec.flush();
      net.up = false; // the connection drops
      for (const x of samples.slice(q, 2 * q)) rec.add(x);
      await rec.flush();
      assert.ok(rec.pending() > 3, "chunks wait in the buffer");
      // the page reloads while offline: a new page flushes the leftovers once the connection is back
      net.up = true;
      net.lose = 1; // the first answer after reconnecting is lost: that chunk is sent twice
      const left = await flushLeftovers(kv, transport(net), token);
      assert.ok(left > 3);
      assert.ok(kv.keys().length > 0, "the lost answer left chunks to retry");
      for (let i = 0; i < 3 && kv.keys().length; i++) await flushLeftovers(kv, transport(net), token); // the page's retry timer
      assert.equal(kv.keys().length, 0, "the buffer is empty once the server has everything");
      const stored = await chunksOf(setId);
      assert.equal(stored.length, rec.chunkCount());
      assert.ok(stored.every((c) => c.format === 2));
      const got = stored.flatMap((c) => decodeChunk(new Uint8Array(c.samples), c.format));
      assert.deepEqual(got.map((x) => x.t), samples.slice(0, got.length).map((x) => x.t), "in order, none twice");
      const set = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.equal(set.status, "PENDING", "finished by the leftover flush, no summariser yet");
      assert.equal(set.summary, null);
      assert.equal(set.kind, "exercise");
      assert.deepEqual(set.dose, { ...dose, perSide: false });
      assert.equal(set.setNumber, 2);

      // a second set in the same visit, recorded whole; still PENDING
      const set2 = await startSet(visitId, { setNumber: 3 });
      const rec2 = new Recorder(memoryKV(), transport(net), set2, token);
      for (const x of samples) rec2.add(x);
      const stopped = await rec2.stop();
      assert.deepEqual(rec2.errors, []);
      assert.equal(stopped, true);
      assert.equal((await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: set2 } })).status, "PENDING");
      assert.equal((await chunksOf(set2)).reduce((n, c) => n + c.sampleCount, 0), samples.length);

      // the exercise engine registers its summariser: the next read summarises from the stored samples
      registerExerciseSetSummariser(countBends);
      const list = await th.call("query", "exerciseSets.forVisit", { visitId });
      assert.equal(list.ok, true, JSON.stringify(list));
      const two = list.data.find((x: { id: string }) => x.id === set2);
      assert.equal(two.status, "COMPLETED");
      assert.equal(two.automaticCount, 4);
      assert.equal(two.repetitions.length, 4);
      assert.ok(two.repetitions.every((r: { romDeg: number }) => Math.abs(r.romDeg - 80) < 3));
      const got2 = await th.call("query", "exerciseSets.get", { trialId: set2 });
      assert.equal(decodeChunk(base64ToBytes(got2.data.samples), got2.data.format).length, samples.length);
      // the therapist corrects the count; the automatic count stays beside it
      const ann = await th.call("mutation", "exerciseSets.annotate", { trialId: set2, correctedCount: 3, corrections: [{ action: "remove", rep: 2 }], painDuring: 3, effort: 6, note: "rep 2 too fast" });
      assert.equal(ann.ok, true, JSON.stringify(ann));
      assert.deepEqual([ann.data.automaticCount, ann.data.correctedCount, ann.data.effort, ann.data.painDuring], [4, 3, 6, 3]);
      assert.equal((await th.call("mutation", "exerciseSets.annotate", { trialId: set2, effort: 11 })).ok, false);
      // sets are not trials: the assessment lists leave them out
      const trials = await th.call("query", "trials.forVisit", { visitId });
      assert.equal(trials.data.length, 0);
      const forPatient = await th.call("query", "exerciseSets.forPatient", { patientId: A.patient.id });
      assert.ok([setId, set2].every((id) => forPatient.data.some((x: { id: string }) => x.id === id)));
    });

    test("bad set uploads are refused with clear errors and nothing stored is damaged", async () => {
      registerExerciseSetSummariser(null);
      const { visitId, token } = await open();
      const setId = await startSet(visitId);
      const sw = flexionSweep({ reps: 2 });
      const part = (k: number) => sw.slice(15 * k, 15 * k + 15);
      const ch = (seq: number, p = part(seq), extra: object = {}) => ({ token, trialId: setId, seq, startMs: p[0]!.t, rateHz: 15, format: 2, samples: bytesToBase64(encodeChunk(p)), ...extra });
      const up = (c: object) => patient.call("mutation", "recordings.uploadChunk", c);
      for (const k of [0, 3]) assert.equal((await up(ch(k))).ok, true);
      // an old page (no format field, 206-byte records) still uploads into the same pipeline
      const old = await up({ token, trialId: setId, seq: 1, startMs: part(1)[0]!.t, rateHz: 15, samples: bytesToBase64(packSamples(part(1))) });
      assert.equal(old.ok, true, JSON.stringify(old));
      const before = await snapshot(setId);
      assert.deepEqual(before.map((c) => c[1]), [2, 2, 2], "stored in the current format, whatever came in");
      const good = encodeChunk(part(2));
      const other = await open(); // another visit of the same clinic, with its own link
      const cases: [string, object, string, RegExp][] = [
        ["not base64", ch(2, part(2), { samples: "@@@" }), "BAD_REQUEST", /base64/],
        ["truncated format 2", ch(2, part(2), { samples: bytesToBase64(good.subarray(0, good.length - 5)) }), "BAD_REQUEST", /malformed/],
        ["random bytes as format 2", ch(2, part(2), { samples: bytesToBase64(Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255)) }), "BAD_REQUEST", /malformed/],
        ["unknown format", ch(2, part(2), { format: 3 }), "BAD_REQUEST", /format/],
        ["oversized: 65 samples", ch(2, sw.slice(30, 95)), "BAD_REQUEST", /at most 64/],
        ["oversized: too many bytes", ch(2, part(2), { samples: "A".repeat(40_000) }), "BAD_REQUEST", /too large/i],
        ["out of order", ch(2, part(4)), "BAD_REQUEST", /out of order/],
        ["other samples for a stored seq", ch(0, part(2)), "CONFLICT", /already stored/],
        ["another visit's link", { ...ch(2), token: other.token }, "NOT_FOUND", /not found/],
        ["no such set", { ...ch(2), trialId: "nope" }, "NOT_FOUND", /not found/],
      ];
      for (const [name, c, code, re] of cases) {
        const r = await up(c);
        assert.equal(r.ok, false, name);
        if (!r.ok) {
          assert.equal(r.error.data.code, code, `${name}: ${r.error.message}`);
          assert.match(JSON.stringify(r.error), re, name); // the message, or the field's message for input errors
        }
      }
      assert.deepEqual(await snapshot(setId), before);
      // a retry of a stored chunk is a duplicate, whichever format it comes in
      assert.deepEqual((await up(ch(0))).data, { stored: false, duplicate: true, seq: 0 });
      assert.deepEqual((await up({ ...ch(0), format: 1, samples: bytesToBase64(packSamples(part(0))) })).data, { stored: false, duplicate: true, seq: 0 });
      // a closed set takes nothing: completed by the therapist (still PENDING without a summariser), or discarded
      const done = await th.call("mutation", "exerciseSets.complete", { trialId: setId });
      assert.equal(done.data.status, "PENDING");
      const closed = await up(ch(2));
      assert.equal(closed.ok, false);
      if (!closed.ok) assert.match(closed.error.message, /exercise set is pending and takes no more samples/);
      assert.deepEqual(await snapshot(setId), before);
      const set2 = await startSet(other.visitId);
      assert.equal((await th.call("mutation", "exerciseSets.discard", { trialId: set2 })).ok, true);
      const discarded = await up({ ...ch(0), token: other.token, trialId: set2 });
      assert.equal(discarded.ok, false);
      if (!discarded.ok) assert.match(discarded.error.message, /discarded/);
      assert.equal(await s.db.angleSampleChunk.count({ where: { trialId: set2 } }), 0);
    });

    test("a chunk in the current format is stored as sent; a retry compressed differently is a duplicate, other samples a conflict", async () => {
      registerExerciseSetSummariser(null);
      const { visitId, token } = await open();
      const setId = await startSet(visitId);
      const sw = flexionSweep({ reps: 2 });
      const part = (k: number) => sw.slice(15 * k, 15 * k + 15);
      const up = (seq: number, bytes: Uint8Array) => patient.call("mutation", "recordings.uploadChunk", { token, trialId: setId, seq, startMs: part(seq)[0]!.t, rateHz: 15, format: 2, samples: bytesToBase64(bytes) });
      const fast = (k: number) => recompress(encodeChunk(part(k)));
      assert.notEqual(Buffer.compare(Buffer.from(fast(0)), Buffer.from(encodeChunk(part(0)))), 0, "another compression gives other bytes");
      assert.deepEqual((await up(0, fast(0))).data, { stored: true, duplicate: false, seq: 0 });
      assert.deepEqual((await up(1, encodeChunk(part(1)))).data, { stored: true, duplicate: false, seq: 1 });
      const stored = await snapshot(setId);
      assert.deepEqual(stored, [[0, 2, Buffer.from(fast(0)).toString("hex")], [1, 2, Buffer.from(encodeChunk(part(1))).toString("hex")]]);
      assert.deepEqual(decodeChunk(base64ToBytes(bytesToBase64(fast(0))), 2), decodeChunk(encodeChunk(part(0)), 2));
      assert.deepEqual((await up(0, encodeChunk(part(0)))).data, { stored: false, duplicate: true, seq: 0 });
      assert.deepEqual((await up(1, fast(1))).data, { stored: false, duplicate: true, seq: 1 });
      const other = await up(1, recompress(encodeChunk(part(1).map((x) => ({ ...x, t: x.t + 1 })))));
      assert.equal(other.ok, false);
      if (!other.ok) assert.equal(other.error.data.code, "CONFLICT");
      assert.deepEqual(await snapshot(setId), stored);
    });

    test("set rules: clinicians cannot start or change sets, one recording at a time, clinic scoping, valid doses only", async () => {
      const { visitId } = await open();
      const base = { visitId, exerciseKey: "bridge", exerciseVersion: 1, cameraView: "SAGITTAL", dose };
      for (const [input, field] of [[{ ...base, dose: { sets: 3 } }, "reps"], [{ ...base, exerciseKey: "Bridge; drop" }, "exerciseKey"], [{ ...base, dose: { ...dose, sets: 0 } }, "sets"]] as const) {
        const r = await th.call("mutation", "exerciseSets.start", input);
        assert.equal(r.ok, false, field);
        if (!r.ok) assert.equal(r.error.data.code, "BAD_REQUEST");
      }
      const c1 = await cl.call("mutation", "exerciseSets.start", base);
      assert.equal(c1.ok, false);
      if (!c1.ok) assert.equal(c1.error.data.code, "FORBIDDEN");
      const setId = await startSet(visitId);
      // one camera, one recording: neither a second set nor a trial starts while it records
      for (const [p, input] of [["exerciseSets.start", base], ["trials.start", { visitId, protocolKey: "posture" }]] as const) {
        const r = await th.call("mutation", p, input);
        assert.equal(r.ok, false, p);
        if (!r.ok) assert.equal(r.error.data.code, "CONFLICT", p);
      }
      for (const p of ["exerciseSets.stop", "exerciseSets.complete", "exerciseSets.discard", "exerciseSets.annotate"]) {
        const r = await cl.call("mutation", p, { trialId: setId, ...(p.endsWith("annotate") ? { correctedCount: 1 } : {}) });
        assert.equal(r.ok, false, p);
        if (!r.ok) assert.equal(r.error.data.code, "FORBIDDEN", p);
      }
      assert.equal((await cl.call("query", "exerciseSets.get", { trialId: setId })).ok, true, "clinicians read");
      // another clinic sees nothing and changes nothing
      for (const [k, p, input] of [
        ["query", "exerciseSets.get", { trialId: setId }], ["query", "recordings.get", { trialId: setId }], ["mutation", "exerciseSets.annotate", { trialId: setId, correctedCount: 0 }],
        ["mutation", "exerciseSets.discard", { trialId: setId }], ["mutation", "exerciseSets.complete", { trialId: setId }], ["query", "exerciseSets.forVisit", { visitId }],
        ["query", "exerciseSets.forPatient", { patientId: A.patient.id }], ["mutation", "exerciseSets.start", { ...base }],
      ] as const) {
        const r = await thB.call(k, p, input);
        assert.equal(r.ok, false, p);
        if (!r.ok) assert.equal(r.error.data.code, "NOT_FOUND", p);
      }
      // a set is not a trial for the trial-only procedures, and a trial is not a set
      const ann = await th.call("mutation", "trials.annotate", { trialId: setId, painDuring: 2 });
      assert.equal(ann.ok, false);
      const row = await s.db.assessmentTrial.findUniqueOrThrow({ where: { id: setId } });
      assert.equal(row.status, "RECORDING");
      assert.equal(row.correctedCount, null);
      assert.equal((await th.call("mutation", "exerciseSets.stop", { trialId: setId })).data.status, "RECORDING");
      assert.equal((await th.call("mutation", "exerciseSets.discard", { trialId: setId })).data.status, "DISCARDED");
      const trial = await th.call("mutation", "trials.start", { visitId, protocolKey: "posture" });
      assert.equal(trial.ok, true, "the camera is free again");
      const notSet = await th.call("mutation", "exerciseSets.annotate", { trialId: trial.data.id, effort: 3 });
      assert.equal(notSet.ok, false);
      if (!notSet.ok) assert.equal(notSet.error.data.code, "NOT_FOUND");
    });
  });
}
