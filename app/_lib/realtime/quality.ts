// Connection quality from RTCPeerConnection.getStats(): round-trip time, packet loss, received frame rate and
// resolution. Thresholds from tele-rehab practice: ≥ 15 fps and < 300 ms. The received frame rate is judged against
// what the other side sends (it announces its encoder's rate over the relay, see app/_shared/media-report.ts): frames
// the network loses are a connection problem; a camera that only sends 15 fps is not, so 14 of 15 fps is good. A
// sender below 15 fps is shown as a note about the source. Without an announcement (not yet, or an old peer) the
// absolute 15 fps rule applies.
export const QUALITY_LIMITS = {
  minFps: 15,
  maxRttMs: 300,
  maxLossPct: 5,
  /** received frames may fall short of the sent ones by this fraction (and at least FPS_SLACK frames) before it counts */
  maxFpsShortfall: 0.2,
} as const;
/** frames per second of shortfall that never count (rates are averaged over slightly different windows) */
const FPS_SLACK = 1.5;
/** an announcement older than this is not trusted (the sender repeats it at least every 5 s) */
export const SENT_STALE_MS = 12_000;

export type Quality = {
  rttMs: number | null;
  lossPct: number | null;
  fps: number | null;
  /** the frame rate the other side says it sends (null: not announced) */
  sentFps: number | null;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  bytesReceived: number;
  /** Plain-language connection problems (empty when fine). */
  warnings: string[];
  /** About the source rather than the connection (a camera sending few frames). */
  notes: string[];
  level: "good" | "poor" | "unknown";
  at: number;
};

/** Judges one sample of the connection. Pure. */
export function judgeQuality(m: { rttMs: number | null; lossPct: number | null; fps: number | null; sentFps: number | null }): Pick<Quality, "warnings" | "notes" | "level"> {
  const L = QUALITY_LIMITS;
  const warnings: string[] = [];
  const notes: string[] = [];
  const { fps, sentFps, rttMs, lossPct } = m;
  if (fps !== null) {
    if (sentFps === 0) notes.push("The other side sends no video (camera off?)");
    else if (sentFps !== null) {
      if (fps < sentFps * (1 - L.maxFpsShortfall) && sentFps - fps > FPS_SLACK)
        warnings.push(`Frames lost on the way: ${fps.toFixed(0)} of ${sentFps.toFixed(0)} fps arrive, so movement may look jerky`);
      if (sentFps < L.minFps) notes.push(`The other side's camera sends ${sentFps.toFixed(0)} fps (movement needs ${L.minFps})`);
    } else if (fps < L.minFps) warnings.push(`Low frame rate (${fps.toFixed(0)} fps): movement may look jerky`);
  }
  if (rttMs !== null && rttMs > L.maxRttMs) warnings.push(`High delay (${Math.round(rttMs)} ms)`);
  if (lossPct !== null && lossPct > L.maxLossPct) warnings.push(`Packet loss ${lossPct.toFixed(1)} %`);
  return { warnings, notes, level: fps === null && rttMs === null ? "unknown" : warnings.length ? "poor" : "good" };
}

type Prev = { at: number; framesDecoded: number; packetsLost: number; packetsReceived: number; framesSent: number } | null;

/** What this side sends: its video encoder's frame rate and size (outbound-rtp), null when it sends no video. */
export type Sending = { fps: number; width: number | null; height: number | null } | null;

export async function sampleQuality(pc: RTCPeerConnection, prev: Prev, sentFps: number | null = null): Promise<{ q: Quality; prev: Prev; sending: Sending }> {
  const report = await pc.getStats();
  let rtt: number | null = null;
  let video: Record<string, number | string | undefined> | null = null;
  let out: Record<string, number | string | undefined> | null = null;
  let packetsLost = 0;
  let packetsReceived = 0;
  let selectedPair: string | undefined;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string") selectedPair = s.selectedCandidatePairId;
  });
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === "candidate-pair" && (s.id === selectedPair || (!selectedPair && s.nominated && s.state === "succeeded")) && typeof s.currentRoundTripTime === "number")
      rtt = s.currentRoundTripTime * 1000;
    if (s.type === "inbound-rtp") {
      packetsLost += Number(s.packetsLost ?? 0);
      packetsReceived += Number(s.packetsReceived ?? 0);
      if (s.kind === "video") video = s as Record<string, number | string | undefined>;
    }
    if (s.type === "outbound-rtp" && s.kind === "video") out = s as Record<string, number | string | undefined>;
    if (s.type === "remote-inbound-rtp" && rtt === null && typeof s.roundTripTime === "number") rtt = s.roundTripTime * 1000;
  });
  const now = performance.now();
  const v = video as Record<string, number | string | undefined> | null;
  const o = out as Record<string, number | string | undefined> | null;
  const framesDecoded = Number(v?.framesDecoded ?? 0);
  const framesSent = Number(o?.framesSent ?? 0);
  let fps: number | null = typeof v?.framesPerSecond === "number" ? v.framesPerSecond : null;
  if (fps === null && v && prev && now > prev.at) fps = ((framesDecoded - prev.framesDecoded) * 1000) / (now - prev.at);
  let outFps: number | null = typeof o?.framesPerSecond === "number" ? o.framesPerSecond : null;
  if (outFps === null && o && prev && now > prev.at) outFps = ((framesSent - prev.framesSent) * 1000) / (now - prev.at);
  let lossPct: number | null = null;
  if (prev) {
    const lost = packetsLost - prev.packetsLost;
    const got = packetsReceived - prev.packetsReceived;
    lossPct = lost + got > 0 ? (Math.max(0, lost) * 100) / (Math.max(0, lost) + got) : 0;
  }
  const q: Quality = {
    rttMs: rtt,
    lossPct,
    fps,
    sentFps,
    width: typeof v?.frameWidth === "number" ? v.frameWidth : null,
    height: typeof v?.frameHeight === "number" ? v.frameHeight : null,
    framesDecoded,
    bytesReceived: Number(v?.bytesReceived ?? 0),
    ...judgeQuality({ rttMs: rtt, lossPct, fps, sentFps }),
    at: Date.now(),
  };
  // a sender whose track is off sends no frames: framesPerSecond then disappears, and 0 is what it sends
  const sending: Sending = o && outFps !== null ? { fps: outFps ?? 0, width: typeof o.frameWidth === "number" ? o.frameWidth : null, height: typeof o.frameHeight === "number" ? o.frameHeight : null } : null;
  return { q, prev: { at: now, framesDecoded, packetsLost, packetsReceived, framesSent }, sending };
}
