// The databases the integration suites run on: SQLite always, PostgreSQL when TEST_PG_URL is set
// (server/scripts/run-tests.mjs starts a throwaway cluster and sets it; CI requires it).
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { tmpDir } from "./env";

export type DbKind = "sqlite" | "postgres";

export function databaseKinds(): DbKind[] {
  if (process.env.TEST_PG_URL) return ["sqlite", "postgres"];
  if (process.env.CI) throw new Error("TEST_PG_URL is required in CI: the suite must run on PostgreSQL too");
  console.warn("TEST_PG_URL not set: PostgreSQL variants are not run (npm test sets it up when postgresql is installed)");
  return ["sqlite"];
}

/** A fresh, empty database URL of the given kind. */
export async function freshDatabaseUrl(kind: DbKind): Promise<string> {
  if (kind === "sqlite") return `file:${path.join(tmpDir(), "test.db")}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_PG_URL });
  await admin.connect();
  const name = `pv_test_${crypto.randomBytes(6).toString("hex")}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(process.env.TEST_PG_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}
