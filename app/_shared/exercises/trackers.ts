// The interpreter of tracker specs (spec.ts): consumes per-frame measurements, emits events (repetition started,
// counted, rejected with a reason; hold running, paused with a reason, progress, complete; form faults and cues) and
// keeps a snapshot for the screen. No DOM, no timers: time is the frames' own timestamps, so the browser (live, every
// analysed frame) and the server (rerun on the stored samples) get the same result from the same frames.
//
// Robustness: a frame whose timestamp is not after the previous one is ignored (duplicate / out of order); a frame
// whose values are all exactly those of the previous frame is a frozen feed and counts as missing; each measure goes
// through a 3-frame causal median (one wrong frame neither starts nor ends a repetition); a measure that is withheld
// or below minConfidence holds the state where it is (nothing counts, a hold pauses); tracking lost for longer than
// stallResetS resets the current phase, with a reason, and a repetition may only start again from the rest position.
import type { ExerciseMeasure, JointAngles, Position } from "../pose/joint-angles";
import { CueScheduler, type CueSchedulerOptions, DEFAULT_CUES, HoldSecondJudge, judgeRep, RepCueState, type RepFrame, type RestValues } from "./form";
import type { Dose, FormRuleSet, HoldSpec, HoldZone, RepMachine, RepSpec, SideOrNone, TrackerSpec } from "./spec";

/**
 * 2: relative repetition machines (thresholds from the rest value measured before each repetition); requirements are
 * judged only while the primary is at its target; an alternating side whose limb is unseen at rest arms with the other.
 * 3: each repetition keeps the form measures' values at the still rest before it (the last second with no repetition
 * of any side running), for `fromRest` form rules.
 */
export const TRACKER_VERSION = 3;

export interface MeasurementFrame {
  /** ms, from the sample */
  t: number;
  values: Partial<Record<ExerciseMeasure, number | null>>;
  /** per-measure confidence 0..1; a value without one counts as fully confident */
  conf?: Partial<Record<ExerciseMeasure, number>>;
  /** why a measure is missing, in plain words (shown when a hold pauses) */
  withheld?: Partial<Record<ExerciseMeasure, { code: string; message: string }>>;
  /** the classified body position; undefined = not checked */
  position?: Position | null;
}

export function frameFromJointAngles(j: JointAngles): MeasurementFrame {
  return { t: j.t, values: { ...j.values }, conf: { ...j.conf }, withheld: { ...j.withheld }, position: j.position.position };
}

export interface Tempo {
  /** from the start threshold to the first moment at the peak */
  upS: number;
  /** at the peak (within plateauDeg of it) */
  holdS: number;
  /** from leaving the peak to the end threshold */
  downS: number;
  totalS: number;
}

export interface RepRecord {
  /** 1-based, per side (or overall when not sided) */
  index: number;
  side: SideOrNone;
  startMs: number;
  peakMs: number;
  endMs: number;
  /** the primary measure at the peak (its extreme in the movement's direction), degrees */
  peakDeg: number;
  /** from the rest position before the repetition to the peak, degrees (positive) */
  romDeg: number;
  tempo: Tempo;
  /** seconds held in the hold zone (held repetitions) */
  heldS: number;
  faults: string[];
  /** requirements that could not be checked because the measure was not seen */
  unverified: string[];
}

export type RejectCode = "not-far-enough" | "too-quick" | "hold-too-short" | "requirement" | "no-return" | "tracking-lost" | "set-ended";
export type HoldPauseCode = "position" | "not-visible" | "tracking-lost" | string;

export type TrackerEvent =
  | { type: "rep-started"; t: number; side: SideOrNone }
  | { type: "rep-counted"; t: number; side: SideOrNone; count: number; total: number; rep: RepRecord }
  | { type: "rep-rejected"; t: number; side: SideOrNone; code: RejectCode; reason: string; peakDeg: number | null }
  | { type: "rep-hold"; t: number; side: SideOrNone; heldS: number; targetS: number }
  | { type: "phase-reset"; t: number; side: SideOrNone; code: "tracking-lost"; reason: string }
  | { type: "target-reached"; t: number; side: SideOrNone }
  | { type: "hold-running"; t: number; side: SideOrNone; heldS: number }
  | { type: "hold-paused"; t: number; side: SideOrNone; code: HoldPauseCode; reason: string; heldS: number }
  | { type: "hold-progress"; t: number; side: SideOrNone; heldS: number; targetS: number }
  | { type: "hold-complete"; t: number; side: SideOrNone; heldS: number }
  | { type: "fault"; t: number; side: SideOrNone; rule: string; label: string; scope: "rep" | "hold"; value: number; repIndex: number | null }
  | { type: "fault-cleared"; t: number; side: SideOrNone; rule: string }
  | { type: "cue"; t: number; key: string; text: string };

