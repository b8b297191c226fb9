// Handshake authentication and isolation of the live-visit sockets.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { revokeJoinLink } from "../../server/services/visits";
import { caller, connect, connectError, newInstance, newVisit, patientAuth, send, setupServer, staffCookie, stateWhere, therapistAuth, next, sleep } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
before(async () => {
  ctx = await setupServer();
});
after(async () => {
  await ctx.s.close();
});

test("patient: an unknown token is refused with JOIN_UNKNOWN", async () => {
  const err = await connectError(ctx.s, patientAuth("A".repeat(43)));
  assert.equal(err?.code, "JOIN_UNKNOWN");
  assert.match(err!.message, /not valid/);
});

test("patient: an expired token is refused with JOIN_EXPIRED", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  await ctx.s.db.visit.update({ where: { id: v.visitId }, data: { joinExpiresAt: new Date(Date.now() - 1000) } });
  assert.equal((await connectError(ctx.s, patientAuth(v.token)))?.code, "JOIN_EXPIRED");
});

test("patient: a revoked token is refused with JOIN_REVOKED, and a cancelled visit with JOIN_CANCELLED", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  await revokeJoinLink(caller(ctx.s, ctx.a.therapist), v.visitId);
  assert.equal((await connectError(ctx.s, patientAuth(v.token)))?.code, "JOIN_REVOKED");
  const w = await newVisit(ctx.s, ctx.a);
  await ctx.s.db.visit.update({ where: { id: w.visitId }, data: { status: "CANCELLED" } });
  assert.equal((await connectError(ctx.s, patientAuth(w.token)))?.code, "JOIN_CANCELLED");
});

test("patient: consent and a name are required; the protocol version must match", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  assert.equal((await connectError(ctx.s, { ...patientAuth(v.token), consent: false }))?.code, "BAD_REQUEST");
  assert.equal((await connectError(ctx.s, { ...patientAuth(v.token), name: "  " }))?.code, "BAD_REQUEST");
  assert.equal((await connectError(ctx.s, { ...patientAuth(v.token), v: 999 }))?.code, "PROTOCOL_VERSION");
  assert.equal((await connectError(ctx.s, { ...patientAuth(v.token), extra: 1 }))?.code, "BAD_REQUEST");
});

test("therapist: no cookie is UNAUTHORIZED, a clinician is FORBIDDEN, cross-origin is FORBIDDEN", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId)))?.code, "UNAUTHORIZED");
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: "pv_session=forged" }))?.code, "UNAUTHORIZED");
  const clinician = await staffCookie(ctx.s, ctx.a.clinician.email);
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: clinician }))?.code, "FORBIDDEN");
  const therapist = await staffCookie(ctx.s, ctx.a.therapist.email);
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: therapist, origin: "https://evil.example" }))?.code, "FORBIDDEN");
  const ok = await connect(ctx.s, therapistAuth(v.visitId), { cookie: therapist, origin: ctx.s.url });
  assert.equal(ok.welcome?.role, "therapist");
  ok.socket.close();
});

test("therapist of another clinic cannot enter the visit (NOT_FOUND) nor see its dashboard updates", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const otherTherapist = await staffCookie(ctx.s, ctx.b.therapist.email);
  const otherAdmin = await staffCookie(ctx.s, ctx.b.admin.email);
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: otherTherapist }))?.code, "NOT_FOUND");
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: otherAdmin }))?.code, "NOT_FOUND");

  const staffB = await connect(ctx.s, { role: "staff" }, { cookie: otherAdmin });
  const staffA = await connect(ctx.s, { role: "staff" }, { cookie: await staffCookie(ctx.s, ctx.a.clinician.email) });
  const seenByB: unknown[] = [];
  staffB.socket.on("clinic:visit", (u) => seenByB.push(u));
  const seenByA = next(staffA, "clinic:visit", (u) => u.visitId === v.visitId);
  const patient = await connect(ctx.s, patientAuth(v.token));
  const u = await seenByA;
  assert.equal(u.status, "WAITING");
  assert.equal(u.patientPresence, "online");
  await sleep(200);
  assert.deepEqual(seenByB, []);
  // Staff sockets are listeners only.
  const r = await send(staffA.socket, "visit:admit", {});
  assert.equal(r.ok, false);
  for (const c of [staffA, staffB, patient]) c.socket.close();
});

test("a patient of one visit receives nothing from another visit", async () => {
  const v1 = await newVisit(ctx.s, ctx.a);
  const v2 = await newVisit(ctx.s, ctx.a);
  const cookie = await staffCookie(ctx.s, ctx.a.therapist.email);
  const p1 = await connect(ctx.s, patientAuth(v1.token));
  const seen: string[] = [];
  p1.socket.onAny((e, m) => seen.push(`${e}:${(m as { visitId?: string })?.visitId ?? ""}`));
  const t2 = await connect(ctx.s, therapistAuth(v2.visitId), { cookie });
  const p2 = await connect(ctx.s, patientAuth(v2.token));
  await stateWhere(t2, (s) => s.patient?.presence === "online");
  assert.equal((await send(t2, "visit:admit", {})).ok, true);
  await stateWhere(p2, (s) => s.status === "IN_PROGRESS");
  await sleep(100);
  assert.ok(seen.every((s) => !s.includes(v2.visitId)), `leaked: ${seen.join(", ")}`);
  assert.equal((await send(p1, "visit:admit", {})).ok, false, "patients cannot admit");
  for (const c of [p1, p2, t2]) c.socket.close();
});

test("TURN credentials follow coturn's use-auth-secret scheme", async () => {
  const { iceServersFor, turnCredential } = await import("../../server/realtime/ice");
  const env = { STUN_URLS: "stun:stun.example:3478", TURN_URLS: "turn:turn.example:3478?transport=udp, turns:turn.example:5349", TURN_SECRET: "s3cret-s3cret-s3cret", TURN_TTL_SECONDS: 600 };
  const now = Date.UTC(2030, 0, 1);
  const r = iceServersFor(env, "visit123", now);
  assert.deepEqual(r.iceServers[0], { urls: ["stun:stun.example:3478"] });
  const turn = r.iceServers[1]!;
  assert.equal(turn.username, `${now / 1000 + 600}:visit123`);
  assert.equal(turn.credential, turnCredential(env.TURN_SECRET, turn.username!));
  const crypto = await import("node:crypto");
  assert.equal(turn.credential, crypto.createHmac("sha1", env.TURN_SECRET).update(turn.username!).digest("base64"));
  assert.equal(r.expiresAt, (now / 1000 + 600) * 1000);
  assert.deepEqual(iceServersFor({ ...env, STUN_URLS: "", TURN_URLS: "" }, "v", now), { iceServers: [], expiresAt: null });
  void newInstance;
});
