// The visit room: who is in it, participant replacement on rejoin, admission, end, and relaying
// signals/feature messages to the other participant. State lives in a RoomStore; messages are
// routed by the socket ids stored there, so the same code runs against a shared store + adapter.
import type { Server, Socket } from "socket.io";
import {
  protocolError,
  RECONNECT_GRACE_MS,
  type Ack,
  type C2SEvents,
  type C2SParsed,
  type C2SPayload,
  type C2SResult,
  type ClinicVisitUpdate,
  type ParticipantRole,
  type ProtocolError,
  type S2CEvents,
  type VisitLiveStatus,
} from "../../app/_shared/protocol";
import type { Db } from "../db/client";
import type { Env } from "../env";
import type { Actor } from "../services/audit";
import { audit } from "../services/audit";
import type { ServiceEvent } from "../services/events";
import { setVisitStatus } from "../services/visits";
import { uploadFromSocket } from "./uploads";
import type { ParticipantData, SocketData } from "./auth";
import { iceServersFor } from "./ice";
import { roomView, type RoomStore, type StoredParticipant, type StoredRoom } from "./store";

export type IO = Server<C2SEvents, S2CEvents, Record<string, never>, SocketData>;
export type Sock = Socket<C2SEvents, S2CEvents, Record<string, never>, SocketData>;

export const visitRoom = (visitId: string) => `visit:${visitId}`;
export const clinicRoom = (clinicId: string) => `clinic:${clinicId}`;
const other = (r: ParticipantRole): ParticipantRole => (r === "patient" ? "therapist" : "patient");
const ok = <T extends object>(v: T = {} as T): Ack<T> => ({ ok: true, ...v });

export type RoomManagerOptions = { graceMs?: number; log?: (m: string) => void };

export class RoomManager {
  readonly graceMs: number;
  private locks = new Map<string, Promise<unknown>>();
  private log: (m: string) => void;

  constructor(
    private io: IO,
    readonly store: RoomStore,
    private deps: { db: Db; env: Env },
    opts: RoomManagerOptions = {},
  ) {
    this.graceMs = opts.graceMs ?? RECONNECT_GRACE_MS;
    this.log = opts.log ?? ((m) => console.warn(m));
  }

