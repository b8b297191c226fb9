// The server Playwright talks to: production Next.js build + API + Socket.IO on a fresh database.
import crypto from "node:crypto";
import fs from "node:fs";
import { startServer } from "../../server/app";
import { loadEnv } from "../../server/env";

const url = process.env.E2E_DATABASE_URL!;
const file = url.replace(/^file:/, "");
for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
const port = process.env.E2E_PORT ?? "3107";
const env = loadEnv({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: port,
  PUBLIC_ORIGIN: `http://127.0.0.1:${port}`, // required in production; the browser tests use this origin
  DATABASE_URL: url,
  // a spec that issues patient links straight into the database (home-practice.spec.ts) needs the same secret
  SESSION_SECRET: process.env.E2E_SESSION_SECRET ?? crypto.randomBytes(32).toString("base64url"),
  SEED_DEMO: "never",
  // A spec that starts its own server (e.g. the TURN relay test) passes its ICE configuration through.
  ...Object.fromEntries(
    ["STUN_URLS", "TURN_URLS", "TURN_SECRET", "TURN_TTL_SECONDS", "ICE_TRANSPORT_POLICY", "SMTP_URL", "MAIL_FROM"].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  ),
});
const s = await startServer(env, { dev: false });
console.log(`e2e server on ${s.url}`);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void s.close().then(() => process.exit(0)));
