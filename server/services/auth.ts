import { TRPCError } from "@trpc/server";
import type { Db } from "../db/client";
import type { Role } from "../../app/_shared/domain";
import { audit } from "./audit";
import { dummyHash, hashPassword, randomToken, tokenHash, verifyPassword } from "./crypto";
import { RateLimiter } from "./rate-limit";

export const SESSION_COOKIE = "pv_session";

export type SessionUser = { id: string; clinicId: string; email: string; name: string; role: Role; mustChangePassword: boolean };
export type AuthDeps = { db: Db; secret: string; sessionTtlHours: number };
export const authDeps = (ctx: { db: Db; env: { SESSION_SECRET: string; SESSION_TTL_HOURS: number } }): AuthDeps => ({
  db: ctx.db, secret: ctx.env.SESSION_SECRET, sessionTtlHours: ctx.env.SESSION_TTL_HOURS,
});

// 5 failed attempts per account and 30 per address within 15 minutes, then a wait.
export const accountLimiter = new RateLimiter(5, 15 * 60_000);
export const addressLimiter = new RateLimiter(30, 15 * 60_000);

function toSessionUser(u: { id: string; clinicId: string; email: string; name: string; role: string; mustChangePassword: boolean }): SessionUser {
  return { id: u.id, clinicId: u.clinicId, email: u.email, name: u.name, role: u.role as Role, mustChangePassword: u.mustChangePassword };
}

export async function signIn(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: { ip: string; userAgent?: string },
): Promise<{ token: string; expiresAt: Date; user: SessionUser }> {
  const wait = Math.max(accountLimiter.blockedFor(input.email), addressLimiter.blockedFor(meta.ip));
  if (wait > 0)
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} min.` });

  const user = await deps.db.user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) {
    accountLimiter.hit(input.email);
    addressLimiter.hit(meta.ip);
    await audit(deps.db, { kind: "attempt", email: input.email, userId: user?.id ?? null }, "auth.signin.fail", {
      clinicId: user?.clinicId,
      detail: { email: input.email, reason: !user ? "unknown" : user.disabled && ok ? "disabled" : "password" },
      ip: meta.ip,
    });
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Email or password is incorrect" });
  }
  accountLimiter.reset(input.email);
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
  await deps.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
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
}

export async function listSessions(db: Db, userId: string) {
  return db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
}
