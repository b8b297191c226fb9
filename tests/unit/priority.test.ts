// The trial-priority logic: what each side sends while a trial records, applied to a video sender and restored
// exactly. The sender here is a stand-in for RTCRtpSender that keeps its parameters like Chromium (getParameters
// returns a copy; setParameters takes it back); the real sender is checked in tests/e2e/assessment.spec.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { capEncoding, SendPriority, TRIAL_CAPS, type SenderLike } from "../../app/_lib/realtime/priority";

class FakeSender implements SenderLike {
  params: RTCRtpSendParameters = { transactionId: "t0", encodings: [{ active: true, maxBitrate: 1_500_000 }], codecs: [], headerExtensions: [], rtcp: {} };
  calls = 0;
  refuseDegradation = false;
  constructor(public track: MediaStreamTrack | null) {}
  getParameters(): RTCRtpSendParameters {
    return structuredClone(this.params);
  }
  async setParameters(p: RTCRtpSendParameters) {
    this.calls++;
    if (this.refuseDegradation && p.degradationPreference !== undefined) throw new Error("unknown member degradationPreference");
    this.params = structuredClone(p);
  }
}
const camera = (width: number, height: number) => ({ getSettings: () => ({ width, height, frameRate: 30 }) }) as unknown as MediaStreamTrack;

test("caps: the therapist's video small and slow, the patient's at most 640 px and 20 fps, keeping its frame rate", () => {
  assert.deepEqual(capEncoding(TRIAL_CAPS.therapist, { width: 1280, height: 720 }), { scaleResolutionDownBy: 4, maxFramerate: 10, maxBitrate: 250_000 });
  assert.deepEqual(capEncoding(TRIAL_CAPS.patient, { width: 1280, height: 720 }), { scaleResolutionDownBy: 2, maxFramerate: 20 });
  assert.deepEqual(capEncoding(TRIAL_CAPS.patient, { width: 640, height: 480 }), { scaleResolutionDownBy: 1, maxFramerate: 20 });
  assert.ok(TRIAL_CAPS.patient.maxFramerate >= 15, "the therapist must still see the patient at 15 fps or more");
  assert.equal(TRIAL_CAPS.patient.degradationPreference, "maintain-framerate");
});

test("applied when recording starts, restored exactly when it ends; idempotent", async () => {
  const s = new FakeSender(camera(1280, 720));
  const before = s.getParameters();
  const p = new SendPriority(TRIAL_CAPS.therapist);
  await p.set(true, s);
  assert.equal(p.applied, true);
  assert.equal(s.params.encodings[0]!.scaleResolutionDownBy, 4);
  assert.equal(s.params.encodings[0]!.maxFramerate, 10);
  assert.equal(s.params.encodings[0]!.maxBitrate, 250_000);
  assert.equal(s.params.encodings[0]!.active, true);
  assert.equal(s.params.degradationPreference, "maintain-resolution");
  await p.set(true, s);
  assert.equal(s.calls, 1, "a second 'on' changes nothing");
  await p.set(false, s);
  assert.equal(p.applied, false);
  assert.deepEqual(s.params, before, "the parameters from before the trial");
  await p.set(false, s);
  assert.equal(s.calls, 2);
});

test("no track (receive-only) or no encodings yet: nothing is changed, and it is applied once there is a sender", async () => {
  const p = new SendPriority(TRIAL_CAPS.patient);
  const none = new FakeSender(null);
  await p.set(true, none);
  assert.equal(none.calls, 0);
  await p.set(true, null);
  const early = new FakeSender(camera(640, 480));
  early.params.encodings = [];
  await p.set(true, early);
  assert.equal(early.calls, 0);
  const s = new FakeSender(camera(640, 480));
  await p.set(true, s);
  assert.equal(s.params.encodings[0]!.maxFramerate, 20);
});

test("a new sender or another camera during the trial: the old one is restored and the new one capped for its size", async () => {
  const p = new SendPriority(TRIAL_CAPS.patient);
  const a = new FakeSender(camera(1280, 720));
  await p.set(true, a);
  assert.equal(a.params.encodings[0]!.scaleResolutionDownBy, 2);
  a.track = camera(1920, 1080); // replaceTrack
  await p.set(true, a);
  assert.equal(a.params.encodings[0]!.scaleResolutionDownBy, 3);
  const b = new FakeSender(camera(640, 360)); // a new link
  await p.set(true, b);
  assert.equal(a.params.encodings[0]!.maxFramerate, undefined, "the old sender restored");
  assert.equal(b.params.encodings[0]!.maxFramerate, 20);
  await p.set(false, b);
  assert.equal(b.params.encodings[0]!.maxFramerate, undefined);
});

test("a browser without degradationPreference still gets the scale and frame rate", async () => {
  const s = new FakeSender(camera(1280, 720));
  s.refuseDegradation = true;
  const p = new SendPriority(TRIAL_CAPS.therapist);
  await p.set(true, s);
  assert.equal(p.error, null);
  assert.equal(s.params.encodings[0]!.maxFramerate, 10);
  assert.equal(s.params.degradationPreference, undefined);
  await p.set(false, s);
  assert.equal(s.params.encodings[0]!.maxFramerate, undefined);
});
