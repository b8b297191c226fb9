// The live visit over real sockets: waiting room, admission, signalling, media state, participant
// replacement on rejoin, reconnect grace, turning away, ending (status and times persisted).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect, connectError, newInstance, newVisit, next, patientAuth, send, setupServer, sleep, staffCookie, stateWhere, therapistAuth } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
let cookie: string;
before(async () => {
  ctx = await setupServer();
  cookie = await staffCookie(ctx.s, ctx.a.therapist.email);
});
after(async () => {
  await ctx.s.close();
});

test("waiting → admitted → signalling both ways → media state → end, with status and times stored", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const staff = await connect(ctx.s, { role: "staff" }, { cookie });
  const therapist = await connect(ctx.s, therapistAuth(v.visitId), { cookie });
  assert.equal(therapist.welcome?.iceServers.length, 0, "no ICE servers configured: loopback/LAN host candidates only");

  const waitingUpdate = next(staff, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "WAITING");
  const patient = await connect(ctx.s, { ...patientAuth(v.token), name: "Jane Doe" });
  const seen = await stateWhere(therapist, (s) => s.patient?.presence === "online");
  assert.equal(seen.status, "WAITING");
  assert.equal(seen.patient?.name, "Jane Doe");
  assert.ok(seen.patient?.consentAt);
  assert.equal((await waitingUpdate).patientName, "Jane Doe");
  let row = await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } });
  assert.equal(row.status, "WAITING");
  assert.equal(row.patientName, "Jane Doe");
  assert.ok(row.consentAt);

  // Nothing flows before admission.
  const early = await send(patient, "signal", { to: therapist.instanceId, description: { type: "offer", sdp: "v=0" } });
  assert.deepEqual(early.ok ? null : early.code, "INVALID_STATE");

  const inProgress = next(staff, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "IN_PROGRESS");
  assert.equal((await send(therapist, "visit:admit", {})).ok, true);
  await stateWhere(patient, (s) => s.status === "IN_PROGRESS" && s.therapist?.presence === "online");
  assert.ok((await inProgress).startedAt);
  row = await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } });
  assert.equal(row.status, "IN_PROGRESS");
  assert.ok(row.startedAt);

  // Signals are addressed to one instance and arrive with the sender's instance.
  const got = next(therapist, "signal");
  assert.equal((await send(patient, "signal", { to: therapist.instanceId, description: { type: "offer", sdp: "v=0\r\n" } })).ok, true);
  assert.deepEqual(await got, { to: therapist.instanceId, description: { type: "offer", sdp: "v=0\r\n" }, from: patient.instanceId });
  const cand = next(patient, "signal");
  const c = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
  assert.equal((await send(therapist, "signal", { to: patient.instanceId, candidate: c })).ok, true);
  assert.deepEqual((await cand).candidate, c);
  const stale = await send(patient, "signal", { to: newInstance(), candidate: c });
  assert.equal(stale.ok ? null : stale.code, "PEER_ABSENT");

  // Mute / camera off are seen by the other side.
  assert.equal((await send(patient, "media:state", { audio: false, video: false })).ok, true);
  await stateWhere(therapist, (s) => s.patient?.media.audio === false && s.patient.media.video === false);

  // Relay with end-to-end acknowledgements.
  const relayed = next(therapist, "relay");
  assert.equal((await send(patient, "relay", { ns: "pose.angles", seq: 0, data: { trunk: 42.5 } })).ok, true);
  assert.deepEqual(await relayed, { ns: "pose.angles", seq: 0, data: { trunk: 42.5 }, from: patient.instanceId, fromRole: "patient" });
  const acked = next(patient, "relay:ack");
  assert.equal((await send(therapist, "relay:ack", { ns: "pose.angles", upTo: 0, sender: patient.instanceId })).ok, true);
  assert.deepEqual(await acked, { ns: "pose.angles", upTo: 0, sender: patient.instanceId });

  const pong = await send(patient, "ping", { t: 123 });
  assert.ok(pong.ok && pong.t === 123 && pong.serverTime > 0);

  // The therapist ends the visit: both sides are told and disconnected; status and times stored.
  const endedP = next(patient, "visit:ended");
  const endedUpdate = next(staff, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "ENDED");
  assert.equal((await send(therapist, "visit:end", {})).ok, true);
  assert.ok((await endedP).endedAt);
  assert.ok((await endedUpdate).endedAt);
  row = await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } });
  assert.equal(row.status, "ENDED");
  assert.ok(row.endedAt && row.startedAt && row.endedAt >= row.startedAt);
  // the server disconnects both right after telling them (allow for a busy test machine)
  for (let i = 0; i < 40 && (patient.socket.connected || therapist.socket.connected); i++) await sleep(50);
  assert.equal(patient.socket.connected, false);
  assert.equal(therapist.socket.connected, false);
  assert.equal((await connectError(ctx.s, patientAuth(v.token)))?.code, "JOIN_ENDED");
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie }))?.code, "JOIN_ENDED");
  assert.equal(await ctx.s.realtime.rooms.store.count(), 0);
  staff.socket.close();
});

