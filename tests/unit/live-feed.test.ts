import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveFeed, withheldNote } from "../../app/_lib/assessment/live-feed";
import { NS } from "../../app/_shared/assessments/live";
import { bytesToBase64, packSamples } from "../../app/_shared/pose/sample";
import { flexionSweep } from "../support/samples";

/** A feed with a manual clock, a manual "animation frame" and manual timers (run by advance). */
function harness() {
  let now = 1_000_000;
  let pending: (() => void) | null = null;
  let scheduled = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const feed = new LiveFeed({
    now: () => now,
    trace: false,
    schedule: (fn) => {
      scheduled++;
      pending = fn;
      return () => void (pending = null);
    },
    timer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return () => void (timers = timers.filter((x) => x !== t));
    },
  });
  return {
    feed,
    advance: (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers = timers.filter((x) => x !== t);
        t.fn();
      }
    },
    get timers() {
      return timers.length;
    },
    get now() {
      return now;
    },
    get scheduled() {
      return scheduled;
    },
    frame() {
      const fn = pending;
      pending = null;
      fn?.();
    },
  };
}

const samples = flexionSweep();
const live = (i: number, trialId: string | null, capturedAt: number) => ({
  ns: NS.live,
  data: { trialId, capturedAt, samples: bytesToBase64(packSamples([samples[i]!])) },
});

test("frames: kept in order, trial samples only while recording, one notification per animation frame", () => {
  const h = harness();
  let notified = 0;
  h.feed.subscribeFrames(() => notified++);
  assert.equal(h.feed.receive(live(0, null, h.now - 50)), true);
  assert.equal(h.feed.latest?.sample.t, samples[0]!.t);
  assert.equal(h.feed.trialSamples.length, 0, "framing frames are shown, not recorded");
  for (let i = 1; i < 5; i++) h.feed.receive(live(i, "trial-1", h.now - 40));
  assert.equal(notified, 0, "nothing re-renders before the next frame");
  assert.equal(h.scheduled, 1, "one frame scheduled for five messages");
  h.frame();
  assert.equal(notified, 1);
  assert.equal(h.feed.version, 1);
  assert.deepEqual(h.feed.trialSamples.map((s) => s.t), samples.slice(1, 5).map((s) => s.t));
  // a resent or older sample does not go back in time
  h.feed.receive(live(2, "trial-1", h.now - 40));
  assert.equal(h.feed.trialSamples.length, 4);
  assert.equal(h.feed.latest?.sample.t, samples[2]!.t, "the newest message is what is shown");
  h.frame();
  assert.equal(notified, 2);
});

test("rate and delay over the last 2 s", () => {
  const h = harness();
  assert.equal(h.feed.latencyMs(), null);
  for (let i = 0; i < 30; i++) {
    h.feed.receive(live(i, "t", h.now - (i < 15 ? 500 : 80)));
    h.advance(100);
  }
  // the last 20 messages (2 s) count; 15 of them took 80 ms
  assert.equal(h.feed.rateHz(), 10);
  assert.equal(h.feed.latencyMs(), 80);
  h.advance(5000);
  assert.equal(h.feed.rateHz(), 0);
  assert.equal(h.feed.latencyMs(), null);
});

test("state messages notify state subscribers at once; bad messages are dropped; other namespaces are passed on", () => {
  const h = harness();
  let states = 0, frames = 0;
  h.feed.subscribeState(() => states++);
  h.feed.subscribeFrames(() => frames++);
  assert.equal(h.feed.receive({ ns: NS.state, data: { trialId: "trial-1", phase: "recording" } }), true);
  assert.equal(states, 1);
  assert.equal(h.feed.state?.phase, "recording");
  assert.equal(h.feed.receive({ ns: NS.state, data: { trialId: "trial-1", phase: "dancing" } }), true, "ours, but invalid");
  assert.equal(h.feed.state?.phase, "recording", "an invalid state does not replace the last good one");
  assert.equal(h.feed.receive({ ns: NS.live, data: { trialId: null, capturedAt: 1, samples: "not base64!" } }), true);
  assert.equal(h.feed.receive({ ns: NS.live, data: { trialId: null, capturedAt: 1, samples: bytesToBase64(new Uint8Array(7)) } }), true, "a truncated sample");
  assert.equal(h.feed.latest, null);
  assert.equal(h.scheduled, 0, "nothing to show");
  assert.equal(h.feed.receive({ ns: NS.control, data: { type: "stop", trialId: "x" } }), false, "someone else's message");
  h.feed.receive(live(3, "trial-1", h.now));
  h.feed.resetTrial();
  assert.equal(h.feed.trialSamples.length, 0);
  assert.equal(h.feed.state, null);
  assert.equal(states, 2);
  assert.equal(frames, 1, "a reset re-renders at once");
  h.feed.close();
  h.frame();
  assert.equal(frames, 1, "close drops the pending notification");
});

