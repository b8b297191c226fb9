// The parts of the browser pose tracker that run without a browser: its statistics, the automatic model choice by
// measured inference time, the stream watchdog's decision, the page capture mode, and the backend supervisor's state
// machine (load, fall back to the main thread, replace a dead worker, generations, model switches) driven through
// the real WorkerBackend over a fake worker port. The capture sources themselves need a camera: the e2e tests and
// `npm run bench:accuracy` run them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkerBackend, type PoseBackend } from "../../app/_lib/pose/backend";
import { pageCaptureMode } from "../../app/_lib/pose/capture/page";
import { STALL_MS, watchdogVerdict } from "../../app/_lib/pose/capture/stream";
import { ModelSelector, type ModelMemory, type ModelVerdict } from "../../app/_lib/pose/model-choice";
import { DEFAULT_ASSETS, type FromWorker, type ModelName, type ToWorker } from "../../app/_lib/pose/protocol";
import { emptyStats, FrameStats, median, pct } from "../../app/_lib/pose/stats";
import { BackendSupervisor } from "../../app/_lib/pose/supervisor";

test("stats: median, nearest-rank percentile, rate over the window, inference window, latency", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2); // lower median
  assert.ok(Number.isNaN(median([])));
  assert.equal(pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
  assert.equal(pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);

  const stats = emptyStats();
  const fs = new FrameStats(stats, { rateWindowMs: 2000, inferFrames: 4 });
  // 20 Hz for 3 s: 60 frames, each captured 30 ms before its result, inference 10..69 ms
  for (let i = 0; i < 60; i++) fs.frame({ inferMs: 10 + i, conversion: "yuv" }, i * 50 - 30, i * 50);
  assert.equal(stats.analysed, 60);
  assert.equal(stats.latencyMs, 30);
  assert.ok(Math.abs(stats.analysedFps - 20) < 0.01, `fps ${stats.analysedFps}`);
  assert.equal(stats.inferMs, 67); // last 4: 66..69, lower median
  assert.equal(stats.inferP95Ms, 69);
  assert.equal(stats.conversion, "yuv");
  // a pause longer than the window: the rate restarts from the frames inside it
  fs.frame({ inferMs: 5 }, 10_000 - 5, 10_000);
  assert.equal(stats.analysedFps, 0);
  assert.equal(stats.conversion, null);
  fs.resetInference();
  fs.frame({ inferMs: 7 }, 10_040, 10_050);
  assert.equal(stats.inferMs, 7);
  assert.ok(Math.abs(stats.analysedFps - 20) < 0.01);
  // snapshots are copies
  const snap = fs.snapshot();
  snap.warmupMs.full = 1;
  assert.equal(stats.warmupMs.full, undefined);
});

test("model choice: auto keeps full only when its measured median is within the limit, else switches to lite", () => {
  const o = { autoFullMaxMs: 40, warmupFrames: 5, skipFrames: 3 };
  const fast = new ModelSelector(o);
  assert.deepEqual(fast.plan("auto"), { model: "full", reason: "auto: measuring the full model", warming: true });
  // the first 3 frames (detection, WASM warm-up) are slow and left out
  const times = [400, 300, 200, 30, 35, 38, 41, 39];
  const verdicts = times.map((ms) => fast.observe("full", ms));
  assert.deepEqual(verdicts.slice(0, -1), Array(7).fill(null));
  const v = verdicts.at(-1)!;
  assert.equal(v.switchTo, null);
  assert.equal(v.model, "full");
  assert.equal(v.medianMs, 38);
  assert.match(v.reason, /auto: full \(median 38 ms\/frame <= 40 ms\)/);
  assert.equal(fast.warming, false);
  assert.equal(fast.warmupMs.full, 38);
  assert.equal(fast.observe("full", 10), null); // measured once

  const slow = new ModelSelector(o);
  slow.plan("auto");
  // frames of another model (a switch still under way) do not count
  assert.equal(slow.observe("lite", 1), null);
  let out = null;
  for (const ms of [90, 80, 70, 55, 60, 52, 58, 61]) out = slow.observe("full", ms);
  assert.equal(out!.switchTo, "lite");
  assert.match(out!.reason, /auto: lite \(full took 58 ms\/frame > 40 ms\)/);

  // clearly too slow (median over twice the limit after 4 measured frames): decided without the whole warm-up
  const starved = new ModelSelector(o);
  starved.plan("auto");
  const early = [900, 800, 700, 200, 150, 180].map((ms) => starved.observe("full", ms));
  assert.deepEqual(early.slice(0, 6), [null, null, null, null, null, null]);
  const e = starved.observe("full", 170)!;
  assert.equal(e.switchTo, "lite");
  assert.match(e.reason, /full took 170 ms\/frame/);
  // twice the limit or less waits for the whole warm-up
  const borderline = new ModelSelector(o);
  borderline.plan("auto");
  assert.deepEqual([900, 800, 700, 75, 80, 78, 79].map((ms) => borderline.observe("full", ms)), Array(7).fill(null));
  assert.equal(borderline.observe("full", 77)!.switchTo, "lite");

  // the user's choice is not measured
  const user = new ModelSelector(o);
  assert.deepEqual(user.plan("lite"), { model: "lite", reason: "chosen by the user", warming: false });
  for (let i = 0; i < 20; i++) assert.equal(user.observe("lite", 100), null);
});

