// tRPC over real HTTP against a real database (SQLite, and PostgreSQL when TEST_PG_URL is set):
// access matrix, clinic scoping, CSRF, sessions, join links, audit, and bad input on every procedure.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { resolveJoinToken } from "../../server/services/visits";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const inAnHour = () => new Date(Date.now() + 3600_000);
const validPatient = { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1990-05-17" };

for (const kind of databaseKinds()) {
  describe(`API on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    const client = () => new HttpClient(s.url);
    const as = async (email: string) => {
      const c = client();
      await c.signIn(email, PASSWORD);
      return c;
    };
    const tokenOf = (joinPath: string) => joinPath.split("/").pop()!;

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
    });
    after(async () => {
      await s.close();
    });

    test("signed-out callers get UNAUTHORIZED and me() is null", async () => {
      const c = client();
      assert.equal((await c.call("query", "auth.me")).data, null);
      for (const [kind_, path, input] of [
        ["query", "patients.list", {}],
        ["query", "patients.get", { id: A.patient.id }],
        ["mutation", "patients.create", validPatient],
        ["query", "visits.list", {}],
        ["query", "users.list", undefined],
        ["query", "audit.list", {}],
      ] as const) {
        const r = await c.call(kind_, path, input);
        assert.equal(r.ok, false, path);
        if (!r.ok) assert.equal(r.error.data.code, "UNAUTHORIZED", path);
      }
    });

    test("sign-in sets an httpOnly SameSite=Lax session cookie; sign-out revokes it", async () => {
      const c = client();
      const r = await c.call("mutation", "auth.signIn", { email: A.therapist.email.toUpperCase(), password: PASSWORD });
      assert.equal(r.ok, true);
      const cookie = r.setCookie.find((x) => x.startsWith("pv_session="))!;
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.doesNotMatch(cookie, /Secure/); // plain http on loopback
      const stolen = c.cookie;
      assert.equal((await c.call("query", "auth.me")).data.email, A.therapist.email);
      assert.equal((await c.call("mutation", "auth.signOut")).ok, true);
      const replay = new HttpClient(s.url);
      replay.cookie = stolen;
      assert.equal((await replay.call("query", "auth.me")).data, null);
    });

    test("wrong password is refused, and repeated failures are rate limited per account", async () => {
      const extra = await seedClinic(s.db);
      const c = client();
      for (let i = 0; i < 5; i++) {
        const r = await c.call("mutation", "auth.signIn", { email: extra.therapist.email, password: "wrong-password-1" });
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.data.code, "UNAUTHORIZED");
      }
      const blocked = await c.call("mutation", "auth.signIn", { email: extra.therapist.email, password: PASSWORD });
      assert.equal(blocked.ok, false);
      if (!blocked.ok) {
        assert.equal(blocked.error.data.code, "TOO_MANY_REQUESTS");
        assert.equal(blocked.status, 429);
      }
      const fails = await s.db.auditEvent.count({ where: { action: "auth.signin.fail", clinicId: extra.clinic.id } });
      assert.equal(fails, 5);
    });

    test("a therapist of clinic A can neither read nor change clinic B's records", async () => {
      const a = await as(A.therapist.email);
      const list = await a.call("query", "patients.list", { search: "" });
      assert.ok(list.data.items.every((p: { clinicId: string }) => p.clinicId === A.clinic.id));
      assert.ok(!list.data.items.some((p: { id: string }) => p.id === B.patient.id));
      const reads = [
        await a.call("query", "patients.get", { id: B.patient.id }),
        await a.call("mutation", "patients.update", { id: B.patient.id, data: validPatient }),
        await a.call("mutation", "visits.schedule", { patientId: B.patient.id, scheduledAt: inAnHour() }),
      ];
      for (const r of reads) {
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.data.code, "NOT_FOUND");
      }
      const bAdmin = await as(B.therapist.email);
      const bVisit = await bAdmin.call("mutation", "visits.schedule", { patientId: B.patient.id, scheduledAt: inAnHour() });
      assert.equal(bVisit.ok, true);
      for (const path of ["visits.get", "visits.cancel", "visits.rotateLink", "visits.revokeLink"]) {
        const r = await a.call(path === "visits.get" ? "query" : "mutation", path, { visitId: bVisit.data.visit.id });
        assert.equal(r.ok, false, path);
        if (!r.ok) assert.equal(r.error.data.code, "NOT_FOUND", path);
      }
      const aList = await a.call("query", "visits.list", {});
      assert.ok(!aList.data.some((v: { id: string }) => v.id === bVisit.data.visit.id));
      const unchanged = await s.db.patient.findUniqueOrThrow({ where: { id: B.patient.id } });
      assert.equal(unchanged.firstName, B.patient.firstName);
      const bv = await s.db.visit.findUniqueOrThrow({ where: { id: bVisit.data.visit.id } });
      assert.equal(bv.status, "SCHEDULED");
      assert.equal(bv.joinRevokedAt, null);
    });

    test("clinicians are read-only; only admins manage users and read the audit trail", async () => {
      const cl = await as(A.clinician.email);
      assert.equal((await cl.call("query", "patients.get", { id: A.patient.id })).ok, true);
      const before = await s.db.patient.count();
      for (const [path, input] of [
        ["patients.create", validPatient],
        ["patients.update", { id: A.patient.id, data: validPatient }],
        ["visits.schedule", { patientId: A.patient.id, scheduledAt: inAnHour() }],
      ] as const) {
        const r = await cl.call("mutation", path, input);
        assert.equal(r.ok, false, path);
        if (!r.ok) assert.equal(r.error.data.code, "FORBIDDEN", path);
      }
      assert.equal(await s.db.patient.count(), before);
      const th = await as(A.therapist.email);
      for (const [k, path, input] of [
        ["query", "users.list", undefined],
        ["query", "audit.list", {}],
        ["mutation", "users.create", { name: "X", email: "x@y.test", role: "ADMIN", password: "abcdefgh12" }],
        ["mutation", "users.setDisabled", { userId: A.clinician.id, disabled: true }],
      ] as const) {
        const r = await th.call(k, path, input);
        assert.equal(r.ok, false, path);
        if (!r.ok) assert.equal(r.error.data.code, "FORBIDDEN", path);
      }
      const ad = await as(A.admin.email);
      assert.equal((await ad.call("query", "users.list")).data.length, 3);
    });

    test("cross-origin mutations are refused and change nothing", async () => {
      const th = await as(A.therapist.email);
      const before = await s.db.patient.count();
      const evil = await th.call("mutation", "patients.create", validPatient, { origin: "https://evil.example" });
      assert.equal(evil.ok, false);
      if (!evil.ok) assert.equal(evil.error.data.code, "FORBIDDEN");
      const site = await th.call("mutation", "patients.create", validPatient, { "sec-fetch-site": "cross-site" });
      assert.equal(site.ok, false);
      assert.equal(await s.db.patient.count(), before);
      const same = await th.call("mutation", "patients.create", validPatient, { origin: s.url, "sec-fetch-site": "same-origin" });
      assert.equal(same.ok, true);
    });

    test("patient links: unguessable, stored only as a hash, expiring, rotatable, revocable", async () => {
      const th = await as(A.therapist.email);
      const r = await th.call("mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: inAnHour(), durationMin: 30 });
      assert.equal(r.ok, true);
      const token = tokenOf(r.data.joinPath);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/); // 256 random bits
      const row = await s.db.visit.findUniqueOrThrow({ where: { id: r.data.visit.id } });
      assert.notEqual(row.joinTokenHash, token);
      assert.ok(!JSON.stringify(row).includes(token));
      const secret = s.env.SESSION_SECRET;
      assert.equal((await resolveJoinToken(s.db, secret, token)).ok, true);
      assert.equal((await resolveJoinToken(s.db, secret, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).ok, false);

      const rotated = await th.call("mutation", "visits.rotateLink", { visitId: r.data.visit.id });
      const token2 = tokenOf(rotated.data.joinPath);
      assert.deepEqual(await resolveJoinToken(s.db, secret, token), { ok: false, reason: "UNKNOWN" });
      assert.equal((await resolveJoinToken(s.db, secret, token2)).ok, true);

      await th.call("mutation", "visits.revokeLink", { visitId: r.data.visit.id });
      assert.equal((await resolveJoinToken(s.db, secret, token2) as { reason?: string }).reason, "REVOKED");

      const token3 = tokenOf((await th.call("mutation", "visits.rotateLink", { visitId: r.data.visit.id })).data.joinPath);
      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { joinExpiresAt: new Date(Date.now() - 1000) } });
      assert.equal((await resolveJoinToken(s.db, secret, token3) as { reason?: string }).reason, "EXPIRED");

      await s.db.visit.update({ where: { id: r.data.visit.id }, data: { joinExpiresAt: inAnHour() } });
      assert.equal((await th.call("mutation", "visits.cancel", { visitId: r.data.visit.id })).ok, true);
      assert.equal((await resolveJoinToken(s.db, secret, token3) as { reason?: string }).reason, "CANCELLED");
      const again = await th.call("mutation", "visits.rotateLink", { visitId: r.data.visit.id });
      assert.equal(again.ok, false);
    });

    test("reading and changing a patient writes audit events that only the clinic's admin sees", async () => {
      const th = await as(A.therapist.email);
      await th.call("query", "patients.get", { id: A.patient.id });
      await th.call("mutation", "patients.update", { id: A.patient.id, data: { ...validPatient, notes: "flexion-based pain" } });
      const adA = await as(A.admin.email);
      const events = (await adA.call("query", "audit.list", { recordId: A.patient.id })).data.items as { action: string; actorLabel: string; ip: string }[];
      assert.ok(events.some((e) => e.action === "patient.read" && e.actorLabel === `user:${A.therapist.email}` && e.ip));
      assert.ok(events.some((e) => e.action === "patient.update"));
      const adB = await as(B.admin.email);
      assert.equal((await adB.call("query", "audit.list", { recordId: A.patient.id })).data.items.length, 0);
    });

    test("disabling a user ends their sessions; expired sessions are refused", async () => {
      const extra = await seedClinic(s.db);
      const th = await as(extra.therapist.email);
      const ad = await as(extra.admin.email);
      const self = await ad.call("mutation", "users.setDisabled", { userId: extra.admin.id, disabled: true });
      assert.equal(self.ok, false);
      assert.equal((await ad.call("mutation", "users.setDisabled", { userId: extra.therapist.id, disabled: true })).ok, true);
      assert.equal((await th.call("query", "patients.list", {})).ok, false);
      const again = await client().call("mutation", "auth.signIn", { email: extra.therapist.email, password: PASSWORD });
      assert.equal(again.ok, false);
      const cl = await as(extra.clinician.email);
      await s.db.session.updateMany({ where: { userId: extra.clinician.id }, data: { expiresAt: new Date(Date.now() - 1) } });
      const r = await cl.call("query", "patients.list", {});
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.data.code, "UNAUTHORIZED");
    });

    test("changing the password signs out the other sessions", async () => {
      const extra = await seedClinic(s.db);
      const one = await as(extra.therapist.email);
      const two = await as(extra.therapist.email);
      const wrong = await one.call("mutation", "auth.changePassword", { currentPassword: "nope-nope-1", newPassword: "a-new-password-9" });
      assert.equal(wrong.ok, false);
      if (!wrong.ok) assert.equal(wrong.error.data.code, "BAD_REQUEST");
      const ok = await one.call("mutation", "auth.changePassword", { currentPassword: PASSWORD, newPassword: "a-new-password-9" });
      assert.equal(ok.ok, true);
      assert.equal((await one.call("query", "auth.me")).data.email, extra.therapist.email);
      assert.equal((await two.call("query", "auth.me")).data, null);
      await client().signIn(extra.therapist.email, "a-new-password-9");
    });

    test("admins create staff accounts; duplicate emails conflict without a second row", async () => {
      const ad = await as(A.admin.email);
      const email = `new-${Date.now()}@test.posevisit`;
      const r = await ad.call("mutation", "users.create", { name: "New Therapist", email, role: "THERAPIST", password: "temporary-pw-1" });
      assert.equal(r.ok, true);
      const dup = await ad.call("mutation", "users.create", { name: "Dup", email: email.toUpperCase(), role: "CLINICIAN", password: "temporary-pw-1" });
      assert.equal(dup.ok, false);
      if (!dup.ok) assert.equal(dup.error.data.code, "CONFLICT");
      assert.equal(await s.db.user.count({ where: { email } }), 1);
      const newcomer = client();
      await newcomer.signIn(email, "temporary-pw-1");
      const me = await newcomer.call("query", "auth.me");
      assert.equal(me.data.mustChangePassword, true);
      assert.equal(me.data.clinicId, A.clinic.id);
    });

    test("duplicate record numbers conflict and nothing is half-written", async () => {
      const th = await as(A.therapist.email);
      const recordNumber = `DUP-${Date.now()}`;
      assert.equal((await th.call("mutation", "patients.create", { ...validPatient, recordNumber })).ok, true);
      const before = await s.db.patient.count();
      const r = await th.call("mutation", "patients.create", { ...validPatient, recordNumber });
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.data.code, "CONFLICT");
      assert.equal(await s.db.patient.count(), before);
      // the same record number in another clinic is fine
      const bth = await as(B.therapist.email);
      assert.equal((await bth.call("mutation", "patients.create", { ...validPatient, recordNumber })).ok, true);
    });

    test("bad input on every procedure gets a clear 400 with field errors, never a 500, and writes nothing", async () => {
      const ad = await as(A.admin.email);
      const th = await as(A.therapist.email);
      const counts = async () => [await s.db.patient.count(), await s.db.visit.count(), await s.db.user.count()].join(",");
      const before = await counts();
      const long = "x".repeat(10_000);
      const cases: [HttpClient, "query" | "mutation", string, unknown, string?][] = [
        [client(), "mutation", "auth.signIn", { email: "", password: "" }, "email"],
        [client(), "mutation", "auth.signIn", "not-an-object"],
        [th, "mutation", "auth.changePassword", { currentPassword: PASSWORD, newPassword: "short" }, "newPassword"],
        [th, "mutation", "auth.revokeSession", { sessionId: "../../etc" }, "sessionId"],
        [th, "query", "patients.list", { search: long }, "search"],
        [th, "query", "patients.list", { limit: 10_000 }, "limit"],
        [th, "query", "patients.get", { id: "" }, "id"],
        [th, "query", "patients.get", { id: "'; DROP TABLE Patient;--" }, "id"],
        [th, "mutation", "patients.create", { ...validPatient, firstName: " " }, "firstName"],
        [th, "mutation", "patients.create", { ...validPatient, dateOfBirth: "2020-02-30" }, "dateOfBirth"],
        [th, "mutation", "patients.create", { ...validPatient, dateOfBirth: "2999-01-01" }, "dateOfBirth"],
        [th, "mutation", "patients.create", { ...validPatient, email: "not-an-email" }, "email"],
        [th, "mutation", "patients.create", { ...validPatient, phone: "call me maybe" }, "phone"],
        [th, "mutation", "patients.create", { ...validPatient, notes: long }, "notes"],
        [th, "mutation", "patients.create", null],
        [th, "mutation", "patients.update", { id: A.patient.id, data: { ...validPatient, lastName: "" } }, "data.lastName"],
        [th, "query", "visits.list", { status: "PARTY" }, "status"],
        [th, "query", "visits.get", { visitId: 42 }, "visitId"],
        [th, "mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: "yesterday-ish" }, "scheduledAt"],
        [th, "mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: new Date(Date.now() - 86400_000 * 3) }, "scheduledAt"],
        [th, "mutation", "visits.schedule", { patientId: A.patient.id, scheduledAt: inAnHour(), durationMin: 5000 }, "durationMin"],
        [th, "mutation", "visits.cancel", {}, "visitId"],
        [th, "mutation", "visits.rotateLink", { visitId: null }, "visitId"],
        [th, "mutation", "visits.revokeLink", [], undefined],
        [ad, "mutation", "users.create", { name: "N", email: "bad", role: "ADMIN", password: "abcdefgh12" }, "email"],
        [ad, "mutation", "users.create", { name: "N", email: "n@x.test", role: "ROOT", password: "abcdefgh12" }, "role"],
        [ad, "mutation", "users.create", { name: "N", email: "n@x.test", role: "ADMIN", password: "aaaaaaaaaaaa" }, "password"],
        [ad, "mutation", "users.setDisabled", { userId: A.therapist.id, disabled: "yes" }, "disabled"],
        [ad, "query", "audit.list", { limit: -1 }, "limit"],
      ];
      for (const [c, k, path, input, field] of cases) {
        const r = await c.call(k, path, input);
        assert.equal(r.ok, false, `${path} ${JSON.stringify(input)?.slice(0, 60)}`);
        if (r.ok) continue;
        assert.equal(r.status, 400, `${path}: status ${r.status}`);
        assert.equal(r.error.data.code, "BAD_REQUEST", path);
        if (field) {
          const fe = (r.error.data.zodError as { fieldErrors: Record<string, string[]> }).fieldErrors;
          assert.ok(fe[field]?.[0], `${path}: expected an error on ${field}, got ${JSON.stringify(fe)}`);
        }
      }
      // unknown but well-formed ids are a 404, not a 500
      const nf = await th.call("query", "patients.get", { id: "doesnotexist123" });
      assert.equal(nf.ok, false);
      if (!nf.ok) assert.equal(nf.status, 404);
      // malformed JSON body
      const raw = await fetch(`${s.url}/api/trpc/patients.create`, { method: "POST", headers: { "content-type": "application/json", cookie: th.cookie }, body: "{nope" });
      assert.ok(raw.status >= 400 && raw.status < 500, `malformed JSON gave ${raw.status}`);
      assert.equal(await counts(), before);
    });
  });
}
