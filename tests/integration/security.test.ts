// Security findings of issue 16 in HTTP / tRPC / auth, each against the real server and database
// (SQLite, and PostgreSQL when TEST_PG_URL is set): sign-in limit races and batches (#3), forced
// password change on the API and the sockets (#5), no cross-clinic email signal (#6), same-origin
// check without PUBLIC_ORIGIN and revoking someone else's session (#9).
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import superjson from "superjson";
import { PROTOCOL_VERSION, SOCKET_PATH } from "../../app/_shared/protocol";
import { MAX_BATCH_CALLS } from "../../server/http/api";
import { databaseKinds, freshDatabaseUrl } from "../support/databases";
import { testEnv } from "../support/env";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";
import { HttpClient, startTestServer } from "../support/server";
import { io as ioc } from "socket.io-client";
import { newInstance, newVisit } from "./realtime-support";

type Server = Awaited<ReturnType<typeof startTestServer>>;
type BatchItem = { ok: true; data: unknown } | { ok: false; code: string; message: string };

/** One HTTP request carrying several tRPC calls (what httpBatchLink sends). */
async function batch(base: string, kind: "query" | "mutation", calls: { path: string; input?: unknown }[], headers: Record<string, string> = {}) {
  const paths = calls.map((c) => c.path).join(",");
  const inputs = Object.fromEntries(calls.map((c, i) => [String(i), c.input === undefined ? undefined : superjson.serialize(c.input)]));
  const url = `${base}/api/trpc/${paths}?batch=1${kind === "query" ? `&input=${encodeURIComponent(JSON.stringify(inputs))}` : ""}`;
  const res = await fetch(url, {
    method: kind === "query" ? "GET" : "POST",
    headers: { "content-type": "application/json", ...headers },
    body: kind === "mutation" ? JSON.stringify(inputs) : undefined,
  });
  const body = (await res.json()) as unknown;
  const items: BatchItem[] = Array.isArray(body)
    ? body.map((b: { result?: { data: unknown }; error?: { json: { message: string; data: { code: string } } } }) =>
        b.error ? { ok: false, code: b.error.json.data.code, message: b.error.json.message } : { ok: true, data: b.result?.data },
      )
    : [];
  return { status: res.status, body, items };
}