test("model choice: the next tracker on the page starts on the measured model, with no warm-up or switch", () => {
  let kept: ModelVerdict | null = null;
  const memory: ModelMemory = { get: () => kept, set: (v) => void (kept = v) };
  const o = { autoFullMaxMs: 40, warmupFrames: 5, skipFrames: 3 };
  const first = new ModelSelector(o, memory);
  assert.equal(first.plan("auto").warming, true);
  for (const ms of [90, 80, 70, 55, 60, 52, 58, 61]) first.observe("full", ms);
  assert.equal(kept!.model, "lite");

  const second = new ModelSelector(o, memory);
  const plan = second.plan("auto");
  assert.deepEqual(plan, { model: "lite", reason: "auto: lite (full took 58 ms/frame > 40 ms), measured earlier on this page", warming: false });
  assert.equal(second.warming, false);
  assert.equal(second.warmupMs.full, 58);
  assert.equal(second.observe("lite", 30), null);
  // the user going back to "auto" measures anew, and that is remembered
  assert.equal(second.plan("auto", { remembered: false }).warming, true);
  for (const ms of [90, 80, 70, 30, 31, 29, 30, 32]) second.observe("full", ms);
  assert.equal(kept!.model, "full");
  // a user's choice is neither taken from nor written to the memory
  assert.equal(new ModelSelector(o, memory).plan("lite").model, "lite");
  assert.equal(kept!.model, "full");
});

test("stream watchdog: camera switch, stalled worker only while frames are expected, idle otherwise", () => {
  const base = { cameraSwitched: false, delivering: true, sinceResultMs: 1000, current: true };
  assert.equal(watchdogVerdict(base), "ok");
  assert.equal(watchdogVerdict({ ...base, cameraSwitched: true, sinceResultMs: STALL_MS + 1 }), "camera-switched");
  assert.equal(watchdogVerdict({ ...base, sinceResultMs: STALL_MS + 1 }), "stalled");
  // camera off or page hidden: no frames to expect, the clock restarts
  assert.equal(watchdogVerdict({ ...base, delivering: false, sinceResultMs: STALL_MS * 3 }), "idle");
  // a model switch (or another backend) is not a stall of this worker
  assert.equal(watchdogVerdict({ ...base, current: false, sinceResultMs: STALL_MS * 3 }), "ok");
});

test("page capture mode: VideoFrame where it exists unless bitmaps are asked for", () => {
  assert.equal(pageCaptureMode("auto", true), "video-frame");
  assert.equal(pageCaptureMode("stream", true), "video-frame");
  assert.equal(pageCaptureMode("bitmap", true), "bitmap");
  assert.equal(pageCaptureMode("video-frame", false), "bitmap");
});

// ---- the supervisor over a fake worker port ----

type Behaviour = "ok" | "fail-load" | "silent";
/** A stand-in for the pose worker's message port: answers "load" like pose.worker.ts (or fails, or never answers). */
class FakeWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  received: ToWorker["type"][] = [];
  terminated = false;
  constructor(private behaviour: Behaviour) {}
  postMessage(m: ToWorker) {
    this.received.push(m.type);
    if (m.type !== "load" || this.behaviour === "silent") return;
    const reply: FromWorker = this.behaviour === "ok" ? { type: "loaded", model: m.model, loadMs: 5 } : { type: "error", phase: "load", message: "WASM failed to compile" };
    setTimeout(() => this.onmessage?.({ data: reply } as MessageEvent<FromWorker>), 1);
  }
  terminate() {
    this.terminated = true;
  }
}
class FakeMainThread implements PoseBackend {
  readonly kind = "main-thread" as const;
  loads: ModelName[] = [];
  closed = false;
  async load(model: ModelName) {
    this.loads.push(model);
    return { model, loadMs: 1 };
  }
  detect(): never {
    throw new Error("not used");
  }
  close() {
    this.closed = true;
  }
}
function rig(behaviours: Behaviour[], preference: "auto" | "worker" | "main-thread" = "auto") {
  const workers: FakeWorker[] = [];
  const mains: FakeMainThread[] = [];
  const stats = emptyStats();
  const sup = new BackendSupervisor(stats, preference, {
    worker: () =>
      new WorkerBackend(DEFAULT_ASSETS, () => {
        const w = new FakeWorker(behaviours[workers.length] ?? "ok");
        workers.push(w);
        return w as unknown as Worker;
      }),
    mainThread: () => {
      const m = new FakeMainThread();
      mains.push(m);
      return m;
    },
  });
  return { sup, stats, workers, mains };
}