export type Phase = "waiting" | "ready" | "moving" | "holding" | "returning" | "running" | "paused" | "done";

export interface TrackerSnapshot {
  kind: "reps" | "hold";
  /** per side ("none" when not sided) */
  phase: Partial<Record<"left" | "right" | "none", Phase>>;
  counts: { left: number; right: number; none: number; total: number };
  /** repetitions per side (or in total) the dose asks for */
  target: number | null;
  rejected: number;
  heldS: Partial<Record<"left" | "right" | "none", number>>;
  holdTargetS: number | null;
  /** why the hold is paused / why counting waits, in plain words */
  reason: string | null;
  activeFaults: string[];
  lastRep: RepRecord | null;
  frames: { accepted: number; ignored: number; frozen: number };
  /** the current value of the primary measure(s), for the live read-out */
  current: Partial<Record<ExerciseMeasure, number | null>>;
}

const sideKey = (s: SideOrNone) => s ?? "none";
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** time credited between two frames at most: a longer gap is not time seen holding */
const MAX_CREDIT_MS = 500;
const MEDIAN_WINDOW_MS = 400;
/** relative machines: the rest is where the primary stays within STILL_DEG for STILL_MS */
const STILL_MS = 800;
const STILL_DEG = 3;
/** fromRest form rules: the rest before a repetition is the median of this long a stretch with no repetition running */
const REST_WINDOW_MS = 1000;

/** 3-frame causal median per measure, over values no older than MEDIAN_WINDOW_MS. */
class Smoother {
  private hist = new Map<ExerciseMeasure, { t: number; v: number }[]>();
  push(m: ExerciseMeasure, t: number, v: number): number {
    const h = (this.hist.get(m) ?? []).filter((x) => t - x.t <= MEDIAN_WINDOW_MS);
    h.push({ t, v });
    while (h.length > 3) h.shift();
    this.hist.set(m, h);
    if (h.length < 3) return v;
    const s = h.map((x) => x.v).sort((a, b) => a - b);
    return s[1]!;
  }
  drop(m: ExerciseMeasure): void {
    this.hist.delete(m);
  }
}

interface Active {
  startMs: number;
  peak: number;
  peakMs: number;
  reached: boolean;
  holdMs: number;
  lastInHoldMs: number | null;
  reqBest: (number | null)[];
  frames: RepFrame[];
  restValue: number;
  endMs: number | null;
  holdFaults: Set<string>;
  lastHoldSecond: number;
  /** the form measures at the still rest before this repetition (fromRest rules) */
  restValues: RestValues;
}

class RepRunner {
  state: "waiting" | "ready" | "active" | "pending" = "waiting";
  count = 0;
  rest = Infinity;
  cur: Active | null = null;
  lastGoodMs = -Infinity;
  lastHoldProgressS = 0;
  /** relative machines: the rest value the thresholds are offsets from (null until the patient has been still) */
  base: number | null = null;
  /** relative machines: recent primary values while waiting or ready, to find a still rest */
  still: { t: number; v: number }[] = [];
  readonly judge: HoldSecondJudge;
  constructor(readonly m: RepMachine, readonly spec: RepSpec, readonly holdS: number | null, readonly form: FormRuleSet | null) {
    this.judge = new HoldSecondJudge(form?.rules ?? []);
  }
  get side(): SideOrNone {
    return this.m.side;
  }
  x(v: number): number {
    return this.m.direction * v;
  }
  get inHold(): boolean {
    return !!this.cur && this.cur.lastInHoldMs !== null && !!this.holdS;
  }
}

interface HoldRunnerState {
  zone: HoldZone;
  running: boolean;
  started: boolean;
  heldMs: number;
  lastOkMs: number | null;
  lastGoodMs: number;
  lastProgressS: number;
  complete: boolean;
  reason: string | null;
  posMismatchSince: number | null;
  judge: HoldSecondJudge;
}

