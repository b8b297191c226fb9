// The client VisitCall (run in Node) relays feature data reliably: nothing is lost or duplicated
// when either side's socket drops in the middle of a stream of samples.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { VisitCall } from "../../app/_lib/realtime/call";
import { newVisit, setupServer, sleep, staffCookie } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
before(async () => {
  ctx = await setupServer();
});
after(async () => {
  await ctx.s.close();
});

async function until(pred: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  const where = new Error().stack?.split("\n")[2]?.trim();
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out ${where}`);
    await sleep(20);
  }
}

test("relay: samples survive a patient drop and a therapist drop, in order and exactly once", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const cookie = await staffCookie(ctx.s, ctx.a.therapist.email);
  const therapist = new VisitCall({ role: "therapist", visitId: v.visitId }, { url: ctx.s.url, extraHeaders: { cookie } });
  const patient = new VisitCall({ role: "patient", token: v.token, name: "Relay Patient", consent: true }, { url: ctx.s.url });
  const got: number[] = [];
  therapist.onRelay = (m) => {
    assert.equal(m.ns, "pose.angles");
    assert.equal(m.fromRole, "patient");
    got.push((m.data as { i: number }).i);
  };
  therapist.start();
  patient.start();
  await until(() => therapist.snap.room?.patient?.presence === "online");
  assert.equal((await therapist.admit()).ok, true);
  await until(() => patient.snap.phase === "in-call" && therapist.snap.phase === "in-call");

  let i = 0;
  const sendSome = async (n: number) => {
    for (let k = 0; k < n; k++) {
      patient.relay("pose.angles", { i: i++, trunk: 40 + k / 10 });
      await sleep(5);
    }
  };
  await sendSome(30);
  patient.socket.io.engine.close(); // patient network drop
  await sendSome(30);
  await until(() => patient.snap.phase === "in-call");
  await sendSome(30);
  await until(() => got.length >= 90);
  therapist.socket.io.engine.close(); // therapist network drop: the patient keeps measuring
  await sendSome(30);
  await until(() => therapist.snap.phase === "in-call" && therapist.snap.room?.patient?.presence === "online");
  await sendSome(10);
  await until(() => got.length >= i, 15_000);
  await sleep(300);
  assert.deepEqual(got, Array.from({ length: i }, (_, k) => k), "every sample once, in order");
  await until(() => patient.relayOut.unacked() === 0);
  patient.leave();
  therapist.leave();
});
