// One RTCPeerConnection to the other participant, with the perfect-negotiation pattern
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): the patient is polite, the
// therapist impolite, so simultaneous offers after a reload or ICE restart resolve themselves.
import type { IceServer, SignalMsg } from "../../_shared/protocol";

export type LinkState = RTCPeerConnectionState;
export type OutSignal = Omit<SignalMsg, "to">;

export type PeerLinkOptions = {
  polite: boolean;
  remoteInstance: string;
  iceServers: IceServer[];
  /** "relay" forces every candidate pair through TURN (both peers must set it). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Called before an ICE restart: fresh ICE servers when the current credentials are about to expire, else null. */
  freshIceServers?: () => Promise<IceServer[] | null>;
  send: (m: OutSignal) => void;
  onRemoteStream: (s: MediaStream) => void;
  onState: (s: LinkState) => void;
  log?: (m: string) => void;
};

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly remoteInstance: string;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private remote = new MediaStream();
  private disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  restarts = 0;

  constructor(private o: PeerLinkOptions) {
    this.remoteInstance = o.remoteInstance;
    this.pc = new RTCPeerConnection({
      iceServers: o.iceServers as RTCIceServer[],
      iceTransportPolicy: o.iceTransportPolicy ?? "all",
      bundlePolicy: "max-bundle",
    });
    const pc = this.pc;
    pc.onnegotiationneeded = async () => {
      // A fresh link is always opened by the impolite side (the therapist). If the polite patient
      // offered too, both offers would collide after every reload; with the rollback that follows,
      // Chromium sometimes gathered no ICE candidates for the patient's answer. Later renegotiations
      // (ICE restarts) may come from either side.
      if (o.polite && !pc.remoteDescription) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) o.send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      } catch (e) {
        this.log(`negotiation failed: ${String(e)}`);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) o.send({ candidate: candidate.toJSON() as SignalMsg["candidate"] });
    };
    pc.ontrack = ({ track }) => {
      for (const t of this.remote.getTracks()) if (t.kind === track.kind && t !== track) this.remote.removeTrack(t);
      if (!this.remote.getTracks().includes(track)) this.remote.addTrack(track);
      // A new MediaStream object makes <video> pick up the change.
      this.remote = new MediaStream(this.remote.getTracks());
      o.onRemoteStream(this.remote);
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      o.onState(s);
      if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
      this.disconnectTimer = null;
      if (s === "failed") this.restartIce();
      // "disconnected" often heals by itself; if not within 3 s, the impolite side restarts ICE.
      else if (s === "disconnected" && !o.polite) this.disconnectTimer = setTimeout(() => this.restartIce(), 3_000);
    };
  }

  private log(m: string) {
    this.o.log?.(`[peer] ${m}`);
  }

  /** Sends (or swaps, without renegotiation) the local tracks. */
  setLocalStream(stream: MediaStream | null) {
    if (this.closed) return;
    for (const kind of ["audio", "video"] as const) {
      const track = stream?.getTracks().find((t) => t.kind === kind) ?? null;
      const tx = this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind);
      if (tx) {
        if (tx.sender.track !== track) void tx.sender.replaceTrack(track);
        if (track && tx.direction !== "sendrecv") tx.direction = "sendrecv";
      } else if (track && stream) this.pc.addTrack(track, stream);
      else this.pc.addTransceiver(kind, { direction: "recvonly" });
    }
  }

  /** The sender of the video transceiver (null before there is one). */
  videoSender(): RTCRtpSender | null {
    if (this.closed) return null;
    return this.pc.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender ?? null;
  }

  private chain: Promise<void> = Promise.resolve();
  private earlyCandidates: RTCIceCandidateInit[] = [];

  /** Handles signals strictly in arrival order. */
  handle(m: Omit<SignalMsg, "to">): Promise<void> {
    this.chain = this.chain.then(() => this.handleNow(m));
    return this.chain;
  }

  private async handleNow(m: Omit<SignalMsg, "to">) {
    const pc = this.pc;
    if (this.closed) return;
    try {
      if (m.description) {
        const d = m.description as RTCSessionDescriptionInit;
        const readyForOffer = !this.makingOffer && (pc.signalingState === "stable" || this.settingRemoteAnswer);
        const collision = d.type === "offer" && !readyForOffer;
        this.ignoreOffer = !this.o.polite && collision;
        if (this.ignoreOffer) return;
        this.settingRemoteAnswer = d.type === "answer";
        await pc.setRemoteDescription(d);
        this.settingRemoteAnswer = false;
        // Candidates that arrived before any remote description can be applied now.
        for (const c of this.earlyCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => {});
        if (d.type === "offer") {
          await pc.setLocalDescription();
          if (pc.localDescription) this.o.send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        }
      } else if (m.candidate) {
        if (!pc.remoteDescription && !this.ignoreOffer) {
          if (this.earlyCandidates.length < 200) this.earlyCandidates.push(m.candidate as RTCIceCandidateInit);
          return;
        }
        try {
          await pc.addIceCandidate(m.candidate as RTCIceCandidateInit);
        } catch (e) {
          if (!this.ignoreOffer) throw e;
        }
      }
    } catch (e) {
      this.log(`signal handling failed: ${String(e)}`);
    }
  }

  /** Swaps the ICE servers (renewed TURN credentials) without renegotiating; used by the next gathering. */
  setIceServers(iceServers: IceServer[]) {
    if (this.closed) return;
    this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: iceServers as RTCIceServer[] });
  }

  /**
   * New ICE credentials and candidates; negotiationneeded sends the restart offer. Credentials close to expiry are
   * renewed first (`freshIceServers`), since coturn refuses an allocation with an expired username.
   */
  restartIce() {
    if (this.closed) return;
    this.restarts++;
    void (async () => {
      const fresh = (await this.o.freshIceServers?.().catch(() => null)) ?? null;
      if (this.closed) return;
      if (fresh) this.setIceServers(fresh);
      this.log(`ICE restart${fresh ? " (renewed credentials)" : ""}`);
      this.pc.restartIce();
    })();
  }

  close() {
    this.closed = true;
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}
