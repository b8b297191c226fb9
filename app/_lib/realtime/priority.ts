// While a trial records, the measurement has priority over the call's video: on a laptop the pose model competes for
// the same cores as the video encoder, decoder and compositor. Driven by the trial state (useTrialPriority), applied
// on both sides and undone when the trial ends; audio is never touched:
// - the therapist's video to the patient is sent small and slow (the patient glances at it while moving; decoding
//   and showing it then costs the patient's laptop little): RTCRtpSender.setParameters with scaleResolutionDownBy,
//   maxFramerate and maxBitrate, keeping the resolution when the encoder must give up something;
// - the patient's video to the therapist is capped where that frees CPU for the pose worker (at most 640 px on the
//   long side, at most 20 fps), but the therapist assesses the movement on it, so it keeps its frame rate (>= 15 fps:
//   degradationPreference "maintain-framerate") and loses resolution first;
// - the patient's own preview shows a copy of the camera at 5 fps (the pose worker reads the full-rate camera itself).
import { useEffect } from "react";
import type { ParticipantRole } from "../../_shared/protocol";

export interface VideoCap {
  /** longest side of the sent picture, px (scaled down from the camera's when larger) */
  maxLongSide: number;
  maxFramerate: number;
  maxBitrate?: number;
  degradationPreference: RTCDegradationPreference;
}

/** What each side sends while a trial records. */
export const TRIAL_CAPS: Record<ParticipantRole, VideoCap> = {
  therapist: { maxLongSide: 320, maxFramerate: 10, maxBitrate: 250_000, degradationPreference: "maintain-resolution" },
  patient: { maxLongSide: 640, maxFramerate: 20, degradationPreference: "maintain-framerate" },
};
/** The patient's self-view while a trial records, frames per second. */
export const PREVIEW_FPS = 5;

/** The encoding for a camera of `settings` under `cap`. */
export function capEncoding(cap: VideoCap, settings: { width?: number; height?: number }): Pick<RTCRtpEncodingParameters, "scaleResolutionDownBy" | "maxFramerate" | "maxBitrate"> {
  const side = Math.max(settings.width ?? 0, settings.height ?? 0);
  const scale = side > cap.maxLongSide ? +(side / cap.maxLongSide).toFixed(3) : 1;
  return { scaleResolutionDownBy: scale, maxFramerate: cap.maxFramerate, ...(cap.maxBitrate ? { maxBitrate: cap.maxBitrate } : {}) };
}

/** The part of RTCRtpSender used here (a fake in unit tests). */
export interface SenderLike {
  readonly track: MediaStreamTrack | null;
  getParameters(): RTCRtpSendParameters;
  setParameters(p: RTCRtpSendParameters): Promise<void>;
}

const KEYS = ["scaleResolutionDownBy", "maxFramerate", "maxBitrate"] as const;
type Saved = { degradationPreference: RTCDegradationPreference | undefined; encodings: Pick<RTCRtpEncodingParameters, (typeof KEYS)[number]>[] };

/** Applies a VideoCap to a video sender and restores exactly what was there before. */
export class SendPriority {
  private saved: { sender: SenderLike; track: MediaStreamTrack; params: Saved } | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** why the last change failed, if it did */
  error: string | null = null;

  constructor(readonly cap: VideoCap) {}

  /** True while the cap is applied to a sender. */
  get applied(): boolean {
    return this.saved !== null;
  }

  /** Applies (on) or restores (off). Idempotent; calls run one after another. A sender without a track is left alone. */
  set(on: boolean, sender: SenderLike | null): Promise<void> {
    this.chain = this.chain.then(() => this.setNow(on, sender)).catch((e: unknown) => void (this.error = String((e as Error)?.message ?? e)));
    return this.chain;
  }

  private async setNow(on: boolean, sender: SenderLike | null) {
    const s = this.saved;
    // restore first when off, or when the sender or its track changed (a new link, another camera)
    if (s && (!on || s.sender !== sender || s.track !== sender?.track)) {
      this.saved = null;
      if (s.sender.track) await restore(s.sender, s.params).catch(() => {}); // a closed link has nothing to restore
    }
    if (!on || !sender?.track || this.saved) return;
    const p = sender.getParameters();
    if (!p.encodings?.length) return; // not negotiated yet: applied again when the link connects
    const params: Saved = { degradationPreference: p.degradationPreference, encodings: p.encodings.map((e) => pick(e)) };
    const enc = capEncoding(this.cap, sender.track.getSettings());
    for (const e of p.encodings) Object.assign(e, enc);
    p.degradationPreference = this.cap.degradationPreference;
    await setWithFallback(sender, p);
    this.saved = { sender, track: sender.track, params };
    this.error = null;
  }
}

function pick(e: RTCRtpEncodingParameters): Saved["encodings"][number] {
  const out: Saved["encodings"][number] = {};
  for (const k of KEYS) if (e[k] !== undefined) out[k] = e[k];
  return out;
}

async function restore(sender: SenderLike, saved: Saved) {
  const p = sender.getParameters();
  p.encodings.forEach((e, i) => {
    for (const k of KEYS) delete e[k];
    Object.assign(e, saved.encodings[i] ?? {});
  });
  if (saved.degradationPreference === undefined) delete p.degradationPreference;
  else p.degradationPreference = saved.degradationPreference;
  await setWithFallback(sender, p);
}

/** A browser that does not know degradationPreference refuses the whole call: then without it. */
async function setWithFallback(sender: SenderLike, p: RTCRtpSendParameters) {
  try {
    await sender.setParameters(p);
  } catch (e) {
    if (p.degradationPreference === undefined) throw e;
    const q = sender.getParameters();
    q.encodings.forEach((e2, i) => Object.assign(e2, pick(p.encodings[i] ?? {})));
    await sender.setParameters(q);
  }
}

/**
 * A copy of the camera for the patient's own preview at `fps` frames per second (Chromium drops the others for this
 * copy only); it follows the camera's on/off state. stop() ends the copy.
 */
export function lowRatePreview(stream: MediaStream, fps = PREVIEW_FPS): { stream: MediaStream; stop: () => void } | null {
  const source = stream.getVideoTracks()[0];
  if (!source || source.readyState !== "live") return null;
  const copy = source.clone();
  void copy.applyConstraints({ frameRate: { max: fps } }).catch(() => {});
  const follow = setInterval(() => {
    if (copy.enabled !== source.enabled) copy.enabled = source.enabled;
  }, 300);
  return {
    stream: new MediaStream([copy]),
    stop: () => {
      clearInterval(follow);
      copy.stop();
    },
  };
}

/** Anything that takes the trial state (VisitCall.setTrialPriority). */
export interface PriorityTarget {
  setTrialPriority(on: boolean): void;
}

/** Gives the measurement priority while `recording` is true, and restores the call when it ends or the component goes. */
export function useTrialPriority(call: PriorityTarget | null, recording: boolean) {
  useEffect(() => {
    if (!call || !recording) return;
    call.setTrialPriority(true);
    return () => call.setTrialPriority(false);
  }, [call, recording]);
}
