// The connection-quality panel's judgement: the received frame rate against what the other side sends.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mediaSentMsg } from "../../app/_shared/media-report";
import { judgeQuality } from "../../app/_lib/realtime/quality";

test("a 15 fps source arriving at 14 fps over a 28 ms round trip without loss is a good connection", () => {
  const j = judgeQuality({ rttMs: 28, lossPct: 0, fps: 14, sentFps: 15 });
  assert.equal(j.level, "good");
  assert.deepEqual(j.warnings, []);
  assert.deepEqual(j.notes, []);
  // 30 sent, 27 received: within the allowance
  assert.equal(judgeQuality({ rttMs: 28, lossPct: 0, fps: 27, sentFps: 30 }).level, "good");
});

test("frames lost on the way are a poor connection, whatever the absolute rate", () => {
  const j = judgeQuality({ rttMs: 28, lossPct: 0, fps: 16, sentFps: 30 });
  assert.equal(j.level, "poor");
  assert.match(j.warnings[0]!, /Frames lost on the way: 16 of 30 fps arrive/);
  // a small absolute shortfall on a slow source does not count (rates are averaged over different windows)
  assert.equal(judgeQuality({ rttMs: 28, lossPct: 0, fps: 6.8, sentFps: 8 }).warnings.length, 0);
  assert.equal(judgeQuality({ rttMs: 28, lossPct: 0, fps: 5, sentFps: 8 }).level, "poor");
});

test("a source that sends few frames is a note about the source, not a poor connection", () => {
  const j = judgeQuality({ rttMs: 28, lossPct: 0, fps: 10, sentFps: 10 });
  assert.equal(j.level, "good");
  assert.match(j.notes[0]!, /camera sends 10 fps \(movement needs 15\)/);
  const off = judgeQuality({ rttMs: 28, lossPct: 0, fps: 0, sentFps: 0 });
  assert.equal(off.level, "good");
  assert.match(off.notes[0]!, /sends no video/);
});

test("without an announcement the absolute 15 fps rule applies; delay and loss are judged as before", () => {
  assert.equal(judgeQuality({ rttMs: 28, lossPct: 0, fps: 14, sentFps: null }).level, "poor");
  assert.equal(judgeQuality({ rttMs: 28, lossPct: 0, fps: 24, sentFps: null }).level, "good");
  assert.match(judgeQuality({ rttMs: 320, lossPct: 0, fps: 15, sentFps: 15 }).warnings[0]!, /High delay \(320 ms\)/);
  assert.match(judgeQuality({ rttMs: 20, lossPct: 7.5, fps: 15, sentFps: 15 }).warnings[0]!, /Packet loss 7.5 %/);
  assert.equal(judgeQuality({ rttMs: null, lossPct: null, fps: null, sentFps: 15 }).level, "unknown");
});

test("the announcement is validated", () => {
  assert.equal(mediaSentMsg.safeParse({ fps: 15, width: 640, height: 480 }).success, true);
  assert.equal(mediaSentMsg.safeParse({ fps: -1, width: 640, height: 480 }).success, false);
  assert.equal(mediaSentMsg.safeParse({ fps: 15, width: 640, height: 480, extra: 1 }).success, false);
  assert.equal(mediaSentMsg.safeParse({ fps: "15", width: null, height: null }).success, false);
});
