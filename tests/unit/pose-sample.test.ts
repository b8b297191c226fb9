import assert from "node:assert/strict";
import { test } from "node:test";
import { MEASURES } from "@/app/_shared/pose/measures";
import { PoseProcessor } from "@/app/_shared/pose/processor";
import {
  base64ToBytes,
  bytesToBase64,
  PackedPoseSamplesSchema,
  packSample,
  packSamples,
  type PoseSample,
  PoseSampleSchema,
  SAMPLE_BYTES,
  unpackSample,
  unpackSamples,
} from "@/app/_shared/pose/sample";
import { sideFrame } from "./pose-fixtures";

function sample(t = 1234.4): PoseSample {
  const p = new PoseProcessor();
  let s: PoseSample | null = null;
  for (let i = 0; i < 5; i++) s = p.process(sideFrame({ flexionDeg: 37.123, t: t + i * 33 })).sample;
  return s!;
}

test("a sample is 206 bytes packed", () => {
  assert.equal(SAMPLE_BYTES, 206);
  assert.equal(packSample(sample()).length, SAMPLE_BYTES);
});

test("pack/unpack round trip within the stated quantisation", () => {
  const s = sample();
  s.angles.trunkRotation = -179.996;
  s.landmarks[0] = -0.3; // outside the frame still representable
  const u = unpackSample(packSample(s));
  assert.equal(u.t, Math.round(s.t));
  assert.equal(u.view, s.view);
  assert.ok(Math.abs(u.confidence - s.confidence) <= 0.002);
  for (const k of MEASURES) {
    const a = s.angles[k], b = u.angles[k];
    if (a === null) assert.equal(b, null, `${k} stays null`);
    else assert.ok(b !== null && Math.abs(a - b) <= 0.005, `${k}: ${a} vs ${b}`);
    if (a !== null) assert.ok(Math.abs(s.conf[k] - u.conf[k]) <= 0.002);
  }
  for (let i = 0; i < s.landmarks.length; i++) {
    const tol = i % 3 === 2 ? 0.002 : 1.6e-5;
    assert.ok(Math.abs(s.landmarks[i]! - u.landmarks[i]!) <= tol, `landmark value ${i}`);
  }
  assert.ok(PoseSampleSchema.safeParse(u).success);
});

test("null angles never become zero", () => {
  const s = sample();
  for (const k of MEASURES) s.angles[k] = null;
  const u = unpackSample(packSample(s));
  for (const k of MEASURES) assert.equal(u.angles[k], null);
});

test("many samples, base64 transport and zod validation", () => {
  const list = [sample(0), sample(5000), sample(99_999)];
  const bytes = packSamples(list);
  assert.equal(bytes.length, 3 * SAMPLE_BYTES);
  const b64 = bytesToBase64(bytes);
  const parsed = PackedPoseSamplesSchema.parse(b64);
  assert.deepEqual([...parsed], [...bytes]);
  assert.deepEqual(unpackSamples(base64ToBytes(b64)).map((s) => s.t), list.map((s) => Math.round(s.t)));
  assert.ok(PackedPoseSamplesSchema.safeParse(bytes).success);
  assert.equal(PackedPoseSamplesSchema.safeParse(bytes.subarray(0, 100)).success, false);
  assert.throws(() => unpackSamples(bytes.subarray(0, 10)));
  assert.ok(PoseSampleSchema.safeParse(list[0]).success);
  assert.equal(PoseSampleSchema.safeParse({ ...list[0], landmarks: [1, 2] }).success, false);
});
