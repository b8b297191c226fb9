// One exercise set, from frames to result. `ExerciseSession` is what runs live in the patient's browser on every
// analysed frame; `summarizeExerciseSet` is the same code run over a set's stored samples on the server, and its result
// is the record. Both build the result with the same reducer from the same events, so they agree frame for frame.
import { z } from "zod";
import { JOINT_ANGLES_VERSION, landmarksFromSample, measureJointAngles } from "../pose/joint-angles";
import type { PoseSample } from "../pose/sample";
import { CATALOGUE_VERSION, type Exercise, exerciseRef, getExercise } from "./catalogue";
import { FORM_VERSION, formRuleSet } from "./form";
import { type Dose, DoseSchema, type SideOrNone } from "./spec";
import { type ExerciseTracker, frameFromJointAngles, type MeasurementFrame, type RepRecord, TRACKER_VERSION, type TrackerEvent, type TrackerOptions, type TrackerSnapshot, createTracker } from "./trackers";

export class ExerciseInputError extends Error {
  override name = "ExerciseInputError";
}

export interface SetVersions {
  /** key@version of the exercise */
  exercise: string;
  catalogue: number;
  trackerSpec: number | null;
  tracker: number;
  form: number | null;
  formSet: string | null;
  jointAngles: number;
}

export interface FaultSummary {
  label: string;
  /** indices (per side) of the repetitions that had it, as "left:3", "right:1" or "3" */
  reps: string[];
  /** seconds of a hold (or of held repetitions) judged faulty */
  seconds: number;
}

export interface SetResult {
  versions: SetVersions;
  kind: "reps" | "hold" | "self-reported";
  dose: Dose;
  /** the side this set was for (exercises done one side per set) */
  side: SideOrNone;
  counts: { left: number; right: number; none: number; total: number };
  /** repetitions asked for, per side when the dose is per side */
  target: number | null;
  reps: RepRecord[];
  rejected: { t: number; side: SideOrNone; code: string; reason: string; peakDeg: number | null }[];
  hold: { heldS: Partial<Record<"left" | "right" | "none", number>>; targetS: number | null; pauses: { t: number; side: SideOrNone; code: string; reason: string }[] } | null;
  faults: Record<string, FaultSummary>;
  /** the target was reached (every counted side for alternating exercises) */
  complete: boolean;
  frames: { accepted: number; ignored: number; frozen: number };
  durationS: number;
  /** present when a measure stands in for the real movement */
  proxyNote: string | null;
}

/** Folds tracker events into a SetResult; the same reducer runs live and on the server. */
export class SetResultBuilder {
  private reps: RepRecord[] = [];
  private rejected: SetResult["rejected"] = [];
  private pauses: NonNullable<SetResult["hold"]>["pauses"] = [];
  private faults: Record<string, FaultSummary> = {};
  private firstT: number | null = null;
  private lastT: number | null = null;
  private holdSecondsByRule = new Map<string, number>();
  constructor(readonly exercise: Exercise, readonly dose: Dose) {}

  apply(events: readonly TrackerEvent[]): void {
    const set = formRuleSet(this.exercise.tracker?.form);
    for (const e of events) {
      this.firstT ??= e.t;
      this.lastT = e.t;
      switch (e.type) {
        case "rep-counted": {
          this.reps.push(e.rep);
          for (const f of e.rep.faults) {
            const label = set?.rules.find((r) => r.key === f)?.label ?? f;
            (this.faults[f] ??= { label, reps: [], seconds: 0 }).reps.push(e.side ? `${e.side}:${e.rep.index}` : String(e.rep.index));
          }
          break;
        }
        case "rep-rejected":
          this.rejected.push({ t: e.t, side: e.side, code: e.code, reason: e.reason, peakDeg: e.peakDeg });
          break;
        case "hold-paused":
          this.pauses.push({ t: e.t, side: e.side, code: e.code, reason: e.reason });
          break;
        case "fault":
          if (e.scope === "hold") {
            const label = set?.rules.find((r) => r.key === e.rule)?.label ?? e.rule;
            this.faults[e.rule] ??= { label, reps: [], seconds: 0 };
          }
          break;
        default:
          break;
      }
    }
  }

  /** Per-rule faulty seconds come from the tracker (they accrue without an event per second). */
  setHoldSeconds(byRule: ReadonlyMap<string, number>): void {
    this.holdSecondsByRule = new Map(byRule);
  }

  result(snap: TrackerSnapshot, frames: { first: number | null; last: number | null }): SetResult {
    const ex = this.exercise;
    const spec = ex.tracker!;
    const faults: Record<string, FaultSummary> = {};
    for (const [k, f] of Object.entries(this.faults)) faults[k] = { ...f, reps: [...f.reps], seconds: this.holdSecondsByRule.get(k) ?? 0 };
    for (const [k, s] of this.holdSecondsByRule) if (s > 0 && !faults[k]) faults[k] = { label: formRuleSet(spec.form)?.rules.find((r) => r.key === k)?.label ?? k, reps: [], seconds: s };
    const side: SideOrNone = spec.sides === "chosen" ? (this.dose.side ?? "left") : null;
    let complete: boolean;
    if (spec.kind === "reps") {
      const target = this.dose.reps ?? 0;
      complete = spec.sides === "alternating" ? snap.counts.left >= target && snap.counts.right >= target : snap.counts.total >= target;
    } else {
      const t = this.dose.holdS ?? 0;
      complete = Object.values(snap.heldS).every((s) => (s ?? 0) >= t - 0.05);
    }
    return {
      versions: versionsOf(ex),
      kind: spec.kind,
      dose: this.dose,
      side,
      counts: snap.counts,
      target: spec.kind === "reps" ? this.dose.reps : null,
      reps: [...this.reps],
      rejected: [...this.rejected],
      hold: spec.kind === "hold" ? { heldS: snap.heldS, targetS: this.dose.holdS, pauses: [...this.pauses] } : null,
      faults,
      complete,
      frames: snap.frames,
      durationS: frames.first !== null && frames.last !== null ? Math.round(frames.last - frames.first) / 1000 : 0,
      proxyNote: spec.proxyNote ?? null,
    };
  }
}

