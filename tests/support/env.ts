// Test environments: a fresh SQLite file (or PostgreSQL database) per test file, real migrations.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEnv, type Env } from "../../server/env";

export function tmpDir(prefix = "pv-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  const dir = tmpDir();
  return loadEnv({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: `file:${path.join(dir, "test.db")}`,
    SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
    SEED_DEMO: "never",
    ...overrides,
  });
}