/** A tRPC mutation over node:http, which (unlike fetch) sends the Host header it is given. */
function rawMutation(base: string, path: string, input: unknown, headers: Record<string, string>): Promise<{ status: number; code: string | null }> {
  const body = JSON.stringify(superjson.serialize(input));
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        const j = JSON.parse(text) as { error?: { json: { data: { code: string } } } };
        resolve({ status: res.statusCode ?? 0, code: j.error?.json.data.code ?? null });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The handshake error code of a socket connection (null when it connected). */
function socketRefusal(s: Server, auth: Record<string, unknown>, headers: Record<string, string>): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = ioc(s.url, { path: SOCKET_PATH, transports: ["websocket"], auth: { v: PROTOCOL_VERSION, ...auth }, extraHeaders: headers, reconnection: false });
    socket.on("connect", () => {
      socket.close();
      resolve(null);
    });
    socket.on("connect_error", (e) => {
      socket.close();
      resolve((e as Error & { data?: { code?: string } }).data?.code ?? e.message);
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`security (issue 16) on ${kind}`, () => {
    let s: Server;
    let A: SeededClinic, B: SeededClinic;
    const client = () => new HttpClient(s.url);
    const as = async (email: string, password = PASSWORD) => {
      const c = client();
      await c.signIn(email, password);
      return c;
    };

    before(async () => {
      s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind) }) });
      A = await seedClinic(s.db);
      B = await seedClinic(s.db);
    });
    after(async () => {
      await s.close();
    });

    // ---- #3 sign-in limits -------------------------------------------------------------------

    test("#3: 10 parallel wrong passwords on a fresh account: only 5 are checked, the rest are refused before", async () => {
      const fresh = await seedClinic(s.db);
      const rs = await Promise.all(
        Array.from({ length: 10 }, () => client().call("mutation", "auth.signIn", { email: fresh.therapist.email, password: "wrong-password-1" })),
      );
      const codes = rs.map((r) => (r.ok ? "OK" : r.error.data.code)).sort();
      assert.deepEqual(codes, [...Array(5).fill("TOO_MANY_REQUESTS"), ...Array(5).fill("UNAUTHORIZED")]);
      // Only the 5 checked attempts reached the password check (each writes one failure event).
      assert.equal(await s.db.auditEvent.count({ where: { action: "auth.signin.fail", clinicId: fresh.clinic.id } }), 5);
      // and the right password is now refused too, until the window ends
      const right = await client().call("mutation", "auth.signIn", { email: fresh.therapist.email, password: PASSWORD });
      assert.equal(right.ok, false);
      if (!right.ok) assert.equal(right.status, 429);
    });

    test("#3: a successful sign-in clears the account's failures", async () => {
      const fresh = await seedClinic(s.db);
      for (let i = 0; i < 4; i++) await client().call("mutation", "auth.signIn", { email: fresh.admin.email, password: "wrong-password-1" });
      await as(fresh.admin.email);
      for (let i = 0; i < 4; i++) {
        const r = await client().call("mutation", "auth.signIn", { email: fresh.admin.email, password: "wrong-password-1" });
        assert.equal(r.ok ? "OK" : r.error.data.code, "UNAUTHORIZED");
      }
      await as(fresh.admin.email);
    });

    test("#3: each sign-in inside a batch counts: 10 wrong passwords in one batch, 5 checked", async () => {
      const fresh = await seedClinic(s.db);
      const calls = Array.from({ length: 10 }, () => ({ path: "auth.signIn", input: { email: fresh.clinician.email, password: "wrong-password-1" } }));
      const r = await batch(s.url, "mutation", calls);
      assert.equal(r.items.length, 10);
      const codes = r.items.map((i) => (i.ok ? "OK" : i.code)).sort();
      assert.deepEqual(codes, [...Array(5).fill("TOO_MANY_REQUESTS"), ...Array(5).fill("UNAUTHORIZED")]);
      assert.equal(await s.db.auditEvent.count({ where: { action: "auth.signin.fail", clinicId: fresh.clinic.id } }), 5);
    });

    test(`#3: a batch of more than ${MAX_BATCH_CALLS} calls is refused with a 400 before any call runs`, async () => {
      const fresh = await seedClinic(s.db);
      const signIns = (n: number) => Array.from({ length: n }, () => ({ path: "auth.signIn", input: { email: fresh.therapist.email, password: "wrong-password-1" } }));
      for (const n of [MAX_BATCH_CALLS + 1, 1000]) {
        const r = await batch(s.url, "mutation", signIns(n));
        assert.equal(r.status, 400, `batch of ${n}`);
        assert.match(JSON.stringify(r.body), /Batch call exceeds maximum size/);
      }
      const th = await as(A.therapist.email);
      const reads = await batch(s.url, "query", Array.from({ length: 1000 }, () => ({ path: "auth.me" })), { cookie: th.cookie });
      assert.equal(reads.status, 400);
      assert.equal(await s.db.auditEvent.count({ where: { action: "auth.signin.fail", clinicId: fresh.clinic.id } }), 0);
      // the limit itself is a full batch
      const ok = await batch(s.url, "query", Array.from({ length: MAX_BATCH_CALLS }, () => ({ path: "auth.me" })), { cookie: th.cookie });
      assert.equal(ok.status, 200);
      assert.equal(ok.items.filter((i) => i.ok).length, MAX_BATCH_CALLS);
    });

    // ---- #5 mustChangePassword on the server ------------------------------------------------

    test("#5: with a temporary password only the account procedures answer; everything else is PASSWORD_CHANGE_REQUIRED", async () => {
      const fresh = await seedClinic(s.db);
      await s.db.user.update({ where: { id: fresh.therapist.id }, data: { mustChangePassword: true } });
      const th = await as(fresh.therapist.email);
      const other = await as(fresh.therapist.email); // a second session, to revoke
      const refused: ["query" | "mutation", string, unknown][] = [
        ["query", "patients.list", {}],
        ["query", "patients.get", { id: fresh.patient.id }],
        ["mutation", "patients.create", { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1990-05-17" }],
        ["query", "visits.list", {}],
        ["mutation", "visits.schedule", { patientId: fresh.patient.id, scheduledAt: new Date(Date.now() + 3600_000) }],
        ["query", "users.therapists", undefined],
        ["query", "trials.forPatient", { patientId: fresh.patient.id }],
      ];
      const patientsBefore = await s.db.patient.count();
      for (const [k, path, input] of refused) {
        const r = await th.call(k, path, input);
        assert.equal(r.ok, false, path);
        if (r.ok) continue;
        assert.equal(r.status, 403, path);
        assert.equal(r.error.data.code, "FORBIDDEN", path);
        assert.equal((r.error.data as { reason?: string }).reason, "PASSWORD_CHANGE_REQUIRED", path);
      }
      assert.equal(await s.db.patient.count(), patientsBefore);
      // what it takes to choose a password still works
      assert.equal((await th.call("query", "auth.me")).data.mustChangePassword, true);
      const sessions = await th.call("query", "auth.sessions");
      assert.equal(sessions.ok, true);
      const otherId = (sessions.data as { id: string; current: boolean }[]).find((x) => !x.current)!.id;
      assert.equal((await th.call("mutation", "auth.revokeSession", { sessionId: otherId })).ok, true);
      assert.equal((await other.call("query", "auth.me")).data, null);
      assert.equal((await th.call("mutation", "auth.changePassword", { currentPassword: PASSWORD, newPassword: "my-own-password-7" })).ok, true);
      // and afterwards the API answers normally, in the same session
      assert.equal((await th.call("query", "auth.me")).data.mustChangePassword, false);
      assert.equal((await th.call("query", "patients.list", {})).ok, true);
    });

    test("#5: with a temporary password sign-out works and the staff and visit sockets are refused", async () => {
      const fresh = await seedClinic(s.db);
      await s.db.user.update({ where: { id: fresh.admin.id }, data: { mustChangePassword: true } });
      const ad = await as(fresh.admin.email);
      const headers = { cookie: ad.cookie, origin: s.url };
      assert.equal(await socketRefusal(s, { role: "staff" }, headers), "FORBIDDEN");
      const visit = await newVisit(s, fresh);
      assert.equal(await socketRefusal(s, { role: "therapist", visitId: visit.visitId, instanceId: newInstance() }, headers), "FORBIDDEN");
      // the same admin with their own password connects
      await s.db.user.update({ where: { id: fresh.admin.id }, data: { mustChangePassword: false } });
      assert.equal(await socketRefusal(s, { role: "staff" }, headers), null);
      await s.db.user.update({ where: { id: fresh.admin.id }, data: { mustChangePassword: true } });
      assert.equal((await ad.call("mutation", "auth.signOut")).ok, true);
      assert.equal((await ad.call("query", "auth.me")).data, null);
    });

    // ---- #6 no cross-clinic email signal ----------------------------------------------------

    test("#6: an admin cannot tell an email used in another clinic from a free one; nothing is half-written", async () => {
      const adA = await as(A.admin.email);
      const free = `free-${Date.now()}@test.posevisit`;
      const create = (email: string) =>
        adA.call("mutation", "users.create", { name: "New Colleague", email, role: "THERAPIST", password: "temporary-pw-1" });
      const strip = (r: Awaited<ReturnType<typeof create>>) => {
        assert.equal(r.ok, true, JSON.stringify(!r.ok && r.error));
        const { id: _id, createdAt: _c, email: _e, ...rest } = r.data as Record<string, unknown>;
        return { status: r.status, ...rest };
      };
      const usersBefore = await s.db.user.count();
      const onFree = await create(free);
      const onB = await create(B.therapist.email.toUpperCase());
      assert.deepEqual(strip(onB), strip(onFree));
      assert.equal((onB.data as { email: string }).email, B.therapist.email);
      assert.equal(await s.db.user.count(), usersBefore + 2);
      // clinic B's account is untouched and still signs in with its own password, into clinic B
      const bRow = await s.db.user.findFirstOrThrow({ where: { id: B.therapist.id } });
      assert.equal(bRow.passwordHash, B.therapist.passwordHash);
      assert.equal(bRow.clinicId, B.clinic.id);
      const bMe = (await as(B.therapist.email)).call("query", "auth.me");
      assert.equal((await bMe).data.clinicId, B.clinic.id);
      // the new account of clinic A signs in with its own password, into clinic A
      const aMe = await (await as(B.therapist.email, "temporary-pw-1")).call("query", "auth.me");
      assert.equal(aMe.data.clinicId, A.clinic.id);
      assert.equal(aMe.data.id, (onB.data as { id: string }).id);
      // within one clinic an email is still unique: a conflict, and no second row
      const dup = await create(free.toUpperCase());
      assert.equal(dup.ok, false);
      if (!dup.ok) assert.equal(dup.error.data.code, "CONFLICT");
      assert.equal(await s.db.user.count(), usersBefore + 2);
      // the admin of clinic B sees nothing of it either
      const adB = await as(B.admin.email);
      const listB = (await adB.call("query", "users.list")).data as { email: string }[];
      assert.equal(listB.filter((u) => u.email === B.therapist.email).length, 1);
      assert.ok(!listB.some((u) => u.email === free));
    });

    // ---- #9 origin without PUBLIC_ORIGIN, revoking sessions --------------------------------

    test("#9: without PUBLIC_ORIGIN, Host: evil.example with Origin: evil.example is refused (API and socket)", async () => {
      const th = await as(A.therapist.email);
      const before = await s.db.patient.count();
      const patient = { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1990-05-17" };
      for (const headers of [
        { host: "evil.example", origin: "http://evil.example" },
        { host: "evil.example:8080", origin: "http://evil.example:8080" },
        { host: "192.168.1.5:3000", origin: "http://192.168.1.5:3000" },
        { host: "evil.example", "sec-fetch-site": "same-origin" },
      ] as Record<string, string>[]) {
        const r = await rawMutation(s.url, "patients.create", patient, { cookie: th.cookie, ...headers });
        assert.deepEqual(r, { status: 403, code: "FORBIDDEN" }, JSON.stringify(headers));
      }
      assert.equal(await s.db.patient.count(), before);
      assert.equal(await socketRefusal(s, { role: "staff" }, { cookie: th.cookie, host: "evil.example", origin: "http://evil.example" }), "FORBIDDEN");
      // loopback hosts still work in development, under any loopback name
      const port = new URL(s.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
        assert.deepEqual(await rawMutation(s.url, "patients.create", patient, { cookie: th.cookie, host, origin: `http://${host}` }), { status: 200, code: null }, host);
      assert.equal(await socketRefusal(s, { role: "staff" }, { cookie: th.cookie, host: `localhost:${port}`, origin: `http://localhost:${port}` }), null);
      assert.equal(await s.db.patient.count(), before + 2);
    });

    test("#9: revoking someone else's session is NOT_FOUND and changes nothing", async () => {
      const victim = await as(B.clinician.email);
      const victimSession = await s.db.session.findFirstOrThrow({ where: { userId: B.clinician.id, revokedAt: null }, orderBy: { createdAt: "desc" } });
      for (const email of [A.admin.email, B.admin.email]) {
        const attacker = await as(email);
        const r = await attacker.call("mutation", "auth.revokeSession", { sessionId: victimSession.id });
        assert.equal(r.ok, false, email);
        if (!r.ok) {
          assert.equal(r.error.data.code, "NOT_FOUND");
          assert.equal(r.status, 404);
        }
      }
      const unknown = await victim.call("mutation", "auth.revokeSession", { sessionId: "doesnotexist123" });
      assert.equal(unknown.ok ? "OK" : unknown.error.data.code, "NOT_FOUND");
      assert.equal((await s.db.session.findUniqueOrThrow({ where: { id: victimSession.id } })).revokedAt, null);
      assert.equal((await victim.call("query", "auth.me")).data.email, B.clinician.email);
    });
  });
}
