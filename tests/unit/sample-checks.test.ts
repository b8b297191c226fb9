// The upload's two readers of a chunk give the same answer: a chunk of the current format is read and checked in place
// (scanCompactChunk + checkScanned, no sample objects); decodeChunk + checkSamples is the reference (and still checks
// format 1). For recorded samples and for chunks made wrong one way or several (impossible angles, times that do not
// increase, corrupt bytes, wrong startMs, too fast, in the future), both accept the same chunks and refuse the others
// with the same message.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { MEASURES } from "@/app/_shared/pose/measures";
import type { PoseSample } from "@/app/_shared/pose/sample";
import { ChunkFormatError, decodeChunk, encodeChunk, scanCompactChunk } from "@/app/_shared/recording/codec";
import { MAX_SAMPLES_PER_CHUNK } from "@/app/_shared/recording/schemas";
import { checkSamples, checkScanned, MAX_ABS_ANGLE } from "@/server/services/sample-checks";
import { recordedSweep } from "../support/samples";

const bounds = { startedAt: new Date(Date.now() - 600_000), endedAt: null };

function answer(read: () => void): string {
  try {
    read();
    return "ok";
  } catch (e) {
    if (e instanceof ChunkFormatError) return `malformed: ${e.message}`;
    return `refused: ${(e as Error).message}`;
  }
}
// "the recording started N ms ago" is read from the clock by each path, a few ms apart: answers are compared without N
const clockless = (a: string) => a.replace(/started \d+ ms ago/, "started … ms ago");
const viaDecode = (bytes: Uint8Array, startMs: number) => answer(() => checkSamples(decodeChunk(bytes, 2, MAX_SAMPLES_PER_CHUNK), startMs, bounds));
const viaScan = (bytes: Uint8Array, startMs: number) => answer(() => checkScanned(scanCompactChunk(bytes, MAX_SAMPLES_PER_CHUNK, MAX_ABS_ANGLE), startMs, bounds));

test("scan and decode agree on recorded chunks and on each kind of bad one", async () => {
  const sweep = await recordedSweep({ seconds: 8 });
  const part = (k: number) => sweep.slice(15 * k, 15 * k + 15).map((x) => ({ ...x, angles: { ...x.angles }, landmarks: [...x.landmarks] }));
  const cases: [string, PoseSample[], number?][] = [
    ["as recorded", part(0)],
    ["an angle of 200 deg", part(1).map((x, i) => (i === 4 ? { ...x, angles: { ...x.angles, hipFlexionL: 200 } } : x))],
    ["an angle of -180.01 deg", part(1).map((x, i) => (i === 2 ? { ...x, angles: { ...x.angles, sway: -180.01 } } : x))],
    ["exactly 180 deg", part(1).map((x, i) => (i === 2 ? { ...x, angles: { ...x.angles, trunkFlexion: 180 } } : x))],
    ["times going back", part(2).map((x, i) => (i === 6 ? { ...x, t: x.t - 200 } : x))],
    ["a repeated time at the same sample as a bad angle", part(2).map((x, i, a) => (i === 5 ? { ...x, t: a[4]!.t, angles: { ...x.angles, trunkRotation: 250 } } : x))],
    ["a bad angle before a time going back", part(2).map((x, i) => (i === 3 ? { ...x, angles: { ...x.angles, kneeFlexionR: -300 } } : i === 9 ? { ...x, t: 0 } : x))],
    ["too fast", part(3).map((x, i) => ({ ...x, t: 3000 + i }))],
    ["in the future", part(3).map((x, i) => ({ ...x, t: 700_000 + i * 66 }))],
    ["past the longest recording", part(3).map((x, i) => ({ ...x, t: 2_000_000 + i * 66 }))],
    ["startMs off", part(4), 12_345],
    ["one sample", part(5).slice(0, 1)],
  ];
  for (const [name, samples, startMs] of cases) {
    const bytes = encodeChunk(samples);
    const want = viaDecode(bytes, startMs ?? samples[0]!.t);
    assert.equal(clockless(viaScan(bytes, startMs ?? samples[0]!.t)), clockless(want), name);
    if (name !== "as recorded" && name !== "exactly 180 deg" && name !== "one sample") assert.match(want, /^refused/, name);
  }
  // measure names and values in the messages are the decoded ones
  assert.match(viaScan(encodeChunk(cases[1]![1]), cases[1]![1][0]!.t), /Sample 4: hipFlexionL 200° is not a possible angle/);
});

test("scan and decode agree on corrupted bytes (property)", async () => {
  const sweep = await recordedSweep({ seconds: 4 });
  const good = encodeChunk(sweep.slice(0, 15));
  const startMs = sweep[0]!.t;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat({ max: 8 }), (edits, cut) => {
      const bytes = good.slice(0, good.length - cut);
      for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
      assert.equal(clockless(viaScan(bytes, startMs)), clockless(viaDecode(bytes, startMs)));
    }),
    { numRuns: 2000, seed: 16 },
  );
});

test("scan and decode agree on random samples, angles and times (property)", () => {
  const sample = (t: number, angle: number | null, k: number): PoseSample => ({
    t, view: "sagittal", confidence: 0.9,
    angles: Object.fromEntries(MEASURES.map((m, j) => [m, j === k ? angle : 10])) as PoseSample["angles"],
    conf: Object.fromEntries(MEASURES.map((m) => [m, 0.8])) as PoseSample["conf"],
    landmarks: Array.from({ length: 99 }, (_, j) => (j % 3 === 2 ? 0.9 : 0.5)),
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -50, max: 200 }), fc.option(fc.integer({ min: -32767, max: 32767 }), { nil: null }), fc.nat({ max: MEASURES.length - 1 })), { minLength: 1, maxLength: 20 }),
      (steps) => {
        let t = 1000;
        const samples = steps.map(([dt, a, k]) => sample((t = Math.max(0, t + dt)), a === null ? null : a / 100, k));
        const bytes = encodeChunk(samples);
        assert.equal(clockless(viaScan(bytes, samples[0]!.t)), clockless(viaDecode(bytes, samples[0]!.t)));
      },
    ),
    { numRuns: 1000, seed: 16 },
  );
});
