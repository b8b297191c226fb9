// Every live socket is tied to what opened it: a staff session (dashboards, the therapist's visit
// socket) or a patient link. This registry closes the socket the moment that ends:
//  - service events (server/services/events.ts): sign-out, session revoked, password changed,
//    account disabled, link revoked or rotated, visit cancelled or ended, visit taken over;
//  - a timer to the session's or link's expiry;
//  - a periodic re-check against the database (anything changed behind the services' back, or
//    by another process while no shared event bus carries the events);
//  - privileged events (admit, turn away, end) re-check session and assignment before acting.
// An event that arrives while a handshake for the same credentials is still running leaves a
// tombstone, so that socket is closed as soon as it registers. Each process acts on its own sockets
// only, so a shared bus that delivers every event to every process is all several processes need.
import type { ErrorCode } from "../../app/_shared/protocol";
import { ERROR_MESSAGES } from "../../app/_shared/protocol";
import type { Db } from "../db/client";
import type { ServiceEvent, SessionEndReason } from "../services/events";
import type { ParticipantData, StaffData } from "./auth";
import type { RoomManager, Sock } from "./rooms";

const SESSION_END_MESSAGE: Record<SessionEndReason | "expired", string> = {
  signout: "You signed out. Please sign in again.",
  revoked: "This session was ended from the account page. Please sign in again.",
  password: "Your password was changed. Please sign in again.",
  disabled: "Your account was disabled.",
  expired: "Your session expired. Please sign in again.",
};

/** setTimeout takes at most 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMER = 2_147_000_000;
/** How long an event is remembered for handshakes that started before it and finish after it. */
const TOMBSTONE_MS = 120_000;

type Tombstone = { at: number; keep?: string | null; toUserId?: string; message?: string };
type Opened = (ParticipantData | StaffData) & { kind: "participant" | "staff" };

export class LiveSessions {
  private bySession = new Map<string, Set<Sock>>();
  private byUser = new Map<string, Set<Sock>>();
  private byVisit = new Map<string, Set<Sock>>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private tombstones = new Map<string, Tombstone>();

  constructor(
    private rooms: RoomManager,
    private db: Db,
    private log: (m: string) => void,
  ) {}

  private tracked = new Set<Sock>();

  /** Number of sockets tracked (tests, diagnostics). */
  get size(): number {
    return this.tracked.size;
  }

  /** Tracks a socket that passed the handshake. Returns false when it was closed at once (its credentials ended meanwhile). */
  add(socket: Sock): boolean {
    const d = socket.data;
    if (d.kind === "pending") return false;
    const dead = this.tombstoned(d);
    if (dead) {
      this.close(socket, dead.code, dead.message);
      return false;
    }
    if (d.sessionId) index(this.bySession, d.sessionId, socket);
    if (d.userId) index(this.byUser, d.userId, socket);
    if (d.kind === "participant") index(this.byVisit, d.visitId, socket);
    this.tracked.add(socket);
    this.arm(socket, d);
    socket.once("disconnect", () => this.remove(socket));
    return true;
  }

  private remove(socket: Sock) {
    const d = socket.data;
    if (d.kind === "pending") return;
    if (d.sessionId) unindex(this.bySession, d.sessionId, socket);
    if (d.userId) unindex(this.byUser, d.userId, socket);
    if (d.kind === "participant") unindex(this.byVisit, d.visitId, socket);
    this.tracked.delete(socket);
    const t = this.timers.get(socket.id);
    if (t) clearTimeout(t);
    this.timers.delete(socket.id);
  }

  private arm(socket: Sock, d: Opened) {
    const wait = d.expiresAt - Date.now();
    if (wait <= 0) return this.expire(socket, d);
    const t = setTimeout(() => (d.expiresAt - Date.now() > 0 ? this.arm(socket, d) : this.expire(socket, d)), Math.min(wait, MAX_TIMER));
    t.unref();
    this.timers.set(socket.id, t);
  }

  private expire(socket: Sock, d: Opened) {
    if (d.sessionId) this.close(socket, "UNAUTHORIZED", SESSION_END_MESSAGE.expired);
    else this.close(socket, "JOIN_EXPIRED");
  }

