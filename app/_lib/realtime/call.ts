// The live-visit client: signalling socket + reconnect handling + the peer connection + quality.
// Framework-free (a React hook wraps it in hooks.ts); state is published as immutable snapshots.
import type { C2SPayload, ErrorCode, IceServer, MediaState, ParticipantRole, RoomView, S2CEvents, SignalMsg, Welcome } from "../../_shared/protocol";
import { IceCredentials } from "./ice-credentials";
import { PeerLink, type LinkState } from "./peer";
import { MEDIA_NS, mediaSentMsg } from "../../_shared/media-report";
import { SendPriority, TRIAL_CAPS } from "./priority";
import { sampleQuality, SENT_STALE_MS, type Quality, type Sending } from "./quality";
import { RelayInbox, RelayOutbox } from "./relay";
import { emitAck, FATAL_HANDSHAKE, handshakeError, openSocket, type VisitSocket } from "./socket";

/**
 * `visit` (the patient's; the therapist's is its visitId) is a routing key only, never a credential: it goes in the
 * socket URL's query so that a proxy in front of several server processes sends both participants of a visit to the
 * same process (server/realtime/README.md, "Deployment"). The server ignores it.
 */
export type CallAuth = { role: "patient"; token: string; name: string; consent: true; visit?: string } | { role: "therapist"; visitId: string };

export type CallPhase = "connecting" | "waiting" | "in-call" | "reconnecting" | "declined" | "ended" | "replaced" | "failed";

/** How long the recorder waits for a `recording:chunk` acknowledgement before it retries. */
export const CHUNK_ACK_TIMEOUT_MS = 35_000;

export type CallSnapshot = {
  phase: CallPhase;
  error: { code: ErrorCode | "NETWORK"; message: string } | null;
  room: RoomView | null;
  welcome: Welcome | null;
  socketConnected: boolean;
  remoteStream: MediaStream | null;
  linkState: LinkState | "none";
  /** True once media flowed in this call; used to show "reconnecting…" rather than "connecting…". */
  everConnected: boolean;
  iceRestarts: number;
  quality: Quality | null;
  media: MediaState;
  message: string | null;
};

export function randomInstanceId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

type RelayIn = Parameters<S2CEvents["relay"]>[0];

export class VisitCall {
  readonly instanceId = randomInstanceId();
  readonly role: ParticipantRole;
  readonly socket: VisitSocket;
  private link: PeerLink | null = null;
  private local: MediaStream | null = null;
  private localReady = false;
  private pendingSignals: (SignalMsg & { from: string })[] = [];
  private listeners = new Set<() => void>();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private qualityPrev: Parameters<typeof sampleQuality>[1] = null;
  private stopped = false;
  private ice = new IceCredentials();
  private iceTimer: ReturnType<typeof setTimeout> | null = null;
  private iceRenewal: Promise<IceServer[] | null> | null = null;
  readonly relayOut: RelayOutbox;
  readonly relayIn: RelayInbox;
  onRelay: ((m: RelayIn) => void) | null = null;
  snap: CallSnapshot = {
    phase: "connecting", error: null, room: null, welcome: null, socketConnected: false, remoteStream: null, linkState: "none",
    everConnected: false, iceRestarts: 0, quality: null, media: { audio: true, video: true }, message: null,
  };

