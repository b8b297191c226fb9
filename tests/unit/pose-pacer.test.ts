import assert from "node:assert/strict";
import { test } from "node:test";
import { FramePacer } from "../../app/_lib/pose/pacer";

/**
 * The pose worker's loop against a camera, in simulated time: frames are captured every `periodMs`; the processor
 * keeps only the newest one; the worker, when free, reads it (or waits for the next), asks the pacer, and is busy
 * for `workMs` with each frame it takes.
 */
function simulate(opts: { targetHz: number; periodMs: number; workMs: number; seconds?: number; pacerPeriodMs?: number }) {
  const { targetHz, periodMs, workMs, seconds = 20 } = opts;
  const pacer = new FramePacer({ targetHz, periodMs: opts.pacerPeriodMs ?? periodMs });
  const taken: { t: number; age: number }[] = [];
  let free = 0; // when the worker can read again
  let lastRead = -1; // index of the last frame read
  const end = seconds * 1000;
  while (free < end) {
    // the newest frame captured by now, or the next one if it was already read
    let k = Math.floor(free / periodMs);
    if (k <= lastRead) k = lastRead + 1;
    const t = k * periodMs;
    const readAt = Math.max(free, t);
    lastRead = k;
    if (pacer.accept(t, readAt - t)) {
      taken.push({ t, age: readAt - t });
      free = readAt + workMs;
    } else free = readAt;
  }
  const rate = taken.filter((f) => f.t >= 2000).length / (seconds - 2);
  const meanAge = taken.reduce((a, f) => a + f.age, 0) / taken.length;
  return { rate, meanAge, maxAge: Math.max(...taken.map((f) => f.age)), skipped: pacer.skipped };
}

const P30 = 1000 / 30;

test("without a target the worker takes every frame it can", () => {
  const fast = simulate({ targetHz: 0, periodMs: P30, workMs: 10 });
  assert.ok(Math.abs(fast.rate - 30) < 0.5, `rate ${fast.rate}`);
  assert.equal(fast.skipped, 0);
  const slow = simulate({ targetHz: 0, periodMs: P30, workMs: 50 });
  assert.ok(slow.rate > 15 && slow.rate <= 20, `rate ${slow.rate}`);
});

test("a fast machine is held at the target rate, on fresh frames", () => {
  const r = simulate({ targetHz: 18, periodMs: P30, workMs: 10 });
  assert.ok(r.rate >= 16 && r.rate <= 18, `rate ${r.rate}`);
  assert.ok(r.maxAge <= P30 / 2, `max age ${r.maxAge}`);
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
  assert.ok(unknown.rate >= 16 && unknown.rate <= 18, `rate ${unknown.rate}`);
});

test("the rate is counted over the last second of capture times", () => {
  const p = new FramePacer({ targetHz: 3, periodMs: 0 });
  assert.ok(p.accept(0, 0));
  assert.ok(p.accept(100, 0));
  assert.ok(p.accept(200, 0));
  assert.equal(p.accept(300, 0), false); // 3 in the last second
  assert.equal(p.rate(999), 3);
  assert.ok(p.accept(1000, 0)); // the frame at 0 left the window
  assert.equal(p.skipped, 1);
});
