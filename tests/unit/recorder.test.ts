import assert from "node:assert/strict";
import { test } from "node:test";
import { flushLeftovers, Recorder, type Chunk, type KV, type SendResult, type Transport } from "../../app/_lib/recording/recorder";
import { base64ToBytes } from "../../app/_shared/pose/sample";
import { decodeChunk } from "../../app/_shared/recording/codec";
import { flexionSweep } from "../support/samples";

function memoryKV(): KV & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k), keys: () => [...map.keys()] };
}

/** A server that stores by (trial, seq) like the real one, behind a switchable network. */
function fakeServer() {
  const stored = new Map<string, Chunk>();
  const finished = new Map<string, number>();
  const s = {
    online: true,
    stored,
    finished,
    lostAnswers: 0,
    transport: {
      async send(_token: string, c: Chunk): Promise<SendResult> {
        if (!s.online) return "retry";
        const key = `${c.trialId}:${c.seq}`;
        if (!stored.has(key)) stored.set(key, c);
        if (s.lostAnswers > 0) {
          s.lostAnswers--;
          return "retry"; // stored, but the answer never reached the browser
        }
        return "ok";
      },
      async finish(_t: string, trialId: string, n: number): Promise<SendResult> {
        if (!s.online) return "retry";
        finished.set(trialId, n);
        return "ok";
      },
    } satisfies Transport,
    samplesOf(trialId: string) {
      return [...stored.entries()].filter(([k]) => k.startsWith(`${trialId}:`)).sort((a, b) => a[1].seq - b[1].seq).flatMap(([, c]) => decodeChunk(base64ToBytes(c.samples), c.format ?? 1));
    },
  };
  return s;
}

test("offline mid-trial: samples are kept, uploaded on reconnect, each exactly once, in order", async () => {
  const kv = memoryKV(), srv = fakeServer();
  const rec = new Recorder(kv, srv.transport, "trialA", "tok");
  const samples = flexionSweep({ reps: 3 });
  const third = Math.floor(samples.length / 3);
  for (const s of samples.slice(0, third)) rec.add(s);
  await rec.flush();
  srv.online = false;
  for (const s of samples.slice(third, 2 * third)) rec.add(s);
  await rec.flush();
  assert.ok(rec.pending() > 2);
  srv.online = true;
  srv.lostAnswers = 1;
  for (const s of samples.slice(2 * third)) rec.add(s);
  rec.add(samples[5]!); // a stale sample (time went backwards) is ignored
  // the answer lost during the upload under way leaves one chunk to retry: stop waits for that upload, then retries it
  assert.equal(await rec.stop(), true);
  assert.equal(srv.lostAnswers, 0);
  await rec.flush();
  assert.equal(rec.finished(), true);
  assert.equal(rec.pending(), 0);
  const got = srv.samplesOf("trialA");
  assert.deepEqual(got.map((s) => s.t), samples.map((s) => s.t));
  assert.equal(srv.finished.get("trialA"), rec.chunkCount());
  assert.equal([...kv.map.keys()].length, 0, "storage is cleaned up");
});

test("a reload loses nothing: leftovers from the old page are flushed and the trial finished", async () => {
  const kv = memoryKV(), srv = fakeServer();
  srv.online = false;
  const rec = new Recorder(kv, srv.transport, "trialB", "tok2");
  const samples = flexionSweep({ reps: 1 });
  for (const s of samples) rec.add(s);
  // page goes away: whatever was sealed is in storage; the unsealed tail (< 1 s) is in memory only
  const sealed = rec.chunkCount();
  assert.ok(sealed > 0);
  srv.online = true;
  const n = await flushLeftovers(kv, srv.transport, "tok2");
  assert.equal(n, sealed);
  assert.equal(srv.finished.get("trialB"), sealed);
  assert.ok(srv.samplesOf("trialB").length >= samples.length - 16);
  assert.equal(await flushLeftovers(kv, srv.transport, "other-token"), 0);
});

test("the trial this page is recording is never treated as a leftover", async () => {
  const kv = memoryKV(), srv = fakeServer();
  const rec = new Recorder(kv, srv.transport, "live", "tok3");
  for (const s of flexionSweep({ reps: 1 })) rec.add(s);
  await flushLeftovers(kv, srv.transport, "tok3", "live");
  assert.equal(srv.finished.has("live"), false);
  rec.add({ ...flexionSweep({ reps: 1 })[0]!, t: 1e6 });
  assert.ok(rec.chunkCount() > 0);
});

test("discard drops the trial's queue", async () => {
  const kv = memoryKV(), srv = fakeServer();
  srv.online = false;
  const rec = new Recorder(kv, srv.transport, "trialC", "t");
  for (const s of flexionSweep({ reps: 1 })) rec.add(s);
  rec.discard();
  assert.equal(kv.map.size, 0);
});

test("stopAndDrain: stopped while offline, it keeps retrying and reports what is pending until everything is saved", async () => {
  const kv = memoryKV(), srv = fakeServer();
  const rec = new Recorder(kv, srv.transport, "drain", "tok4");
  const samples = flexionSweep({ reps: 1 });
  for (const s of samples) rec.add(s);
  srv.online = false;
  const progress: number[] = [];
  const saved = rec.stopAndDrain((pending) => {
    progress.push(pending);
    if (progress.length === 2) srv.online = true; // the network comes back after two failed tries
  }, 10);
  assert.equal(await saved, true);
  assert.ok(progress.length >= 2 && progress[0]! > 0, JSON.stringify(progress));
  assert.equal(progress.at(-1), 0);
  assert.equal(srv.finished.get("drain"), rec.chunkCount());
  assert.equal(srv.samplesOf("drain").length, samples.length, "every sample once");
});