  /** Tells the client why, frees its seat (closedBy) and closes the socket (after `delayMs`: an acknowledgement goes first). */
  close(socket: Sock, code: ErrorCode, message = ERROR_MESSAGES[code], delayMs = 0) {
    const d = socket.data;
    if (d.kind !== "pending") d.closedBy = code;
    socket.emit("session:closed", { code, message });
    if (delayMs > 0) setTimeout(() => socket.disconnect(true), delayMs).unref();
    else socket.disconnect(true);
  }

  private tombstoned(d: Opened): { code: ErrorCode; message?: string } | null {
    const now = Date.now();
    for (const [k, t] of this.tombstones) if (now - t.at > TOMBSTONE_MS) this.tombstones.delete(k);
    const after = (t: Tombstone | undefined) => t !== undefined && t.at >= d.authAt;
    const sess = d.sessionId ? this.tombstones.get(`session:${d.sessionId}`) : undefined;
    if (after(sess)) return { code: "UNAUTHORIZED", message: sess!.message };
    const u = d.userId ? this.tombstones.get(`user:${d.userId}`) : undefined;
    if (after(u) && u!.keep !== d.sessionId) return { code: "UNAUTHORIZED", message: u!.message };
    if (d.kind === "participant") {
      if (after(this.tombstones.get(`closed:${d.visitId}`))) return { code: "JOIN_ENDED" };
      if (d.role === "patient" && after(this.tombstones.get(`link:${d.visitId}`))) return { code: "JOIN_REVOKED" };
      const a = this.tombstones.get(`assign:${d.visitId}`);
      if (d.role === "therapist" && after(a) && a!.toUserId !== d.userId) return { code: "NOT_ASSIGNED", message: "This visit was taken over by another therapist." };
    }
    return null;
  }

  /** A service event: close the sockets whose credentials it ended. */
  async onEvent(e: ServiceEvent): Promise<void> {
    const at = Date.now();
    switch (e.type) {
      case "session.ended": {
        this.tombstones.set(`session:${e.sessionId}`, { at, message: SESSION_END_MESSAGE[e.reason] });
        for (const s of [...(this.bySession.get(e.sessionId) ?? [])]) this.close(s, "UNAUTHORIZED", SESSION_END_MESSAGE[e.reason]);
        return;
      }
      case "user.sessions.ended": {
        this.tombstones.set(`user:${e.userId}`, { at, keep: e.keepSessionId, message: SESSION_END_MESSAGE[e.reason] });
        for (const s of [...(this.byUser.get(e.userId) ?? [])])
          if (s.data.kind !== "pending" && s.data.sessionId !== e.keepSessionId) this.close(s, "UNAUTHORIZED", SESSION_END_MESSAGE[e.reason]);
        return;
      }
      case "link.revoked": {
        this.tombstones.set(`link:${e.visitId}`, { at });
        for (const s of this.participants(e.visitId, "patient")) this.close(s, "JOIN_REVOKED");
        return;
      }
      case "visit.reassigned": {
        this.tombstones.set(`assign:${e.visitId}`, { at, toUserId: e.toUserId });
        for (const s of this.participants(e.visitId, "therapist"))
          if (s.data.kind === "participant" && s.data.userId !== e.toUserId) this.close(s, "NOT_ASSIGNED", `${e.toName} took over this visit.`);
        return;
      }
      case "visit.closed": {
        this.tombstones.set(`closed:${e.visitId}`, { at });
        const sockets = [...(this.byVisit.get(e.visitId) ?? [])];
        for (const s of sockets) {
          if (s.data.kind !== "participant") continue;
          s.data.closedBy = e.status === "ENDED" ? "JOIN_ENDED" : "JOIN_CANCELLED";
          if (e.status === "CANCELLED" && s.data.role === "patient") s.emit("session:closed", { code: "JOIN_CANCELLED", message: ERROR_MESSAGES.JOIN_CANCELLED });
          else s.emit("visit:ended", { endedAt: e.endedAt });
        }
        // Close the sockets; one still answering a privileged event (whoever ended the visit) is closed right after
        // its acknowledgement (index.ts), or at the latest after 10 s.
        if (sockets.length) {
          const answering = (s: Sock) => s.data.kind === "participant" && (s.data.acking ?? 0) > 0;
          setTimeout(() => sockets.forEach((s) => !answering(s) && s.disconnect(true)), 100).unref();
          setTimeout(() => sockets.forEach((s) => s.disconnect(true)), 10_000).unref();
        }
        await this.rooms.closed(e);
        return;
      }
    }
  }