  /** Serialises the state-changing work of one visit within this process. */
  private lock<T>(visitId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(visitId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.locks.set(visitId, tail);
    void tail.then(() => {
      if (this.locks.get(visitId) === tail) this.locks.delete(visitId);
    });
    return run;
  }

  /** Resolves when this process's queued room work is done (shutdown: before the shared store goes away). */
  async idle(): Promise<void> {
    while (this.locks.size) await Promise.all([...this.locks.values()]);
  }

  private actor(d: ParticipantData): Actor {
    return d.role === "therapist" && d.userId
      ? { kind: "user", id: d.userId, email: d.userEmail ?? "", clinicId: d.clinicId }
      : { kind: "patient", visitId: d.visitId, clinicId: d.clinicId };
  }

  private broadcast(room: StoredRoom) {
    this.io.to(visitRoom(room.visitId)).emit("room:state", roomView(room));
  }

  /** Handler of the tracked sockets (set by attachRealtime): acts on "visit closed" seen here first. */
  onClosed: ((e: Extract<ServiceEvent, { type: "visit.closed" }>) => Promise<void>) | null = null;

  /** The visit was ended or cancelled (service event): forget its room and tell the clinic's dashboards. */
  async closed(e: Extract<ServiceEvent, { type: "visit.closed" }>): Promise<void> {
    await this.store.update(e.visitId, () => ({ room: null, result: null }));
    this.clinicUpdate({ visitId: e.visitId, clinicId: e.clinicId, status: e.status, startedAt: e.startedAt, patient: null }, e.endedAt);
  }

  private clinicUpdate(room: Pick<StoredRoom, "visitId" | "clinicId" | "status" | "startedAt"> & { patient?: StoredParticipant | null }, endedAt: string | null = null) {
    const u: ClinicVisitUpdate = {
      visitId: room.visitId,
      status: room.status,
      patientPresence: room.patient ? room.patient.presence : "absent",
      patientName: room.patient?.name ?? null,
      startedAt: room.startedAt,
      endedAt,
      at: Date.now(),
    };
    this.io.to(clinicRoom(room.clinicId)).emit("clinic:visit", u);
  }

  /** A participant's socket passed the handshake: it takes the role's seat, replacing any older socket. */
  join(socket: Sock, d: ParticipantData): Promise<void> {
    return this.lock(d.visitId, async () => {
      const now = Date.now();
      const existing = await this.store.get(d.visitId);
      const prev = existing?.[d.role] ?? null;
      const sameInstance = prev?.instanceId === d.instanceId;
      const db = this.deps.db;
      let consentAt = prev?.consentAt ?? d.consentAt;

      if (d.role === "patient" && !sameInstance) {
        consentAt = new Date(now).toISOString();
        await db.visit.update({ where: { id: d.visitId }, data: { patientName: d.name, consentAt: new Date(now) } });
        await audit(db, this.actor(d), "visit.consent", { record: { type: "Visit", id: d.visitId }, detail: { name: d.name, scope: "movement-measurement" } });
      }
      const fresh = await db.visit.findUnique({ where: { id: d.visitId }, select: { status: true, startedAt: true } });
      if (!fresh || fresh.status === "ENDED" || fresh.status === "CANCELLED") {
        socket.emit("visit:ended", { endedAt: new Date().toISOString() });
        socket.disconnect(true);
        return;
      }
      let status = fresh.status as VisitLiveStatus;
      const startedAt = fresh.startedAt?.toISOString() ?? null;
      if (d.role === "patient" && status === "SCHEDULED") {
        const u = await setVisitStatus(db, this.actor(d), d.visitId, "WAITING");
        if (u) status = u.status as VisitLiveStatus;
      }
      if (!socket.connected) return; // it went away while we were writing

      const me: StoredParticipant = {
        role: d.role,
        name: d.name,
        instanceId: d.instanceId,
        socketId: socket.id,
        presence: "online",
        disconnectedAt: null,
        media: sameInstance && prev ? prev.media : { audio: true, video: true },
        joinedAt: sameInstance && prev ? prev.joinedAt : now,
        userId: d.userId,
        consentAt: d.role === "patient" ? consentAt : null,
      };
      const room = await this.store.update(d.visitId, (r) => {
        const next: StoredRoom = r ?? { visitId: d.visitId, clinicId: d.clinicId, status, startedAt, patient: null, therapist: null, rev: 0 };
        next.status = status;
        next.startedAt = startedAt;
        next[d.role] = me;
        return { room: next, result: next };
      });
      const replaced = prev && prev.socketId !== socket.id ? prev.socketId : null;
      if (replaced) {
        this.io.to(replaced).emit("session:replaced", { message: "This visit was opened in another window or after a reconnect." });
        this.io.in(replaced).disconnectSockets(true);
      }
      await socket.join(visitRoom(d.visitId));
      const ice = iceServersFor(this.deps.env, d.visitId, now);
      socket.emit("session:welcome", {
        v: 1,
        role: d.role,
        instanceId: d.instanceId,
        visitId: d.visitId,
        iceServers: ice.iceServers,
        iceExpiresAt: ice.expiresAt,
        iceTransportPolicy: this.deps.env.ICE_TRANSPORT_POLICY,
        serverTime: now,
      });
      this.broadcast(room);
      this.clinicUpdate(room);
    });
  }

  /** The socket closed. An explicit leave frees the seat; anything else leaves it "reconnecting". */
  leave(socket: Sock, d: ParticipantData, reason: string): Promise<void> {
    return this.lock(d.visitId, async () => {
      // The client left, or the server closed it because its session or link ended: free the seat now.
      const explicit = reason === "client namespace disconnect" || d.closedBy !== undefined;
      const res = await this.store.update(d.visitId, (r) => {
        if (!r || r[d.role]?.socketId !== socket.id) return { room: r, result: null };
        if (explicit) r[d.role] = null;
        else r[d.role] = { ...r[d.role]!, presence: "reconnecting", disconnectedAt: Date.now() };
        return { room: r.patient || r.therapist ? r : null, result: r };
      });
      if (!res) return;
      if (explicit && d.role === "patient") await this.patientGone(res);
      this.broadcast(res);
      this.clinicUpdate(res);
    });
  }

  /** A patient left the waiting room for good: the visit goes back to SCHEDULED. */
  private async patientGone(room: StoredRoom) {
    if (room.status !== "WAITING") return;
    await this.deps.db.visit.updateMany({ where: { id: room.visitId, status: "WAITING" }, data: { status: "SCHEDULED" } });
    room.status = "SCHEDULED";
    await this.store.update(room.visitId, (r) => (r ? { room: { ...r, status: "SCHEDULED" }, result: null } : { room: null, result: null }));
  }

  /** Frees the seats of participants whose reconnect grace ran out (run periodically). */
  async sweep(now = Date.now()): Promise<number> {
    const ids = await this.store.expired(now - this.graceMs);
    let freed = 0;
    for (const id of ids)
      await this.lock(id, async () => {
        const res = await this.store.update(id, (r) => {
          if (!r) return { room: null, result: null };
          let patientLeft = false;
          for (const role of ["patient", "therapist"] as const) {
            const p = r[role];
            if (p && p.presence === "reconnecting" && p.disconnectedAt !== null && p.disconnectedAt < now - this.graceMs) {
              r[role] = null;
              freed++;
              if (role === "patient") patientLeft = true;
            }
          }
          return { room: r.patient || r.therapist ? r : null, result: { room: r, patientLeft } };
        });
        if (!res) return;
        if (res.patientLeft) await this.patientGone(res.room);
        this.broadcast(res.room);
        this.clinicUpdate(res.room);
      });
    return freed;
  }

  // ---- events --------------------------------------------------------------------------------

  async handle<E extends keyof C2SResult>(socket: Sock, d: ParticipantData, event: E, payload: C2SParsed<E>): Promise<Ack<C2SResult[E]>> {
    type R = Ack<C2SResult[E]>;
    switch (event) {
      case "ping":
        return ok({ t: (payload as C2SPayload<"ping">).t, serverTime: Date.now() }) as R;
      case "ice:servers":
        return ok(iceServersFor(this.deps.env, d.visitId)) as R;
      case "signal":
      case "relay":
      case "relay:ack":
        return (await this.forward(socket, d, event, payload as never)) as R;
      case "media:state":
        return (await this.setMedia(socket, d, payload as C2SPayload<"media:state">)) as R;
      case "visit:admit":
        return (await this.admit(d)) as R;
      case "visit:decline":
        return (await this.decline(d, (payload as C2SPayload<"visit:decline">).message)) as R;
      case "visit:end":
        return (await this.end(d)) as R;
      case "recording:chunk":
        return (await uploadFromSocket(this.deps.db, d, payload as C2SParsed<"recording:chunk">)) as R;
    }
    return protocolError("UNKNOWN_EVENT") as R;
  }

  /**
   * Hot path: signals and feature messages go straight to the other participant's socket. The room is peeked (no copy;
   * with a shared store, this process's cached copy): a refusal is decided only on a fresh read.
   */
  private async forward(socket: Sock, d: ParticipantData, event: "signal" | "relay" | "relay:ack", payload: Record<string, unknown>): Promise<Ack> {
    const peeked = await this.store.peek(d.visitId);
    const route = (room: Readonly<StoredRoom> | null): ProtocolError | Readonly<StoredParticipant> => {
      if (!room || room[d.role]?.socketId !== socket.id) return protocolError("FORBIDDEN", "This connection no longer speaks for you; reconnect.");
      if (room.status !== "IN_PROGRESS") return protocolError("INVALID_STATE", "The visit has not started yet.");
      const peer = room[other(d.role)];
      if (!peer || peer.presence !== "online") return protocolError("PEER_ABSENT");
      const to = event === "signal" ? payload.to : event === "relay:ack" ? payload.sender : peer.instanceId;
      if (to !== peer.instanceId) return protocolError("PEER_ABSENT", "That connection of the other participant is gone.");
      return peer;
    };
    let peer = route(peeked);
    if ("ok" in peer) peer = route(await this.store.get(d.visitId));
    if ("ok" in peer) return peer;
    // The peer's socket on this process (visits routed by id put both participants on one process): emitted on it
    // directly. `io.to(id)` would also publish every message through the cluster adapter (Redis) to every other
    // process, which found no such socket: with REDIS_URL that cost each process about as much again as the relay
    // itself (bench:load --cluster, 2026-12-02: 2x the CPU per visit of one process with both participants local).
    const to = this.io.sockets.sockets.get(peer.socketId) ?? this.io.to(peer.socketId);
    if (event === "signal") to.emit("signal", { ...(payload as C2SPayload<"signal">), from: d.instanceId } as never);
    else if (event === "relay") to.emit("relay", { ...(payload as C2SPayload<"relay">), from: d.instanceId, fromRole: d.role });
    else to.emit("relay:ack", payload as C2SPayload<"relay:ack">);
    return ok();
  }

  private setMedia(socket: Sock, d: ParticipantData, media: C2SPayload<"media:state">): Promise<Ack> {
    return this.lock(d.visitId, async () => {
      const room = await this.store.update(d.visitId, (r) => {
        const me = r?.[d.role];
        if (!r || !me || me.socketId !== socket.id) return { room: r, result: null };
        r[d.role] = { ...me, media: { audio: media.audio, video: media.video } };
        return { room: r, result: r };
      });
      if (!room) return protocolError("FORBIDDEN", "This connection no longer speaks for you; reconnect.");
      this.broadcast(room);
      return ok();
    });
  }

  private admit(d: ParticipantData): Promise<Ack> {
    return this.lock(d.visitId, async () => {
      const room = await this.store.get(d.visitId);
      if (!room?.patient) return protocolError("INVALID_STATE", "Nobody is waiting.");
      if (room.status === "IN_PROGRESS") return ok();
      const u = await setVisitStatus(this.deps.db, this.actor(d), d.visitId, "IN_PROGRESS");
      if (!u) return protocolError("INVALID_STATE", "This visit is over.");
      const next = await this.store.update(d.visitId, (r) =>
        r ? { room: { ...r, status: "IN_PROGRESS", startedAt: u.startedAt?.toISOString() ?? null }, result: r } : { room: null, result: null },
      );
      if (!next) return protocolError("INVALID_STATE", "Nobody is waiting.");
      const fresh = (await this.store.get(d.visitId))!;
      this.broadcast(fresh);
      this.clinicUpdate(fresh);
      return ok();
    });
  }

  private decline(d: ParticipantData, message?: string): Promise<Ack> {
    return this.lock(d.visitId, async () => {
      const room = await this.store.get(d.visitId);
      if (!room?.patient) return protocolError("INVALID_STATE", "Nobody is waiting.");
      if (room.status === "IN_PROGRESS") return protocolError("INVALID_STATE", "The visit is in progress; end it instead.");
      const patient = room.patient;
      this.io.to(patient.socketId).emit("visit:declined", {
        message: message || "Your therapist cannot admit you right now. Please try again later or contact your clinic.",
      });
      this.io.in(patient.socketId).disconnectSockets(true);
      const next = await this.store.update(d.visitId, (r) => {
        if (!r) return { room: null, result: null };
        r.patient = null;
        return { room: r.therapist ? r : null, result: r };
      });
      if (next) {
        await this.patientGone(next);
        this.broadcast(next);
        this.clinicUpdate(next);
      }
      await audit(this.deps.db, this.actor(d), "visit.decline", { record: { type: "Visit", id: d.visitId } });
      return ok();
    });
  }

  private end(d: ParticipantData): Promise<Ack> {
    return this.lock(d.visitId, async () => {
      const u = await setVisitStatus(this.deps.db, this.actor(d), d.visitId, "ENDED");
      const v = await this.deps.db.visit.findUnique({ where: { id: d.visitId }, select: { status: true, startedAt: true, endedAt: true, clinicId: true } });
      const endedAt = (v?.endedAt ?? new Date()).toISOString();
      if (!u && v?.status !== "ENDED") return protocolError("INVALID_STATE", "This visit cannot be ended.");
      // setVisitStatus published "visit closed": the sockets are told and closed, the room forgotten
      // (sessions.ts). A visit that was already over (ended elsewhere) is closed here the same way.
      if (!u) await this.onClosed?.({ type: "visit.closed", visitId: d.visitId, clinicId: d.clinicId, status: "ENDED", startedAt: v?.startedAt?.toISOString() ?? null, endedAt });
      return ok();
    });
  }
}
