import assert from "node:assert/strict";
import { test } from "node:test";
import { PROTOCOLS, protocolByKey } from "../../app/_shared/assessments/catalogue";
import { compare, detectReps, summarize } from "../../app/_shared/assessments/summary";
import { MEASURES } from "../../app/_shared/pose/measures";
import type { PoseSample } from "../../app/_shared/pose/sample";
import { flexionSweep } from "../support/samples";

test("catalogue: exam order, unique keys, sourced normal ranges, measures exist", () => {
  assert.deepEqual(PROTOCOLS.map((p) => p.key), ["posture", "trunk-flexion", "trunk-extension", "lateral-flexion-left", "lateral-flexion-right", "rotation-left", "rotation-right", "squat", "gait"]);
  for (const p of PROTOCOLS) {
    assert.ok(p.instructions.length >= 2, p.key);
    assert.ok(MEASURES.includes(p.primary), p.key);
    for (const m of p.measures) assert.ok(MEASURES.includes(m), `${p.key}: ${m}`);
    if (p.normal) assert.ok(p.normal.source.length > 5 && p.normal.min < p.normal.max, p.key);
  }
  assert.equal(protocolByKey("rotation-left")!.estimate, true);
});

test("repetitions are peaks with hysteresis; jitter around the threshold makes no extra reps", () => {
  const t = Array.from({ length: 200 }, (_, i) => i * 50);
  // two reps to 60 and 70 deg, with noise of ±3 deg around the 20 deg threshold on the way
  const v = t.map((ms) => {
    const x = ms < 4000 ? 60 * Math.sin((Math.PI * ms) / 4000) : ms < 5000 ? 0 : 70 * Math.sin((Math.PI * (ms - 5000)) / 4000);
    return Math.max(0, x) + (Math.round(ms / 50) % 2 ? 3 : -3);
  });
  const reps = detectReps({ t, v, c: v.map(() => 1) }, 1, { threshold: 20, hysteresis: 8, minRepMs: 800 });
  assert.equal(reps.length, 2);
  assert.ok(Math.abs(reps[0]!.peakDeg - 63) < 1.5);
  assert.ok(Math.abs(reps[1]!.peakDeg - 73) < 1.5);
  assert.ok(reps[0]!.timeToPeakMs > 1000 && reps[0]!.timeToPeakMs < 2500);
});

test("one outlying frame is neither a repetition's peak nor the trial's best ROM", () => {
  const clean = flexionSweep({ reps: 3, peakDeg: 80 });
  const cleanBest = summarize(clean, protocolByKey("trunk-flexion")!).bestDeg!;
  // the model locks onto the wrong limb for a frame at the bottom of the second rep: 80 -> 135 deg
  const i = clean.reduce((k, x, j) => (j > clean.length / 3 && j < (2 * clean.length) / 3 && x.angles.trunkFlexion! > clean[k]!.angles.trunkFlexion! ? j : k), Math.floor(clean.length / 3));
  const spiked = clean.map((x, j) => (j === i ? { ...x, angles: { ...x.angles, trunkFlexion: 135 } } : x));
  const sum = summarize(spiked, protocolByKey("trunk-flexion")!);
  assert.equal(sum.reps.length, 3);
  assert.ok(Math.abs(sum.bestDeg! - cleanBest) < 1, `${sum.bestDeg} vs ${cleanBest}`);
  assert.ok(sum.reps.every((r) => r.peakDeg < 81), JSON.stringify(sum.reps));
  // a frame that dips to 0 mid-rep does not split it either
  const dipped = clean.map((x, j) => (j === i ? { ...x, angles: { ...x.angles, trunkFlexion: 0 } } : x));
  assert.equal(summarize(dipped, protocolByKey("trunk-flexion")!).reps.length, 3);
  // a lone wrong value between dropped frames (no neighbour to vouch for it) does not count either
  const lone = clean.map((x, j) => (Math.abs(j - i) <= 8 && j !== i ? { ...x, angles: { ...x.angles, trunkFlexion: null } } : j === i ? { ...x, angles: { ...x.angles, trunkFlexion: 150 } } : x));
  assert.ok(summarize(lone, protocolByKey("trunk-flexion")!).bestDeg! < 81);
});

test("real peaks are kept as measured (no smoothing of the top), at 10 Hz too", () => {
  for (const hz of [10, 15]) {
    const s = flexionSweep({ reps: 3, peakDeg: 75, hz, repMs: 2000 });
    const rawBest = Math.max(...s.map((x) => x.angles.trunkFlexion!));
    assert.equal(summarize(s, protocolByKey("trunk-flexion")!).bestDeg, Math.round(rawBest * 10) / 10);
  }
});

test("extension reps are found in the negative direction; gaps give no samples, not zeros", () => {
  const s: PoseSample[] = flexionSweep({ reps: 2, peakDeg: 25 }).map((x) => ({ ...x, angles: { ...x.angles, trunkFlexion: -x.angles.trunkFlexion! } }));
  s.splice(20, 20, ...s.slice(20, 40).map((x) => ({ ...x, angles: { ...x.angles, trunkFlexion: null } })));
  const sum = summarize(s, protocolByKey("trunk-extension")!);
  assert.ok(sum.bestDeg! > 24 && sum.bestDeg! <= 25.1, String(sum.bestDeg));
  assert.equal(sum.vsNormal, "within");
  assert.ok(sum.flags.includes("GAPS"));
  assert.ok(sum.validFraction < 1);
});

test("a hold protocol reports mean and spread; no data is flagged", () => {
  const s = flexionSweep({ reps: 0 }).map((x, i) => ({ ...x, angles: { ...x.angles, trunkFlexion: 4 + (i % 2) } }));
  const sum = summarize(s, protocolByKey("posture")!);
  assert.equal(sum.hold!.meanDeg, 4.5);
  assert.equal(sum.hold!.sdDeg, 0.5);
  assert.ok(summarize([], protocolByKey("posture")!).flags.includes("NO_DATA"));
});

test("changes below 5 deg are within measurement error", () => {
  assert.deepEqual(compare(84, 80), { deltaDeg: 4, withinError: true });
  assert.deepEqual(compare(92, 80), { deltaDeg: 12, withinError: false });
});

test("live assessment messages between the browsers are validated on receipt", async () => {
  const { controlMsg, liveMsg, stateMsg } = await import("../../app/_shared/assessments/live");
  assert.equal(controlMsg.safeParse({ type: "start", trialId: "t1", protocolKey: "trunk-flexion" }).success, true);
  assert.equal(controlMsg.safeParse({ type: "start", trialId: "t1", protocolKey: "moonwalk" }).success, false);
  assert.equal(controlMsg.safeParse({ type: "explode", trialId: "t1" }).success, false);
  assert.equal(controlMsg.safeParse({ type: "stop", trialId: "../x", extra: 1 }).success, false);
  assert.equal(stateMsg.safeParse({ trialId: "t1", phase: "recording" }).success, true);
  assert.equal(stateMsg.safeParse({ trialId: "t1", phase: "hacking" }).success, false);
  assert.equal(stateMsg.safeParse({ trialId: "t1", phase: "framing", guidance: Array(50).fill("x") }).success, false);
  assert.equal(liveMsg.safeParse({ trialId: null, capturedAt: 1, samples: "AAAA" }).success, true);
  assert.equal(liveMsg.safeParse({ trialId: null, capturedAt: 1, samples: "not base64!" }).success, false);
  assert.equal(liveMsg.safeParse({ trialId: null, capturedAt: 1, samples: "A".repeat(100_000) }).success, false);
});
