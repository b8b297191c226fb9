import type { z } from "zod";
import type { listVisitsInput, scheduleVisitInput, VisitStatus } from "../../app/_shared/domain";
import type { Db } from "../db/client";
import { audit, type Actor } from "./audit";
import { actorOf, type Caller } from "./context";
import { tokenHash } from "./crypto";
import { linkPath, newLinkToken } from "./patient-links";
import { badRequest, conflict, notFound } from "./errors";
import { activeEpisodeId } from "./episodes";
import { publish } from "./events";

const visitSelect = {
  id: true, clinicId: true, patientId: true, therapistId: true, scheduledAt: true, durationMin: true, reason: true,
  status: true, joinExpiresAt: true, joinRevokedAt: true, patientName: true, consentAt: true, startedAt: true,
  endedAt: true, cancelledAt: true, notes: true, createdAt: true, episodeId: true,
  patient: { select: { id: true, firstName: true, lastName: true, recordNumber: true, dateOfBirth: true, email: true } },
  therapist: { select: { id: true, name: true } },
} as const;

/** A new patient link, valid from now until TTL after the visit's scheduled end. */
function newJoinLink(c: Caller, visit: { scheduledAt: Date; durationMin: number }) {
  const { token, tokenHash: joinTokenHash } = newLinkToken(c.env.SESSION_SECRET);
  const end = Math.max(Date.now(), visit.scheduledAt.getTime() + visit.durationMin * 60_000);
  return { token, joinTokenHash, joinExpiresAt: new Date(end + c.env.JOIN_LINK_TTL_HOURS * 3600_000) };
}

async function ownVisit(c: Caller, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: visitSelect });
  if (!v) throw notFound("Visit");
  return v;
}

export async function scheduleVisit(c: Caller, input: z.output<typeof scheduleVisitInput>) {
  const patient = await c.db.patient.findFirst({ where: { id: input.patientId, clinicId: c.user.clinicId, archivedAt: null } });
  if (!patient) throw notFound("Patient");
  const therapistId = input.therapistId ?? (c.user.role === "THERAPIST" ? c.user.id : undefined);
  if (!therapistId) throw badRequest("Choose the therapist for this visit");
  if (c.user.role === "THERAPIST" && therapistId !== c.user.id) throw badRequest("Therapists schedule their own visits");
  const therapist = await c.db.user.findFirst({ where: { id: therapistId, clinicId: c.user.clinicId, role: "THERAPIST", disabled: false } });
  if (!therapist) throw notFound("Therapist");
  const link = newJoinLink(c, input);
  const episodeId = await activeEpisodeId(c.db, patient.id); // the visit belongs to the patient's active episode of care
  const v = await c.db.visit.create({
    data: {
      clinicId: c.user.clinicId, patientId: patient.id, therapistId, scheduledAt: input.scheduledAt, episodeId,
      durationMin: input.durationMin, reason: input.reason, joinTokenHash: link.joinTokenHash, joinExpiresAt: link.joinExpiresAt,
    },
    select: visitSelect,
  });
  await audit(c.db, actorOf(c), "visit.create", { record: { type: "Visit", id: v.id }, ip: c.ip, detail: { patientId: patient.id } });
  return { visit: v, joinPath: linkPath("JOIN", link.token) };
}

/** Issues a fresh patient link; the previous one stops working. */
export async function rotateJoinLink(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  if (v.status === "ENDED" || v.status === "CANCELLED") throw badRequest("This visit is over; schedule a new one");
  const link = newJoinLink(c, v);
  await c.db.visit.update({ where: { id: v.id }, data: { joinTokenHash: link.joinTokenHash, joinExpiresAt: link.joinExpiresAt, joinRevokedAt: null } });
  await audit(c.db, actorOf(c), "visit.link.rotate", { record: { type: "Visit", id: v.id }, ip: c.ip });
  await publish({ type: "link.revoked", visitId: v.id, clinicId: v.clinicId, reason: "rotated" });
  return { joinPath: linkPath("JOIN", link.token), joinExpiresAt: link.joinExpiresAt };
}

export async function revokeJoinLink(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  await c.db.visit.update({ where: { id: v.id }, data: { joinRevokedAt: new Date() } });
  await audit(c.db, actorOf(c), "visit.link.revoke", { record: { type: "Visit", id: v.id }, ip: c.ip });
  await publish({ type: "link.revoked", visitId: v.id, clinicId: v.clinicId, reason: "revoked" });
  return { ok: true as const };
}

export async function cancelVisit(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  if (v.status === "ENDED" || v.status === "IN_PROGRESS") throw badRequest(`A visit that is ${v.status === "ENDED" ? "over" : "in progress"} cannot be cancelled`);
  if (v.status === "CANCELLED") return v;
  const updated = await c.db.visit.update({
    where: { id: v.id },
    data: { status: "CANCELLED", cancelledAt: new Date(), joinRevokedAt: new Date() },
    select: visitSelect,
  });
  await audit(c.db, actorOf(c), "visit.cancel", { record: { type: "Visit", id: v.id }, ip: c.ip });
  await publish({ type: "visit.closed", visitId: v.id, clinicId: v.clinicId, status: "CANCELLED", startedAt: null, endedAt: (updated.cancelledAt ?? new Date()).toISOString() });
  return updated;
}