test("supervisor: a worker that loads is used", async () => {
  const { sup, stats, workers, mains } = rig(["ok"]);
  assert.equal(await sup.init("full", sup.gen), true);
  assert.ok(sup.backend instanceof WorkerBackend);
  assert.equal(stats.backend, "worker");
  assert.equal(stats.model, "full");
  assert.equal(stats.fallbackReason, null);
  assert.deepEqual(workers[0]!.received, ["load"]);
  assert.equal(mains.length, 0);
  sup.close();
  assert.equal(sup.backend, null);
  assert.deepEqual(workers[0]!.received, ["load", "close"]);
});

test("supervisor: a worker that cannot load falls back to the main thread with the reason, unless a worker is required", async () => {
  const { sup, stats, workers, mains } = rig(["fail-load"]);
  assert.equal(await sup.init("lite", sup.gen), true);
  assert.equal(stats.backend, "main-thread");
  assert.equal(stats.fallbackReason, "WASM failed to compile");
  assert.deepEqual(mains[0]!.loads, ["lite"]);
  assert.ok(workers[0]!.received.includes("close"), "the failed worker is closed");

  const strict = rig(["fail-load"], "worker");
  await assert.rejects(strict.sup.init("lite", strict.sup.gen), /WASM failed to compile/);
  assert.equal(strict.mains.length, 0);
  assert.equal(strict.sup.backend, null);

  const noWorkers = rig([], "main-thread");
  assert.equal(await noWorkers.sup.init("full", 0), true);
  assert.equal(noWorkers.workers.length, 0);
  assert.equal(noWorkers.stats.backend, "main-thread");
});

test("supervisor: a load that finishes after its generation ended is thrown away", async () => {
  const { sup, workers } = rig(["ok"]);
  const gen = ++sup.gen;
  const loading = sup.init("full", gen);
  sup.gen++; // stop() while loading
  assert.equal(await loading, false);
  assert.equal(sup.backend, null);
  assert.deepEqual(workers[0]!.received, ["load", "close"]);
});

test("supervisor: a dead worker is replaced by a new one, the second loss moves the pipeline to the main thread", async () => {
  const { sup, stats, workers, mains } = rig(["ok", "ok", "ok"]);
  await sup.init("full", sup.gen);
  await sup.switchModel("lite", () => false);
  const first = sup.backend as WorkerBackend;
  first.abandon(new Error("pose worker stopped answering"));
  assert.equal(first.failed, true);
  assert.equal(await sup.replaceDead(first), true);
  assert.equal(workers.length, 2);
  assert.ok(workers[0]!.received.includes("close"));
  assert.equal(stats.backend, "worker");
  assert.equal(stats.model, "lite", "the replacement loads the model that ran");
  assert.deepEqual(workers[1]!.received, ["load"]);

  const second = sup.backend as WorkerBackend;
  second.abandon(new Error("pose worker stopped answering"));
  assert.equal(await sup.replaceDead(second), true);
  assert.equal(sup.workerLosses, 2);
  assert.equal(sup.preference, "main-thread");
  assert.equal(workers.length, 2, "no third worker");
  assert.equal(stats.backend, "main-thread");
  assert.deepEqual(mains[0]!.loads, ["lite"]);
});

test("supervisor: a model switch waits for the frame in flight and blocks new ones meanwhile", async () => {
  const { sup, stats, workers } = rig(["ok"]);
  await sup.init("full", sup.gen);
  assert.equal(await sup.switchModel("full", () => false), false, "already running");
  let busy = true;
  const switching = sup.switchModel("lite", () => busy);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(sup.switching, true);
  assert.deepEqual(workers[0]!.received, ["load"], "nothing sent while a frame is in flight");
  busy = false;
  assert.equal(await switching, true);
  assert.equal(sup.switching, false);
  assert.equal(stats.model, "lite");
  assert.deepEqual(workers[0]!.received, ["load", "load"]);
});
