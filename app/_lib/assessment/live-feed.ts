// The therapist's end of the live assessment stream: the patient's analysed frames (pose.live) and trial state
// (assess.state) arrive over the visit's relay and are kept here, outside React. Only the parts of the page that show
// them subscribe: the frame listeners (skeleton, angle, chart) are told at most once per animation frame, the state
// listeners only when the trial state changes. So a message costs a render of those few components, never of the
// whole visit room (video tiles, device pickers, connection panel), however long the trial.
import { liveMsg, NS, stateMsg, type StateMsg } from "../../_shared/assessments/live";
import { type MeasureKey, withheldReason } from "../../_shared/pose/measures";
import { base64ToBytes, unpackSamples, type PoseSample } from "../../_shared/pose/sample";

export type LivePoint = {
  sample: PoseSample;
  receivedAt: number;
  capturedAt: number;
  trialId: string | null;
  /** measures the patient's processor withheld for the view in this sample (liveMsg.withheld) */
  withheld?: readonly MeasureKey[];
};

/**
 * Why `measure` has no value in `p`, when the reason is the camera's view: only when the patient's processor withheld
 * it for the view (not whenever the value is missing and the view is another than the measure's: a side-on patient
 * whose trunk flexion is missing for a frame, say with the facing not known yet, was told "Not measurable from the
 * front").
 */
export function withheldNote(p: LivePoint | null, measure: MeasureKey): string | null {
  if (!p || p.sample.angles[measure] !== null || !p.withheld?.includes(measure)) return null;
  return withheldReason(measure, p.sample.view);
}
type Relayed = { ns: string; data: unknown };

/**
 * Timing trace of the last live messages (npm run bench:stream reads it as window.__pvLive): wall-clock capture time,
 * arrival in this page and the commit that put it on screen (ms since epoch), in ring buffers of TRACE entries; `n`
 * counts every message. A few stores per message, nothing else.
 */
export type LiveTrace = { n: number; shownUpTo: number; captured: Float64Array; received: Float64Array; shown: Float64Array };
const TRACE = 512;
function liveTrace(): LiveTrace | null {
  if (typeof window === "undefined") return null;
  const w = window as unknown as { __pvLive?: LiveTrace };
  return (w.__pvLive ??= { n: 0, shownUpTo: 0, captured: new Float64Array(TRACE), received: new Float64Array(TRACE), shown: new Float64Array(TRACE) });
}
const wallNow = () => performance.timeOrigin + performance.now();

/** Marks every traced message not yet marked as shown now (call it from a commit that displays the latest frame). */
export function markLiveShown() {
  const tr = liveTrace();
  if (!tr || tr.shownUpTo === tr.n) return;
  const t = wallNow();
  for (let k = Math.max(tr.shownUpTo, tr.n - TRACE); k < tr.n; k++) tr.shown[k % TRACE] = t;
  tr.shownUpTo = tr.n;
}

export interface FeedOptions {
  /** runs `fn` before the next repaint (requestAnimationFrame in the browser); returns a cancel function */
  schedule?: (fn: () => void) => () => void;
  now?: () => number;
  /** keeps the timing trace for the benchmark (the browser default) */
  trace?: boolean;
  /** runs `fn` after `ms` (setTimeout in the browser); returns a cancel function */
  timer?: (fn: () => void, ms: number) => () => void;
}

const rafSchedule = (fn: () => void) => {
  const h = requestAnimationFrame(fn);
  return () => cancelAnimationFrame(h);
};
const timeout = (fn: () => void, ms: number) => {
  const h = setTimeout(fn, ms);
  return () => clearTimeout(h);
};

/** A throttled frame subscription (LiveFeed.every): `subscribe` and `snapshot` for useSyncExternalStore. */
export interface Throttled {
  subscribe: (fn: () => void) => () => void;
  /** changes with each call of the subscribers */
  snapshot: () => number;
}

export class LiveFeed {
  /** the newest sample, with when it was captured (patient's clock) and received (ours) */
  latest: LivePoint | null = null;
  /** the current trial's samples (t since its start, strictly increasing); replaced, never mutated in place, on reset */
  trialSamples: PoseSample[] = [];
  /** the patient's latest trial state */
  state: StateMsg | null = null;
  /** bumped once per animation frame in which frames arrived (what frame subscribers compare) */
  version = 0;
  private arrivals: { at: number; lat: number }[] = [];
  /** arrivals within the last 2 s (older ones are trimmed on receipt, but time also passes without messages) */
  private recent() {
    const since = this.now() - 2000;
    return this.arrivals.filter((a) => a.at >= since);
  }
  private frameListeners = new Set<() => void>();
  private stateListeners = new Set<() => void>();
  private cancelTick: (() => void) | null = null;
  private readonly schedule: (fn: () => void) => () => void;
  private readonly now: () => number;
  private readonly trace: boolean;
  private readonly timer: (fn: () => void, ms: number) => () => void;

