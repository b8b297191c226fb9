// The relay's go-back-N retransmission backs off while nothing is acknowledged, so an overloaded path is not handed the
// whole backlog again every second; an ack that moves the window forward or a resend after a reconnect resets it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RelayOutbox } from "../../app/_lib/realtime/relay";

function harness() {
  const sent: number[] = [];
  const out = new RelayOutbox({ send: async (m) => (sent.push(m.seq), true), ack: () => {} });
  return { out, sent };
}

const settle = () => new Promise((r) => setImmediate(r));

test("retransmissions without acks wait 1, 2, 4, 8, 8 s; an ack resets the wait to 1 s", async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 0 });
  const { out, sent } = harness();
  for (let i = 0; i < 5; i++) out.send("pose.live", { i });
  const at: number[] = [];
  for (let ms = 0; ms <= 40_000; ms += 100) {
    t.mock.timers.tick(100);
    if (out.retransmit()) at.push(Date.now());
    await settle();
  }
  const gaps = at.map((x, i) => x - (i ? at[i - 1]! : 0));
  // The first fires once the oldest waited more than 1 s; each resend restamps the messages.
  assert.deepEqual(gaps.slice(0, 6), [1_100, 2_100, 4_100, 8_100, 8_100, 8_100]);
  assert.equal(sent.length, 5 + 5 * at.length, "each retransmission sends the whole unacknowledged window, in order");

  out.onAck("pose.live", 1); // progress: back to the short wait
  const before = Date.now();
  let next = 0;
  for (let ms = 0; ms <= 5_000 && !next; ms += 100) {
    t.mock.timers.tick(100);
    if (out.retransmit()) next = Date.now();
  }
  assert.ok(next - before <= 1_200, `after an ack the next retransmission comes within about a second (${next - before} ms)`);
});

test("an ack that moves nothing does not reset the backoff; a resend after reconnect does", (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 0 });
  const { out } = harness();
  out.send("pose.live", {});
  const fire = (limitMs: number) => {
    const from = Date.now();
    for (let ms = 0; ms <= limitMs; ms += 100) {
      t.mock.timers.tick(100);
      if (out.retransmit()) return Date.now() - from;
    }
    return Infinity;
  };
  assert.equal(fire(2_000), 1_100);
  assert.equal(fire(3_000), 2_100);
  out.onAck("pose.live", -1); // a stale ack: nothing acknowledged
  assert.equal(fire(5_000), 4_100);
  void out.resend(); // reconnect
  assert.equal(fire(2_000), 1_100);
});
