// The embedded SQLite adapter keeps one connection (server/db/sqlite-adapter.ts): its settings survive transactions,
// a failed transaction rolls back and leaves the connection usable, a unique violation from raw SQL is recognised, and
// its prepared statements are reused (results unchanged, new values bound each time).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createDb, isUniqueViolation, type Db } from "../../server/db/client";
import { deployMigrations } from "../../server/db/schema-engine";
import { statementCacheStats } from "../../server/db/sqlite-adapter";

describe("embedded SQLite connection", () => {
  let dir: string;
  let db: Db;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-sqlite-"));
    const url = `file:${path.join(dir, "t.db")}`;
    await deployMigrations(url);
    db = await createDb(url);
  });
  after(async () => {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const busyTimeout = async () => Number((await db.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout"))[0]!.timeout);

  it("keeps its busy_timeout after transactions (the stock libsql client reopened a connection with the default 0)", async () => {
    assert.equal(await busyTimeout(), 5000);
    await db.$transaction(async (tx) => tx.clinic.create({ data: { name: "A" } }));
    await db.$transaction([db.clinic.count(), db.clinic.count()]);
    assert.equal(await busyTimeout(), 5000);
  });

  it("rolls a failed transaction back and stays usable", async () => {
    const before = await db.clinic.count();
    await assert.rejects(
      db.$transaction(async (tx) => {
        await tx.clinic.create({ data: { name: "B" } });
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await db.clinic.count(), before);
    await db.$transaction(async (tx) => tx.clinic.create({ data: { name: "C" } }));
    assert.equal(await db.clinic.count(), before + 1);
  });

  it("recognises a unique violation from a model query and from raw SQL", async () => {
    const c = await db.clinic.create({ data: { name: "D" } });
    const model = await db.clinic.create({ data: { id: c.id, name: "again" } }).catch((e: unknown) => e);
    assert.ok(isUniqueViolation(model));
    const raw = await db.$executeRaw`INSERT INTO "Clinic" ("id", "name", "createdAt") VALUES (${c.id}, ${"again"}, ${new Date()})`.catch((e: unknown) => e);
    assert.ok(isUniqueViolation(raw), String(raw));
    assert.ok(!isUniqueViolation(new Error("other")));
  });

  it("reuses prepared statements: the same query prepared once, every execution with its own values and results", async () => {
    const names = Array.from({ length: 50 }, (_, i) => `Reuse ${i}`);
    for (const name of names) await db.clinic.create({ data: { name } }); // the same INSERT 50 times
    const { hits, misses } = statementCacheStats;
    const found: string[] = [];
    for (const name of names) {
      const r = await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "Clinic" WHERE "name" = ${name}`;
      found.push(...r.map((x) => x.name));
    }
    assert.deepEqual(found, names);
    assert.ok(statementCacheStats.misses - misses <= 1, `the SELECT was prepared ${statementCacheStats.misses - misses} times`);
    assert.ok(statementCacheStats.hits - hits >= 49, `only ${statementCacheStats.hits - hits} cache hits`);
    // a statement that fails does not poison its cached copy: the same statement runs again with other values
    const insert = (id: string, name: string) => db.$executeRaw`INSERT INTO "Clinic" ("id", "name", "createdAt") VALUES (${id}, ${name}, ${new Date()})`;
    assert.equal(await insert("reuse-a", "Reuse x"), 1);
    await assert.rejects(insert("reuse-a", "Reuse y"), (e: unknown) => isUniqueViolation(e));
    assert.equal(await insert("reuse-b", "Reuse z"), 1);
    assert.deepEqual((await db.clinic.findMany({ where: { id: { in: ["reuse-a", "reuse-b"] } }, orderBy: { id: "asc" } })).map((c) => c.name), ["Reuse x", "Reuse z"]);
  });
});
