// The home page's offline outbox (app/_lib/home/sync.ts) against a fake server that behaves like the real one
// (session and set created once per clientId, chunks stored once per (set, seq), a chunk for a set it does not know is
// refused): a session started offline, a camera set started and recorded offline, a self-report and the finish, all
// on the device, then flushed in order when the network returns, every step exactly once, also with flushes racing
// and answers lost; a reload in between (a new page on the same storage) loses nothing; a refused session is dropped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HomeSync, type HomeApi } from "../../app/_lib/home/sync";
import type { LocalSession, SessionStore } from "../../app/_lib/home/session-store";
import { Recorder, type Chunk, type KV, type SendResult, type Transport } from "../../app/_lib/recording/recorder";
import { flexionSweep } from "../support/samples";

function memoryKV(): KV & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k), keys: () => [...map.keys()] };
}
/** The session store over the same storage as the recordings, like localStorage on the page. */
const storeOn = (kv: KV): SessionStore => ({
  load: () => JSON.parse(kv.getItem("pv.home.session") ?? "null") as LocalSession | null,
  save: (s) => (s ? kv.setItem("pv.home.session", JSON.stringify(s)) : kv.removeItem("pv.home.session")),
});
const offline = Object.assign(new Error("Failed to fetch"), { offline: true });
const refused = (message: string) => Object.assign(new Error(message), { refused: true });
const classify = (e: unknown): SendResult => ((e as { refused?: boolean }).refused ? { fatal: (e as Error).message } : "retry");

function fakeServer() {
  const sessions = new Map<string, { painBefore: number | null; finished: number; selfReport: unknown[] }>();
  const sets = new Map<string, { id: string; session: string; startedAt: string; exerciseKey: string }>();
  const chunks = new Map<string, Chunk>();
  const finishedSets = new Map<string, number>();
  const calls = { startSession: 0, startSet: 0, finishSession: 0, send: 0 };
  /** online: the network; lostAnswers: the next N answers are lost after the server acted (the browser sees a network error) */
  const net = { online: true, lostAnswers: 0, revoked: false };
  async function answer<T>(act: () => T): Promise<T> {
    await new Promise((r) => setTimeout(r, 1));
    if (!net.online) throw offline;
    if (net.revoked) throw refused("This link is no longer active");
    const v = act();
    if (net.lostAnswers > 0) {
      net.lostAnswers--;
      throw offline;
    }
    return v;
  }
  const api: HomeApi = {
    startSession: (i) => answer(() => {
      calls.startSession++;
      if (!sessions.has(i.clientId)) sessions.set(i.clientId, { painBefore: i.painBefore, finished: 0, selfReport: [] });
    }),
    startSet: (i) => answer(() => {
      calls.startSet++;
      if (!sessions.has(i.sessionClientId)) throw refused("Home session not found");
      const set = sets.get(i.clientId) ?? { id: `srv-${sets.size + 1}`, session: i.sessionClientId, startedAt: i.startedAt, exerciseKey: i.exerciseKey };
      sets.set(i.clientId, set);
      return { id: set.id };
    }),
    finishSession: (i) => answer(() => {
      calls.finishSession++;
      const x = sessions.get(i.clientId);
      if (!x) throw refused("Home session not found");
      if (x.finished === 0) x.selfReport = i.selfReport;
      x.finished++;
    }),
  };
  const recordings: Transport = {
    send: (_t, c) => answer((): SendResult => {
      calls.send++;
      if (![...sets.values()].some((x) => x.id === c.trialId)) return { fatal: "Recording not found" };
      const k = `${c.trialId}:${c.seq}`;
      if (!chunks.has(k)) chunks.set(k, c);
      return "ok";
    }).catch(classify),
    finish: (_t, trialId, n) => answer((): SendResult => {
      finishedSets.set(trialId, n);
      return "ok";
    }).catch(classify),
  };
  return Object.assign(net, { sessions, sets, chunks, finishedSets, calls, api, recordings });
}

const newSession = (): LocalSession => ({ clientId: "session-client-1", startedAt: new Date(Date.now() - 60_000).toISOString(), painBefore: 3, started: false, sets: [], selfReport: [], finish: null });
const localSet = (clientId: string, setNumber = 1) => ({ clientId, exerciseKey: "squat", setNumber, side: null, cameraView: "SAGITTAL" as const, frameAspect: 4 / 3, startedAt: new Date(Date.now() - 30_000).toISOString(), setId: null, counted: null });

