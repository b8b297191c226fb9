// Handshake authentication. Runs once per connection (and again on every reconnect):
//  - therapist: session cookie (pv_session) + same-origin check (no cross-site WebSocket hijacking),
//    a writer role, and the visit must belong to the user's clinic (other clinics get NOT_FOUND);
//  - patient: the join token (valid, not expired/revoked, visit not cancelled/ended), a name and consent;
//  - staff: session cookie + same origin; joins the clinic room only (dashboard updates).
//  Staff with a temporary password (mustChangePassword) are refused until they have chosen their own.
import type { ExtendedError, Socket } from "socket.io";
import { handshakeAuth, PROTOCOL_VERSION, protocolError, type ErrorCode, type HandshakeErrorData, type ParticipantRole, type VisitLiveStatus } from "../../app/_shared/protocol";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { isSameOrigin, parseCookies } from "../http/request";
import { SESSION_COOKIE, sessionUser } from "../services/auth";
import { resolveJoinToken } from "../services/visits";

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
};
export type StaffData = { kind: "staff"; clinicId: string; userId: string };
export type SocketData = ParticipantData | StaffData | { kind: "pending" };

export class HandshakeError extends Error implements ExtendedError {
  data: HandshakeErrorData;
  constructor(code: ErrorCode, message?: string) {
    const e = protocolError(code, message);
    super(e.message);
    this.data = { code, message: e.message };
  }
}

const WRITER_ROLES = new Set(["THERAPIST", "ADMIN"]);

export async function authenticate(socket: Pick<Socket, "handshake" | "request">, deps: { db: Db; env: Env }): Promise<ParticipantData | StaffData> {
  const raw = socket.handshake.auth as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== "object") throw new HandshakeError("UNAUTHORIZED");
  if (raw.v !== PROTOCOL_VERSION) throw new HandshakeError("PROTOCOL_VERSION");
  const parsed = handshakeAuth.safeParse(raw);
  if (!parsed.success) throw new HandshakeError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid handshake");
  const auth = parsed.data;

  if (auth.role === "patient") {
    const r = await resolveJoinToken(deps.db, deps.env.SESSION_SECRET, auth.token);
    if (!r.ok) throw new HandshakeError(`JOIN_${r.reason}` as ErrorCode);
    const v = r.visit;
    return {
      kind: "participant", role: "patient", visitId: v.id, clinicId: v.clinicId, instanceId: auth.instanceId, name: auth.name,
      userId: null, userEmail: null, status: v.status as VisitLiveStatus, startedAt: v.startedAt?.toISOString() ?? null,
      consentAt: v.consentAt?.toISOString() ?? null, hasPatientName: !!v.patientName,
    };
  }

  // Staff: cookie session, and the browser must say the page is ours (cookies ride along cross-site).
  if (!isSameOrigin(socket.request, deps.env)) throw new HandshakeError("FORBIDDEN", "Cross-origin connection refused");
  const token = parseCookies(socket.request.headers.cookie)[SESSION_COOKIE];
  const s = await sessionUser({ db: deps.db, secret: deps.env.SESSION_SECRET, sessionTtlHours: deps.env.SESSION_TTL_HOURS }, token);
  if (!s) throw new HandshakeError("UNAUTHORIZED");
  // A temporary password grants nothing but choosing one's own (as on the API, see server/api/trpc.ts).
  if (s.user.mustChangePassword) throw new HandshakeError("FORBIDDEN", "Please choose your own password first (Your account page).");
  if (auth.role === "staff") return { kind: "staff", clinicId: s.user.clinicId, userId: s.user.id };

  if (!WRITER_ROLES.has(s.user.role)) throw new HandshakeError("FORBIDDEN", "Only therapists and administrators can run a visit");
  const v = await deps.db.visit.findFirst({
    where: { id: auth.visitId, clinicId: s.user.clinicId },
    select: { id: true, clinicId: true, status: true, startedAt: true },
  });
  if (!v) throw new HandshakeError("NOT_FOUND");
  if (v.status === "ENDED") throw new HandshakeError("JOIN_ENDED", "This visit has ended.");
  if (v.status === "CANCELLED") throw new HandshakeError("JOIN_CANCELLED", "This visit was cancelled.");
  return {
    kind: "participant", role: "therapist", visitId: v.id, clinicId: v.clinicId, instanceId: auth.instanceId, name: s.user.name,
    userId: s.user.id, userEmail: s.user.email, status: v.status as VisitLiveStatus, startedAt: v.startedAt?.toISOString() ?? null, consentAt: null, hasPatientName: true,
  };
}