test("every(ms): the read-out follows the frames at most every ms, in the same animation frame, and never misses the last", () => {
  const h = harness();
  let skeleton = 0, readout = 0;
  h.feed.subscribeFrames(() => skeleton++);
  const every = h.feed.every(200);
  const unsubscribe = every.subscribe(() => readout++);
  const v0 = every.snapshot();
  // 15 messages a second: one animation frame each
  const message = (i: number) => {
    h.feed.receive(live(i, "trial-1", h.now - 40));
    h.frame();
    h.advance(67);
  };
  message(0);
  assert.equal(readout, 1, "the first frame is shown at once");
  assert.notEqual(every.snapshot(), v0, "the snapshot changes with each call");
  for (let i = 1; i < 15; i++) message(i);
  assert.equal(skeleton, 15, "the skeleton follows every frame");
  assert.ok(readout >= 4 && readout <= 6, `about 5 read-outs in a second of frames (${readout})`);
  const before = readout;
  // frames stop right after one that was left out: it is shown once 200 ms have passed, by a timer
  h.feed.receive(live(15, "trial-1", h.now - 40));
  h.frame();
  h.advance(250);
  assert.equal(readout, before + 1, "the last frame is shown, at once or 200 ms later");
  assert.equal(h.timers, 0, "nothing left pending");
  // a frame 50 ms after a shown one waits for the timer
  h.feed.receive(live(16, "trial-1", h.now - 40));
  h.frame();
  assert.equal(readout, before + 2);
  h.advance(50);
  h.feed.receive(live(17, "trial-1", h.now - 40));
  h.frame();
  assert.equal(readout, before + 2, "too soon: left for later");
  assert.equal(h.timers, 1);
  h.advance(199);
  assert.equal(readout, before + 2);
  h.advance(1);
  assert.equal(readout, before + 3, "shown 200 ms after it was left out");
  h.advance(1000);
  assert.equal(readout, before + 3, "no frames, no read-outs");
  // unsubscribing cancels a pending trailing call
  h.feed.receive(live(18, "trial-1", h.now - 40));
  h.frame();
  h.advance(50);
  h.feed.receive(live(19, "trial-1", h.now - 40));
  h.frame();
  const n = readout;
  unsubscribe();
  assert.equal(h.timers, 0);
  h.advance(1000);
  assert.equal(readout, n);
});

test("the panel blames the view only for a measure the patient's processor withheld for it", () => {
  const h = harness();
  const gap = { ...samples[3]!, view: "frontal" as const, angles: { ...samples[3]!.angles, trunkFlexion: null } };
  const msg = (withheld?: string[]) => ({ ns: NS.live, data: { trialId: null, capturedAt: h.now, samples: bytesToBase64(packSamples([gap])), ...(withheld ? { withheld } : {}) } });
  // No value and a view other than the measure's, but not withheld for it (say, the facing not known yet): no reason.
  h.feed.receive(msg());
  assert.equal(h.feed.latest?.withheld, undefined);
  assert.equal(withheldNote(h.feed.latest, "trunkFlexion"), null);
  // Withheld for the view: the reason, in words.
  h.feed.receive(msg(["trunkFlexion", "hipFlexionL"]));
  assert.deepEqual(h.feed.latest?.withheld, ["trunkFlexion", "hipFlexionL"]);
  assert.match(withheldNote(h.feed.latest, "trunkFlexion") ?? "", /Not measurable from the front/);
  assert.equal(withheldNote(h.feed.latest, "lateralFlexion"), null, "not in the list");
  // A malformed list drops the message, as any malformed live message.
  const before = h.feed.latest;
  h.feed.receive(msg(["notAMeasure"]));
  assert.equal(h.feed.latest, before);
  // A value is shown, whatever the list says.
  h.feed.receive({ ns: NS.live, data: { trialId: null, capturedAt: h.now, samples: bytesToBase64(packSamples([samples[3]!])), withheld: ["trunkFlexion"] } });
  assert.equal(withheldNote(h.feed.latest, "trunkFlexion"), null);
});
