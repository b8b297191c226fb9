import { TRPCError } from "@trpc/server";
import type { Db } from "../db/client";
import type { Role } from "../../app/_shared/domain";
import { audit } from "./audit";
import { notFound } from "./errors";
import { dummyHash, hashPassword, randomToken, tokenHash, verifyPassword } from "./crypto";
import { publish } from "./events";
import type { SignInLimits } from "./rate-limit";

export const SESSION_COOKIE = "pv_session";
/** How many accounts (in different clinics) one email is looked up in at sign-in. */
const MAX_ACCOUNTS_PER_EMAIL = 20;

export type SessionUser = { id: string; clinicId: string; email: string; name: string; role: Role; mustChangePassword: boolean };
export type AuthDeps = { db: Db; secret: string; sessionTtlHours: number };
export const authDeps = (ctx: { db: Db; env: { SESSION_SECRET: string; SESSION_TTL_HOURS: number } }): AuthDeps => ({
  db: ctx.db, secret: ctx.env.SESSION_SECRET, sessionTtlHours: ctx.env.SESSION_TTL_HOURS,
});

function toSessionUser(u: { id: string; clinicId: string; email: string; name: string; role: string; mustChangePassword: boolean }): SessionUser {
  return { id: u.id, clinicId: u.clinicId, email: u.email, name: u.name, role: u.role as Role, mustChangePassword: u.mustChangePassword };
}

/**
 * Checks the password and opens a session. Every attempt takes a point from the account's and the
 * address's budget BEFORE the password is checked (so parallel attempts cannot all slip under the
 * limit); a successful sign-in clears the account's failures and gives the address its point back.
 */
export async function signIn(
  deps: AuthDeps,
  limits: SignInLimits,
  input: { email: string; password: string },
  meta: { ip: string; userAgent?: string },
): Promise<{ token: string; expiresAt: Date; user: SessionUser }> {
  const [acc, addr] = await Promise.all([limits.account.consume(input.email), limits.address.consume(meta.ip)]);
  if (!acc.ok || !addr.ok) {
    // A refused attempt costs the other counter nothing.
    if (acc.ok) await limits.account.refund(input.email);
    if (addr.ok) await limits.address.refund(meta.ip);
    const waitMs = Math.max(acc.ok ? 0 : acc.retryAfterMs, addr.ok ? 0 : addr.retryAfterMs);
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many failed sign-in attempts. Try again in ${Math.ceil(waitMs / 60_000)} min.` });
  }

  // Emails are unique per clinic, so one person may hold accounts in several clinics: the password
  // picks the account (all are checked in parallel; with none, a dummy hash keeps the timing).
  // Should several accept it, the one signed in most recently wins.
  const candidates = (await deps.db.user.findMany({ where: { email: input.email }, take: MAX_ACCOUNTS_PER_EMAIL }))
    .sort((a, b) => (b.lastSignInAt?.getTime() ?? 0) - (a.lastSignInAt?.getTime() ?? 0) || a.createdAt.getTime() - b.createdAt.getTime());
  const matches = candidates.length
    ? await Promise.all(candidates.map((u) => verifyPassword(input.password, u.passwordHash)))
    : [await verifyPassword(input.password, await dummyHash())];
  const user = candidates.find((u, i) => matches[i] && !u.disabled);
  if (!user) {
    const reason = !candidates.length ? "unknown" : candidates.some((u, i) => matches[i] && u.disabled) ? "disabled" : "password";
    // Each clinic that has an account with this email sees the failure in its own audit trail.
    // The trail names the account that was tried ("unknown account (email)" when there is none).
    const tried = candidates.length ? [...new Map(candidates.map((u) => [u.clinicId, u])).values()] : [null];
    for (const u of tried)
      await audit(deps.db, { kind: "attempt", email: input.email, userId: u?.id ?? null }, "auth.signin.fail", {
        clinicId: u?.clinicId,
        detail: { email: input.email, reason },
        ip: meta.ip,
      });
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Email or password is incorrect" });
  }
  await Promise.all([limits.account.reset(input.email), limits.address.refund(meta.ip)]);
  const token = randomToken();
  const expiresAt = new Date(Date.now() + deps.sessionTtlHours * 3600_000);
  await deps.db.session.create({
    data: { userId: user.id, tokenHash: tokenHash(deps.secret, token), expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) },
  });
  await deps.db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  const su = toSessionUser(user);
  await audit(deps.db, { kind: "user", ...su }, "auth.signin", { ip: meta.ip });
  return { token, expiresAt, user: su };
}

/** The signed-in user for a session cookie value, or null when it is unknown, expired, revoked or disabled. */
export async function sessionUser(deps: AuthDeps, token: string | undefined): Promise<{ user: SessionUser; sessionId: string } | null> {
  if (!token || token.length > 100) return null;
  const s = await deps.db.session.findUnique({ where: { tokenHash: tokenHash(deps.secret, token) }, include: { user: true } });
  if (!s || s.revokedAt || s.expiresAt.getTime() <= Date.now() || s.user.disabled) return null;
  if (Date.now() - s.lastSeenAt.getTime() > 5 * 60_000)
    await deps.db.session.update({ where: { id: s.id }, data: { lastSeenAt: new Date() } });
  return { user: toSessionUser(s.user), sessionId: s.id };
}

export async function signOut(deps: AuthDeps, sessionId: string): Promise<void> {
  const r = await deps.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (r.count) await publish({ type: "session.ended", sessionId, reason: "signout" });
}

/** Changes the password and revokes every other session of the user. */
export async function changePassword(
  deps: AuthDeps,
  user: SessionUser,
  sessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const row = await deps.db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!(await verifyPassword(input.currentPassword, row.passwordHash)))
    throw new TRPCError({ code: "BAD_REQUEST", message: "Current password is incorrect", cause: { field: "currentPassword" } });
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.$transaction([
    deps.db.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } }),
    deps.db.session.updateMany({ where: { userId: user.id, id: { not: sessionId }, revokedAt: null }, data: { revokedAt: new Date() } }),
  ]);
  await audit(deps.db, { kind: "user", ...user }, "auth.password.change", { record: { type: "User", id: user.id } });
  await publish({ type: "user.sessions.ended", userId: user.id, keepSessionId: sessionId, reason: "password" });
}

export async function listSessions(db: Db, userId: string) {
  return db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { createdAt: "desc" },
  });
}

/** Revokes one of the user's own active sessions; anyone else's (or an unknown / ended one) is NOT_FOUND. */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<void> {
  const r = await db.session.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (r.count === 0) throw notFound("Session");
  // Only a session that was really revoked closes sockets (nobody can close another user's).
  await publish({ type: "session.ended", sessionId, reason: "revoked" });
}