  constructor(opts: FeedOptions = {}) {
    this.schedule = opts.schedule ?? rafSchedule;
    this.now = opts.now ?? Date.now;
    this.trace = opts.trace ?? typeof window !== "undefined";
    this.timer = opts.timer ?? timeout;
  }

  /**
   * Takes one relayed message; false when it is not ours (another feature's namespace), so the caller passes it on.
   * Malformed messages are dropped (the relay already acknowledged them; nothing can be done with them).
   */
  receive(m: Relayed): boolean {
    if (m.ns === NS.state) {
      const r = stateMsg.safeParse(m.data);
      if (r.success) {
        this.state = r.data;
        for (const fn of this.stateListeners) fn();
      }
      return true;
    }
    if (m.ns !== NS.live) return false;
    const r = liveMsg.safeParse(m.data);
    if (!r.success) return true;
    let samples: PoseSample[];
    try {
      samples = unpackSamples(base64ToBytes(r.data.samples));
    } catch {
      return true;
    }
    const now = this.now();
    for (const s of samples) {
      this.latest = { sample: s, receivedAt: now, capturedAt: r.data.capturedAt, trialId: r.data.trialId, withheld: r.data.withheld };
      if (r.data.trialId) {
        const buf = this.trialSamples;
        if (!buf.length || s.t > buf[buf.length - 1]!.t) buf.push(s);
      }
    }
    this.arrivals.push({ at: now, lat: now - r.data.capturedAt });
    while (this.arrivals.length && this.arrivals[0]!.at < now - 2000) this.arrivals.shift();
    const tr = this.trace ? liveTrace() : null;
    if (tr) {
      const i = tr.n++ % TRACE;
      tr.captured[i] = r.data.capturedAt;
      tr.received[i] = wallNow();
      tr.shown[i] = 0;
    }
    this.cancelTick ??= this.schedule(() => {
      this.cancelTick = null;
      this.version++;
      for (const fn of this.frameListeners) fn();
    });
    return true;
  }

  /** Messages received per second over the last 2 s. */
  rateHz(): number {
    return this.recent().length / 2;
  }

  /** Median capture → arrival delay over the last 2 s (ms), null without messages. */
  latencyMs(): number | null {
    const lats = this.recent().map((a) => a.lat).sort((a, b) => a - b);
    return lats.length ? lats[Math.floor(lats.length / 2)]! : null;
  }

  /** Forgets the trial's samples and state (a new trial starts, or the old one was discarded). */
  resetTrial() {
    this.trialSamples = [];
    this.state = null;
    for (const fn of this.stateListeners) fn();
    this.version++;
    for (const fn of this.frameListeners) fn();
  }

  /** For useSyncExternalStore: called at most once per animation frame with new frames. */
  subscribeFrames = (fn: () => void) => {
    this.frameListeners.add(fn);
    return () => void this.frameListeners.delete(fn);
  };

  /**
   * Frame notifications at most every `minMs`, for what need not follow every frame (the numbers, the chart): told in
   * the same animation frame as the frame listeners once `minMs` have passed since the last call, so what it draws is
   * painted together with the skeleton, never in a frame of its own; a frame left out because it came sooner is told
   * `minMs` later if no other frame comes first (so the last frame before a pause is always shown). One per component.
   */
  every(minMs: number): Throttled {
    let version = 0;
    let last = -Infinity;
    return {
      snapshot: () => version,
      subscribe: (fn) => {
        let trailing: (() => void) | null = null;
        const fire = () => {
          trailing?.();
          trailing = null;
          last = this.now();
          version++;
          fn();
        };
        const unsubscribe = this.subscribeFrames(() => {
          if (this.now() - last >= minMs) return fire();
          trailing?.();
          trailing = this.timer(fire, minMs);
        });
        return () => {
          unsubscribe();
          trailing?.();
          trailing = null;
        };
      },
    };
  }

  subscribeState = (fn: () => void) => {
    this.stateListeners.add(fn);
    return () => void this.stateListeners.delete(fn);
  };

  /** Drops a pending notification (the feed is detached from its call). */
  close() {
    this.cancelTick?.();
    this.cancelTick = null;
  }
}
