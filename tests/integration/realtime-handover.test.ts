// Only the assigned therapist joins a live visit as its therapist (issue 16, finding 4). Another
// therapist or an administrator of the clinic takes it over explicitly (visits.takeOver): audited,
// reassigns the visit, and the assigned therapist's open room is told and closed. The patient stays.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { HttpClient } from "../support/server";
import { PASSWORD } from "../support/seed";
import { connect, connectError, newVisit, next, patientAuth, send, setupServer, stateWhere, therapistAuth } from "./realtime-support";

let ctx: Awaited<ReturnType<typeof setupServer>>;
let colleague: { id: string; email: string; name: string };
before(async () => {
  ctx = await setupServer();
  const { hashPassword } = await import("../../server/services/crypto");
  colleague = await ctx.s.db.user.create({
    data: { clinicId: ctx.a.clinic.id, role: "THERAPIST", name: "Colleague Therapist", email: `colleague-${Date.now()}@test.posevisit`, passwordHash: await hashPassword(PASSWORD) },
  });
});
after(async () => {
  await ctx.s.close();
});

async function signedIn(email: string) {
  const h = new HttpClient(ctx.s.url);
  await h.signIn(email, PASSWORD);
  return h;
}

test("another therapist or an admin of the clinic cannot join a visit assigned to someone else (NOT_ASSIGNED)", async () => {
  const v = await newVisit(ctx.s, ctx.a); // assigned to ctx.a.therapist
  const other = await signedIn(colleague.email);
  const admin = await signedIn(ctx.a.admin.email);
  const e1 = await connectError(ctx.s, therapistAuth(v.visitId), { cookie: other.cookie });
  assert.equal(e1?.code, "NOT_ASSIGNED");
  assert.match(e1!.message, new RegExp(ctx.a.therapist.name));
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: admin.cookie }))?.code, "NOT_ASSIGNED");
  const mine = await connect(ctx.s, therapistAuth(v.visitId), { cookie: (await signedIn(ctx.a.therapist.email)).cookie });
  assert.equal(mine.welcome?.role, "therapist");
  mine.socket.close();
});

test("take-over during a live visit: audited, reassigned, the assigned therapist is told and closed, the patient stays", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const assigned = await signedIn(ctx.a.therapist.email);
  const room = await connect(ctx.s, therapistAuth(v.visitId), { cookie: assigned.cookie });
  const patient = await connect(ctx.s, patientAuth(v.token));
  await stateWhere(room, (s) => s.patient?.presence === "online");
  assert.equal((await send(room, "visit:admit", {})).ok, true);
  await stateWhere(patient, (s) => s.status === "IN_PROGRESS");

  const other = await signedIn(colleague.email);
  const told = next(room, "session:closed");
  const r = await other.call("mutation", "visits.takeOver", { visitId: v.visitId });
  assert.equal(r.ok, true, JSON.stringify(r));
  const m = await told;
  assert.equal(m.code, "NOT_ASSIGNED");
  assert.match(m.message, /Colleague Therapist took over/);

  const row = await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } });
  assert.equal(row.therapistId, colleague.id);
  assert.equal(row.status, "IN_PROGRESS");
  const audits = await ctx.s.db.auditEvent.findMany({ where: { recordId: v.visitId, action: "visit.takeover" } });
  assert.equal(audits.length, 1);
  assert.equal(audits[0]!.actorId, colleague.id);
  assert.equal((audits[0]!.detail as { fromUserId: string }).fromUserId, ctx.a.therapist.id);

  // The new therapist joins the patient, who never left.
  const theirs = await connect(ctx.s, therapistAuth(v.visitId), { cookie: other.cookie });
  const st = await stateWhere(patient, (s) => s.therapist?.instanceId === theirs.instanceId && s.therapist.presence === "online");
  assert.equal(st.status, "IN_PROGRESS");
  assert.equal(st.therapist?.name, "Colleague Therapist");
  assert.equal(patient.socket.connected, true);
  const sig = next(patient, "signal");
  assert.equal((await send(theirs, "signal", { to: patient.instanceId, candidate: null })).ok, true);
  await sig;

  // The previous therapist cannot come back without taking it over again.
  assert.equal((await connectError(ctx.s, therapistAuth(v.visitId), { cookie: assigned.cookie }))?.code, "NOT_ASSIGNED");
  for (const c of [theirs, patient]) c.socket.close();
});

test("take-over rules: clinicians cannot, other clinics get NOT_FOUND, finished visits cannot be taken over", async () => {
  const v = await newVisit(ctx.s, ctx.a);
  const clinician = await signedIn(ctx.a.clinician.email);
  const r1 = await clinician.call("mutation", "visits.takeOver", { visitId: v.visitId });
  assert.equal(r1.ok ? null : r1.error.data.code, "FORBIDDEN");
  const foreign = await signedIn(ctx.b.therapist.email);
  const r2 = await foreign.call("mutation", "visits.takeOver", { visitId: v.visitId });
  assert.equal(r2.ok ? null : r2.error.data.code, "NOT_FOUND");
  await ctx.s.db.visit.update({ where: { id: v.visitId }, data: { status: "ENDED" } });
  const admin = await signedIn(ctx.a.admin.email);
  const r3 = await admin.call("mutation", "visits.takeOver", { visitId: v.visitId });
  assert.equal(r3.ok ? null : r3.error.data.code, "BAD_REQUEST");
  assert.equal((await ctx.s.db.visit.findUniqueOrThrow({ where: { id: v.visitId } })).therapistId, ctx.a.therapist.id);
  assert.equal(await ctx.s.db.auditEvent.count({ where: { recordId: v.visitId, action: "visit.takeover" } }), 0);
});