function versionsOf(ex: Exercise): SetVersions {
  return {
    exercise: exerciseRef(ex), catalogue: CATALOGUE_VERSION, trackerSpec: ex.tracker?.version ?? null, tracker: TRACKER_VERSION,
    form: ex.tracker?.form ? FORM_VERSION : null, formSet: ex.tracker?.form ?? null, jointAngles: JOINT_ANGLES_VERSION,
  };
}

export interface SessionOptions extends TrackerOptions {
  /** frame width / height of the camera the samples came from */
  frameAspect: number;
  /** camera roll to remove (calibration), deg */
  rollDeg?: number;
}

function resolve(exercise: string | Exercise, dose: unknown): { ex: Exercise; dose: Dose } {
  const ex = typeof exercise === "string" ? getExercise(exercise) : exercise;
  if (!ex) throw new ExerciseInputError(`Unknown exercise ${String(exercise)}`);
  const d = DoseSchema.safeParse(dose);
  if (!d.success) throw new ExerciseInputError(`Invalid dose: ${d.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { ex, dose: d.data };
}

/** Live counting of one set: feed every analysed sample (or measurement frame); read events, snapshot and result. */
export class ExerciseSession {
  readonly exercise: Exercise;
  readonly dose: Dose;
  private tracker: ExerciseTracker | null;
  private builder: SetResultBuilder | null;
  private first: number | null = null;
  private last: number | null = null;
  constructor(exercise: string | Exercise, dose: unknown, private readonly o: SessionOptions = { frameAspect: 4 / 3 }) {
    const r = resolve(exercise, dose);
    this.exercise = r.ex;
    this.dose = r.dose;
    const spec = r.ex.tracker;
    this.tracker = spec ? createTracker(spec, r.dose, formRuleSet(spec.form), o) : null;
    this.builder = spec ? new SetResultBuilder(r.ex, r.dose) : null;
  }

  get selfReported(): boolean {
    return this.tracker === null;
  }

  /** One stored/streamed PoseSample: the exercise angles are computed from its landmarks. */
  pushSample(s: PoseSample): TrackerEvent[] {
    const j = measureJointAngles({ t: s.t, image: landmarksFromSample(s.landmarks), aspect: this.o.frameAspect, rollDeg: this.o.rollDeg });
    return this.pushFrame(frameFromJointAngles(j));
  }

  pushFrame(f: MeasurementFrame): TrackerEvent[] {
    if (!this.tracker) return [];
    if (Number.isFinite(f.t)) {
      this.first ??= f.t;
      this.last = this.last === null ? f.t : Math.max(this.last, f.t);
    }
    const ev = this.tracker.push(f);
    this.builder!.apply(ev);
    return ev;
  }

  finish(t?: number): TrackerEvent[] {
    if (!this.tracker) return [];
    const ev = this.tracker.finish(t);
    this.builder!.apply(ev);
    return ev;
  }

  snapshot(): TrackerSnapshot | null {
    return this.tracker?.snapshot() ?? null;
  }

  result(): SetResult {
    if (!this.tracker || !this.builder) {
      return {
        versions: versionsOf(this.exercise), kind: "self-reported", dose: this.dose, side: this.dose.side, counts: { left: 0, right: 0, none: 0, total: 0 },
        target: this.dose.reps, reps: [], rejected: [], hold: null, faults: {}, complete: false, frames: { accepted: 0, ignored: 0, frozen: 0 }, durationS: 0, proxyNote: null,
      };
    }
    this.builder.setHoldSeconds(this.tracker.faultySeconds());
    return this.builder.result(this.tracker.snapshot(), { first: this.first, last: this.last });
  }
}

export const SummarizeInputSchema = z.strictObject({
  exercise: z.string().min(3).max(60),
  dose: DoseSchema,
  frameAspect: z.number().finite().min(0.2).max(5),
  rollDeg: z.number().finite().min(-45).max(45).optional(),
});

/**
 * The set's result from its stored samples: a pure function of (exercise key@version, dose, samples, frame aspect).
 * The server runs this on what it stored; the live session in the browser produced the same from the same samples.
 */
export function summarizeExerciseSet(input: { exercise: string; dose: Dose; frameAspect: number; rollDeg?: number }, samples: readonly PoseSample[]): SetResult {
  const p = SummarizeInputSchema.safeParse(input);
  if (!p.success) throw new ExerciseInputError(`Invalid set: ${p.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const s = new ExerciseSession(p.data.exercise, p.data.dose, { frameAspect: p.data.frameAspect, rollDeg: p.data.rollDeg });
  for (const x of samples) s.pushSample(x);
  s.finish();
  return s.result();
}

/** The same over measurement frames (already computed angles): tests and re-analysis. */
export function summarizeFrames(exercise: string | Exercise, dose: unknown, frames: readonly MeasurementFrame[]): SetResult {
  const s = new ExerciseSession(exercise, dose);
  for (const f of frames) s.pushFrame(f);
  s.finish();
  return s.result();
}
