// The checks every uploaded sample passes before it is stored (security finding 8), for the recording pipeline
// (server/services/recordings.ts). Two readers of a chunk feed them with the same rules and the same messages:
// a chunk of the current format (2) is checked as its columns are read, without building a sample
// (scanCompactChunk, app/_shared/recording/codec.ts); an older chunk (format 1) is decoded into samples and every
// value of every sample is checked (checkSamples). tests/unit/sample-checks.test.ts holds the two to the same answer.
import { MEASURES } from "../../app/_shared/pose/measures";
import type { PoseSample } from "../../app/_shared/pose/sample";
import type { ChunkScan } from "../../app/_shared/recording/codec";
import { MAX_RECORDING_MS } from "../../app/_shared/recording/schemas";
import { badRequest } from "./errors";

/** A sample may be stamped this far past the server's clock (the browser's clock runs a little differently). */
const CLOCK_SLACK_MS = 5_000;
/** After the therapist stops, the patient's browser records until the stop reaches it: at most this much more. */
const STOP_SLACK_MS = 30_000;
/** Highest mean sample rate a chunk may claim by its times (the pose worker analyses at most 18 frames a second). */
const MAX_SAMPLE_HZ = 61;
/** Largest |angle| in degrees any measure can take. */
export const MAX_ABS_ANGLE = 180;

/** The recording's times a chunk must fall within. */
export type SampleBounds = { startedAt: Date; endedAt: Date | null };

const notIncreasing = (i: number, t: number, before: number) => badRequest(`Sample times must increase (sample ${i} at ${t} ms follows ${before} ms)`);
const impossibleAngle = (i: number, k: string, a: number) => badRequest(`Sample ${i}: ${k} ${a}° is not a possible angle`);

/**
 * Every sample's time and values: times are whole ms, strictly increasing, at a plausible rate, within the recording
 * (not before its start, not past the server's clock, not past its stop, not past the longest recording), and every
 * value in its range. Throws the first refusal (BAD_REQUEST), in sample order.
 */
export function checkSamples(samples: readonly PoseSample[], startMs: number, bounds: SampleBounds): void {
  checkFirst(samples[0]!.t, startMs);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (!Number.isInteger(s.t) || s.t < 0) throw badRequest(`Sample ${i}: time must be a whole number of ms since the recording started`);
    if (i > 0 && s.t <= samples[i - 1]!.t) throw notIncreasing(i, s.t, samples[i - 1]!.t);
    if (!(s.confidence >= 0 && s.confidence <= 1)) throw badRequest(`Sample ${i}: confidence out of range`);
    for (const k of MEASURES) {
      const a = s.angles[k];
      if (a !== null && !(Number.isFinite(a) && Math.abs(a) <= MAX_ABS_ANGLE)) throw impossibleAngle(i, k, a);
      if (!(s.conf[k] >= 0 && s.conf[k] <= 1)) throw badRequest(`Sample ${i}: ${k} confidence out of range`);
    }
    for (let j = 0; j < s.landmarks.length; j++) {
      const v = s.landmarks[j]!;
      if (j % 3 === 2 ? !(v >= 0 && v <= 1) : !(Number.isNaN(v) || (v >= -2 && v <= 3))) throw badRequest(`Sample ${i}: landmark value ${j} out of range`);
    }
  }
  checkSpan(samples.length, samples[0]!.t, samples[samples.length - 1]!.t, bounds);
}

/**
 * The same checks on a chunk of the current format, read by scanCompactChunk: what its format cannot hold out of
 * range (whole ms >= 0, confidences, visibilities, landmarks) the scan has refused already; times must increase and
 * angles stay within MAX_ABS_ANGLE (the scan found the first one above it). The first refusal in sample order is the
 * one checkSamples gives for the decoded samples.
 */
export function checkScanned(scan: ChunkScan, startMs: number, bounds: SampleBounds): void {
  const t = scan.times, n = scan.count;
  checkFirst(t[0]!, startMs);
  const over = scan.overAngle;
  const end = over ? over.sample : n - 1; // a time refusal at the angle's sample comes first (checkSamples' order)
  for (let i = 1; i <= end; i++) if (t[i]! <= t[i - 1]!) throw notIncreasing(i, t[i]!, t[i - 1]!);
  if (over) throw impossibleAngle(over.sample, over.measure, over.value);
  checkSpan(n, t[0]!, t[n - 1]!, bounds);
}

function checkFirst(first: number, startMs: number) {
  if (Math.abs(first - startMs) > 1) throw badRequest("startMs does not match the first sample");
}

function checkSpan(count: number, first: number, last: number, bounds: SampleBounds) {
  if (count > 1 && ((count - 1) * 1000) / (last - first) > MAX_SAMPLE_HZ) throw badRequest(`Sample times are closer than ${MAX_SAMPLE_HZ} Hz allows`);
  if (last > MAX_RECORDING_MS) throw badRequest(`Sample at ${last} ms is past the longest recording (${MAX_RECORDING_MS / 60_000} min)`);
  const now = Date.now() - bounds.startedAt.getTime();
  if (last > now + CLOCK_SLACK_MS) throw badRequest(`Sample at ${last} ms lies in the future: the recording started ${Math.round(now)} ms ago`);
  if (bounds.endedAt) {
    const stop = bounds.endedAt.getTime() - bounds.startedAt.getTime();
    if (last > stop + STOP_SLACK_MS) throw badRequest(`Sample at ${last} ms is after the recording was stopped (${Math.round(stop)} ms)`);
  }
}