export interface TrackerOptions {
  cues?: CueSchedulerOptions;
}

export class ExerciseTracker {
  private lastT = -Infinity;
  private lastFreshT = -Infinity;
  private lastValues: string | null = null;
  private smoother = new Smoother();
  private reps: RepRunner[] = [];
  private holds: HoldRunnerState[] = [];
  private cueState = new RepCueState();
  private cues: CueScheduler;
  private accepted = 0;
  private ignored = 0;
  private frozen = 0;
  private rejectedCount = 0;
  private lastRep: RepRecord | null = null;
  private current: Partial<Record<ExerciseMeasure, number | null>> = {};
  private finished = false;
  private waitReason: string | null = null;
  /** recent frames with no repetition running, for the rest values of fromRest form rules */
  private restHist: { t: number; values: Partial<Record<ExerciseMeasure, number | null>> }[] = [];
  private readonly restMeasures: ExerciseMeasure[];

  constructor(readonly spec: TrackerSpec, readonly dose: Dose, readonly form: FormRuleSet | null, o: TrackerOptions = {}) {
    this.cues = new CueScheduler(o.cues ?? DEFAULT_CUES);
    this.restMeasures = [...new Set((form?.rules ?? []).filter((r) => r.scope === "rep" && r.aggregate === "fromRest").map((r) => r.measure))];
    const chosen = dose.side ?? "left";
    if (spec.kind === "reps") {
      const machines = spec.sides === "chosen" ? spec.machines.filter((m) => m.side === chosen) : spec.machines;
      this.reps = machines.map((m) => new RepRunner(m, spec, spec.holdAtTarget ? dose.holdS : null, form));
    } else {
      const zones = spec.sides === "chosen" ? spec.zones.filter((z) => z.side === chosen) : spec.zones;
      this.holds = zones.map((zone) => ({
        zone, running: false, started: false, heldMs: 0, lastOkMs: null, lastGoodMs: -Infinity, lastProgressS: 0, complete: false,
        reason: "Get into position", posMismatchSince: null, judge: new HoldSecondJudge(form?.rules ?? []),
      }));
    }
  }

  /** Feeds one frame; returns what happened. */
  push(frame: MeasurementFrame): TrackerEvent[] {
    const ev: TrackerEvent[] = [];
    if (this.finished || !Number.isFinite(frame.t) || frame.t <= this.lastT) {
      this.ignored++;
      return ev;
    }
    const t = frame.t;
    const gap = t - this.lastFreshT;
    this.lastT = t;
    // frozen feed: exactly the same numbers as the previous frame
    const key = JSON.stringify(frame.values);
    const isFrozen = key === this.lastValues && Object.values(frame.values).some((v) => typeof v === "number");
    this.lastValues = key;
    if (isFrozen) {
      this.frozen++;
      this.checkStall(t, ev);
      return ev;
    }
    this.accepted++;
    if (gap > this.spec.stallResetS * 1000 && Number.isFinite(this.lastFreshT)) this.stallAll(t, gap, ev);
    this.lastFreshT = t;

    // smoothed values of the measures this spec uses
    const vals: Partial<Record<ExerciseMeasure, number | null>> = {};
    for (const m of this.usedMeasures()) {
      const v = frame.values[m];
      const c = frame.conf?.[m] ?? (typeof v === "number" ? 1 : 0);
      if (typeof v === "number" && Number.isFinite(v) && c >= this.spec.minConfidence) vals[m] = this.smoother.push(m, t, v);
      else {
        vals[m] = null;
        this.smoother.drop(m);
      }
    }
    this.current = vals;
    if (this.spec.kind === "reps") {
      for (const r of this.reps) this.stepRep(r, t, vals, frame, ev);
      // after stepping: the frame a repetition starts on belongs to it, not to the rest before it
      if (this.restMeasures.length && this.reps.every((r) => r.state === "waiting" || r.state === "ready")) {
        this.restHist.push({ t, values: Object.fromEntries(this.restMeasures.map((m) => [m, vals[m] ?? null])) });
        while (this.restHist.length && t - this.restHist[0]!.t > REST_WINDOW_MS) this.restHist.shift();
      }
    } else for (const h of this.holds) this.stepHold(h, t, vals, frame, ev);
    return ev;
  }