test("a rejoining participant replaces their old socket; the other side sees reconnecting, then online", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const therapist = await connect(ctx.s, therapistAuth(v.visitId), { cookie });
  const instance = newInstance();
  const p1 = await connect(ctx.s, patientAuth(v.token, instance));
  await stateWhere(therapist, (s) => s.patient?.presence === "online");
  await send(therapist, "visit:admit", {});

  // Same page, new socket (network blip where the server has not noticed yet): old one is replaced.
  const replaced = next(p1, "session:replaced");
  const p2 = await connect(ctx.s, patientAuth(v.token, instance));
  await replaced;
  await sleep(100);
  assert.equal(p1.socket.connected, false);
  const s2 = await stateWhere(therapist, (s) => s.patient?.presence === "online");
  assert.equal(s2.patient?.instanceId, instance);
  assert.equal(s2.status, "IN_PROGRESS", "a rejoin during the call keeps it in progress");
  // The old socket's disconnect does not mark the new one as reconnecting.
  assert.equal(therapist.states.at(-1)?.patient?.presence, "online");

  // Network drop: the therapist sees "reconnecting"; a page reload (new instance) takes the seat back.
  p2.socket.io.engine.close();
  await stateWhere(therapist, (s) => s.patient?.presence === "reconnecting");
  const fresh = newInstance();
  const p3 = await connect(ctx.s, patientAuth(v.token, fresh));
  const s3 = await stateWhere(therapist, (s) => s.patient?.presence === "online" && s.patient.instanceId === fresh);
  assert.equal(s3.status, "IN_PROGRESS");
  const sig = next(therapist, "signal");
  assert.equal((await send(p3, "signal", { to: therapist.instanceId, description: { type: "offer", sdp: "x" } })).ok, true);
  assert.equal((await sig).from, fresh);

  // Therapist reload: the patient sees the new therapist instance.
  const t2instance = newInstance();
  const t2 = await connect(ctx.s, therapistAuth(v.visitId, t2instance), { cookie });
  await stateWhere(p3, (s) => s.therapist?.instanceId === t2instance && s.therapist.presence === "online");
  await sleep(50);
  assert.equal(therapist.socket.connected, false);
  for (const c of [p3, t2]) c.socket.close();
});

test("after the reconnect grace the seat is freed; a waiting patient who leaves puts the visit back to SCHEDULED", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const therapist = await connect(ctx.s, therapistAuth(v.visitId), { cookie });
  const patient = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(therapist, (s) => s.patient?.presence === "online");
  patient.socket.io.engine.close();
  await stateWhere(therapist, (s) => s.patient?.presence === "reconnecting");
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "WAITING");
  const freed = await ctx.s.realtime.rooms.sweep(Date.now() + ctx.s.realtime.rooms.graceMs + 1);
  assert.ok(freed >= 1);
  await stateWhere(therapist, (s) => s.patient === null && s.status === "SCHEDULED");
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "SCHEDULED");
  therapist.socket.close();
});

test("the therapist can turn a waiting patient away", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const therapist = await connect(ctx.s, therapistAuth(v.visitId), { cookie });
  const patient = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(therapist, (s) => s.patient?.presence === "online");
  const declined = next(patient, "visit:declined");
  assert.equal((await send(therapist, "visit:decline", { message: "Please rejoin at 10:30." })).ok, true);
  assert.equal((await declined).message, "Please rejoin at 10:30.");
  await stateWhere(therapist, (s) => s.patient === null);
  await sleep(100);
  assert.equal(patient.socket.connected, false);
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "SCHEDULED");
  // Nobody waiting: admit is refused.
  const r = await send(therapist, "visit:admit", {});
  assert.equal(r.ok ? null : r.code, "INVALID_STATE");
  // The link still works for a later try.
  const again = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(therapist, (s) => s.patient?.presence === "online");
  for (const c of [again, therapist]) c.socket.close();
});
