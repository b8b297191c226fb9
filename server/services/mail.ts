// Email through SMTP (nodemailer), configured by SMTP_URL and MAIL_FROM. Every message is first written to
// OutboxEmail, then sent:
// - SMTP configured: sent at once; on success its body is cleared (links in it are credentials) and the row keeps
//   who, what subject, when, and the SMTP message id; on failure it stays FAILED with the error, and
//   `retryFailedMail` (run by the scheduler) tries again with a growing delay.
// - No SMTP (development): the message stays in the outbox with status OUTBOX and admins read it in the app, so a
//   newcomer sees what a patient would have received.
// A `dedupeKey` makes a send happen once however many times (and from however many server processes) it is asked
// for: the unique index on OutboxEmail.dedupeKey decides who sends.
import { createTransport } from "nodemailer";
import { z } from "zod";
import { isUniqueViolation, type Db } from "../db/client";
import type { Env } from "../env";
import { badRequest } from "./errors";

export const mailInput = z.strictObject({
  clinicId: z.string().min(1).nullable(),
  to: z.email("The email address is not valid").max(254),
  subject: z.string().trim().min(1).max(200),
  text: z.string().min(1).max(20_000),
  html: z.string().max(100_000).optional(),
  purpose: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  dedupeKey: z.string().min(1).max(200).optional(),
});
export type MailInput = z.input<typeof mailInput>;

export type MailResult = { id: string; status: "SENT" | "FAILED" | "OUTBOX"; duplicate: boolean; error?: string };

type Transport = ReturnType<typeof createTransport>;
const transports = new Map<string, Transport>();
function transportFor(env: Env): Transport | null {
  if (!env.SMTP_URL) return null;
  let t = transports.get(env.SMTP_URL);
  if (!t) {
    t = createTransport(env.SMTP_URL, { from: env.MAIL_FROM });
    transports.set(env.SMTP_URL, t);
  }
  return t;
}

/** Whether email really leaves the server (false: development outbox). */
export const smtpConfigured = (env: Env) => Boolean(env.SMTP_URL);

const SENT_BODY = "(sent; the body is not kept because it may hold a patient link)";


/** Queues and sends one message (see the file comment). Never throws for an SMTP failure: the result says it. */
export async function sendMail(db: Db, env: Env, input: MailInput): Promise<MailResult> {
  const parsed = mailInput.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "mail"}: ${i.message}`).join("; "));
  const m = parsed.data;
  const transport = transportFor(env);
  let row;
  try {
    row = await db.outboxEmail.create({
      data: { clinicId: m.clinicId, purpose: m.purpose, to: m.to, subject: m.subject, text: m.text, html: m.html ?? null, dedupeKey: m.dedupeKey ?? null, status: transport ? "QUEUED" : "OUTBOX" },
    });
  } catch (e) {
    if (!m.dedupeKey || !isUniqueViolation(e)) throw e;
    const existing = await db.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } });
    return { id: existing.id, status: existing.status === "SENT" || existing.status === "OUTBOX" ? existing.status : "FAILED", duplicate: true };
  }
  if (!transport) return { id: row.id, status: "OUTBOX", duplicate: false };
  return deliver(db, transport, row.id);
}

async function deliver(db: Db, transport: Transport, id: string): Promise<MailResult> {
  const row = await db.outboxEmail.findUniqueOrThrow({ where: { id } });
  try {
    const info = await transport.sendMail({ to: row.to, subject: row.subject, text: row.text, ...(row.html ? { html: row.html } : {}) });
    await db.outboxEmail.update({ where: { id }, data: { status: "SENT", sentAt: new Date(), messageId: String(info.messageId ?? ""), attempts: { increment: 1 }, lastError: null, text: SENT_BODY, html: null } });
    return { id, status: "SENT", duplicate: false };
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    await db.outboxEmail.update({ where: { id }, data: { status: "FAILED", attempts: { increment: 1 }, lastError: error } });
    return { id, status: "FAILED", duplicate: false, error };
  }
}

/** Retries FAILED messages whose back-off has passed (1, 2, 4 … minutes, up to maxAttempts). Returns how many were sent. */
export async function retryFailedMail(db: Db, env: Env, opts: { maxAttempts?: number; now?: Date } = {}): Promise<number> {
  const transport = transportFor(env);
  if (!transport) return 0;
  const now = opts.now ?? new Date();
  const max = opts.maxAttempts ?? 6;
  const failed = await db.outboxEmail.findMany({ where: { status: "FAILED", attempts: { lt: max } }, orderBy: { createdAt: "asc" }, take: 50 });
  let sent = 0;
  for (const f of failed) {
    const due = f.createdAt.getTime() + 60_000 * 2 ** Math.max(0, f.attempts - 1);
    if (due > now.getTime()) continue;
    // claim it (another process may be retrying too): only the one that flips FAILED -> QUEUED sends
    const claimed = await db.outboxEmail.updateMany({ where: { id: f.id, status: "FAILED", attempts: f.attempts }, data: { status: "QUEUED" } });
    if (claimed.count !== 1) continue;
    if ((await deliver(db, transport, f.id)).status === "SENT") sent++;
  }
  return sent;
}

/** The clinic's outbox, newest first (admins; the router checks the role). */
export async function listOutbox(db: Db, clinicId: string, opts: { take?: number } = {}) {
  return db.outboxEmail.findMany({
    where: { clinicId },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(opts.take ?? 50, 1), 200),
    select: { id: true, purpose: true, to: true, subject: true, text: true, status: true, attempts: true, lastError: true, sentAt: true, createdAt: true },
  });
}