  /** Ends the set at time t (default: the last frame): a repetition in progress counts only if it was complete. */
  finish(t = this.lastT): TrackerEvent[] {
    const ev: TrackerEvent[] = [];
    if (this.finished) return ev;
    this.finished = true;
    const at = Number.isFinite(t) ? t : 0;
    for (const r of this.reps) {
      if (r.state === "active" && r.cur) {
        // still out at the end: counts if it reached the target and was held; its end is the set's end
        r.cur.endMs = at;
        this.finalize(r, at, ev, true);
      } else if (r.state === "pending" && r.cur) {
        this.reject(r, at, "no-return", "The set ended before you returned to the start position", ev);
      }
    }
    for (const h of this.holds) {
      if (h.running) this.pauseJudge(h.judge, at, h.zone.side, ev);
      h.running = false;
    }
    return ev;
  }

  /** Seconds judged faulty per hold-scope rule so far (holds and held repetitions). */
  faultySeconds(): Map<string, number> {
    const out = new Map<string, number>();
    for (const j of [...this.reps.map((r) => r.judge), ...this.holds.map((h) => h.judge)]) {
      for (const [k, v] of j.faultySeconds) out.set(k, (out.get(k) ?? 0) + v);
    }
    return out;
  }

  snapshot(): TrackerSnapshot {
    const counts = { left: 0, right: 0, none: 0, total: 0 };
    const phase: TrackerSnapshot["phase"] = {};
    const heldS: TrackerSnapshot["heldS"] = {};
    for (const r of this.reps) {
      counts[sideKey(r.side)] += r.count;
      counts.total += r.count;
      phase[sideKey(r.side)] = this.finished ? "done" : r.state === "active" ? (r.inHold ? "holding" : r.cur && r.cur.reached ? "returning" : "moving") : r.state === "pending" ? "returning" : r.state;
    }
    for (const h of this.holds) {
      heldS[sideKey(h.zone.side)] = round1(h.heldMs / 1000);
      phase[sideKey(h.zone.side)] = this.finished ? "done" : h.running ? "running" : h.started ? "paused" : "waiting";
    }
    const reason = this.spec.kind === "hold" ? (this.holds.find((h) => !h.running)?.reason ?? null) : this.waitReason;
    return {
      kind: this.spec.kind,
      phase,
      counts,
      target: this.dose.reps,
      rejected: this.rejectedCount,
      heldS,
      holdTargetS: this.dose.holdS,
      reason,
      activeFaults: [...new Set([...this.cueState.activeRules, ...this.reps.flatMap((r) => r.judge.activeRules), ...this.holds.flatMap((h) => h.judge.activeRules)])],
      lastRep: this.lastRep,
      frames: { accepted: this.accepted, ignored: this.ignored, frozen: this.frozen },
      current: { ...this.current },
    };
  }

  // ---------------------------------------------------------------- internals

  private usedMeasures(): ExerciseMeasure[] {
    const s = new Set<ExerciseMeasure>();
    if (this.spec.kind === "reps") for (const m of this.spec.machines) {
      s.add(m.primary);
      for (const r of m.requires) s.add(r.measure);
    }
    else for (const z of this.spec.zones) for (const c of z.conditions) s.add(c.measure);
    for (const r of this.form?.rules ?? []) s.add(r.measure);
    return [...s];
  }

  private checkStall(t: number, ev: TrackerEvent[]): void {
    const gap = t - this.lastFreshT;
    if (gap > this.spec.stallResetS * 1000 && Number.isFinite(this.lastFreshT)) {
      this.stallAll(t, gap, ev);
      this.lastFreshT = t; // reported once per stall
    }
  }

  private stallAll(t: number, gapMs: number, ev: TrackerEvent[]): void {
    const reason = `Tracking was lost for ${round1(gapMs / 1000)} s`;
    for (const r of this.reps) this.resetRep(r, t, reason, ev);
    for (const h of this.holds) if (h.running) this.pauseHold(h, t, "tracking-lost", reason, ev);
  }

  private resetRep(r: RepRunner, t: number, reason: string, ev: TrackerEvent[]): void {
    if (r.state === "active" || r.state === "pending") {
      this.reject(r, t, "tracking-lost", `${reason}: that repetition is not counted`, ev);
      ev.push({ type: "phase-reset", t, side: r.side, code: "tracking-lost", reason });
    }
    r.state = "waiting";
    r.rest = Infinity;
    r.base = null;
    r.still = [];
    this.waitReason = "Return to the start position";
  }

