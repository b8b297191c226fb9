import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { changePasswordInput, isoDate, joinToken, patientInput, scheduleVisitInput } from "../../app/_shared/domain";
import { derivePgSchema, PG_SCHEMA_PATH, SQLITE_SCHEMA_PATH } from "../../server/db/pg-schema";
import { EnvError, loadEnv } from "../../server/env";
import { isLoopbackHost, isSameOrigin, parseCookies, serializeCookie } from "../../server/http/request";
import { contentSecurityPolicy } from "../../server/http/security";
import { hashPassword, randomToken, tokenHash, verifyPassword } from "../../server/services/crypto";
import { createLimiter, createSignInLimits } from "../../server/services/rate-limit";
import type { IncomingMessage } from "node:http";

describe("env", () => {
  test("development needs no configuration", () => {
    const env = loadEnv({ SESSION_SECRET: "x".repeat(40) });
    assert.equal(env.NODE_ENV, "development");
    assert.equal(env.PORT, 3000);
    assert.equal(env.DATABASE_URL, "file:./data/posevisit.db");
  });
  test("a bad value stops with a message naming the variable", () => {
    assert.throws(() => loadEnv({ PORT: "eighty", SESSION_SECRET: "x".repeat(40) }), (e: Error) => e instanceof EnvError && /PORT/.test(e.message));
    assert.throws(() => loadEnv({ DATABASE_URL: "mysql://x", SESSION_SECRET: "x".repeat(40) }), /DATABASE_URL/);
  });
  test("production requires an explicit, non-default secret", () => {
    assert.throws(() => loadEnv({ NODE_ENV: "production" }), /SESSION_SECRET: is required/);
    assert.throws(() => loadEnv({ NODE_ENV: "production", SESSION_SECRET: "dev-secret-dev-secret-dev-secret-1234" }), /development default/);
    assert.throws(() => loadEnv({ NODE_ENV: "production", SESSION_SECRET: "short" }), /at least 32/);
    assert.equal(loadEnv({ NODE_ENV: "production", SESSION_SECRET: "k".repeat(48), PUBLIC_ORIGIN: "https://visits.example.org" }).SESSION_SECRET, "k".repeat(48));
  });
  test("production requires PUBLIC_ORIGIN, an http(s) origin (issue 16 #9)", () => {
    assert.throws(() => loadEnv({ NODE_ENV: "production", SESSION_SECRET: "k".repeat(48) }), /PUBLIC_ORIGIN: is required when NODE_ENV=production/);
    assert.throws(() => loadEnv({ NODE_ENV: "production", SESSION_SECRET: "k".repeat(48), PUBLIC_ORIGIN: "ftp://x.example" }), /PUBLIC_ORIGIN: must be an http/);
    assert.equal(loadEnv({ SESSION_SECRET: "x".repeat(40) }).PUBLIC_ORIGIN, undefined); // development needs none
  });
  test("TURN needs its secret", () => {
    assert.throws(() => loadEnv({ SESSION_SECRET: "x".repeat(40), TURN_URLS: "turn:127.0.0.1:3478" }), /TURN_SECRET/);
  });
  test("ICE_TRANSPORT_POLICY and REDIS_URL are checked at start", () => {
    const k = { SESSION_SECRET: "x".repeat(40) };
    assert.throws(() => loadEnv({ ...k, ICE_TRANSPORT_POLICY: "relay" }), /ICE_TRANSPORT_POLICY: relay needs TURN_URLS/);
    assert.throws(() => loadEnv({ ...k, ICE_TRANSPORT_POLICY: "turn-only" }), /ICE_TRANSPORT_POLICY/);
    assert.equal(loadEnv({ ...k, TURN_URLS: "turn:127.0.0.1:3478", TURN_SECRET: "s".repeat(20), ICE_TRANSPORT_POLICY: "relay" }).ICE_TRANSPORT_POLICY, "relay");
    assert.equal(loadEnv(k).ICE_TRANSPORT_POLICY, "all");
    assert.throws(() => loadEnv({ ...k, REDIS_URL: "localhost:6379" }), /REDIS_URL: must start with redis:\/\/ or rediss:\/\//);
    assert.equal(loadEnv({ ...k, REDIS_URL: "redis://127.0.0.1:6379" }).REDIS_URL, "redis://127.0.0.1:6379");
    assert.equal(loadEnv(k).REDIS_URL, undefined); // one process, all in memory
  });
});

describe("crypto", () => {
  test("passwords are salted scrypt hashes that verify", async () => {
    const a = await hashPassword("hunter2-is-long");
    const b = await hashPassword("hunter2-is-long");
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword("hunter2-is-long", a), true);
    assert.equal(await verifyPassword("hunter2-is-lonG", a), false);
    assert.equal(await verifyPassword("x", "garbage"), false);
  });
  test("tokens are 256-bit base64url and stored as keyed hashes", () => {
    const t = randomToken();
    assert.equal(joinToken.safeParse(t).success, true);
    assert.notEqual(randomToken(), t);
    assert.equal(tokenHash("k1", t), tokenHash("k1", t));
    assert.notEqual(tokenHash("k1", t), tokenHash("k2", t));
  });
});

