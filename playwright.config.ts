import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Browser tests run against the production build (`next build`) served by the real custom server,
// on a fresh SQLite database. Debian's chromium is used (Playwright's browser download needs internet).
const PORT = Number(process.env.E2E_PORT ?? 3107);
const tmp = path.resolve("tests/.tmp");
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? `file:${tmp}/e2e-${PORT}.db`;
process.env.E2E_DATABASE_URL = E2E_DATABASE_URL;
// One link-signing secret for the server and the specs (workers inherit it), so a spec can issue a patient link.
process.env.E2E_SESSION_SECRET ??= randomBytes(32).toString("base64url");
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--allow-loopback-in-peer-connection",
];

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  outputDir: "tests/.tmp/results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // No trace screenshots: they stream a capture of every page, which starves the pose worker and the
    // video pipeline on a 2-core machine; DOM snapshots still explain a failure.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "tsx tests/support/e2e-server.ts",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(PORT), E2E_DATABASE_URL },
  },
});

export { chromiumArgs };