  /**
   * Relative machines: the rest value is the median of the primary over the last STILL_MS while it varies by at most
   * STILL_DEG (the patient standing still in the start position). Updated between repetitions, never during one.
   */
  private updateRest(r: RepRunner, t: number, v: number): void {
    r.still.push({ t, v });
    while (r.still.length && t - r.still[0]!.t > STILL_MS) r.still.shift();
    if (r.still.length < 3 || t - r.still[0]!.t < STILL_MS * 0.6) return;
    const vs = r.still.map((x) => x.v).sort((a, b) => a - b);
    if (vs[vs.length - 1]! - vs[0]! > STILL_DEG) return;
    const med = vs[Math.floor(vs.length / 2)]!;
    // between repetitions only at rest: never a value already past the start threshold of the current rest
    if (r.base === null || r.x(med - r.base) < r.x(r.m.start) * 0.5) r.base = med;
  }

  private reject(r: RepRunner, t: number, code: RejectCode, reason: string, ev: TrackerEvent[]): void {
    const peak = r.cur ? round1(r.m.direction * r.cur.peak) : null;
    ev.push({ type: "rep-rejected", t, side: r.side, code, reason, peakDeg: peak });
    this.rejectedCount++;
    if (r.cur) this.pauseJudge(r.judge, t, r.side, ev);
    r.cur = null;
    r.state = "ready";
  }

  private positionOk(frame: MeasurementFrame): boolean {
    return frame.position === undefined || (frame.position !== null && this.spec.positions.includes(frame.position));
  }

  private stepRep(r: RepRunner, t: number, vals: Partial<Record<ExerciseMeasure, number | null>>, frame: MeasurementFrame, ev: TrackerEvent[]): void {
    const v = vals[r.m.primary];
    // Alternating sides start from one shared rest: side-on, the far limb at rest hides behind the near one and is
    // seen only once it rises. While the other side's machine is at rest, an unseen primary counts as resting too.
    if (typeof v !== "number" && r.state === "waiting" && this.spec.sides === "alternating" && this.positionOk(frame) && this.reps.some((o) => o !== r && o.state === "ready")) {
      r.state = "ready";
      r.rest = Infinity;
    }
    if (typeof v !== "number") {
      if (t - r.lastGoodMs > this.spec.stallResetS * 1000 && Number.isFinite(r.lastGoodMs)) {
        const why = frame.withheld?.[r.m.primary]?.message ?? "the measured joints are not seen";
        this.resetRep(r, t, `Tracking was lost for ${round1((t - r.lastGoodMs) / 1000)} s (${why})`, ev);
        r.lastGoodMs = t;
      }
      return;
    }
    r.lastGoodMs = t;
    const x = r.x(v);
    if (r.m.relative) {
      if (r.state === "waiting" || r.state === "ready") this.updateRest(r, t, v);
      if (r.base === null) {
        this.waitReason = "Stand still in the start position";
        return;
      }
    }
    const off = r.m.relative ? r.base! : 0;
    const S = r.x(r.m.start + off), T = r.x(r.m.target + off), E = r.x(r.m.end + off);
    switch (r.state) {
      case "waiting":
        if (x <= E && this.positionOk(frame)) {
          r.state = "ready";
          r.rest = x;
          this.waitReason = null;
        } else this.waitReason = x > E ? "Return to the start position" : `Get into the starting position (${this.spec.positions.join(" or ")})`;
        return;
      case "ready":
        r.rest = Math.min(r.rest, x);
        if (x >= S) this.startRep(r, t, x, vals, ev);
        return;
      case "pending": {
        const R = r.x((r.m.returnTo ?? r.m.end) + off);
        r.rest = Math.min(r.rest, x);
        if (x <= R) {
          this.finalize(r, t, ev, false);
        } else if (x >= S) {
          this.reject(r, t, "no-return", "You did not return fully to the start position before the next repetition", ev);
          this.startRep(r, t, x, vals, ev);
        }
        return;
      }
      case "active": {
        const c = r.cur!;
        c.frames.push({ t, values: { ...vals } });
        if (x > c.peak) {
          c.peak = x;
          c.peakMs = t;
        }
        if (x >= T) c.reached = true;
        // hold zone: primary within tolerance of the target and every requirement currently met (where seen)
        const inHold = x >= T - r.spec.holdToleranceDeg && r.m.requires.every((q) => {
          const qv = vals[q.measure];
          return typeof qv !== "number" || q.direction * qv >= q.direction * q.target - r.spec.holdToleranceDeg;
        });
        // requirements are judged while the primary is at its target (the opposite arm raised WHILE the leg is), so
        // frames on the way up or down, and a far limb the camera loses sight of at the top, do not decide them
        if (x >= T - r.spec.holdToleranceDeg) {
          r.m.requires.forEach((q, i) => {
            const qv = vals[q.measure];
            const qc = frame.conf?.[q.measure] ?? 1;
            if (typeof qv === "number" && qc >= (q.minConfidence ?? 0)) c.reqBest[i] = Math.max(c.reqBest[i] ?? -Infinity, q.direction * qv);
          });
        }
        if (inHold) {
          if (c.lastInHoldMs !== null) c.holdMs += Math.min(t - c.lastInHoldMs, MAX_CREDIT_MS);
          c.lastInHoldMs = t;
          if (r.holdS) {
            const held = Math.floor(c.holdMs / 1000);
            if (held > c.lastHoldSecond) {
              c.lastHoldSecond = held;
              ev.push({ type: "rep-hold", t, side: r.side, heldS: held, targetS: r.holdS });
            }
            this.judgeHoldFrame(r.judge, t, vals, r.side, ev, c.holdFaults);
          }
        } else {
          if (c.lastInHoldMs !== null && r.holdS) this.pauseJudge(r.judge, t, r.side, ev, c.holdFaults);
          c.lastInHoldMs = null;
        }
        if (x <= E) {
          c.endMs = t;
          if (r.m.returnTo !== undefined && x > r.x(r.m.returnTo + off)) {
            r.state = "pending";
            r.rest = x;
            if (r.holdS) this.pauseJudge(r.judge, t, r.side, ev, c.holdFaults);
          } else this.finalize(r, t, ev, false);
        }
        return;
      }
    }
  }

