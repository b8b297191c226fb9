// Form rules as data (named faults with a measurable condition and a cue), the judges that apply them per repetition
// and per second of a hold, and the cue scheduler. Pure: time comes from sample timestamps, never from a clock.
import type { ExerciseMeasure } from "../pose/joint-angles";
import { type FormRule, type FormRuleSet, FormRuleSetSchema } from "./spec";

/** 2: second versions of rule sets whose thresholds changed meaning (bridge-2, sit-to-stand-2). 3: bird-dog-2. */
export const FORM_VERSION = 3;

const SETS: FormRuleSet[] = [
  {
    key: "squat", version: 1, rules: [
      { key: "trunk-forward", label: "Trunk leaning far forward at the bottom", cue: "Keep your chest up as you go down", scope: "rep", measure: "trunkInclination", aggregate: "atPeak", op: ">", value: 45, clear: 38, minSeconds: 1 },
      { key: "shallow", label: "Not reaching depth", cue: "Go a little deeper, as if sitting on a chair", scope: "rep", measure: "kneeFlexion", aggregate: "peak", op: "<", value: 75, clear: 82, minSeconds: 1 },
    ],
  },
  {
    key: "sit-to-stand", version: 1, rules: [
      { key: "trunk-forward", label: "Trunk leaning far forward to get up", cue: "Lean forward only a little, then push up through your legs", scope: "rep", measure: "trunkInclination", aggregate: "max", op: ">", value: 55, clear: 48, minSeconds: 1 },
      { key: "not-tall", label: "Not standing up fully", cue: "Stand up tall at the top", scope: "rep", measure: "kneeFlexion", aggregate: "peak", op: ">", value: 18, clear: 12, minSeconds: 1 },
    ],
  },
  {
    key: "hinge", version: 1, rules: [
      // The lumbar curve itself is not visible to a 33-landmark model; what the camera sees of a rounded back is the
      // upper back and neck curling: the ear drops in front of the hip-shoulder line.
      { key: "back-rounding", label: "Back rounding instead of hinging at the hips", cue: "Hinge at your hips and keep your back long", scope: "rep", measure: "headFlexion", aggregate: "atPeak", op: ">", value: 30, clear: 22, minSeconds: 1 },
    ],
  },
  {
    key: "bridge", version: 1, rules: [
      { key: "hips-not-neutral", label: "Hips not reaching neutral", cue: "Push your hips up in line with your knees and shoulders", scope: "rep", measure: "bodyLineKnee", aggregate: "max", op: "<", value: -12, clear: -8, minSeconds: 1 },
      { key: "hips-dropping", label: "Hips dropping during the hold", cue: "Keep your hips up", scope: "hold", measure: "bodyLineKnee", aggregate: "dropFromBest", direction: 1, op: ">", value: 8, clear: 4, minSeconds: 1 },
    ],
  },
  {
    // v1 flagged "not reaching neutral" only 12 deg short of the shoulder-hip-knee line; a repetition that stops at the
    // line or just short of it (a 0.72-depth bridge in the bridge clip: -2 deg on the truth's joints, +2 with MediaPipe
    // lite, against +15 / +19 for full ones) passed. v2 asks the hips to pass 5 deg beyond the line.
    key: "bridge-2", version: 2, rules: [
      { key: "hips-not-neutral", label: "Hips not reaching neutral", cue: "Push your hips up in line with your knees and shoulders", scope: "rep", measure: "bodyLineKnee", aggregate: "max", op: "<", value: 5, clear: 9, minSeconds: 1 },
      { key: "hips-dropping", label: "Hips dropping during the hold", cue: "Keep your hips up", scope: "hold", measure: "bodyLineKnee", aggregate: "dropFromBest", direction: 1, op: ">", value: 8, clear: 4, minSeconds: 1 },
    ],
  },
  {
    // v1 flagged the lean to get up past 55 deg; MediaPipe lite reads a 67 deg lean as 49 (sit_to_stand clip; normal
    // leans 30-33 read 30-33), so v2 flags it past 45 deg.
    key: "sit-to-stand-2", version: 2, rules: [
      { key: "trunk-forward", label: "Trunk leaning far forward to get up", cue: "Lean forward only a little, then push up through your legs", scope: "rep", measure: "trunkInclination", aggregate: "max", op: ">", value: 45, clear: 40, minSeconds: 1 },
      { key: "not-tall", label: "Not standing up fully", cue: "Stand up tall at the top", scope: "rep", measure: "kneeFlexion", aggregate: "peak", op: ">", value: 18, clear: 12, minSeconds: 1 },
    ],
  },
  {
    key: "plank", version: 1, rules: [
      { key: "hips-sagging", label: "Hips sagging", cue: "Lift your hips a little, in line with your shoulders", scope: "hold", measure: "bodyLine", aggregate: "mean", op: "<", value: -12, clear: -7, minSeconds: 1 },
      { key: "hips-piking", label: "Hips piking up", cue: "Lower your hips into a straight line", scope: "hold", measure: "bodyLine", aggregate: "mean", op: ">", value: 15, clear: 9, minSeconds: 1 },
    ],
  },
  {
    key: "plank-knees", version: 1, rules: [
      { key: "hips-sagging", label: "Hips sagging", cue: "Lift your hips a little, in line with your shoulders", scope: "hold", measure: "bodyLineKnee", aggregate: "mean", op: "<", value: -12, clear: -7, minSeconds: 1 },
      { key: "hips-piking", label: "Hips piking up", cue: "Lower your hips into a straight line", scope: "hold", measure: "bodyLineKnee", aggregate: "mean", op: ">", value: 15, clear: 9, minSeconds: 1 },
    ],
  },
  {
    key: "side-plank", version: 1, rules: [
      { key: "hips-sagging", label: "Hips sagging toward the floor", cue: "Lift your hips up", scope: "hold", measure: "bodyLine", aggregate: "mean", op: "<", value: -12, clear: -7, minSeconds: 1 },
    ],
  },
  {
    key: "bird-dog", version: 1, rules: [
      { key: "pelvis-rotating", label: "Pelvis rotating", cue: "Keep your hips level, like a table", scope: "rep", measure: "pelvicRotation", aggregate: "range", op: ">", value: 14, clear: 9, minSeconds: 1 },
      { key: "trunk-tilting", label: "Trunk tilting", cue: "Keep your back still and level", scope: "rep", measure: "trunkFloorAngle", aggregate: "range", op: ">", value: 10, clear: 7, minSeconds: 1 },
    ],
  },
  {
    // v1 flagged "pelvis rotating" when pelvicRotation's range inside the repetition passed 14 deg. From a side-on
    // camera (the one a bird dog needs, to see the arm and leg) a roll of the pelvis is not visible: the far hip hides
    // behind the body, and the bird_dog clip's frames with and without its 16 deg roll have the same silhouette. On
    // the truth's joint centres the roll can be read (pelvicRoll from the rest, past 10 deg: 100 % / 100 % on bird_dog
    // and on the held-out bird_dog_roll), but MediaPipe lite places the hidden far hip 14-19 px off with the pelvis
    // level (a 20-25 deg roll), so at 10 deg it flagged 3 of 4 good repetitions in bird_dog and 6 of 6 in the held-out
    // bird_dog_level (2026-12-02). v2 therefore does not judge the pelvis (the exercise says so in its proxyNote; the
    // instructions and cue still ask for level hips) and judges the trunk's tilt from the still rest before the
    // repetition (fromRest: a tilt that starts before the leg passes its start threshold counts too; MediaPipe lite
    // reads the good repetitions of the three bird dog clips within 3.6 deg of their rest).
    key: "bird-dog-2", version: 2, rules: [
      { key: "trunk-tilting", label: "Trunk tilting", cue: "Keep your back still and level", scope: "rep", measure: "trunkFloorAngle", aggregate: "fromRest", op: ">", value: 10, clear: 7, minSeconds: 1 },
    ],
  },
  {
    key: "press-up", version: 1, rules: [
      { key: "pelvis-lifting", label: "Pelvis lifting off the floor", cue: "Let your hips stay on the floor, only your chest rises", scope: "rep", measure: "thighFloorAngle", aggregate: "max", op: ">", value: 10, clear: 6, minSeconds: 1 },
    ],
  },
  {
    key: "standing-extension", version: 1, rules: [
      { key: "knees-bending", label: "Bending the knees instead of the back", cue: "Keep your knees straight and bend back from your waist", scope: "rep", measure: "kneeFlexion", aggregate: "atPeak", op: ">", value: 18, clear: 12, minSeconds: 1 },
    ],
  },
];

