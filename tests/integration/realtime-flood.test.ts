// Abuse: a flood of malformed, oversized and unknown events gets error acknowledgements; the server
// stays up and other visits keep working; a packet above the transport limit only closes that socket.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LIMITS } from "../../app/_shared/protocol";
import { connect, newVisit, next, patientAuth, send, sendRaw, setupServer, sleep, staffCookie, stateWhere, therapistAuth } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
let cookie: string;
before(async () => {
  ctx = await setupServer();
  cookie = await staffCookie(ctx.s, ctx.a.therapist.email);
});
after(async () => {
  await ctx.s.close();
});

async function inCall() {
  const v = await newVisit(ctx.s, ctx.a);
  const therapist = await connect(ctx.s, therapistAuth(v.visitId), { cookie });
  const patient = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(therapist, (s) => s.patient?.presence === "online");
  assert.equal((await send(therapist, "visit:admit", {})).ok, true);
  await stateWhere(patient, (s) => s.status === "IN_PROGRESS");
  return { v, therapist, patient };
}

test("every kind of bad message gets its error code", async () => {
  const { patient, therapist } = await inCall();
  const cases: [string, unknown[], string][] = [
    ["nope", [{}], "UNKNOWN_EVENT"],
    ["constructor", [{}], "UNKNOWN_EVENT"],
    ["__proto__", [{}], "UNKNOWN_EVENT"],
    ["signal", [], "BAD_REQUEST"],
    ["signal", [{}, {}], "BAD_REQUEST"],
    ["signal", ["string"], "BAD_REQUEST"],
    ["signal", [null], "BAD_REQUEST"],
    ["signal", [{ to: therapist.instanceId }], "BAD_REQUEST"],
    ["signal", [{ to: "../../etc", candidate: null }], "BAD_REQUEST"],
    ["signal", [{ to: therapist.instanceId, description: { type: "evil", sdp: "x" } }], "BAD_REQUEST"],
    ["signal", [{ to: therapist.instanceId, description: { type: "offer", sdp: "x".repeat(70_000) } }], "TOO_LARGE"],
    ["media:state", [{ audio: "yes", video: true }], "BAD_REQUEST"],
    ["media:state", [{ audio: true, video: true, extra: 1 }], "BAD_REQUEST"],
    ["relay", [{ ns: "Pose Angles", seq: 0, data: 1 }], "BAD_REQUEST"],
    ["relay", [{ ns: "pose.angles", seq: -1, data: 1 }], "BAD_REQUEST"],
    ["relay", [{ ns: "pose.angles", seq: 0, data: "x".repeat(LIMITS.relay) }], "TOO_LARGE"],
    ["ping", [{ t: "now" }], "BAD_REQUEST"],
    ["visit:admit", [{}], "FORBIDDEN"],
    ["visit:end", [{}], "FORBIDDEN"],
  ];
  for (const [event, args, code] of cases) {
    const r = await sendRaw(patient, event, ...args);
    assert.equal(r.ok, false, `${event} ${JSON.stringify(args).slice(0, 80)} should fail`);
    assert.equal(r.ok ? null : r.code, code, `${event} ${JSON.stringify(args).slice(0, 80)}`);
  }
  // Without an acknowledgement callback the error comes back as server:error.
  const err = next(patient, "server:error");
  (patient.socket as unknown as { emit: (...a: unknown[]) => void }).emit("media:state", { audio: 1 });
  assert.equal((await err).code, "BAD_REQUEST");
  assert.equal(patient.socket.connected, true);
  for (const c of [patient, therapist]) c.socket.close();
});

test("a flood of malformed and oversized events: errors, the server stays up, other visits are unaffected", async () => {
  const attacker = await inCall();
  const bystander = await inCall();
  const junk = [
    () => sendRaw(attacker.patient, "signal", { to: 1, description: [] }),
    () => sendRaw(attacker.patient, "relay", { ns: "pose.angles", seq: 0, data: "y".repeat(40_000) }),
    () => sendRaw(attacker.patient, "unknown:event", { a: 1 }),
    () => sendRaw(attacker.patient, "media:state", "not an object"),
    () => sendRaw(attacker.therapist, "visit:decline", { message: "z".repeat(5000) }),
  ];
  // Meanwhile the other visit keeps signalling and measuring its round trip.
  let bystanderOk = 0;
  let stop = false;
  const bystanderLoop = (async () => {
    while (!stop) {
      const got = next(bystander.therapist, "signal");
      const r = await send(bystander.patient, "signal", { to: bystander.therapist.instanceId, candidate: null });
      assert.equal(r.ok, true);
      await got;
      bystanderOk++;
    }
  })();
  const results = await Promise.all(Array.from({ length: 1500 }, (_, i) => junk[i % junk.length]!()));
  stop = true;
  await bystanderLoop;
  const codes = new Map<string, number>();
  for (const r of results) {
    assert.equal(r.ok, false);
    if (!r.ok) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
  }
  assert.ok((codes.get("BAD_REQUEST") ?? 0) > 0 && (codes.get("TOO_LARGE") ?? 0) > 0 && (codes.get("UNKNOWN_EVENT") ?? 0) > 0, JSON.stringify([...codes]));
  assert.ok((codes.get("RATE_LIMITED") ?? 0) > 0, "the flood hits the rate limit");
  assert.ok(bystanderOk > 3, `the other visit kept working (${bystanderOk} round trips)`);
  assert.equal(attacker.patient.socket.connected, true);

  // Above the transport limit the attacker's socket is closed; everyone else is fine.
  const closed = new Promise<string>((r) => attacker.patient.socket.once("disconnect", (reason) => r(reason)));
  (attacker.patient.socket as unknown as { emit: (...a: unknown[]) => void }).emit("relay", { ns: "x", seq: 0, data: "q".repeat(LIMITS.packet + 10) });
  await closed;
  const pong = await send(bystander.patient, "ping", { t: 1 });
  assert.equal(pong.ok, true);
  const health = await fetch(`${ctx.s.url}/api/health`);
  assert.equal(health.status, 200);
  // The attacker's visit state is intact: its therapist sees the patient reconnecting, not an error.
  await stateWhere(attacker.therapist, (s) => s.patient?.presence === "reconnecting");
  await sleep(50);
  for (const c of [attacker.therapist, bystander.patient, bystander.therapist]) c.socket.close();
});
