// Live sockets end with what opened them (issue 16, finding 1): sign-out, session revoked, password
// changed, account disabled, session expired while connected, patient link revoked / rotated /
// expired, visit cancelled. Each closes the socket with `session:closed` (its code says why), frees
// the seat, and a reconnect with the same credentials is refused.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ClinicVisitUpdate, ErrorCode } from "../../app/_shared/protocol";
import { HttpClient } from "../support/server";
import { PASSWORD } from "../support/seed";
import { connect, connectError, newVisit, next, patientAuth, send, setupServer, sleep, stateWhere, therapistAuth, type Conn } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
before(async () => {
  ctx = await setupServer();
});
after(async () => {
  await ctx.s.close();
});

/** Resolves with the session:closed code once the socket is also disconnected. */
function closedWith(c: Conn, timeoutMs = 5_000): Promise<ErrorCode> {
  const gone = new Promise<void>((r) => (c.socket.connected ? c.socket.once("disconnect", () => r()) : r()));
  return next(c, "session:closed", () => true, timeoutMs).then(async (m) => {
    await gone;
    return m.code;
  });
}

async function signedIn(email: string) {
  const h = new HttpClient(ctx.s.url);
  await h.signIn(email, PASSWORD);
  return h;
}

/** A new therapist of clinic A (own account, so disabling it does not disturb other tests). */
async function newTherapist() {
  const { hashPassword } = await import("../../server/services/crypto");
  const u = await ctx.s.db.user.create({
    data: { clinicId: ctx.a.clinic.id, role: "THERAPIST", name: "Theo Rapist", email: `t-${Math.random().toString(36).slice(2)}@test.posevisit`, passwordHash: await hashPassword(PASSWORD) },
  });
  return u;
}

/** A visit of `therapistId` with the patient waiting and the therapist's room and dashboard sockets open. */
async function waitingVisit(therapistId: string, h: HttpClient) {
  const { scheduleVisit } = await import("../../server/services/visits");
  const admin = ctx.a.admin;
  const r = await scheduleVisit(
    { db: ctx.s.db, env: ctx.s.env, ip: "127.0.0.1", user: { id: admin.id, clinicId: admin.clinicId, email: admin.email, name: admin.name, role: "ADMIN", mustChangePassword: false } },
    { patientId: ctx.a.patient.id, therapistId, scheduledAt: new Date(Date.now() + 60_000), durationMin: 30, reason: "" },
  );
  const v = { visitId: r.visit.id, token: r.joinPath.replace("/join/", "") };
  const room = await connect(ctx.s, therapistAuth(v.visitId), { cookie: h.cookie });
  const dash = await connect(ctx.s, { role: "staff" }, { cookie: h.cookie });
  const patient = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(room, (s) => s.patient?.presence === "online");
  return { v, room, dash, patient };
}

test("a disabled therapist's room and dashboard sockets are closed at once: no admit, no more dashboard pushes", async () => {
  const t = await newTherapist();
  const h = await signedIn(t.email);
  const { v, room, dash, patient } = await waitingVisit(t.id, h);
  const pushes: ClinicVisitUpdate[] = [];
  dash.socket.on("clinic:visit", (u) => pushes.push(u));
  const roomClosed = closedWith(room);
  const dashClosed = closedWith(dash);

  const admin = await signedIn(ctx.a.admin.email);
  assert.equal((await admin.call("mutation", "users.setDisabled", { userId: t.id, disabled: true })).ok, true);
  assert.equal(await roomClosed, "UNAUTHORIZED");
  assert.equal(await dashClosed, "UNAUTHORIZED");

  // The patient sees the therapist's seat freed, not "reconnecting".
  await stateWhere(patient, (s) => s.therapist === null);
  // Admit or end from the closed socket goes nowhere; the visit is still waiting.
  await assert.rejects(send(room, "visit:admit", {}, 500));
  await assert.rejects(send(room, "visit:end", {}, 500));
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "WAITING");
  // Clinic updates with patient names keep flowing to others, but not to the disabled user.
  const other = await newVisit(ctx.s, ctx.a);
  const p2 = await connect(ctx.s, patientAuth(other.token));
  await sleep(300);
  assert.deepEqual(pushes.filter((u) => u.visitId === other.visitId), []);
  // And the same cookie cannot come back.
  assert.equal((await connectError(ctx.s, { role: "staff" }, { cookie: h.cookie }))?.code, "UNAUTHORIZED");
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: h.cookie }))?.code, "UNAUTHORIZED");
  for (const c of [patient, p2]) c.socket.close();
});

test("admit and end re-check the session: a user disabled behind the services' back cannot admit or end, and the re-check closes dashboards", async () => {
  const t = await newTherapist();
  const h = await signedIn(t.email);
  const { v, room, dash, patient } = await waitingVisit(t.id, h);
  const live = await waitingVisit(t.id, h);
  assert.equal((await send(live.room, "visit:admit", {})).ok, true);
  await ctx.s.db.user.update({ where: { id: t.id }, data: { disabled: true } }); // no service, no event
  const roomClosed = closedWith(room);
  const r = await send(room, "visit:admit", {});
  assert.equal(r.ok ? null : r.code, "UNAUTHORIZED");
  assert.equal(await roomClosed, "UNAUTHORIZED");
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).status, "WAITING");
  const liveClosed = closedWith(live.room);
  const e = await send(live.room, "visit:end", {});
  assert.equal(e.ok ? null : e.code, "UNAUTHORIZED");
  assert.equal(await liveClosed, "UNAUTHORIZED");
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: live.v.visitId } })).status, "IN_PROGRESS");
  assert.equal(live.patient.socket.connected, true, "the patient is not thrown out with the therapist");

  const dashClosed = closedWith(dash);
  assert.ok((await ctx.s.realtime.sessions.revalidate()) >= 1);
  assert.equal(await dashClosed, "UNAUTHORIZED");
  for (const c of [patient, live.patient, live.dash]) c.socket.close();
});

