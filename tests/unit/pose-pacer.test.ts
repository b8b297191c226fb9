import assert from "node:assert/strict";
import { test } from "node:test";
import { FramePacer } from "../../app/_lib/pose/pacer";

/**
 * The pose worker's loop against a camera, in simulated time: frames are captured every `periodMs`; the processor
 * keeps only the newest one; the worker, when free, reads it (or waits for the next), asks the pacer, and is busy
 * for `workMs` with each frame it takes.
 */
function simulate(opts: { targetHz: number; periodMs: number; workMs: number; seconds?: number; pacerPeriodMs?: number; deliveryMs?: (k: number) => number }) {
  const { targetHz, periodMs, workMs, seconds = 20, deliveryMs = () => 0 } = opts;
  const pacer = new FramePacer({ targetHz, periodMs: opts.pacerPeriodMs ?? periodMs });
  const taken: { t: number; age: number }[] = [];
  let free = 0; // when the worker can read again
  let lastRead = -1; // index of the last frame read
  const end = seconds * 1000;
  while (free < end) {
    // the newest frame captured by now, or the next one if it was already read
    // frame k reaches the worker deliveryMs(k) after its capture
    let k = lastRead + 1;
    while ((k + 1) * periodMs + deliveryMs(k + 1) <= free) k++;
    const t = k * periodMs;
    const readAt = Math.max(free, t + deliveryMs(k));
    lastRead = k;
    if (pacer.accept(readAt, readAt - t)) {
      taken.push({ t, age: readAt - t });
      free = readAt + workMs;
    } else free = readAt;
  }
  const rate = taken.filter((f) => f.t >= 2000).length / (seconds - 2);
  const meanAge = taken.reduce((a, f) => a + f.age, 0) / taken.length;
  const maxGap = Math.max(...taken.slice(1).map((f, i) => f.t - taken[i]!.t));
  return { rate, meanAge, maxAge: Math.max(...taken.map((f) => f.age)), maxGap, skipped: pacer.skipped };
}

const P30 = 1000 / 30;

test("without a target the worker takes every frame it can", () => {
  const fast = simulate({ targetHz: 0, periodMs: P30, workMs: 10 });
  assert.ok(Math.abs(fast.rate - 30) < 0.5, `rate ${fast.rate}`);
  assert.equal(fast.skipped, 0);
  const slow = simulate({ targetHz: 0, periodMs: P30, workMs: 50 });
  assert.ok(slow.rate > 15 && slow.rate <= 20, `rate ${slow.rate}`);
});

test("a fast machine is held at the target rate, on fresh frames evenly spaced (no bursts)", () => {
  for (const periodMs of [P30, 1000 / 60]) {
    for (const workMs of [5, 10, 25, 40]) {
      const r = simulate({ targetHz: 18, periodMs, workMs });
      const what = `${(1000 / periodMs).toFixed(0)} fps, ${workMs} ms`;
      assert.ok(r.rate >= 17 && r.rate <= 18.1, `${what}: rate ${r.rate}`);
      assert.ok(r.maxAge <= periodMs / 2, `${what}: max age ${r.maxAge}`);
      // never more than one camera frame beyond the target's spacing
      assert.ok(r.maxGap <= 1000 / 18 + periodMs + 1e-6, `${what}: largest gap ${r.maxGap} ms`);
    }
  }
});

test("near the target a stale frame is skipped for the next one: less delay, still at least target - 2", () => {
  // 55 ms a frame: unpaced, about the target rate, each frame read after waiting half a camera period on average
  const unpaced = simulate({ targetHz: 0, periodMs: P30, workMs: 55 });
  const paced = simulate({ targetHz: 18, periodMs: P30, workMs: 55 });
  assert.ok(unpaced.rate >= 18 && unpaced.meanAge > 14, `unpaced ${unpaced.rate} Hz, ${unpaced.meanAge} ms`);
  assert.ok(paced.rate >= 15.5, `paced ${paced.rate}`);
  assert.ok(paced.meanAge < unpaced.meanAge - 5, `mean age ${paced.meanAge} vs ${unpaced.meanAge}`);
});

test("a slow machine gets every frame it can analyse: nothing is skipped below target - 2", () => {
  for (const workMs of [70, 90, 130]) {
    const unpaced = simulate({ targetHz: 0, periodMs: P30, workMs });
    const paced = simulate({ targetHz: 18, periodMs: P30, workMs });
    assert.equal(paced.skipped, 0, `work ${workMs} ms`);
    assert.equal(paced.rate, unpaced.rate);
  }
});

test("a camera slower than the target is never paced; an unknown period only paces", () => {
  const cam15 = simulate({ targetHz: 18, periodMs: 1000 / 15, workMs: 45 });
  assert.equal(cam15.skipped, 0);
  assert.ok(Math.abs(cam15.rate - 15) < 0.5, `rate ${cam15.rate}`);
  const unknown = simulate({ targetHz: 18, periodMs: P30, workMs: 10, pacerPeriodMs: 0 });
  assert.ok(unknown.rate >= 17 && unknown.rate <= 18.1, `rate ${unknown.rate}`);
});

test("frames are taken evenly, and a stall does not save up a burst", () => {
  const p = new FramePacer({ targetHz: 10, periodMs: 0 });
  const taken = (from: number, n: number, step: number) => Array.from({ length: n }, (_, i) => p.accept(from + i * step, 0));
  // a 20 fps camera at 10 Hz: every other frame
  assert.deepEqual(taken(0, 8, 50), [true, false, true, false, true, false, true, false]);
  // after 5 s without frames, at most one extra frame right away, then every other one again
  assert.deepEqual(taken(5400, 6, 50), [true, true, false, true, false, true]);
  assert.equal(p.rate(5650), 4);
  assert.equal(p.skipped, 6);
});

test("a frame is stale by its wait above the fastest delivery seen: slower delivery holds the rate near target - 2", () => {
  // frames reach an idle, fast worker 5 ms after capture for the first 100 frames, then 30 ms (more than half a period)
  const slower = simulate({ targetHz: 18, periodMs: P30, workMs: 10, deliveryMs: (k) => (k < 100 ? 5 : 30) });
  assert.ok(slower.rate >= 15.5 && slower.rate < 17, `rate ${slower.rate}`);
  const steady = simulate({ targetHz: 18, periodMs: P30, workMs: 10, deliveryMs: () => 30 });
  assert.ok(steady.rate >= 17.5, `rate ${steady.rate}`); // the same delay from the start is not staleness
});

test("a clock that steps back gives no credit and does not stall the pacer", () => {
  const p = new FramePacer({ targetHz: 10, periodMs: 0 });
  assert.ok(p.accept(1000, 0));
  assert.equal(p.accept(400, 0), false); // earlier than the last read: no credit
  assert.equal(p.accept(450, 0), false);
  assert.ok(p.accept(500, 0)); // 100 ms after the step back: one frame's credit again
});
