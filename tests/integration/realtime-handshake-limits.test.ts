// Patient handshakes are rate limited (issue 16, finding 7: 50 handshakes with one token were all
// accepted, wrote 101 audit rows and displaced the real patient). Per link and per address; refused
// handshakes per address; a limited handshake never reaches the room; refusals are audited once per
// window, not once per attempt.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_HANDSHAKE_LIMITS } from "../../server/realtime/limits";
import { startTestServer } from "../support/server";
import { seedClinic } from "../support/seed";
import { connect, connectError, newVisit, patientAuth, sleep, stateWhere, staffCookie, therapistAuth, type Conn } from "./realtime-support";

type Outcome = { ok: true; conn: Conn } | { ok: false; code: string };
async function attempt(s: Awaited<ReturnType<typeof startTestServer>>, auth: Record<string, unknown>): Promise<Outcome> {
  try {
    return { ok: true, conn: await connect(s, auth) };
  } catch (e) {
    return { ok: false, code: (e as { data?: { code: string } }).data?.code ?? String(e) };
  }
}

test("50 handshakes with one link: at most the per-link limit gets in, the rest are RATE_LIMITED, one audit row for the refusals, and limited ones displace nobody", async () => {
  const s = await startTestServer();
  try {
    const c = await seedClinic(s.db);
    const v = await newVisit(s, c);
    const therapist = await connect(s, therapistAuth(v.visitId), { cookie: await staffCookie(s, c.therapist.email) });
    const real = await connect(s, patientAuth(v.token));
    await stateWhere(therapist, (st) => st.patient?.instanceId === real.instanceId);
    const before = await s.db.auditEvent.count({ where: { recordId: v.visitId } });

    const results = await Promise.all(Array.from({ length: 50 }, () => attempt(s, patientAuth(v.token))));
    const accepted = results.filter((r) => r.ok);
    const limited = results.filter((r) => !r.ok && r.code === "RATE_LIMITED");
    const perLink = DEFAULT_HANDSHAKE_LIMITS.perLink.points;
    assert.equal(accepted.length, perLink - 1, "the real patient's handshake counted too");
    assert.equal(limited.length, 50 - accepted.length, JSON.stringify(results.filter((r) => !r.ok)));

    // Audit: a consent row per accepted join (a real page load), one row for all the refusals.
    await sleep(200);
    const rows = await s.db.auditEvent.findMany({ where: { recordId: v.visitId }, orderBy: { at: "asc" } });
    const added = rows.slice(before);
    assert.equal(added.filter((r) => r.action === "visit.join.limited").length, 1);
    assert.equal(added.filter((r) => r.action === "visit.consent").length, accepted.length);
    assert.ok(added.length <= accepted.length + 1, `${added.length} audit rows (101 before the fix)`);

    // Whoever holds the seat now keeps it while more handshakes are refused.
    const holder = await stateWhere(therapist, (st) => st.patient?.presence === "online");
    const seat = holder.patient!.instanceId;
    const holderConn = accepted.map((r) => (r.ok ? r.conn : null)).find((x) => x?.instanceId === seat)!;
    assert.ok(holderConn, "the seat belongs to one of the accepted sockets");
    const more = await Promise.all(Array.from({ length: 20 }, () => attempt(s, patientAuth(v.token))));
    assert.ok(more.every((r) => !r.ok && r.code === "RATE_LIMITED"));
    await sleep(200);
    assert.equal(holderConn.socket.connected, true);
    assert.equal(therapist.states.at(-1)?.patient?.instanceId, seat);
    assert.equal(await s.db.auditEvent.count({ where: { recordId: v.visitId, action: "visit.join.limited" } }), 1, "still one row for the window");
    for (const r of [...results, ...more]) if (r.ok) r.conn.socket.close();
    for (const x of [real, therapist]) x.socket.close();
  } finally {
    await s.close();
  }
});

test("per address: patient handshakes beyond the limit are refused before any lookup; one audit row", async () => {
  const s = await startTestServer({ realtime: { handshakeLimits: { perAddress: { points: 5, durationSec: 60 } } } });
  try {
    const c = await seedClinic(s.db);
    const visits = await Promise.all(Array.from({ length: 8 }, () => newVisit(s, c)));
    const out: Outcome[] = [];
    for (const v of visits) out.push(await attempt(s, patientAuth(v.token)));
    assert.deepEqual(out.map((r) => (r.ok ? "ok" : r.code)), ["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"]);
    assert.equal(await s.db.auditEvent.count({ where: { action: "visit.join.limited" } }), 1);
    // A limited visit was not touched: no consent, still scheduled.
    const untouched = await s.db.visit.findUniqueOrThrow({ where: { id: visits[7]!.visitId } });
    assert.equal(untouched.status, "SCHEDULED");
    assert.equal(untouched.consentAt, null);
    for (const r of out) if (r.ok) r.conn.socket.close();
  } finally {
    await s.close();
  }
});

test("refused handshakes per address: after too many unknown links even a valid one is refused; audited once", async () => {
  const s = await startTestServer({ realtime: { handshakeLimits: { failuresPerAddress: { points: 4, durationSec: 600 } } } });
  try {
    const c = await seedClinic(s.db);
    const v = await newVisit(s, c);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) codes.push((await connectError(s, patientAuth(`${"B".repeat(42)}${i}`)))?.code);
    assert.deepEqual(codes, ["JOIN_UNKNOWN", "JOIN_UNKNOWN", "JOIN_UNKNOWN", "JOIN_UNKNOWN", "RATE_LIMITED", "RATE_LIMITED"]);
    assert.equal((await connectError(s, patientAuth(v.token)))?.code, "RATE_LIMITED");
    // Staff handshakes from that address with no valid session are refused the same way.
    assert.equal((await connectError(s, { role: "staff" }, { cookie: "pv_session=forged" }))?.code, "RATE_LIMITED");
    assert.equal(await s.db.auditEvent.count({ where: { action: "realtime.handshake.blocked" } }), 1);
  } finally {
    await s.close();
  }
});