  private participants(visitId: string, role: "patient" | "therapist"): Sock[] {
    return [...(this.byVisit.get(visitId) ?? [])].filter((s) => s.data.kind === "participant" && s.data.role === role);
  }

  /**
   * Before a privileged event: is the therapist's session still valid and the visit still theirs?
   * Closes the socket and returns the refusal otherwise.
   */
  async authorise(socket: Sock, d: ParticipantData): Promise<ErrorCode | null> {
    if (d.role !== "therapist" || !d.sessionId || !d.userId) return "FORBIDDEN";
    const [session, visit] = await Promise.all([
      this.db.session.findUnique({ where: { id: d.sessionId }, select: { revokedAt: true, expiresAt: true, user: { select: { disabled: true } } } }),
      this.db.visit.findUnique({ where: { id: d.visitId }, select: { therapistId: true } }),
    ]);
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now() || session.user.disabled) {
      this.close(socket, "UNAUTHORIZED", undefined, 100);
      return "UNAUTHORIZED";
    }
    if (visit?.therapistId !== d.userId) {
      this.close(socket, "NOT_ASSIGNED", "This visit was taken over by another therapist.", 100);
      return "NOT_ASSIGNED";
    }
    return null;
  }

  /** Re-checks every tracked socket against the database; returns how many were closed. */
  async revalidate(): Promise<number> {
    const sessions = [...this.bySession.keys()];
    const visits = [...this.byVisit.keys()];
    let closed = 0;
    const now = Date.now();
    for (const ids of chunks(sessions, 500)) {
      const rows = await this.db.session.findMany({ where: { id: { in: ids } }, select: { id: true, revokedAt: true, expiresAt: true, user: { select: { disabled: true } } } });
      const valid = new Set(rows.filter((r) => !r.revokedAt && r.expiresAt.getTime() > now && !r.user.disabled).map((r) => r.id));
      for (const id of ids)
        if (!valid.has(id))
          for (const s of [...(this.bySession.get(id) ?? [])]) {
            this.close(s, "UNAUTHORIZED");
            closed++;
          }
    }
    for (const ids of chunks(visits, 500)) {
      const rows = await this.db.visit.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, therapistId: true, joinTokenHash: true, joinRevokedAt: true, joinExpiresAt: true },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids)
        for (const s of [...(this.byVisit.get(id) ?? [])]) {
          const d = s.data;
          if (d.kind !== "participant") continue;
          const v = byId.get(id);
          const code: ErrorCode | null = !v
            ? "JOIN_UNKNOWN"
            : v.status === "CANCELLED"
              ? "JOIN_CANCELLED"
              : v.status === "ENDED"
                ? "JOIN_ENDED"
                : d.role === "therapist"
                  ? v.therapistId === d.userId
                    ? null
                    : "NOT_ASSIGNED"
                  : v.joinRevokedAt || v.joinTokenHash !== d.linkHash
                    ? "JOIN_REVOKED"
                    : v.joinExpiresAt.getTime() <= now
                      ? "JOIN_EXPIRED"
                      : null;
          if (code) {
            this.close(s, code);
            closed++;
          }
        }
    }
    if (closed) this.log(`[realtime] re-check closed ${closed} socket(s) whose session or link had ended`);
    return closed;
  }
}

function index(m: Map<string, Set<Sock>>, k: string, s: Sock) {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(s);
}
function unindex(m: Map<string, Set<Sock>>, k: string, s: Sock) {
  const set = m.get(k);
  if (!set) return;
  set.delete(s);
  if (!set.size) m.delete(k);
}
function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
