// For a browser test whose app must send real email: a real SMTP server on loopback (smtp.ts) and the e2e server
// (e2e-server.ts, production build) started with SMTP_URL pointing at it, on its own port and its own SQLite file, so
// the app's own send procedures deliver to the test. Used as a worker-scoped Playwright fixture.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createDb, type Db } from "../../server/db/client";
import { startSmtp, type TestSmtp } from "./smtp";

export type MailServer = { base: string; db: Db; smtp: TestSmtp; stop(): Promise<void> };

export async function startMailServer(port: number, name: string, timeoutMs = 120_000): Promise<MailServer> {
  const smtp = await startSmtp();
  const tmp = path.resolve("tests/.tmp");
  fs.mkdirSync(tmp, { recursive: true });
  const dbUrl = `file:${tmp}/e2e-${name}-${port}.db`;
  const server: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), ["tests/support/e2e-server.ts"], {
    env: { ...process.env, E2E_PORT: String(port), E2E_DATABASE_URL: dbUrl, SMTP_URL: smtp.url, MAIL_FROM: "Clinic <clinic@e2e.posevisit>" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the e2e server on port ${port} exited (${server.exitCode})`);
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > until) {
      server.kill("SIGTERM");
      throw new Error(`the e2e server on port ${port} did not start within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const db = await createDb(dbUrl);
  return {
    base, db, smtp,
    async stop() {
      await db.$disconnect();
      if (server.exitCode === null) {
        server.kill("SIGTERM");
        await new Promise((r) => server.once("exit", r));
      }
      await smtp.stop();
    },
  };
}
