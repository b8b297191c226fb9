// Admission control under overload. When this process's event loop lags (perf_hooks monitorEventLoopDelay: the p99
// delay of the last window), new participants and dashboards are refused at the handshake, before any lookup, with
// SERVER_BUSY and a retry time the client shows ("The server is busy. Retrying in N s") and waits out; the visits
// already running keep relaying, and their participants' reconnects (an instance seated here within the reconnect
// grace) are still let in. The process is busy from the second window in a row whose p99 lag passes `maxLagMs` (one
// slow window, a GC or a burst of joins, is not overload) until a window's p99 falls below half of it (hysteresis, so
// it does not flap at the threshold). The first window after start (module loading, migrations) is not judged.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

export type AdmissionOptions = {
  /** p99 event-loop delay of a window above which new joins are refused (ms). */
  maxLagMs?: number;
  /** How many windows in a row must pass maxLagMs. */
  windows?: number;
  /** Length of a measuring window (ms). */
  windowMs?: number;
  /** What a refused client is told to wait (ms). */
  retryAfterMs?: number;
  /** How long a seated instance counts as "in a live visit" after its socket dropped (ms). */
  seatGraceMs?: number;
};

export const DEFAULT_ADMISSION: Required<AdmissionOptions> = { maxLagMs: 150, windows: 2, windowMs: 1_000, retryAfterMs: 5_000, seatGraceMs: 45_000 };

export type AdmissionState = { busy: boolean; lagP99Ms: number; since: number | null; refused: number };

export class Admission {
  private readonly o: Required<AdmissionOptions>;
  private readonly h: IntervalHistogram;
  private readonly timer: ReturnType<typeof setInterval>;
  private state: AdmissionState = { busy: false, lagP99Ms: 0, since: null, refused: 0 };
  /** Instances seated in a visit on this process: null while connected, else when their socket dropped. */
  private seated = new Map<string, number | null>();
  private over = 0;
  private first = true;
  private lastAt = performance.now();

  constructor(opts: AdmissionOptions = {}, private log: (m: string) => void = () => {}) {
    this.o = { ...DEFAULT_ADMISSION, ...opts };
    this.h = monitorEventLoopDelay({ resolution: 10 });
    this.h.enable();
    this.timer = setInterval(() => this.sample(), this.o.windowMs);
    this.timer.unref();
  }

  private sample() {
    // The window's p99 delay, or how late this sampling itself ran if more (a loop blocked for the whole window
    // records no delay at all).
    const now = performance.now();
    const late = Math.max(0, now - this.lastAt - this.o.windowMs);
    this.lastAt = now;
    const lag = Math.max(this.h.count ? this.h.percentile(99) / 1e6 : 0, late);
    this.h.reset();
    if (this.first) return void (this.first = false);
    const was = this.state.busy;
    this.over = lag > this.o.maxLagMs ? this.over + 1 : 0;
    const busy = was ? lag >= this.o.maxLagMs / 2 : this.over >= this.o.windows;
    this.state = { ...this.state, lagP99Ms: +lag.toFixed(1), busy, since: busy ? (this.state.since ?? Date.now()) : null };
    if (busy !== was) this.log(`[realtime] ${busy ? "overloaded" : "load back to normal"}: event-loop delay p99 ${lag.toFixed(0)} ms over ${this.o.windowMs} ms${busy ? "; refusing new joins" : ""}`);
    const at = Date.now();
    for (const [id, droppedAt] of this.seated) if (droppedAt !== null && at - droppedAt > this.o.seatGraceMs) this.seated.delete(id);
  }

  /** Changes the threshold at run time (an operator's knob; tests set it once their set-up is done). */
  setMaxLag(ms: number) {
    this.o.maxLagMs = ms;
  }

  get status(): Readonly<AdmissionState> {
    return this.state;
  }

  /**
   * null: let the handshake in. Otherwise how long the client should wait. `instanceId`: the participant's page
   * instance, if it says one; an instance seated here recently (a reconnect of a running visit) is always let in.
   */
  check(instanceId: unknown): { retryAfterMs: number } | null {
    if (!this.state.busy) return null;
    if (typeof instanceId === "string" && this.seated.has(instanceId)) return null;
    this.state.refused++;
    return { retryAfterMs: this.o.retryAfterMs };
  }

  /** A participant took a seat with this socket (welcome sent). */
  seat(instanceId: string) {
    this.seated.set(instanceId, null);
  }

  /** That participant's socket closed; its instance may come back within the grace. */
  unseat(instanceId: string) {
    if (this.seated.has(instanceId)) this.seated.set(instanceId, Date.now());
  }

  close() {
    clearInterval(this.timer);
    this.h.disable();
  }
}