  constructor(auth: CallAuth, opts: { url?: string; extraHeaders?: Record<string, string>; log?: (m: string) => void } = {}) {
    this.role = auth.role;
    const log = opts.log ?? (() => {});
    this.log = log;
    const { visit, ...handshake } = auth.role === "patient" ? auth : { ...auth, visit: auth.visitId };
    const query = visit ? { visit } : undefined;
    this.socket = openSocket({ ...handshake, instanceId: this.instanceId }, { url: opts.url, extraHeaders: opts.extraHeaders, autoConnect: false, query });
    const s = this.socket;
    this.relayOut = new RelayOutbox({
      send: async (m) => (await emitAck(s, "relay", m)).ok,
      ack: (m) => void s.emit("relay:ack", m),
    });
    this.relayIn = new RelayInbox({ send: async () => false, ack: (m) => void s.emit("relay:ack", m) }, (m) => (m.ns === MEDIA_NS ? this.onPeerSending(m.data) : this.onRelay?.(m)));

    s.on("connect", () => this.set({ socketConnected: true }));
    s.on("connect_error", (e) => {
      const h = handshakeError(e);
      if (h && FATAL_HANDSHAKE.has(h.code)) {
        this.set({ phase: "failed", error: h });
        this.stop(false);
      } else if (h) {
        // A transient refusal (SERVER_BUSY, RATE_LIMITED, INTERNAL): Socket.IO does not retry those by itself. The page
        // shows a busy server's message ("The server is busy. Retrying in N s.") until the retry gets in.
        if (h.code === "SERVER_BUSY") this.set({ error: h });
        setTimeout(() => !this.stopped && s.connect(), Math.min(60_000, Math.max(1_000, h.retryAfterMs ?? 2_000)));
      }
      this.set({ socketConnected: false });
    });
    s.on("disconnect", (reason) => {
      this.set({ socketConnected: false });
      if (reason === "io server disconnect" && !this.isFinal()) {
        // Kicked without a reason event (e.g. replaced on another node): try again.
        setTimeout(() => !this.stopped && s.connect(), 1_000);
      }
    });
    s.on("session:welcome", (w) => {
      const rejoin = this.snap.welcome !== null;
      this.set({ welcome: w, error: null });
      this.ice.set({ iceServers: w.iceServers, expiresAt: w.iceExpiresAt }, Date.now());
      this.link?.setIceServers(w.iceServers);
      this.scheduleIceRenewal();
      this.announceMedia();
      if (rejoin) {
        // Back after a drop: heal the media path if it suffered, and resend unacknowledged feature data.
        if (this.link && this.link.pc.connectionState !== "connected") this.link.restartIce(); // with the welcome's ICE servers (set above)
        void this.relayOut.resend();
      }
    });
    s.on("room:state", (r) => {
      const prevPeer = this.snap.room?.[this.other()];
      this.set({ room: r });
      const peer = r[this.other()];
      if (peer && peer.presence === "online" && prevPeer && (prevPeer.presence !== "online" || prevPeer.instanceId !== peer.instanceId)) {
        if (prevPeer.instanceId === peer.instanceId && this.link && this.link.pc.connectionState !== "connected" && this.role === "therapist")
          this.link.restartIce();
        void this.relayOut.resend();
      }
      this.reconcile();
    });
    s.on("signal", (m) => this.onSignal(m));
    s.on("relay", (m) => this.relayIn.receive(m));
    s.on("relay:ack", (m) => {
      if (m.sender === this.instanceId) this.relayOut.onAck(m.ns, m.upTo);
    });
    s.on("visit:declined", (m) => {
      this.set({ phase: "declined", message: m.message });
      this.stop(false);
    });
    s.on("visit:ended", () => {
      this.set({ phase: "ended" });
      this.stop(false);
    });
    s.on("session:closed", (m) => {
      // Signed out, session or link ended, visit cancelled or taken over: final, no reconnect.
      this.set({ phase: "failed", error: { code: m.code, message: m.message } });
      this.stop(false);
    });
    s.on("session:replaced", (m) => {
      this.set({ phase: "replaced", message: m.message });
      this.stop(false);
    });
    s.on("server:error", (e) => log(`[socket] ${e.event}: ${e.code} ${e.message}`));
  }

  private log: (m: string) => void;

  private other(): ParticipantRole {
    return this.role === "patient" ? "therapist" : "patient";
  }

  private isFinal() {
    return ["declined", "ended", "replaced", "failed"].includes(this.snap.phase);
  }

