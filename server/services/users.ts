import type { z } from "zod";
import type { createUserInput } from "../../app/_shared/domain";
import { isUniqueViolation } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { hashPassword } from "./crypto";
import { badRequest, conflict, notFound } from "./errors";
import { publish } from "./events";

const userSelect = { id: true, email: true, name: true, role: true, disabled: true, createdAt: true, lastSignInAt: true } as const;

export async function listUsers(c: Caller) {
  return c.db.user.findMany({ where: { clinicId: c.user.clinicId }, select: userSelect, orderBy: [{ disabled: "asc" }, { name: "asc" }] });
}

export async function listTherapists(c: Caller) {
  return c.db.user.findMany({
    where: { clinicId: c.user.clinicId, role: "THERAPIST", disabled: false },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}

/**
 * Emails are unique per clinic (not globally), so the answer depends only on the caller's own clinic:
 * an email used in another clinic creates the account like a free one and reveals nothing.
 */
export async function createUser(c: Caller, input: z.output<typeof createUserInput>) {
  try {
    const u = await c.db.user.create({
      data: { clinicId: c.user.clinicId, email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password), mustChangePassword: true },
      select: userSelect,
    });
    await audit(c.db, actorOf(c), "user.create", { record: { type: "User", id: u.id }, ip: c.ip, detail: { role: input.role } });
    return u;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("Your clinic already has an account with that email");
    throw e;
  }
}

export async function setUserDisabled(c: Caller, userId: string, disabled: boolean) {
  if (userId === c.user.id) throw badRequest("You cannot disable your own account");
  const u = await c.db.user.findFirst({ where: { id: userId, clinicId: c.user.clinicId } });
  if (!u) throw notFound("User");
  const now = new Date();
  const [updated] = await c.db.$transaction([
    c.db.user.update({ where: { id: userId }, data: { disabled }, select: userSelect }),
    ...(disabled ? [c.db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } })] : []),
  ]);
  await audit(c.db, actorOf(c), disabled ? "user.disable" : "user.enable", { record: { type: "User", id: userId }, ip: c.ip });
  if (disabled) await publish({ type: "user.sessions.ended", userId, keepSessionId: null, reason: "disabled" });
  return updated;
}