  /** First and last moments within plateauDeg of the peak. */
  private plateau(c: Active, r: RepRunner): [number, number] {
    let first = c.peakMs, last = c.peakMs;
    let seenFirst = false;
    for (const f of c.frames) {
      const v = f.values[r.m.primary];
      if (typeof v !== "number" || r.x(v) < c.peak - r.spec.plateauDeg) continue;
      if (!seenFirst) {
        first = f.t;
        seenFirst = true;
      }
      last = f.t;
    }
    return [first, last];
  }

  /** Each fromRest measure's median over the last REST_WINDOW_MS with no repetition running (needs 3 values). */
  private restValuesAt(t: number): RestValues {
    const out: RestValues = {};
    const recent = this.restHist.filter((h) => t - h.t <= REST_WINDOW_MS);
    for (const m of this.restMeasures) {
      const vs = recent.map((h) => h.values[m]).filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
      if (vs.length >= 3) out[m] = vs[Math.floor(vs.length / 2)]!;
    }
    return out;
  }

  private startRep(r: RepRunner, t: number, x: number, vals: Partial<Record<ExerciseMeasure, number | null>>, ev: TrackerEvent[]): void {
    r.state = "active";
    r.cur = {
      startMs: t, peak: x, peakMs: t, reached: x >= r.x(r.m.target + (r.m.relative ? r.base ?? 0 : 0)), holdMs: 0, lastInHoldMs: null,
      reqBest: r.m.requires.map(() => null), frames: [{ t, values: { ...vals } }], restValue: Number.isFinite(r.rest) ? r.rest : x, endMs: null,
      holdFaults: new Set(), lastHoldSecond: 0, restValues: this.restValuesAt(t),
    };
    r.judge.reset();
    ev.push({ type: "rep-started", t, side: r.side });
  }

