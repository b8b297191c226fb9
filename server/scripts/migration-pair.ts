// Creates one migration for both providers after a change to prisma/schema.prisma:
//   npm run db:migration -- <name>
// It regenerates the PostgreSQL schema, writes the SQLite migration against a throwaway database file, then starts a
// throwaway PostgreSQL cluster (tests/support/pg-cluster.mjs) and writes the PostgreSQL twin. Nothing else is touched.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPgCluster } from "../../tests/support/pg-cluster.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name>   (lower case letters, digits and _)");
  process.exit(2);
}
const run = (env: Record<string, string>) =>
  execFileSync(process.execPath, ["--import", "tsx", "server/scripts/migrate.ts", "create", name], { stdio: "inherit", env: { ...process.env, ...env } });

execFileSync(process.execPath, ["--import", "tsx", "server/scripts/gen-pg-schema.ts"], { stdio: "inherit" });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-mig-"));
try {
  run({ DATABASE_URL: `file:${path.join(dir, "sqlite.db")}` });
  const pg = await startPgCluster();
  try {
    run({ DATABASE_URL: pg.url });
  } finally {
    pg.stop();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