/**
 * Explicit hand-over of a visit that is not over: the caller (a therapist or administrator of the
 * clinic) becomes its therapist. Audited with who had it; the previous therapist's live connection
 * is told and closed (server/realtime). Only the assigned therapist can join the live visit.
 */
export async function takeOverVisit(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  if (v.status === "ENDED" || v.status === "CANCELLED") throw badRequest("This visit is over");
  if (v.therapistId === c.user.id) return v;
  const r = await c.db.visit.updateMany({
    where: { id: v.id, therapistId: v.therapistId, status: { notIn: ["ENDED", "CANCELLED"] } },
    data: { therapistId: c.user.id },
  });
  if (!r.count) throw conflict("The visit changed meanwhile; reload the page and try again");
  await audit(c.db, actorOf(c), "visit.takeover", {
    record: { type: "Visit", id: v.id },
    ip: c.ip,
    detail: { fromUserId: v.therapistId, fromName: v.therapist.name, toUserId: c.user.id, status: v.status },
  });
  await publish({ type: "visit.reassigned", visitId: v.id, clinicId: v.clinicId, fromUserId: v.therapistId, toUserId: c.user.id, toName: c.user.name });
  return ownVisit(c, visitId);
}

export async function getVisit(c: Caller, visitId: string) {
  const v = await ownVisit(c, visitId);
  await audit(c.db, actorOf(c), "visit.read", { record: { type: "Visit", id: v.id }, ip: c.ip });
  return v;
}

export async function listVisits(c: Caller, input: z.output<typeof listVisitsInput>) {
  return c.db.visit.findMany({
    where: {
      clinicId: c.user.clinicId,
      ...(input.patientId ? { patientId: input.patientId } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.from || input.to ? { scheduledAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lt: input.to } : {}) } } : {}),
    },
    orderBy: { scheduledAt: input.patientId ? "desc" : "asc" },
    take: input.limit,
    select: visitSelect,
  });
}

export type JoinFailure = "UNKNOWN" | "EXPIRED" | "REVOKED" | "CANCELLED" | "ENDED";
export const JOIN_FAILURE_MESSAGE: Record<JoinFailure, string> = {
  UNKNOWN: "This visit link is not valid. Please check the link your therapist sent you.",
  EXPIRED: "This visit link has expired. Please ask your therapist for a new link.",
  REVOKED: "This visit link is no longer active. Please ask your therapist for a new link.",
  CANCELLED: "This visit was cancelled. Please contact your clinic.",
  ENDED: "This visit has ended. Thank you!",
};

/** Resolves a patient join token to its visit, or says why it cannot be used. */
export async function resolveJoinToken(db: Db, secret: string, token: string) {
  const v = await db.visit.findUnique({ where: { joinTokenHash: tokenHash(secret, token) }, select: visitSelect });
  if (!v) return { ok: false as const, reason: "UNKNOWN" as JoinFailure };
  const reason: JoinFailure | null =
    v.status === "CANCELLED" ? "CANCELLED" : v.status === "ENDED" ? "ENDED" : v.joinRevokedAt ? "REVOKED" : v.joinExpiresAt.getTime() <= Date.now() ? "EXPIRED" : null;
  return reason ? { ok: false as const, reason, visitId: v.id } : { ok: true as const, visit: v };
}

/** Status transitions driven by the live visit (patient arrives, therapist admits, visit ends). */
export async function setVisitStatus(db: Db, actor: Actor, visitId: string, status: Extract<VisitStatus, "WAITING" | "IN_PROGRESS" | "ENDED">) {
  const now = new Date();
  const v = await db.visit.findUnique({ where: { id: visitId }, select: { status: true, startedAt: true, clinicId: true } });
  if (!v || v.status === "ENDED" || v.status === "CANCELLED") return null;
  if (status === "WAITING" && v.status === "IN_PROGRESS") return v; // a rejoin during the call keeps it in progress
  const updated = await db.visit.update({
    where: { id: visitId },
    data: {
      status,
      ...(status === "IN_PROGRESS" && !v.startedAt ? { startedAt: now } : {}),
      ...(status === "ENDED" ? { endedAt: now, joinRevokedAt: now } : {}),
    },
    select: { status: true, startedAt: true, clinicId: true },
  });
  await audit(db, actor, `visit.status.${status.toLowerCase()}`, { record: { type: "Visit", id: visitId }, clinicId: v.clinicId });
  if (status === "ENDED")
    await publish({ type: "visit.closed", visitId, clinicId: v.clinicId, status: "ENDED", startedAt: updated.startedAt?.toISOString() ?? null, endedAt: now.toISOString() });
  return updated;
}