  private finalize(r: RepRunner, t: number, ev: TrackerEvent[], atSetEnd: boolean): void {
    const c = r.cur!;
    const endMs = c.endMs ?? t;
    const dur = (endMs - c.startMs) / 1000;
    const dir = r.m.direction;
    const unit = (v: number) => round1(v);
    if (!c.reached) {
      const needs = r.m.relative ? `${unit(Math.abs(r.m.target))} from your rest (${unit(r.m.target + (r.base ?? 0))})` : `${r.m.target}`;
      return this.reject(r, t, atSetEnd ? "set-ended" : "not-far-enough", `Not far enough: reached ${unit(dir * c.peak)}, needs ${needs}`, ev);
    }
    if (dur < r.spec.minRepS) return this.reject(r, t, "too-quick", `Too quick (${round1(dur)} s): move slowly and with control`, ev);
    const unverified: string[] = [];
    for (let i = 0; i < r.m.requires.length; i++) {
      const q = r.m.requires[i]!, best = c.reqBest[i];
      if (best === null || best === undefined) unverified.push(q.label);
      else if (best < q.direction * q.target) return this.reject(r, t, "requirement", `${q.label[0]!.toUpperCase()}${q.label.slice(1)} (reached ${unit(q.direction * best)}, needs ${q.target})`, ev);
    }
    if (r.holdS && c.holdMs < r.holdS * 1000 - 300) {
      return this.reject(r, t, "hold-too-short", `Held ${round1(c.holdMs / 1000)} s of ${r.holdS} s`, ev);
    }
    if (r.holdS) this.pauseJudge(r.judge, t, r.side, ev, c.holdFaults);
    r.count++;
    const [p0, p1] = this.plateau(c, r);
    const rep: RepRecord = {
      index: r.count,
      side: r.side,
      startMs: c.startMs,
      peakMs: c.peakMs,
      endMs,
      peakDeg: round1(dir * c.peak),
      romDeg: round1(c.peak - c.restValue),
      tempo: {
        upS: round2((p0 - c.startMs) / 1000),
        holdS: round2((p1 - p0) / 1000),
        downS: round2((endMs - p1) / 1000),
        totalS: round2(dur),
      },
      heldS: round1(c.holdMs / 1000),
      faults: [...c.holdFaults],
      unverified,
    };
    // per-repetition form rules
    if (this.form) {
      const verdicts = judgeRep(this.form.rules, c.frames, { t: c.peakMs, measure: r.m.primary, value: dir * c.peak }, c.restValues);
      const { raised, cleared } = this.cueState.update(this.form.rules, verdicts);
      for (const key of raised) {
        const rule = this.form.rules.find((x) => x.key === key)!;
        if (!rep.faults.includes(key)) rep.faults.push(key);
        ev.push({ type: "fault", t, side: r.side, rule: key, label: rule.label, scope: "rep", value: verdicts.find((v) => v.rule === key)!.value!, repIndex: rep.index });
        this.offerCue(t, key, rule.cue, ev);
      }
      for (const key of cleared) ev.push({ type: "fault-cleared", t, side: r.side, rule: key });
    }
    this.lastRep = rep;
    ev.push({ type: "rep-counted", t, side: r.side, count: r.count, total: this.reps.reduce((a, x) => a + x.count, 0), rep });
    if (this.dose.reps !== null && r.count === this.dose.reps) ev.push({ type: "target-reached", t, side: r.side });
    r.cur = null;
    r.state = "ready";
    r.rest = Infinity;
  }

  private offerCue(t: number, key: string, text: string, ev: TrackerEvent[]): void {
    if (this.cues.offer(t, key)) ev.push({ type: "cue", t, key, text });
  }

  private judgeHoldFrame(judge: HoldSecondJudge, t: number, vals: Partial<Record<ExerciseMeasure, number | null>>, side: SideOrNone, ev: TrackerEvent[], into?: Set<string>): void {
    if (!judge.hasRules) return;
    this.emitJudge(judge.push(t, vals), t, side, ev, into);
  }

  private pauseJudge(judge: HoldSecondJudge, t: number, side: SideOrNone, ev: TrackerEvent[], into?: Set<string>): void {
    if (!judge.hasRules) return;
    this.emitJudge(judge.pause(t), t, side, ev, into);
  }