export const FORM_RULE_SETS: readonly FormRuleSet[] = SETS.map((s) => FormRuleSetSchema.parse(s));
export function formRuleSet(key: string | null | undefined): FormRuleSet | null {
  return key ? FORM_RULE_SETS.find((s) => s.key === key) ?? null : null;
}

// ------------------------------------------------------------------ judging a repetition

export interface RepFrame {
  t: number;
  values: Partial<Record<ExerciseMeasure, number | null>>;
}
export interface RuleVerdict {
  rule: string;
  /** the aggregate the rule looked at, or null when the measure was not seen during the repetition */
  value: number | null;
  present: boolean;
}

const AT_PEAK_MS = 300;

/** When and where the primary measure peaked during the repetition. */
export interface RepPeak {
  t: number;
  measure: ExerciseMeasure;
  value: number;
}

/** Each measure's value at the still rest before a repetition (fromRest rules); a measure absent was not seen there. */
export type RestValues = Partial<Record<ExerciseMeasure, number>>;

/** How many of a repetition's first frames stand in for the rest when none was seen before it (fromRest). */
const REST_FALLBACK_FRAMES = 3;

const median = (vs: number[]): number => {
  const s = [...vs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The aggregate of a rep rule over one repetition's frames (`rest`: the values before it, for fromRest). */
export function repAggregate(rule: FormRule, frames: readonly RepFrame[], peak: RepPeak, rest: RestValues = {}): number | null {
  if (rule.aggregate === "peak" && rule.measure === peak.measure) return peak.value;
  if (rule.aggregate === "atPeak" || rule.aggregate === "peak") {
    let best: { d: number; v: number } | null = null;
    for (const f of frames) {
      const v = f.values[rule.measure];
      if (typeof v !== "number") continue;
      const d = Math.abs(f.t - peak.t);
      if (d <= AT_PEAK_MS && (!best || d < best.d)) best = { d, v };
    }
    return best ? best.v : null;
  }
  const vs = frames.map((f) => f.values[rule.measure]).filter((v): v is number => typeof v === "number");
  if (!vs.length) return null;
  if (rule.aggregate === "fromRest") {
    const r0 = rest[rule.measure] ?? median(vs.slice(0, REST_FALLBACK_FRAMES));
    return Math.max(...vs.map((v) => Math.abs(v - r0)));
  }
  const max = Math.max(...vs), min = Math.min(...vs);
  switch (rule.aggregate) {
    case "max": return max;
    case "min": return min;
    case "maxAbs": return Math.max(Math.abs(max), Math.abs(min));
    case "range": return max - min;
    default: return null;
  }
}

const crosses = (op: ">" | "<", v: number, th: number) => (op === ">" ? v > th : v < th);

/** Judges every rep-scope rule of a set on one repetition. */
export function judgeRep(rules: readonly FormRule[], frames: readonly RepFrame[], peak: RepPeak, rest: RestValues = {}): RuleVerdict[] {
  return rules.filter((r) => r.scope === "rep").map((r) => {
    const value = repAggregate(r, frames, peak, rest);
    return { rule: r.key, value: value === null ? null : Math.round(value * 10) / 10, present: value !== null && crosses(r.op, value, r.value) };
  });
}

/**
 * Cue state with hysteresis for per-repetition rules: raised by a faulty repetition, lowered only by one whose
 * aggregate is back past `clear`; a repetition in between keeps the state as it was.
 */
export class RepCueState {
  private active = new Set<string>();
  update(rules: readonly FormRule[], verdicts: readonly RuleVerdict[]): { raised: string[]; cleared: string[] } {
    const raised: string[] = [], cleared: string[] = [];
    for (const v of verdicts) {
      const r = rules.find((x) => x.key === v.rule)!;
      if (v.present) {
        raised.push(v.rule); // raised again: a repeated fault may be cued again (the scheduler limits how often)
        this.active.add(v.rule);
      } else if (this.active.has(v.rule) && v.value !== null && !crosses(r.op, v.value, r.clear) && v.value !== r.clear) {
        this.active.delete(v.rule);
        cleared.push(v.rule);
      }
    }
    return { raised, cleared };
  }
  get activeRules(): string[] {
    return [...this.active];
  }
}

// ------------------------------------------------------------------ judging a hold, second by second

export interface HoldSecondVerdict {
  rule: string;
  second: number;
  value: number;
  present: boolean;
}

/**
 * Per-second judge of the hold-scope rules: values are collected while the hold runs; each time a full second of
 * the hold has passed, every rule sees that second's mean. A fault starts after `minSeconds` faulty seconds in a
 * row and stops when a second's value is back past `clear`.
 */
export class HoldSecondJudge {
  private bucket = new Map<string, number[]>();
  private bucketStart: number | null = null;
  private second = 0;
  private best = new Map<string, number>();
  private streak = new Map<string, number>();
  private active = new Set<string>();
  /** seconds judged faulty per rule */
  readonly faultySeconds = new Map<string, number>();
  constructor(private readonly rules: readonly FormRule[]) {}

  get hasRules(): boolean {
    return this.rules.some((r) => r.scope === "hold");
  }
  get activeRules(): string[] {
    return [...this.active];
  }

  /** Starts a new hold (best values are per hold). */
  reset(): void {
    this.bucket.clear();
    this.bucketStart = null;
    this.second = 0;
    this.best.clear();
    this.streak.clear();
    this.active.clear();
  }

  /** Adds a frame taken while the hold runs; returns the rules that started or stopped being faulty. */
  push(t: number, values: Partial<Record<ExerciseMeasure, number | null>>): { started: HoldSecondVerdict[]; stopped: string[]; judged: HoldSecondVerdict[] } {
    const out = { started: [] as HoldSecondVerdict[], stopped: [] as string[], judged: [] as HoldSecondVerdict[] };
    if (this.bucketStart === null) this.bucketStart = t;
    if (t - this.bucketStart >= 1000) {
      this.closeSecond(out);
      this.bucketStart = t;
    }
    for (const r of this.rules) {
      if (r.scope !== "hold") continue;
      const v = values[r.measure];
      if (typeof v !== "number") continue;
      const b = this.bucket.get(r.key) ?? [];
      b.push(v);
      this.bucket.set(r.key, b);
    }
    return out;
  }

  /** A pause breaks the current second: what was collected is judged if it spans at least half a second. */
  pause(t: number): { started: HoldSecondVerdict[]; stopped: string[]; judged: HoldSecondVerdict[] } {
    const out = { started: [] as HoldSecondVerdict[], stopped: [] as string[], judged: [] as HoldSecondVerdict[] };
    if (this.bucketStart !== null && t - this.bucketStart >= 500) this.closeSecond(out);
    this.bucket.clear();
    this.bucketStart = null;
    return out;
  }

  private closeSecond(out: { started: HoldSecondVerdict[]; stopped: string[]; judged: HoldSecondVerdict[] }): void {
    this.second++;
    for (const r of this.rules) {
      if (r.scope !== "hold") continue;
      const b = this.bucket.get(r.key);
      if (!b || !b.length) continue;
      const mean = b.reduce((a, x) => a + x, 0) / b.length;
      let value = mean;
      if (r.aggregate === "dropFromBest") {
        const d = r.direction ?? 1;
        const prev = this.best.get(r.key);
        const best = prev === undefined ? mean : d > 0 ? Math.max(prev, mean) : Math.min(prev, mean);
        this.best.set(r.key, best);
        value = d * (best - mean);
      }
      const present = crosses(r.op, value, r.value);
      const verdict = { rule: r.key, second: this.second, value: Math.round(value * 10) / 10, present };
      out.judged.push(verdict);
      if (present) {
        this.faultySeconds.set(r.key, (this.faultySeconds.get(r.key) ?? 0) + 1);
        const s = (this.streak.get(r.key) ?? 0) + 1;
        this.streak.set(r.key, s);
        if (!this.active.has(r.key) && s >= r.minSeconds) {
          this.active.add(r.key);
          out.started.push(verdict);
        }
      } else {
        this.streak.set(r.key, 0);
        if (this.active.has(r.key) && !crosses(r.op, value, r.clear)) {
          this.active.delete(r.key);
          out.stopped.push(r.key);
        }
      }
    }
    this.bucket.clear();
  }
}

// ------------------------------------------------------------------ cue scheduler

export interface CueSchedulerOptions {
  /** no two cues closer than this, ms */
  minGapMs: number;
  /** the same cue is not repeated within this, ms */
  sameCueGapMs: number;
}
export const DEFAULT_CUES: CueSchedulerOptions = { minGapMs: 4000, sameCueGapMs: 10000 };

/** Decides whether a cue may be spoken now: at most one every few seconds, the same one less often. Pure. */
export class CueScheduler {
  private lastAt = -Infinity;
  private lastByKey = new Map<string, number>();
  constructor(private readonly o: CueSchedulerOptions = DEFAULT_CUES) {}
  offer(t: number, key: string): boolean {
    if (t - this.lastAt < this.o.minGapMs) return false;
    if (t - (this.lastByKey.get(key) ?? -Infinity) < this.o.sameCueGapMs) return false;
    this.lastAt = t;
    this.lastByKey.set(key, t);
    return true;
  }
}