describe("rate limiter", () => {
  test("refuses past the limit within the window, per key; refund and reset give points back", async () => {
    const rl = createLimiter({ name: "test", points: 3, durationSec: 60 });
    for (let i = 0; i < 3; i++) assert.equal((await rl.consume("k")).ok, true);
    const refused = await rl.consume("k");
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000);
    assert.equal((await rl.consume("other")).ok, true);
    await rl.refund("k", 2);
    assert.equal((await rl.consume("k")).ok, true);
    await rl.reset("k");
    assert.equal(await rl.used("k"), 0);
    assert.equal((await rl.consume("k")).ok, true);
  });
  test("parallel attempts cannot overtake the counter: exactly the limit passes", async () => {
    const { account } = createSignInLimits();
    const results = await Promise.all(Array.from({ length: 10 }, () => account.consume("a@b.test")));
    assert.equal(results.filter((r) => r.ok).length, 5);
  });
  test("a limit needs positive points and duration", () => {
    assert.throws(() => createLimiter({ name: "bad", points: 0, durationSec: 60 }), /positive/);
  });
});

describe("http helpers", () => {
  const env = loadEnv({ SESSION_SECRET: "x".repeat(40) });
  const req = (headers: Record<string, string>) => ({ headers: { host: "localhost:3000", ...headers }, socket: {} }) as unknown as IncomingMessage;
  test("same-origin check", () => {
    assert.equal(isSameOrigin(req({ origin: "http://localhost:3000" }), env), true);
    assert.equal(isSameOrigin(req({ origin: "http://evil.test" }), env), false);
    assert.equal(isSameOrigin(req({ "sec-fetch-site": "cross-site" }), env), false);
    assert.equal(isSameOrigin(req({ "sec-fetch-site": "same-site" }), env), false);
    assert.equal(isSameOrigin(req({ "sec-fetch-site": "same-origin" }), env), true);
    assert.equal(isSameOrigin(req({}), env), true);
  });
  test("without PUBLIC_ORIGIN the origin is taken from Host only for loopback hosts (issue 16 #9)", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "127.8.9.10:8080", "[::1]:3000", "LOCALHOST:3000", "app.localhost:3000", "localhost"])
      assert.equal(isSameOrigin(req({ host, origin: new URL(`http://${host}`).origin }), env), true, host);
    for (const host of ["evil.example", "evil.example:3000", "app.test:3000", "192.168.1.5:3000", "10.0.0.1", "localhost.evil.example", "127.0.0.1.evil.example", "[::2]:3000", "evil.example/@localhost", ""])
      for (const extra of [{ origin: `http://${host}` }, { "sec-fetch-site": "same-origin" }] as Record<string, string>[])
        assert.equal(isSameOrigin(req({ host, ...extra }), env), false, `${host} ${JSON.stringify(extra)}`);
    assert.equal(isLoopbackHost("127.0.0.1:3000"), true);
    assert.equal(isLoopbackHost("128.0.0.1:3000"), false);
    assert.equal(isLoopbackHost(undefined), false);
  });
  test("with PUBLIC_ORIGIN only that origin is ours, whatever Host says", () => {
    const pub = loadEnv({ SESSION_SECRET: "x".repeat(40), PUBLIC_ORIGIN: "https://visits.example.org" });
    assert.equal(isSameOrigin(req({ host: "visits.example.org", origin: "https://visits.example.org" }), pub), true);
    assert.equal(isSameOrigin(req({ host: "evil.example", origin: "https://evil.example" }), pub), false);
    assert.equal(isSameOrigin(req({ origin: "http://localhost:3000" }), pub), false);
  });
  test("cookies", () => {
    assert.deepEqual(parseCookies("a=1; pv_session=abc%3D; a=2"), { a: "1", pv_session: "abc=" });
    const c = serializeCookie("pv_session", "v", true, { maxAgeSec: 0 });
    assert.match(c, /HttpOnly/);
    assert.match(c, /SameSite=Lax/);
    assert.match(c, /Secure/);
  });
  test("CSP is strict: connect-src self, no inline scripts without the nonce, no framing", () => {
    const csp = contentSecurityPolicy("abc", false);
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.match(csp, /script-src 'self' 'nonce-abc'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.doesNotMatch(csp, /'unsafe-eval'/);
    assert.match(csp, /frame-ancestors 'none'/);
  });
});