  private emitJudge(out: ReturnType<HoldSecondJudge["push"]>, t: number, side: SideOrNone, ev: TrackerEvent[], into?: Set<string>): void {
    for (const s of out.started) {
      const rule = this.form!.rules.find((x) => x.key === s.rule)!;
      into?.add(s.rule);
      ev.push({ type: "fault", t, side, rule: s.rule, label: rule.label, scope: "hold", value: s.value, repIndex: null });
      this.offerCue(t, s.rule, rule.cue, ev);
    }
    // a fault that stays present is cued again when the scheduler allows
    for (const j of out.judged) {
      if (j.present && !out.started.some((s) => s.rule === j.rule)) {
        const rule = this.form!.rules.find((x) => x.key === j.rule)!;
        into?.add(j.rule);
        this.offerCue(t, j.rule, rule.cue, ev);
      }
    }
    for (const key of out.stopped) ev.push({ type: "fault-cleared", t, side, rule: key });
  }

  // ---------------------------------------------------------------- holds

  private stepHold(h: HoldRunnerState, t: number, vals: Partial<Record<ExerciseMeasure, number | null>>, frame: MeasurementFrame, ev: TrackerEvent[]): void {
    const spec = this.spec as HoldSpec;
    const target = this.dose.holdS;
    // position: needed to start; while running, a mismatch must last a second before it pauses (classifier noise)
    let fail: { code: string; reason: string; cue: string } | null = null;
    if (!this.positionOk(frame)) {
      h.posMismatchSince ??= t;
      if (!h.running || t - h.posMismatchSince >= 1000) fail = { code: "position", reason: `Get into the position: ${spec.positions.join(" or ")}`, cue: "Get back into the position" };
    } else h.posMismatchSince = null;
    if (!fail) {
      for (const c of h.zone.conditions) {
        const v = vals[c.measure];
        if (typeof v !== "number") {
          fail = { code: "not-visible", reason: frame.withheld?.[c.measure]?.message ?? "The camera cannot see the position clearly", cue: "Stay where the camera can see you" };
          break;
        }
        const tol = h.running ? c.tolerance : 0;
        if ((c.min !== undefined && v < c.min - tol) || (c.max !== undefined && v > c.max + tol)) {
          fail = { code: c.code, reason: c.reason, cue: c.cue };
          break;
        }
      }
    }
    if (fail && fail.code === "not-visible" && h.running && t - h.lastGoodMs <= this.spec.stallResetS * 1000 && Number.isFinite(h.lastGoodMs)) {
      // a short gap in visibility holds the state (the time is not credited)
      h.lastOkMs = null;
      return;
    }
    if (fail) {
      if (fail.code !== "not-visible") h.lastGoodMs = t;
      if (h.running) this.pauseHold(h, t, fail.code, fail.reason, ev, fail.cue);
      else h.reason = fail.reason;
      return;
    }
    h.lastGoodMs = t;
    if (!h.running) {
      h.running = true;
      h.started = true;
      h.reason = null;
      h.lastOkMs = t;
      ev.push({ type: "hold-running", t, side: h.zone.side, heldS: round1(h.heldMs / 1000) });
      this.judgeHoldFrame(h.judge, t, vals, h.zone.side, ev);
      return;
    }
    if (h.lastOkMs !== null) h.heldMs += Math.min(t - h.lastOkMs, MAX_CREDIT_MS);
    h.lastOkMs = t;
    this.judgeHoldFrame(h.judge, t, vals, h.zone.side, ev);
    const s = Math.floor(h.heldMs / 1000);
    if (s > h.lastProgressS) {
      h.lastProgressS = s;
      ev.push({ type: "hold-progress", t, side: h.zone.side, heldS: s, targetS: target ?? 0 });
    }
    if (target !== null && !h.complete && h.heldMs >= target * 1000) {
      h.complete = true;
      ev.push({ type: "hold-complete", t, side: h.zone.side, heldS: round1(h.heldMs / 1000) });
    }
  }

  private pauseHold(h: HoldRunnerState, t: number, code: string, reason: string, ev: TrackerEvent[], cue?: string): void {
    h.running = false;
    h.lastOkMs = null;
    h.reason = reason;
    this.pauseJudge(h.judge, t, h.zone.side, ev);
    ev.push({ type: "hold-paused", t, side: h.zone.side, code, reason, heldS: round1(h.heldMs / 1000) });
    if (cue) this.offerCue(t, `pause:${code}`, cue, ev);
  }
}

/** Builds the tracker for an exercise's spec and a dose. */
export function createTracker(spec: TrackerSpec, dose: Dose, form: FormRuleSet | null, o: TrackerOptions = {}): ExerciseTracker {
  return new ExerciseTracker(spec, dose, form, o);
}
