// Handshake authentication. Runs once per connection (and again on every reconnect):
//  - therapist: session cookie (pv_session) + same-origin check (no cross-site WebSocket hijacking),
//    a writer role, the visit must belong to the user's clinic (other clinics get NOT_FOUND) and be
//    assigned to them (others get NOT_ASSIGNED: they take it over first, see visits.takeOver);
//  - patient: rate limits (per link, per address), then the join token (valid, not expired/revoked,
//    visit not cancelled/ended), a name and consent;
//  - staff: session cookie + same origin; joins the clinic room only (dashboard updates).
//  Staff with a temporary password (mustChangePassword) are refused until they have chosen their own.
// Refused handshakes count per address; too many and the address is refused before any lookup.
// The result carries what opened the connection (session id, link hash) and when that expires, so
// server/realtime/sessions.ts can close the socket the moment it ends.
import type { ExtendedError, Socket } from "socket.io";
import { handshakeAuth, PROTOCOL_VERSION, protocolError, type ErrorCode, type HandshakeErrorData, type ParticipantRole, type VisitLiveStatus } from "../../app/_shared/protocol";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { clientIp, isSameOrigin, parseCookies } from "../http/request";
import { audit } from "../services/audit";
import { SESSION_COOKIE, sessionUser } from "../services/auth";
import { tokenHash } from "../services/crypto";
import { resolveJoinToken } from "../services/visits";
import { HandshakeLimits, type LimitResult } from "./limits";

export type ParticipantData = {
  kind: "participant";
  role: ParticipantRole;
  visitId: string;
  clinicId: string;
  instanceId: string;
  name: string;
  userId: string | null;
  userEmail: string | null;
  status: VisitLiveStatus;
  startedAt: string | null;
  consentAt: string | null;
  hasPatientName: boolean;
} & Opened;
export type StaffData = { kind: "staff"; clinicId: string; userId: string } & Opened;
/** What opened the connection: a staff session or a patient link, and until when it is valid. */
export type Opened = {
  sessionId: string | null;
  /** HMAC of the patient link the socket was opened with (a rotated link no longer matches). */
  linkHash: string | null;
  /** When the handshake started (before any lookup): events that ended its credentials after this close it. */
  authAt: number;
  /** Session or link expiry (ms since epoch). */
  expiresAt: number;
  /** Set when the server closes the socket because its credentials ended: its seat is freed at once. */
  closedBy?: ErrorCode;
  /** Privileged events of this socket still being answered: a close waits for their acknowledgement (index.ts). */
  acking?: number;
};
export type SocketData = ParticipantData | StaffData | { kind: "pending" };

export class HandshakeError extends Error implements ExtendedError {
  data: HandshakeErrorData;
  constructor(code: ErrorCode, message?: string, retryAfterMs?: number) {
    const e = protocolError(code, message);
    super(e.message);
    this.data = retryAfterMs === undefined ? { code, message: e.message } : { code, message: e.message, retryAfterMs };
  }
}

const WRITER_ROLES = new Set(["THERAPIST", "ADMIN"]);

export type AuthDeps = { db: Db; env: Env; limits: HandshakeLimits };

export async function authenticate(socket: Pick<Socket, "handshake" | "request">, deps: AuthDeps): Promise<ParticipantData | StaffData> {
  const authAt = Date.now();
  const ip = clientIp(socket.request, deps.env);
  const blocked = await deps.limits.blockedForFailures(ip);
  if (!blocked.ok) throw limited(blocked);
  try {
    return await check(socket, deps, ip, authAt);
  } catch (e) {
    // Refusals that a guesser would produce count against the address (not version or rate refusals).
    if (e instanceof HandshakeError && REFUSALS.has(e.data.code)) {
      if (await deps.limits.failed(ip)) await audit(deps.db, { kind: "system" }, "realtime.handshake.blocked", { ip, detail: { reason: "refused handshakes" } });
    }
    throw e;
  }
}

const REFUSALS = new Set<ErrorCode>(["UNAUTHORIZED", "BAD_REQUEST", "JOIN_UNKNOWN", "JOIN_EXPIRED", "JOIN_REVOKED", "JOIN_CANCELLED", "JOIN_ENDED", "NOT_FOUND"]);

function limited(r: Extract<LimitResult, { ok: false }>): HandshakeError {
  return new HandshakeError("RATE_LIMITED", `Too many connection attempts. Try again in ${Math.max(1, Math.ceil(r.retryMs / 1000))} s.`, Math.max(1, r.retryMs));
}

