// LiveSessions without a server: an event that lands while a handshake for the same credentials is
// still running (the socket is not registered yet) must still close that socket when it registers;
// a handshake that started after the event is not affected; the expiry timer fires.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveSessions } from "../../server/realtime/sessions";
import type { Sock } from "../../server/realtime/rooms";

type Fake = { sock: Sock; closed: { code: string; message: string }[]; disconnected: () => boolean };
let n = 0;
function fakeSocket(data: Record<string, unknown>): Fake {
  const closed: { code: string; message: string }[] = [];
  let gone = false;
  const handlers: (() => void)[] = [];
  const sock = {
    id: `s${n++}`,
    data,
    emit: (event: string, m: { code: string; message: string }) => {
      if (event === "session:closed") closed.push(m);
      return true;
    },
    disconnect: () => {
      gone = true;
      handlers.splice(0).forEach((h) => h());
    },
    once: (_e: string, h: () => void) => handlers.push(h),
  } as unknown as Sock;
  return { sock, closed, disconnected: () => gone };
}

const live = () => new LiveSessions({ closed: async () => {} } as never, {} as never, () => {});
const staff = (over: Record<string, unknown> = {}) => ({ kind: "staff", clinicId: "c1", userId: "u1", sessionId: "sess1", linkHash: null, authAt: Date.now() - 1000, expiresAt: Date.now() + 3_600_000, ...over });
const patient = (over: Record<string, unknown> = {}) => ({
  kind: "participant", role: "patient", visitId: "v1", clinicId: "c1", instanceId: "inst-000001", name: "P", userId: null, userEmail: null, status: "WAITING",
  startedAt: null, consentAt: null, hasPatientName: true, sessionId: null, linkHash: "h", authAt: Date.now() - 1000, expiresAt: Date.now() + 3_600_000, ...over,
});

test("a session ended during the handshake closes the socket when it registers", async () => {
  const l = live();
  await l.onEvent({ type: "session.ended", sessionId: "sess1", reason: "signout" });
  const f = fakeSocket(staff());
  assert.equal(l.add(f.sock), false);
  assert.equal(f.closed[0]?.code, "UNAUTHORIZED");
  assert.equal(f.disconnected(), true);
  // A handshake that started after the sign-out is a new session: unaffected.
  const g = fakeSocket(staff({ sessionId: "sess2", authAt: Date.now() + 1 }));
  assert.equal(l.add(g.sock), true);
  assert.equal(g.disconnected(), false);
});

test("disabling a user during the handshake: every session of theirs, except the kept one for a password change", async () => {
  const l = live();
  await l.onEvent({ type: "user.sessions.ended", userId: "u1", keepSessionId: "keep", reason: "password" });
  const other = fakeSocket(staff({ sessionId: "old" }));
  const kept = fakeSocket(staff({ sessionId: "keep" }));
  assert.equal(l.add(other.sock), false);
  assert.equal(l.add(kept.sock), true);
  assert.match(other.closed[0]!.message, /password/);
});

test("link revoked or visit reassigned during the handshake", async () => {
  const l = live();
  await l.onEvent({ type: "link.revoked", visitId: "v1", clinicId: "c1", reason: "rotated" });
  const p = fakeSocket(patient());
  assert.equal(l.add(p.sock), false);
  assert.equal(p.closed[0]?.code, "JOIN_REVOKED");
  await l.onEvent({ type: "visit.reassigned", visitId: "v2", clinicId: "c1", fromUserId: "u1", toUserId: "u2", toName: "T2" });
  const oldT = fakeSocket(patient({ role: "therapist", visitId: "v2", userId: "u1", sessionId: "s1", linkHash: null }));
  const newT = fakeSocket(patient({ role: "therapist", visitId: "v2", userId: "u2", sessionId: "s2", linkHash: null }));
  assert.equal(l.add(oldT.sock), false);
  assert.equal(oldT.closed[0]?.code, "NOT_ASSIGNED");
  assert.equal(l.add(newT.sock), true);
});

test("events close registered sockets; disconnect unregisters; the expiry timer closes at the expiry", async () => {
  const l = live();
  const a = fakeSocket(staff({ sessionId: "x" }));
  const b = fakeSocket(staff({ sessionId: "y", userId: "u9" }));
  l.add(a.sock);
  l.add(b.sock);
  assert.equal(l.size, 2);
  await l.onEvent({ type: "session.ended", sessionId: "x", reason: "revoked" });
  assert.equal(a.disconnected(), true);
  assert.equal(b.disconnected(), false);
  assert.equal(l.size, 1);
  const soon = fakeSocket(patient({ expiresAt: Date.now() + 30 }));
  l.add(soon.sock);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(soon.closed[0]?.code, "JOIN_EXPIRED");
  assert.equal(soon.disconnected(), true);
});