test("offline from the start: session, a camera set, a self-report and the finish wait on the device; online, each reaches the server once, in order", async () => {
  const kv = memoryKV(), srv = fakeServer(), store = storeOn(kv);
  let finished = 0;
  const sync = new HomeSync({ token: "tok", kv, store, api: srv.api, recordings: srv.recordings, classify, onFinished: () => finished++ });
  srv.online = false;
  store.save(newSession());
  await sync.flush();
  assert.equal(srv.sessions.size, 0);

  // the set starts offline: recorded under its clientId, nothing can be sent yet
  const ls = localSet("set-client-1");
  store.save({ ...store.load()!, sets: [ls] });
  const rec = new Recorder(kv, sync.transport, "set-client-1", "tok");
  const samples = flexionSweep({ reps: 3 });
  for (const x of samples) rec.add(x);
  assert.equal(await rec.stop(), false, "offline: the set is not saved on the server yet");
  store.save({ ...store.load()!, selfReport: [{ exerciseKey: "walking", sets: 1, reps: null, holdS: 600, reason: "UNTRACKED" }], finish: { painAfter: 8, effort: 5, howItWent: "HARD", note: "", endedAt: new Date().toISOString(), sent: false } });
  await sync.flush();
  const w = sync.waiting();
  assert.deepEqual([w.session, w.sets, w.finish], [true, 1, true]);
  assert.ok(w.chunks > 3, "the set's chunks wait on the device");
  assert.equal(srv.calls.startSession + srv.calls.startSet + srv.calls.finishSession, 0, "nothing reached the server");

  // back online; the recorder's own retry and the page's flush race, and two answers are lost on the way
  srv.online = true;
  srv.lostAnswers = 2;
  await Promise.all([sync.flush(), rec.flush(), sync.flush()]);
  for (let i = 0; i < 5 && store.load(); i++) {
    await rec.flush(); // the set's own retry (the page's timer)
    await sync.flush();
  }
  assert.equal(store.load(), null, "the session left the device once the server had all of it");
  assert.equal(finished, 1);
  assert.equal(srv.sessions.size, 1);
  assert.equal(srv.sets.size, 1, "one set on the server, however often its start was sent");
  const set = srv.sets.get("set-client-1")!;
  assert.equal(set.startedAt, ls.startedAt, "the set keeps the device's start time");
  const seqs = [...srv.chunks.keys()].filter((k) => k.startsWith(`${set.id}:`)).map((k) => Number(k.split(":")[1])).sort((a, b) => a - b);
  assert.deepEqual(seqs, seqs.map((_, i) => i), "every chunk once, none missing, under the server's id");
  assert.equal(srv.finishedSets.get(set.id), seqs.length);
  assert.equal(srv.sessions.get("session-client-1")!.selfReport.length, 1);
  assert.ok(srv.sessions.get("session-client-1")!.finished >= 1);
  assert.deepEqual(kv.keys(), [], "nothing left on the device");
  assert.deepEqual(rec.errors, []);
});

test("a reload while offline: the next page on the same storage sends what the first one kept", async () => {
  const kv = memoryKV(), srv = fakeServer(), store = storeOn(kv);
  const first = new HomeSync({ token: "tok", kv, store, api: srv.api, recordings: srv.recordings, classify });
  srv.online = false;
  store.save({ ...newSession(), sets: [localSet("set-client-2")] });
  const rec = new Recorder(kv, first.transport, "set-client-2", "tok");
  for (const x of flexionSweep({ reps: 2 })) rec.add(x); // the page is closed during the set: never stopped
  assert.equal(srv.chunks.size, 0);

  srv.online = true;
  // a new page: it records nothing itself, so the first page's set is a left-over to send
  const second = new HomeSync({ token: "tok", kv, store, api: srv.api, recordings: srv.recordings, classify, active: () => [] });
  await second.flush();
  const set = srv.sets.get("set-client-2")!;
  assert.ok(set, "the set was created from what the first page kept");
  const n = [...srv.chunks.keys()].filter((k) => k.startsWith(`${set.id}:`)).length;
  assert.ok(n > 0);
  assert.equal(srv.finishedSets.get(set.id), n, "the left-over set is ended with the chunks it has");
  assert.equal(store.load()?.started, true, "the session is open on the server, waiting for its finish");
  assert.equal(second.waiting().total, 0);
});

test("a session the server refuses for good (link revoked) is dropped with its unsent sets, and the page is told why", async () => {
  const kv = memoryKV(), srv = fakeServer(), store = storeOn(kv);
  const why: string[] = [];
  const sync = new HomeSync({ token: "tok", kv, store, api: srv.api, recordings: srv.recordings, classify, onRefused: (m) => why.push(m) });
  srv.online = false;
  store.save({ ...newSession(), sets: [localSet("set-client-3")] });
  const rec = new Recorder(kv, sync.transport, "set-client-3", "tok");
  for (const x of flexionSweep({ reps: 1 })) rec.add(x);
  await rec.stop();
  srv.online = true;
  srv.revoked = true;
  await sync.flush();
  assert.deepEqual(why, ["This link is no longer active"]);
  assert.equal(store.load(), null);
  assert.deepEqual(kv.keys(), [], "its buffered samples are gone too: they could never be saved");
});