async function check(socket: Pick<Socket, "handshake" | "request">, deps: AuthDeps, ip: string, authAt: number): Promise<ParticipantData | StaffData> {
  const raw = socket.handshake.auth as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== "object") throw new HandshakeError("UNAUTHORIZED");
  if (raw.v !== PROTOCOL_VERSION) throw new HandshakeError("PROTOCOL_VERSION");
  const parsed = handshakeAuth.safeParse(raw);
  if (!parsed.success) throw new HandshakeError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid handshake");
  const auth = parsed.data;

  if (auth.role === "patient") {
    // Limits first: a limited handshake costs no lookup and never reaches the room.
    const byAddress = await HandshakeLimits.take(deps.limits.perAddress, ip);
    if (!byAddress.ok) {
      if (byAddress.first) await audit(deps.db, { kind: "system" }, "visit.join.limited", { ip, detail: { scope: "address" } });
      throw limited(byAddress);
    }
    const linkHash = tokenHash(deps.env.SESSION_SECRET, auth.token);
    const byLink = await HandshakeLimits.take(deps.limits.perLink, linkHash);
    if (!byLink.ok) {
      if (byLink.first) {
        const v = await deps.db.visit.findUnique({ where: { joinTokenHash: linkHash }, select: { id: true, clinicId: true } });
        if (v) await audit(deps.db, { kind: "patient", visitId: v.id, clinicId: v.clinicId }, "visit.join.limited", { record: { type: "Visit", id: v.id }, ip, detail: { scope: "link" } });
      }
      throw limited(byLink);
    }
    const r = await resolveJoinToken(deps.db, deps.env.SESSION_SECRET, auth.token);
    if (!r.ok) throw new HandshakeError(`JOIN_${r.reason}` as ErrorCode);
    const v = r.visit;
    return {
      kind: "participant", role: "patient", visitId: v.id, clinicId: v.clinicId, instanceId: auth.instanceId, name: auth.name,
      userId: null, userEmail: null, status: v.status as VisitLiveStatus, startedAt: v.startedAt?.toISOString() ?? null,
      consentAt: v.consentAt?.toISOString() ?? null, hasPatientName: !!v.patientName,
      sessionId: null, linkHash, authAt, expiresAt: v.joinExpiresAt.getTime(),
    };
  }

  // Staff: cookie session, and the browser must say the page is ours (cookies ride along cross-site).
  if (!isSameOrigin(socket.request, deps.env)) throw new HandshakeError("FORBIDDEN", "Cross-origin connection refused");
  const token = parseCookies(socket.request.headers.cookie)[SESSION_COOKIE];
  const s = await sessionUser({ db: deps.db, secret: deps.env.SESSION_SECRET, sessionTtlHours: deps.env.SESSION_TTL_HOURS }, token);
  if (!s) throw new HandshakeError("UNAUTHORIZED");
  // A temporary password grants nothing but choosing one's own (as on the API, see server/api/trpc.ts).
  if (s.user.mustChangePassword) throw new HandshakeError("FORBIDDEN", "Please choose your own password first (Your account page).");
  const session = await deps.db.session.findUnique({ where: { id: s.sessionId }, select: { expiresAt: true } });
  if (!session) throw new HandshakeError("UNAUTHORIZED");
  const opened = { sessionId: s.sessionId, linkHash: null, authAt, expiresAt: session.expiresAt.getTime() };
  if (auth.role === "staff") return { kind: "staff", clinicId: s.user.clinicId, userId: s.user.id, ...opened };

  if (!WRITER_ROLES.has(s.user.role)) throw new HandshakeError("FORBIDDEN", "Only therapists and administrators can run a visit");
  const v = await deps.db.visit.findFirst({
    where: { id: auth.visitId, clinicId: s.user.clinicId },
    select: { id: true, clinicId: true, status: true, startedAt: true, therapistId: true, therapist: { select: { name: true } } },
  });
  if (!v) throw new HandshakeError("NOT_FOUND");
  if (v.status === "ENDED") throw new HandshakeError("JOIN_ENDED", "This visit has ended.");
  if (v.status === "CANCELLED") throw new HandshakeError("JOIN_CANCELLED", "This visit was cancelled.");
  if (v.therapistId !== s.user.id)
    throw new HandshakeError("NOT_ASSIGNED", `This visit is assigned to ${v.therapist.name}. Take it over to join; ${v.therapist.name} is told and it is recorded.`);
  return {
    kind: "participant", role: "therapist", visitId: v.id, clinicId: v.clinicId, instanceId: auth.instanceId, name: s.user.name,
    userId: s.user.id, userEmail: s.user.email, status: v.status as VisitLiveStatus, startedAt: v.startedAt?.toISOString() ?? null, consentAt: null, hasPatientName: true,
    ...opened,
  };
}
