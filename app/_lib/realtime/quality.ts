// Connection quality from RTCPeerConnection.getStats(): round-trip time, packet loss, received
// frame rate and resolution. Thresholds from tele-rehab practice: ≥ 15 fps and < 300 ms.
export const QUALITY_LIMITS = { minFps: 15, maxRttMs: 300, maxLossPct: 5 } as const;

export type Quality = {
  rttMs: number | null;
  lossPct: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  bytesReceived: number;
  /** Plain-language problems (empty when fine). */
  warnings: string[];
  level: "good" | "poor" | "unknown";
  at: number;
};

type Prev = { at: number; framesDecoded: number; packetsLost: number; packetsReceived: number } | null;

export async function sampleQuality(pc: RTCPeerConnection, prev: Prev): Promise<{ q: Quality; prev: Prev }> {
  const report = await pc.getStats();
  let rtt: number | null = null;
  let video: Record<string, number | string | undefined> | null = null;
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
    if (s.type === "remote-inbound-rtp" && rtt === null && typeof s.roundTripTime === "number") rtt = s.roundTripTime * 1000;
  });
  const now = performance.now();
  const v = video as Record<string, number | string | undefined> | null;
  const framesDecoded = Number(v?.framesDecoded ?? 0);
  let fps: number | null = typeof v?.framesPerSecond === "number" ? v.framesPerSecond : null;
  if (fps === null && prev && now > prev.at) fps = ((framesDecoded - prev.framesDecoded) * 1000) / (now - prev.at);
  let lossPct: number | null = null;
  if (prev) {
    const lost = packetsLost - prev.packetsLost;
    const got = packetsReceived - prev.packetsReceived;
    lossPct = lost + got > 0 ? (Math.max(0, lost) * 100) / (Math.max(0, lost) + got) : 0;
  }
  const warnings: string[] = [];
  if (fps !== null && fps < QUALITY_LIMITS.minFps) warnings.push(`Low frame rate (${fps.toFixed(0)} fps): movement may look jerky`);
  if (rtt !== null && rtt > QUALITY_LIMITS.maxRttMs) warnings.push(`High delay (${Math.round(rtt)} ms)`);
  if (lossPct !== null && lossPct > QUALITY_LIMITS.maxLossPct) warnings.push(`Packet loss ${lossPct.toFixed(1)} %`);
  const q: Quality = {
    rttMs: rtt,
    lossPct,
    fps,
    width: typeof v?.frameWidth === "number" ? v.frameWidth : null,
    height: typeof v?.frameHeight === "number" ? v.frameHeight : null,
    framesDecoded,
    bytesReceived: Number(v?.bytesReceived ?? 0),
    warnings,
    level: fps === null && rtt === null ? "unknown" : warnings.length ? "poor" : "good",
    at: Date.now(),
  };
  return { q, prev: { at: now, framesDecoded, packetsLost, packetsReceived } };
}