describe("shared schemas", () => {
  test("dates of birth must be real calendar dates", () => {
    assert.equal(isoDate.safeParse("2024-02-29").success, true);
    assert.equal(isoDate.safeParse("2023-02-29").success, false);
    assert.equal(isoDate.safeParse("29/02/2024").success, false);
  });
  test("patient input trims and drops empty optionals", () => {
    const r = patientInput.parse({ firstName: "  Ann ", lastName: "Lee", dateOfBirth: "1970-01-01", email: "", recordNumber: " " });
    assert.equal(r.firstName, "Ann");
    assert.equal(r.email, undefined);
    assert.equal(r.recordNumber, undefined);
  });
  test("visit scheduling refuses the past and silly durations", () => {
    assert.equal(scheduleVisitInput.safeParse({ patientId: "p1", scheduledAt: new Date(Date.now() + 1e6) }).success, true);
    assert.equal(scheduleVisitInput.safeParse({ patientId: "p1", scheduledAt: new Date(0) }).success, false);
    assert.equal(scheduleVisitInput.safeParse({ patientId: "p1", scheduledAt: new Date(Date.now() + 1e6), durationMin: 1 }).success, false);
  });
  test("new password must differ", () => {
    assert.equal(changePasswordInput.safeParse({ currentPassword: "abcdefgh12", newPassword: "abcdefgh12" }).success, false);
  });
});

test("the PostgreSQL schema is in sync with the SQLite source", () => {
  assert.equal(fs.readFileSync(PG_SCHEMA_PATH, "utf8"), derivePgSchema(fs.readFileSync(SQLITE_SCHEMA_PATH, "utf8")), "run npm run db:pg-schema");
});

test("both migration histories exist and carry their provider's lock", () => {
  assert.match(fs.readFileSync("prisma/migrations/migration_lock.toml", "utf8"), /provider = "sqlite"/);
  assert.match(fs.readFileSync("prisma/postgres/migrations/migration_lock.toml", "utf8"), /provider = "postgresql"/);
  const a = fs.readdirSync("prisma/migrations").filter((d) => !d.endsWith(".toml"));
  const b = fs.readdirSync("prisma/postgres/migrations").filter((d) => !d.endsWith(".toml"));
  assert.equal(a.length, b.length, "each schema change needs a migration for both providers");
});