test("sign-out closes that session's sockets only; revoking a session and changing the password close the other sessions' sockets", async () => {
  const t = await newTherapist();
  const one = await signedIn(t.email);
  const two = await signedIn(t.email);
  const three = await signedIn(t.email);
  const dashes = await Promise.all([one, two, three].map((h) => connect(ctx.s, { role: "staff" }, { cookie: h.cookie })));
  const [d1, d2, d3] = dashes as [Conn, Conn, Conn];

  // Sign-out of session three.
  const c3 = closedWith(d3);
  assert.equal((await three.call("mutation", "auth.signOut")).ok, true);
  assert.equal(await c3, "UNAUTHORIZED");
  await sleep(100);
  assert.equal(d1.socket.connected && d2.socket.connected, true);

  // Session one revokes session two from the account page.
  const sessions = await one.call("query", "auth.sessions");
  assert.equal(sessions.ok, true);
  const twoId = (sessions.data as { id: string; current: boolean }[]).find((s) => !s.current)!.id;
  const c2 = closedWith(d2);
  assert.equal((await one.call("mutation", "auth.revokeSession", { sessionId: twoId })).ok, true);
  assert.equal(await c2, "UNAUTHORIZED");
  assert.equal(d1.socket.connected, true);

  // A password change keeps the current session and closes every other one.
  const four = await signedIn(t.email);
  const d4 = await connect(ctx.s, { role: "staff" }, { cookie: four.cookie });
  const c4 = closedWith(d4);
  assert.equal((await one.call("mutation", "auth.changePassword", { currentPassword: PASSWORD, newPassword: "another-pass-77" })).ok, true);
  assert.equal(await c4, "UNAUTHORIZED");
  await sleep(100);
  assert.equal(d1.socket.connected, true, "the session that changed the password keeps its socket");
  d1.socket.close();
});

test("a session that expires while connected closes its sockets at the expiry", async () => {
  const t = await newTherapist();
  const h = await signedIn(t.email);
  await ctx.s.db.session.updateMany({ where: { userId: t.id }, data: { expiresAt: new Date(Date.now() + 1_500) } });
  const dash = await connect(ctx.s, { role: "staff" }, { cookie: h.cookie });
  const m = await next(dash, "session:closed", () => true, 6_000);
  assert.equal(m.code, "UNAUTHORIZED");
  assert.match(m.message, /expired/);
});

test("the patient's socket closes when the link is revoked, rotated or expires; the seat is freed", async () => {
  const t = await newTherapist();
  const h = await signedIn(t.email);
  const { v, room, dash, patient } = await waitingVisit(t.id, h);
  const closed = closedWith(patient);
  assert.equal((await h.call("mutation", "visits.revokeLink", { visitId: v.visitId })).ok, true);
  assert.equal(await closed, "JOIN_REVOKED");
  const s = await stateWhere(room, (st) => st.patient === null);
  assert.equal(s.status, "SCHEDULED", "a patient who can no longer come back leaves the waiting room");

  // Rotation: the old link's socket closes, the new link joins.
  const rotated = await h.call("mutation", "visits.rotateLink", { visitId: v.visitId });
  assert.equal(rotated.ok, true);
  const token = (rotated.data as { joinPath: string }).joinPath.replace("/join/", "");
  const p2 = await connect(ctx.s, patientAuth(token));
  const closed2 = closedWith(p2);
  const again = await h.call("mutation", "visits.rotateLink", { visitId: v.visitId });
  assert.equal(await closed2, "JOIN_REVOKED");
  assert.equal((await connectError(ctx.s, patientAuth(token)))?.code, "JOIN_UNKNOWN");

  // Expiry while connected.
  const fresh = (again.data as { joinPath: string }).joinPath.replace("/join/", "");
  await ctx.s.db.visit.update({ where: { id: v.visitId }, data: { joinExpiresAt: new Date(Date.now() + 1_500) } });
  const p3 = await connect(ctx.s, patientAuth(fresh));
  assert.equal(await closedWith(p3, 6_000), "JOIN_EXPIRED");
  for (const c of [room, dash]) c.socket.close();
});

test("cancelling a visit closes the waiting patient's socket (JOIN_CANCELLED) and the therapist's, and tells the dashboards", async () => {
  const t = await newTherapist();
  const h = await signedIn(t.email);
  const { v, room, dash, patient } = await waitingVisit(t.id, h);
  const closed = closedWith(patient);
  const ended = next(room, "visit:ended");
  const roomGone = new Promise<void>((r) => room.socket.once("disconnect", () => r()));
  const pushed = next(dash, "clinic:visit", (u) => u.visitId === v.visitId && u.status === "CANCELLED");
  assert.equal((await h.call("mutation", "visits.cancel", { visitId: v.visitId })).ok, true);
  assert.equal(await closed, "JOIN_CANCELLED");
  await ended;
  await roomGone;
  await pushed;
  assert.equal(await ctx.s.realtime.rooms.store.get(v.visitId), null);
  assert.equal((await connectError(ctx.s, patientAuth(v.token)))?.code, "JOIN_CANCELLED");
  dash.socket.close();
});
