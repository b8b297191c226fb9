// Every environment variable the server reads, validated once at start. A wrong or missing value
// stops the server with one message naming the variable. Development needs no configuration.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const DEV_SECRET_FILE = "data/session-secret";

const boolish = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().min(1).default("0.0.0.0"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgres:// (PostgreSQL)")
      .default("file:./data/posevisit.db"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    PUBLIC_ORIGIN: z.url().optional(),
    TRUST_PROXY: boolish,
    SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
    JOIN_LINK_TTL_HOURS: z.coerce.number().positive().max(24 * 14).default(48),
    SEED_DEMO: z.enum(["auto", "always", "never"]).default("auto"),
    STUN_URLS: z.string().default(""),
    TURN_URLS: z.string().default(""),
    TURN_SECRET: z.string().min(16).optional(),
    TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(3600),
    ICE_TRANSPORT_POLICY: z.enum(["all", "relay"]).default("all"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
    // Email (server/services/mail.ts). Unset: messages stay in the outbox that admins see (development).
    SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps:// (e.g. smtp://user:pass@mail.example.org:587)").optional(),
    MAIL_FROM: z.string().min(3).default("PoseVisit <no-reply@posevisit.localhost>"),
    // Patient links of the course of care (server/services/patient-links.ts)
    INTAKE_LINK_TTL_DAYS: z.coerce.number().positive().max(60).default(14),
    QUESTIONNAIRE_LINK_TTL_DAYS: z.coerce.number().positive().max(60).default(7),
    HOME_LINK_TTL_DAYS: z.coerce.number().positive().max(365).default(84),
    // The scheduled job (server/services/scheduler.ts: reminders, missed home sessions, mail retries): seconds between
    // runs; 0 = off. Default 60, and off when NODE_ENV=test unless set.
    SCHEDULER_INTERVAL_S: z.coerce.number().int().min(0).max(3600).optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production") {
      if (!env.SESSION_SECRET)
        ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when NODE_ENV=production" });
      else if (/^(dev|change-?me|secret)/i.test(env.SESSION_SECRET))
        ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "must not be a development default in production" });
      // The same-origin check (CSRF, cross-site WebSocket) must not trust the client's Host header.
      if (!env.PUBLIC_ORIGIN)
        ctx.addIssue({ code: "custom", path: ["PUBLIC_ORIGIN"], message: "is required when NODE_ENV=production (e.g. https://visits.example.org)" });
    }
    if (env.PUBLIC_ORIGIN && !/^https?:$/.test(new URL(env.PUBLIC_ORIGIN).protocol))
      ctx.addIssue({ code: "custom", path: ["PUBLIC_ORIGIN"], message: "must be an http:// or https:// origin" });
    if (env.TURN_URLS && !env.TURN_SECRET)
      ctx.addIssue({ code: "custom", path: ["TURN_SECRET"], message: "is required when TURN_URLS is set" });
    if (env.ICE_TRANSPORT_POLICY === "relay" && !env.TURN_URLS)
      ctx.addIssue({ code: "custom", path: ["ICE_TRANSPORT_POLICY"], message: "relay needs TURN_URLS (no media could flow)" });
  });

export type Env = z.infer<typeof schema> & { SESSION_SECRET: string };

export class EnvError extends Error {}

/** Parses an environment (process.env by default). Throws EnvError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  return { ...env, SESSION_SECRET: env.SESSION_SECRET ?? devSecret() };
}

/** Development only: a random secret generated once and kept under data/. */
function devSecret(): string {
  const file = path.resolve(DEV_SECRET_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

let current: Env | undefined;
export function env(): Env {
  current ??= loadEnv();
  return current;
}
export function setEnvForTests(e: Env): void {
  current = e;
}