  private set(p: Partial<CallSnapshot>) {
    const next = { ...this.snap, ...p };
    if (!this.isFinal() && !(p.phase && ["declined", "ended", "replaced", "failed"].includes(p.phase))) {
      next.phase = !next.socketConnected
        ? next.welcome
          ? "reconnecting"
          : "connecting"
        : next.room?.status === "IN_PROGRESS"
          ? "in-call"
          : next.room
            ? "waiting"
            : "connecting";
    }
    this.snap = next;
    for (const l of this.listeners) l();
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  getSnapshot = () => this.snap;

  start() {
    this.stopped = false;
    this.socket.connect();
    this.qualityTimer ??= setInterval(() => {
      void this.sampleQuality();
      if (this.socket.connected) this.relayOut.retransmit();
    }, 1_000);
  }

  /** Local camera/microphone (null: receive only). Switching devices replaces tracks in place. */
  setLocalStream(stream: MediaStream | null) {
    this.local = stream;
    this.localReady = true;
    this.applyMedia();
    this.announceMedia();
    this.link?.setLocalStream(stream);
    this.reconcile();
    this.applyPriority();
  }

  private priority: SendPriority | null = null;
  private priorityOn = false;
  /** While a trial records, this side's video is sent as priority.ts says (audio untouched); off restores it. */
  setTrialPriority(on: boolean) {
    this.priorityOn = on;
    this.applyPriority();
  }
  private applyPriority() {
    if (!this.priorityOn && !this.priority?.applied) return;
    this.priority ??= new SendPriority(TRIAL_CAPS[this.role]);
    // after replaceTrack settles (setLocalStream) or a new link: the cap is recomputed for the sender's track
    setTimeout(() => void this.priority?.set(this.priorityOn, this.link?.videoSender() ?? null), 0);
  }

  setMedia(m: Partial<MediaState>) {
    this.set({ media: { ...this.snap.media, ...m } });
    this.applyMedia();
    this.announceMedia();
  }

  /**
   * What the other side is told this side sends: the user's toggles, and only for a kind of track this side has. A
   * side without a camera (or microphone), receive-only, says so, so the other side shows "camera is off" rather than
   * "Connecting video…" for the whole visit. Until the local media is decided (setLocalStream) the toggles alone.
   */
  private announceMedia() {
    if (!this.socket.connected) return;
    const has = (kind: "audio" | "video") => !this.localReady || !!this.local?.getTracks().some((t) => t.kind === kind && t.readyState === "live");
    const sent: MediaState = { audio: this.snap.media.audio && has("audio"), video: this.snap.media.video && has("video") };
    void emitAck(this.socket, "media:state", sent);
  }

  private applyMedia() {
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = this.snap.media.audio;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = this.snap.media.video;
  }

  admit() {
    return emitAck(this.socket, "visit:admit", {});
  }
  decline(message?: string) {
    return emitAck(this.socket, "visit:decline", message ? { message } : {});
  }
  end() {
    return emitAck(this.socket, "visit:end", {});
  }
  /**
   * Patient: one recording chunk over the visit's socket (`recording:chunk`); null while the socket is down (the
   * recorder then uses tRPC). The chunk must belong to this visit's recording.
   */
  uploadChunk(chunk: C2SPayload<"recording:chunk">) {
    // waits as long as the server may (its chunk writer waits up to 10 s for a transaction and 20 s to run it), so a
    // slow answer is not sent again on top of a busy server
    return this.socket.connected ? emitAck(this.socket, "recording:chunk", chunk, CHUNK_ACK_TIMEOUT_MS) : null;
  }
  /** Sends feature data to the other participant reliably (see relay.ts). */
  relay(ns: string, data: unknown) {
    return this.relayOut.send(ns, data);
  }

  /** Leaves for good (page closed by the user): frees the seat at once. */
  leave() {
    this.stop(true);
  }

  private stop(disconnect: boolean) {
    this.stopped = true;
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.iceTimer = null;
    this.closeLink();
    if (disconnect) this.socket.disconnect();
    else this.socket.io.reconnection(false);
  }

  private closeLink() {
    if (!this.link) return;
    this.link.close();
    this.link = null;
    this.set({ remoteStream: null, linkState: "none", quality: null });
  }

  private reconcile() {
    if (this.stopped) return;
    const room = this.snap.room;
    const peer = room?.[this.other()];
    const w = this.snap.welcome;
    if (!room || room.status !== "IN_PROGRESS" || !peer || !w) return this.closeLink();
    if (this.link && this.link.remoteInstance !== peer.instanceId) this.closeLink();
    if (this.link || !this.localReady) return;
    this.link = new PeerLink({
      polite: this.role === "patient",
      remoteInstance: peer.instanceId,
      iceServers: this.ice.servers,
      iceTransportPolicy: w.iceTransportPolicy,
      freshIceServers: () => (this.ice.stale(Date.now()) ? this.renewIce() : Promise.resolve(null)),
      log: this.log,
      send: (m) => {
        this.log(`[signal] → ${m.description?.type ?? "candidate"}`);
        void emitAck(this.socket, "signal", { ...m, to: peer.instanceId }).then((r) => {
          if (!r.ok) this.log(`[signal] not delivered: ${r.code} ${r.message}`);
        });
      },
      onRemoteStream: (stream) => this.set({ remoteStream: stream }),
      onState: (st) => {
        this.set({ linkState: st, everConnected: this.snap.everConnected || st === "connected", iceRestarts: this.link?.restarts ?? 0 });
        if (st === "connected") this.applyPriority();
      },
    });
    this.link.setLocalStream(this.local);
    this.set({ linkState: this.link.pc.connectionState });
    const queued = this.pendingSignals.filter((m) => m.from === peer.instanceId);
    this.pendingSignals = [];
    for (const m of queued) void this.link.handle(m);
  }

  private onSignal(m: SignalMsg & { from: string }) {
    this.log(`[signal] ← ${m.description?.type ?? "candidate"}${m.to !== this.instanceId ? " (stale, dropped)" : ""}${this.link ? ` link=${this.link.pc.signalingState}` : " no link"}`);
    if (m.to !== this.instanceId) return;
    if (!this.link || this.link.remoteInstance !== m.from) {
      this.reconcile();
      if (!this.link || this.link.remoteInstance !== m.from) {
        if (this.pendingSignals.length < 100) this.pendingSignals.push(m);
        return;
      }
    }
    void this.link.handle(m);
  }

  /** Renews the TURN credentials ahead of expiry (and the link's configuration with them). */
  private scheduleIceRenewal() {
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.iceTimer = null;
    const wait = this.ice.renewIn(Date.now());
    if (wait === null || this.stopped) return;
    this.iceTimer = setTimeout(() => void this.renewIce(), wait);
  }

  /** Asks the server for fresh ICE servers; on failure retries in 5 s while the credentials are still stale. */
  private renewIce(): Promise<IceServer[] | null> {
    this.iceRenewal ??= (async () => {
      try {
        const r = this.socket.connected ? await emitAck(this.socket, "ice:servers", {}) : null;
        if (r?.ok) {
          this.ice.set({ iceServers: r.iceServers, expiresAt: r.expiresAt }, Date.now());
          this.link?.setIceServers(r.iceServers);
          this.log(`[ice] credentials renewed until ${r.expiresAt ? new Date(r.expiresAt).toISOString() : "-"}`);
          return r.iceServers;
        }
        this.log(`[ice] renewal failed: ${r ? `${r.code} ${r.message}` : "socket offline"}`);
        return null;
      } finally {
        this.iceRenewal = null;
        if (this.ice.stale(Date.now()) && !this.stopped) {
          if (this.iceTimer) clearTimeout(this.iceTimer);
          this.iceTimer = setTimeout(() => void this.renewIce(), 5_000);
        } else this.scheduleIceRenewal();
      }
    })();
    return this.iceRenewal;
  }

  /** What the other side last said it sends (see media-report.ts), with when it arrived. */
  private peerSending: { fps: number; at: number } | null = null;
  private onPeerSending(data: unknown) {
    const m = mediaSentMsg.safeParse(data);
    if (m.success) this.peerSending = { fps: m.data.fps, at: Date.now() };
  }

  /** What this side last announced: sent again when the rate changes by 1 fps or more, and every 5 s. */
  private announced: { fps: number; at: number } | null = null;
  private announce(sending: Sending) {
    if (!sending || this.snap.phase !== "in-call") return;
    const fps = Math.round(sending.fps * 10) / 10;
    const a = this.announced;
    if (a && Math.abs(a.fps - fps) < 1 && Date.now() - a.at < 5_000) return;
    this.announced = { fps, at: Date.now() };
    this.relay(MEDIA_NS, { fps, width: sending.width, height: sending.height });
  }

  private async sampleQuality() {
    const link = this.link;
    if (!link || link.pc.connectionState === "closed") return;
    try {
      const peer = this.peerSending && Date.now() - this.peerSending.at < SENT_STALE_MS ? this.peerSending.fps : null;
      const { q, prev, sending } = await sampleQuality(link.pc, this.qualityPrev, peer);
      this.qualityPrev = prev;
      if (this.link === link) {
        this.set({ quality: q });
        this.announce(sending);
      }
    } catch {
      /* the connection closed meanwhile */
    }
  }

  /** The live RTCPeerConnection (tests and diagnostics). */
  get pc(): RTCPeerConnection | null {
    return this.link?.pc ?? null;
  }
}
