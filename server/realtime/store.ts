// Room state behind a small store interface. The in-memory store serves one process; a shared
// store (Redis hash per visit, updated with WATCH/MULTI or a Lua script) plus the Socket.IO Redis
// adapter lets several processes serve the same visits: everything a handler needs to route a
// message (socket ids, instance ids, presence) lives in the stored room, never in process memory.
import type { MediaState, ParticipantRole, ParticipantView, RoomView, VisitLiveStatus } from "../../app/_shared/protocol";

export type StoredParticipant = {
  role: ParticipantRole;
  name: string;
  instanceId: string;
  /** The one socket that currently speaks for this participant (Socket.IO ids are cluster-wide). */
  socketId: string;
  presence: "online" | "reconnecting";
  disconnectedAt: number | null;
  media: MediaState;
  joinedAt: number;
  userId: string | null;
  consentAt: string | null;
};

export type StoredRoom = {
  visitId: string;
  clinicId: string;
  status: VisitLiveStatus;
  startedAt: string | null;
  patient: StoredParticipant | null;
  therapist: StoredParticipant | null;
  /** Incremented on every write (optimistic concurrency for shared stores, ordering for clients). */
  rev: number;
};

export interface RoomStore {
  get(visitId: string): Promise<StoredRoom | null>;
  /**
   * The room for the relay's hot path: read-only, not copied, and in a shared store a per-process cached copy that
   * another process's write invalidates (it may lag that write by the invalidation's delivery). Callers that find it
   * refusing a message re-read it with get() before refusing.
   */
  peek(visitId: string): Promise<Readonly<StoredRoom> | null>;
  /**
   * Atomic read-modify-write of one room. `fn` gets a copy and returns the new room (null deletes
   * it) and a result. A shared store retries `fn` on a concurrent write, so `fn` must be pure.
   */
  update<T>(visitId: string, fn: (room: StoredRoom | null) => { room: StoredRoom | null; result: T }): Promise<T>;
  /** Rooms with a participant whose reconnect grace ended before `before` (for the sweeper). */
  expired(before: number): Promise<string[]>;
  count(): Promise<number>;
}

export class MemoryRoomStore implements RoomStore {
  private rooms = new Map<string, StoredRoom>();

  async get(visitId: string): Promise<StoredRoom | null> {
    const r = this.rooms.get(visitId);
    return r ? structuredClone(r) : null;
  }

  /** The stored object itself: update() replaces it and never changes it in place, so it is a consistent snapshot. */
  async peek(visitId: string): Promise<Readonly<StoredRoom> | null> {
    return this.rooms.get(visitId) ?? null;
  }

  async update<T>(visitId: string, fn: (room: StoredRoom | null) => { room: StoredRoom | null; result: T }): Promise<T> {
    const cur = this.rooms.get(visitId);
    const { room, result } = fn(cur ? structuredClone(cur) : null);
    if (room) this.rooms.set(visitId, { ...room, rev: (cur?.rev ?? 0) + 1 });
    else this.rooms.delete(visitId);
    return result;
  }

  async expired(before: number): Promise<string[]> {
    const out: string[] = [];
    for (const r of this.rooms.values())
      for (const p of [r.patient, r.therapist])
        if (p && p.presence === "reconnecting" && p.disconnectedAt !== null && p.disconnectedAt < before) {
          out.push(r.visitId);
          break;
        }
    return out;
  }

  async count(): Promise<number> {
    return this.rooms.size;
  }
}

export function participantView(p: StoredParticipant | null): ParticipantView | null {
  if (!p) return null;
  return {
    role: p.role,
    name: p.name,
    instanceId: p.instanceId,
    presence: p.presence,
    media: p.media,
    joinedAt: p.joinedAt,
    ...(p.consentAt ? { consentAt: p.consentAt } : {}),
  };
}

export function roomView(r: StoredRoom): RoomView {
  return { visitId: r.visitId, status: r.status, startedAt: r.startedAt, patient: participantView(r.patient), therapist: participantView(r.therapist) };
}
