// The shared parts of the course of care, on the real database: patient links (issue, check, expiry, revocation,
// replacement, single use), email (a real SMTP server on loopback; the development outbox; exactly-once sends;
// retries after a temporary failure) and the alert engine's store (idempotent appends, upsert by key, reopen on
// new evidence after resolve, superseded when a late event moves a run, live publication).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { redFlagEvent } from "../../app/_shared/care/alerts";
import { appendCareEvents, setAlertStatus } from "../../server/services/alerts";
import { eventBus, type ServiceEvent } from "../../server/services/events";
import { listOutbox, retryFailedMail, sendMail } from "../../server/services/mail";
import { checkLink, completeLink, issueLink, requireLink, revokeLink } from "../../server/services/patient-links";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { seedClinic, type SeededClinic } from "../support/seed";
import { startTestServer } from "../support/server";
import { startSmtp, type TestSmtp } from "../support/smtp";

type Server = Awaited<ReturnType<typeof startTestServer>>;

for (const kind of databaseKinds()) {
  describe(`course-of-care foundation on ${kind}`, () => {
    let s: Server;
    let smtp: TestSmtp;
    let A: SeededClinic;
    let episodeId: string;

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind), SMTP_URL: smtp.url, MAIL_FROM: "Clinic <clinic@test.posevisit>" }) });
      A = await seedClinic(s.db);
      const e = await s.db.episode.create({ data: { clinicId: A.clinic.id, patientId: A.patient.id, therapistId: A.therapist.id, startDate: "2026-11-02" } });
      episodeId = e.id;
    });
    after(async () => {
      await s?.close();
      await smtp?.stop();
    });

    test("a link works for its purpose only, until it expires, is revoked, replaced, or its form is sent", async () => {
      const now = new Date();
      const a = await issueLink(s.db, s.env, { clinicId: A.clinic.id, episodeId, purpose: "INTAKE" }, now);
      assert.match(a.path, /^\/intake\/[A-Za-z0-9_-]{43}$/);
      const stored = await s.db.patientLink.findUniqueOrThrow({ where: { id: a.link.id } });
      assert.notEqual(stored.tokenHash, a.token, "only a hash of the token is stored");
      assert.equal((await checkLink(s.db, s.env, a.token, "INTAKE")).ok, true);
      assert.deepEqual(await checkLink(s.db, s.env, a.token, "HOME"), { ok: false, problem: "wrong-purpose" });
      assert.deepEqual(await checkLink(s.db, s.env, a.token.slice(0, -1) + (a.token.endsWith("A") ? "B" : "A"), "INTAKE"), { ok: false, problem: "unknown" });
      // expiry: 14 days by default
      const later = new Date(now.getTime() + 15 * 86_400_000);
      assert.deepEqual(await checkLink(s.db, s.env, a.token, "INTAKE", { now: later }), { ok: false, problem: "expired" });
      // a new intake link replaces the old one
      const b = await issueLink(s.db, s.env, { clinicId: A.clinic.id, episodeId, purpose: "INTAKE" });
      assert.equal(b.replaced, 1);
      assert.deepEqual(await checkLink(s.db, s.env, a.token, "INTAKE"), { ok: false, problem: "revoked" });
      await assert.rejects(requireLink(s.db, s.env, a.token, "INTAKE"), /no longer active/);
      // single use: once completed, a second submission is refused
      assert.equal(await completeLink(s.db, b.link.id), true);
      assert.equal(await completeLink(s.db, b.link.id), false, "two tabs submitting at once: only one completes");
      assert.deepEqual(await checkLink(s.db, s.env, b.token, "INTAKE"), { ok: false, problem: "completed" });
      assert.equal((await checkLink(s.db, s.env, b.token, "INTAKE", { allowCompleted: true })).ok, true);
      // revocation is clinic-scoped
      const h = await issueLink(s.db, s.env, { clinicId: A.clinic.id, episodeId, purpose: "HOME" });
      const other = await seedClinic(s.db);
      assert.equal(await revokeLink(s.db, other.clinic.id, h.link.id), false, "another clinic cannot revoke it");
      assert.equal((await checkLink(s.db, s.env, h.token, "HOME")).ok, true);
      assert.equal(await revokeLink(s.db, A.clinic.id, h.link.id), true);
      assert.deepEqual(await checkLink(s.db, s.env, h.token, "HOME"), { ok: false, problem: "revoked" });
    });

    test("email goes through the SMTP server, its body is not kept after sending, and a dedupe key sends once", async () => {
      const r = await sendMail(s.db, s.env, { clinicId: A.clinic.id, to: "pat@example.org", subject: "Your intake form", text: "Open https://x/intake/abc", purpose: "intake-link" });
      assert.equal(r.status, "SENT");
      const m = await smtp.waitFor((x) => x.subject === "Your intake form");
      assert.deepEqual(m.to, ["pat@example.org"]);
      assert.match(m.text, /intake\/abc/);
      assert.match(m.from, /clinic@test\.posevisit/);
      const row = await s.db.outboxEmail.findUniqueOrThrow({ where: { id: r.id } });
      assert.equal(row.status, "SENT");
      assert.doesNotMatch(row.text, /intake\/abc/, "the link is not kept once sent");
      const [x, y] = await Promise.all([0, 1].map(() => sendMail(s.db, s.env, { clinicId: A.clinic.id, to: "pat@example.org", subject: "Reminder once", text: "Practise today", purpose: "reminder", dedupeKey: `reminder:${episodeId}:2026-11-03T18:00` })));
      assert.equal([x!, y!].filter((q) => !q.duplicate).length, 1);
      await new Promise((res) => setTimeout(res, 300));
      assert.equal(smtp.messages.filter((q) => q.subject === "Reminder once").length, 1);
      await assert.rejects(sendMail(s.db, s.env, { clinicId: A.clinic.id, to: "not an address", subject: "x", text: "y", purpose: "alert" }), /email address is not valid/);
    });

    test("a temporary SMTP failure is kept as FAILED and sent by the retry", async () => {
      smtp.failNext(1);
      const r = await sendMail(s.db, s.env, { clinicId: A.clinic.id, to: "t@example.org", subject: "Retry me", text: "x", purpose: "alert" });
      assert.equal(r.status, "FAILED");
      assert.match(r.error ?? "", /451|Temporary/);
      assert.equal(await retryFailedMail(s.db, s.env, { now: new Date(Date.now() + 61_000) }), 1);
      await smtp.waitFor((x) => x.subject === "Retry me");
      assert.equal((await s.db.outboxEmail.findUniqueOrThrow({ where: { id: r.id } })).status, "SENT");
    });

    test("without SMTP the message waits in the outbox, readable by the clinic only", async () => {
      const dev = { ...s.env, SMTP_URL: undefined };
      const r = await sendMail(s.db, dev, { clinicId: A.clinic.id, to: "dev@example.org", subject: "Dev outbox", text: "Open /home/xyz", purpose: "home-link" });
      assert.equal(r.status, "OUTBOX");
      const box = await listOutbox(s.db, A.clinic.id);
      assert.equal(box.find((m) => m.id === r.id)?.text, "Open /home/xyz");
      assert.equal((await listOutbox(s.db, (await seedClinic(s.db)).clinic.id)).length, 0);
    });

    test("alerts: idempotent appends, upsert by key, acknowledge/resolve, reopen on new evidence, superseded, published live", async () => {
      const seen: ServiceEvent[] = [];
      const off = eventBus.get().subscribe((e) => void seen.push(e));
      try {
        const t0 = Date.parse("2026-11-02T09:00:00Z");
        const at = (h: number) => new Date(t0 + h * 3_600_000).toISOString();
        const screening = redFlagEvent("intake:1", at(0), { version: 1, tier: "EMERGENCY", triggered: [{ rule: "bladder@1", tier: "EMERGENCY", reason: "Bladder change" }] });
        const first = await appendCareEvents(s.db, episodeId, [screening, { id: "pain:1", at: at(1), type: "pain.reported", value: 8, source: "INTAKE" }]);
        assert.equal(first.appended, 2);
        assert.deepEqual(first.changed.map((c) => [c.severity, c.change]).sort(), [["EMERGENCY", "opened"], ["URGENT", "opened"]]);
        const again = await appendCareEvents(s.db, episodeId, [screening]);
        assert.deepEqual([again.appended, again.duplicates, again.changed.length], [0, 1, 0], "a retried event counts once");
        assert.equal(await s.db.alert.count({ where: { episodeId } }), 2);
        const live = seen.filter((e) => e.type === "alerts.changed");
        assert.equal(live.length, 1);
        assert.equal(live[0]!.type === "alerts.changed" && live[0]!.clinicId, A.clinic.id);

        // bad input: refused whole, nothing stored
        await assert.rejects(appendCareEvents(s.db, episodeId, [{ id: "pain:2", at: at(2), type: "pain.reported", value: 3, source: "INTAKE" }, { id: "x", type: "pain.reported", value: 99 }]), /Care events refused/);
        assert.equal(await s.db.careEvent.count({ where: { episodeId } }), 2);

        const pain = await s.db.alert.findFirstOrThrow({ where: { episodeId, severity: "URGENT" } });
        const actor = { kind: "user" as const, id: A.therapist.id, email: A.therapist.email, clinicId: A.clinic.id };
        await assert.rejects(setAlertStatus(s.db, { ...actor, clinicId: "other" }, pain.id, "ACKNOWLEDGED"), /not found/);
        await setAlertStatus(s.db, actor, pain.id, "ACKNOWLEDGED");
        await assert.rejects(setAlertStatus(s.db, actor, pain.id, "RESOLVED", "  "), /Say how/);
        await setAlertStatus(s.db, actor, pain.id, "RESOLVED", "Phoned the patient; pain settling");
        assert.equal(await s.db.auditEvent.count({ where: { recordType: "Alert", recordId: pain.id } }), 2);
        // the same run gains evidence after it was resolved: reopened
        const more = await appendCareEvents(s.db, episodeId, [{ id: "pain:3", at: at(3), type: "pain.reported", value: 9, source: "VISIT" }]);
        assert.ok(more.changed.some((c) => c.id === pain.id && c.change === "reopened"));
        const reopened = await s.db.alert.findUniqueOrThrow({ where: { id: pain.id } });
        assert.equal(reopened.status, "OPEN");
        assert.ok(reopened.newEvidenceAt);
        // a late report of pain 8 before the run's start moves the run's start: the old key is superseded, kept
        const late = await appendCareEvents(s.db, episodeId, [{ id: "pain:0", at: at(0.5), type: "pain.reported", value: 8, source: "INTAKE" }]);
        assert.ok(late.changed.some((c) => c.id === pain.id && c.change === "superseded"), JSON.stringify(late.changed));
        assert.equal((await s.db.alert.findUniqueOrThrow({ where: { id: pain.id } })).status, "SUPERSEDED");
        assert.equal(await s.db.alert.count({ where: { episodeId, status: "OPEN", severity: "URGENT" } }), 1);
      } finally {
        off();
      }
    });
  });
}
