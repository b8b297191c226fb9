// The audit trail names people and records, attributes failed sign-ins to the account that was tried,
// and filters on the server by person, action and time, inside the admin's own clinic only.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Item = {
  id: string; action: string; at: Date; actorId: string | null;
  who: { kind: string; id: string | null; name: string };
  record: { type: string; id: string; label: string; href: string | null } | null;
  actionText: string;
};

for (const kind of databaseKinds()) {
  describe(`audit trail on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    const as = async (email: string) => {
      const c = new HttpClient(s.url);
      await c.signIn(email, PASSWORD);
      return c;
    };
    const list = async (c: HttpClient, input: Record<string, unknown>) => {
      const r = await c.call("query", "audit.list", input);
      assert.equal(r.ok, true, JSON.stringify(!r.ok && r.error));
      return r.data.items as Item[];
    };

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
    });
    after(async () => {
      await s.close();
    });

    test("rows name the person and the record and link to it", async () => {
      const th = await as(A.therapist.email);
      await th.call("query", "patients.get", { id: A.patient.id });
      const ad = await as(A.admin.email);
      const items = await list(ad, { recordId: A.patient.id, action: "patient.read" });
      const e = items.find((x) => x.actorId === A.therapist.id)!;
      assert.ok(e, "the therapist's read is listed");
      assert.equal(e.who.name, A.therapist.name);
      assert.equal(e.actionText, "Viewed patient record");
      assert.equal(e.record?.label, `Patient ${A.patient.firstName} ${A.patient.lastName}`);
      assert.equal(e.record?.href, `/patients/${A.patient.id}`);
    });

    test("failed sign-ins name the account tried, or the unknown address; never 'system'", async () => {
      const c = new HttpClient(s.url);
      assert.equal((await c.call("mutation", "auth.signIn", { email: A.clinician.email, password: "wrong-password-1" })).ok, false);
      const ad = await as(A.admin.email);
      const fails = await list(ad, { action: "auth.signin.fail" });
      const mine = fails.find((x) => x.who.id === A.clinician.id);
      assert.ok(mine, "the failure is attributed to the clinician's account");
      assert.equal(mine.who.kind, "attempt");
      assert.equal(mine.who.name, A.clinician.name);
      // filtering by the person includes the failed attempts on their account
      const byPerson = await list(ad, { actorId: A.clinician.id });
      assert.ok(byPerson.some((x) => x.action === "auth.signin.fail"));
      assert.ok(byPerson.every((x) => x.actorId === A.clinician.id));
      // an email with no account: stored without a clinic, so no clinic's admin sees it; its label names the address
      assert.equal((await c.call("mutation", "auth.signIn", { email: "nobody@nowhere.test", password: "wrong-password-1" })).ok, false);
      const row = await s.db.auditEvent.findFirst({ where: { action: "auth.signin.fail", actorLabel: "attempt:nobody@nowhere.test" } });
      assert.ok(row);
      assert.equal(row.clinicId, null);
      assert.ok(!(await list(ad, { action: "auth.signin.fail" })).some((x) => x.who.name.includes("nobody@nowhere.test")));
    });

    test("filters by person, action prefix and time on the server, inside the clinic", async () => {
      const th = await as(A.therapist.email);
      await th.call("mutation", "patients.update", { id: A.patient.id, data: { firstName: "Pat", lastName: A.patient.lastName, dateOfBirth: "1980-01-02", notes: "x" } });
      const ad = await as(A.admin.email);
      const byTherapist = await list(ad, { actorId: A.therapist.id, action: "patient." });
      assert.ok(byTherapist.length >= 2);
      assert.ok(byTherapist.every((x) => x.actorId === A.therapist.id && x.action.startsWith("patient.")));
      const future = await list(ad, { from: new Date(Date.now() + 3600_000) });
      assert.equal(future.length, 0);
      const past = await list(ad, { to: new Date(Date.now() - 3600_000) });
      assert.equal(past.length, 0);
      const now = await list(ad, { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000), actorId: A.therapist.id });
      assert.ok(now.length >= 2);
      // another clinic's admin filtering by this therapist sees nothing
      const adB = await as(B.admin.email);
      assert.equal((await list(adB, { actorId: A.therapist.id })).length, 0);
      // the filter lists name only the clinic's own people
      const filters = await adB.call("query", "audit.filters");
      assert.equal(filters.ok, true);
      assert.ok(!(filters.data.people as { id: string }[]).some((p) => p.id === A.therapist.id));
    });

    test("only admins read the trail and its filters; bad filters are refused", async () => {
      for (const email of [A.therapist.email, A.clinician.email]) {
        const c = await as(email);
        const r = await c.call("query", "audit.list", {});
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.data.code, "FORBIDDEN");
        const f = await c.call("query", "audit.filters");
        assert.equal(f.ok, false);
      }
      const ad = await as(A.admin.email);
      const bad = await ad.call("query", "audit.list", { action: "DROP TABLE" });
      assert.equal(bad.ok, false);
      if (!bad.ok) assert.equal(bad.error.data.code, "BAD_REQUEST");
    });
  });
}
