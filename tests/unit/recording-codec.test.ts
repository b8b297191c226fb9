// The one stored chunk format: compact (format 2) round trip within its stated quantisation, old chunks (format 1)
// still readable through the same reader, malformed bytes refused with ChunkFormatError, and the size per minute.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { MEASURES } from "@/app/_shared/pose/measures";
import { base64ToBytes, packSamples, type PoseSample } from "@/app/_shared/pose/sample";
import { CHUNK_FORMAT, ChunkFormatError, decodeChunk, encodeChunk, LANDMARK_SCALE } from "@/app/_shared/recording/codec";
import { flexionSweep, recordedSweep, seededNormal } from "../support/samples";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/chunk-format1.json", import.meta.url), "utf8")) as {
  format: number; base64: string; expect: { t: number[]; trunkFlexion: (number | null)[] };
};

function close(a: PoseSample, b: PoseSample, lmTol = 0.5 / LANDMARK_SCALE + 1e-12) {
  assert.equal(b.t, Math.round(a.t));
  assert.equal(b.view, a.view);
  assert.ok(Math.abs(a.confidence - b.confidence) <= 0.002);
  for (const k of MEASURES) {
    const x = a.angles[k], y = b.angles[k];
    if (x === null) assert.equal(y, null, `${k} stays null`);
    else {
      assert.ok(y !== null && Math.abs(x - y) <= 0.005 + 1e-9, `${k}: ${x} vs ${y}`);
      assert.ok(Math.abs(a.conf[k] - b.conf[k]) <= 0.002, `${k} confidence`);
    }
  }
  for (let i = 0; i < a.landmarks.length; i++) {
    const x = a.landmarks[i]!, y = b.landmarks[i]!;
    if (i % 3 === 2) assert.ok(Math.abs(x - y) <= 0.002, `visibility ${i}`);
    else if (Number.isNaN(x)) assert.ok(Number.isNaN(y), `landmark ${i} stays missing`);
    else assert.ok(Math.abs(x - y) <= lmTol, `landmark ${i}: ${x} vs ${y}`);
  }
}

test("format 2 round trip: every landmark within 0.001 of the image size (0.00025 by design), angles 0.005 deg", async () => {
  const samples = await recordedSweep({ seconds: 4 });
  samples[3]!.angles.trunkFlexion = null;
  samples[4]!.landmarks[0] = NaN;
  samples[5]!.landmarks[4] = -0.31; // outside the frame, still kept
  samples[6]!.angles.trunkRotation = -179.996;
  const bytes = encodeChunk(samples);
  assert.equal(bytes[0], CHUNK_FORMAT);
  const back = decodeChunk(bytes, CHUNK_FORMAT);
  assert.equal(back.length, samples.length);
  samples.forEach((s, i) => close(s, back[i]!));
  let worst = 0;
  samples.forEach((s, i) => s.landmarks.forEach((v, j) => j % 3 !== 2 && Number.isFinite(v) && (worst = Math.max(worst, Math.abs(v - back[i]!.landmarks[j]!)))));
  assert.ok(worst <= 0.001 && worst <= 0.5 / LANDMARK_SCALE + 1e-12, `worst landmark error ${worst}`);
});

test("an old stored chunk (format 1, fixture written by the old packer) reads through the same reader", () => {
  const s = decodeChunk(base64ToBytes(fixture.base64), fixture.format);
  assert.deepEqual(s.map((x) => x.t), fixture.expect.t);
  s.forEach((x, i) => {
    const want = fixture.expect.trunkFlexion[i]!;
    if (want === null) assert.equal(x.angles.trunkFlexion, null);
    else assert.ok(Math.abs(x.angles.trunkFlexion! - want) <= 0.005);
  });
  assert.ok(Number.isNaN(s[4]!.landmarks[0]!));
  // and it survives re-encoding into the current format
  decodeChunk(encodeChunk(s), CHUNK_FORMAT).forEach((y, i) => close(s[i]!, y));
});

test("size: at most 100 KB per recorded minute at 15 Hz on a realistic recording (was 185 KB)", async () => {
  for (const jitterPx of [1, 2]) {
    const samples = await recordedSweep({ seconds: 60, hz: 15, jitterPx });
    let bytes = 0;
    for (let i = 0; i < samples.length; i += 15) bytes += encodeChunk(samples.slice(i, i + 15)).length;
    const perMinute = (bytes * 900) / samples.length;
    console.log(`# ${jitterPx} px jitter: ${(perMinute / 1000).toFixed(1)} KB per minute at 15 Hz (${(bytes / samples.length).toFixed(1)} B/sample; format 1: ${(packSamples(samples).length * 900 / samples.length / 1000).toFixed(1)} KB)`);
    assert.ok(perMinute <= 100_000, `${perMinute} bytes per minute`);
  }
});

test("malformed chunks are refused with ChunkFormatError, never anything else", () => {
  const good = encodeChunk(flexionSweep({ reps: 1 }).slice(0, 15));
  const refuse = (b: Uint8Array, fmt: number, re: RegExp) => assert.throws(() => decodeChunk(b, fmt), (e: unknown) => e instanceof ChunkFormatError && re.test(e.message));
  refuse(new Uint8Array(0), 2, /ends too early/);
  refuse(good.subarray(0, good.length - 3), 2, /after its header/);
  refuse(Uint8Array.of(...good, 1, 2, 3), 2, /after its header/);
  refuse(good, 3, /unknown chunk format/);
  refuse(good, 1, /206-byte/);
  refuse(Uint8Array.of(2, 11, 33, 0, 0, 0), 2, /declares no samples/);
  refuse(Uint8Array.of(2, 11, 32, 1, 0, 0), 2, /landmarks/);
  refuse(Uint8Array.of(2, 11, 33, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80), 2, /over-long/);
  // a "deflate bomb": a header that declares more body than its samples could need
  refuse(Uint8Array.of(2, 11, 33, 1, 0xff, 0xff, 0x03, 1, 0), 2, /larger than/);
  assert.throws(() => decodeChunk(good, 2, 10), /11 samples|15 samples \(at most 10\)/);
  // seeded fuzz: flipped bytes either decode into in-range samples or are refused cleanly
  const rnd = seededNormal(99);
  for (let i = 0; i < 2000; i++) {
    const b = Uint8Array.from(good);
    for (let k = 0; k < 1 + (i % 4); k++) b[Math.floor(Math.abs(rnd() * 997)) % b.length] = Math.floor(Math.abs(rnd() * 255)) & 255;
    try {
      for (const s of decodeChunk(b, 2)) assert.ok(s.t >= 0 && s.confidence <= 1 && s.landmarks.length === 99);
    } catch (e) {
      assert.ok(e instanceof ChunkFormatError, `fuzz ${i}: ${(e as Error).message}`);
    }
  }
});
