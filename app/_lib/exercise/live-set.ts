// One exercise set as the patient's browser runs it, with no DOM and no transport: every analysed sample (t in ms
// since the set started) is quantised exactly as the recording pipeline stores it, handed to the sample sink (the
// Recorder in the visit; whatever home practice saves with) and counted by the engine's ExerciseSession. So the count
// on the patient's screen is the count the server recomputes from the stored samples. The state it reports is what
// the patient's screen shows and what the therapist receives (app/_shared/protocol.ts, exerciseStateMsg).
import { type Exercise, exerciseRef } from "../../_shared/exercises/catalogue";
import type { Dose } from "../../_shared/exercises/spec";
import { ExerciseSession, type SetResult } from "../../_shared/exercises/summary";
import type { TrackerEvent } from "../../_shared/exercises/trackers";
import type { PoseSample } from "../../_shared/pose/sample";
import type { ExerciseStateMsg } from "../../_shared/protocol";
import { CHUNK_FORMAT, decodeChunk, encodeChunk } from "../../_shared/recording/codec";

/** Where a set's samples go to be saved (the Recorder of app/_lib/recording/recorder.ts fits). */
export interface SampleSink {
  add(s: PoseSample): void;
}

/** The sample as the recording pipeline stores it (chunk format quantisation): what the server will count. */
export function asStored(s: PoseSample): PoseSample {
  return decodeChunk(encodeChunk([s]), CHUNK_FORMAT)[0]!;
}

export type LiveCounts = ExerciseStateMsg["counts"];
export interface LiveView {
  counts: LiveCounts;
  target: number | null;
  perSide: boolean;
  heldS: number | null;
  holdTargetS: number | null;
  reason: string | null;
  cue: string | null;
  current: number | null;
  reps: ExerciseStateMsg["reps"];
  faults: ExerciseStateMsg["faults"];
  complete: boolean;
  samples: number;
}

/** How long a form cue stays on the screen after it was raised. */
const CUE_SHOWN_MS = 4000;

export class LiveSet {
  readonly session: ExerciseSession;
  readonly ref: string;
  private samples = 0;
  private lastT = -1;
  private cue: { text: string; t: number } | null = null;
  private faults: ExerciseStateMsg["faults"] = [];
  private reps: ExerciseStateMsg["reps"] = [];
  private listeners = new Set<(e: TrackerEvent[]) => void>();

  constructor(readonly exercise: Exercise, dose: Dose, readonly frameAspect: number, private readonly sink: SampleSink | null) {
    this.session = new ExerciseSession(exercise, dose, { frameAspect });
    this.ref = exerciseRef(exercise);
  }

  get dose(): Dose {
    return this.session.dose;
  }
  get selfReported(): boolean {
    return this.session.selfReported;
  }

  /** Tells `fn` the events of every sample (cues to speak, repetitions to announce). */
  onEvents(fn: (e: TrackerEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** One analysed sample, t in ms since the set started (whole ms, increasing; others are ignored). */
  push(raw: PoseSample): TrackerEvent[] {
    const t = Math.round(raw.t);
    if (!(t > this.lastT) || t < 0) return [];
    this.lastT = t;
    const s = asStored({ ...raw, t });
    this.sink?.add(s);
    this.samples++;
    const ev = this.session.pushSample(s);
    this.absorb(ev);
    return ev;
  }

  /** The set ends (the therapist stopped it, or home practice finished it). */
  finish(): TrackerEvent[] {
    const ev = this.session.finish(this.lastT >= 0 ? this.lastT : undefined);
    this.absorb(ev);
    return ev;
  }

  private absorb(ev: TrackerEvent[]) {
    for (const e of ev) {
      if (e.type === "cue") this.cue = { text: e.text, t: e.t };
      else if (e.type === "fault" && this.faults.length < 300) this.faults.push({ t: Math.max(0, e.t), rule: e.rule, label: e.label.slice(0, 120) });
      else if (e.type === "rep-counted" && this.reps.length < 300) {
        const r = e.rep;
        this.reps.push({ index: r.index, side: r.side, startMs: Math.max(0, r.startMs), peakMs: Math.max(0, r.peakMs), endMs: Math.max(0, r.endMs), peakDeg: clampDeg(r.peakDeg), faults: r.faults.slice(0, 20) });
      }
    }
    if (ev.length) for (const l of this.listeners) l(ev);
  }

  view(): LiveView {
    const snap = this.session.snapshot();
    const d = this.session.dose;
    const primary = this.exercise.tracker?.kind === "reps" ? this.exercise.tracker.machines[0]!.primary : this.exercise.tracker?.kind === "hold" ? this.exercise.tracker.zones[0]!.conditions[0]!.measure : null;
    const current = snap && primary ? (snap.current[primary] ?? null) : null;
    const held = snap ? Object.values(snap.heldS).reduce<number | null>((a, v) => (v === undefined ? a : Math.max(a ?? 0, v)), null) : null;
    const showCue = this.cue && this.lastT - this.cue.t < CUE_SHOWN_MS ? this.cue.text : null;
    const counts = snap?.counts ?? { left: 0, right: 0, none: 0, total: 0 };
    const target = snap?.target ?? d.reps;
    const complete = snap ? (snap.kind === "hold" ? held !== null && d.holdS !== null && held >= d.holdS - 0.05 : target !== null && (this.exercise.tracker?.sides === "alternating" ? counts.left >= target && counts.right >= target : counts.total >= target)) : false;
    return {
      counts, target, perSide: this.exercise.tracker?.sides === "alternating", heldS: held === null ? null : Math.round(held * 10) / 10,
      holdTargetS: snap?.holdTargetS ?? d.holdS, reason: snap?.reason ?? null, cue: showCue, current: current === null || !Number.isFinite(current) ? null : clampDeg(current),
      reps: [...this.reps], faults: [...this.faults], complete, samples: this.samples,
    };
  }

  result(): SetResult {
    return this.session.result();
  }
}

const clampDeg = (v: number) => Math.max(-360, Math.min(360, Math.round(v * 10) / 10));
