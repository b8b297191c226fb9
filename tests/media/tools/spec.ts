// The clip spec (tests/media/exercises/spec.json): its zod schema, the timeline (segments -> a pose per frame) and the
// event truth (repetitions, holds, faults) computed from the measured per-frame truth. Pure Node/isomorphic code, no
// browser: unit-tested in tests/unit/media-spec.test.ts.
import { z } from "zod";
import { ANCHORS, CHANNELS, type Channel, PLANTABLE, type Pose, type SceneSpec, zeroPose } from "./pose";

/** The frame-index code has 8 bits, so a clip has at most 256 frames (17 s at 15 fps). */
export const MAX_FRAMES = 256;
export const MAX_SECONDS = 20;

export const POSITIONS = ["standing", "sitting", "supine", "prone", "quadruped", "plank", "kneeling", "side-lying"] as const;
const Position = z.enum(POSITIONS);
const channelSet = new Set<string>(CHANNELS);

const PoseDef = z
  .object({ extends: z.string().optional(), position: Position.optional(), note: z.string().optional() })
  .catchall(z.number().finite().min(-400).max(400))
  .superRefine((p, ctx) => {
    for (const k of Object.keys(p)) {
      if (k === "extends" || k === "position" || k === "note") continue;
      if (!channelSet.has(k)) ctx.addIssue({ code: "custom", message: `unknown pose channel "${k}" (known: ${CHANNELS.join(", ")})`, path: [k] });
    }
  });

export const EASES = ["cosine", "linear", "in", "out", "smooth"] as const;
const Ease = z.enum(EASES);
const secs = z.number().finite().min(0).max(MAX_SECONDS);
const Side = z.enum(["L", "R"]);

const Segment = z.union([
  z.object({ pause: secs.positive() }).strict(),
  z.object({ move: z.object({ to: z.string(), s: secs.positive(), ease: Ease.default("cosine"), depth: z.number().min(0).max(1.5).default(1) }).strict() }).strict(),
  z
    .object({
      rep: z
        .object({
          to: z.string(),
          down: secs.positive(),
          pause: secs.default(0),
          up: secs.positive(),
          ease: Ease.default("cosine"),
          /** fraction of the way from the start pose to `to` that the repetition goes: 1 = full, 0.4 = a partial rep */
          depth: z.number().min(0).max(1.5).default(1),
          side: Side.optional(),
          /** a pose passed through halfway down and halfway up (e.g. the forward lean of a sit-to-stand) */
          via: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type SegmentSpec = z.infer<typeof Segment>;

/** a truth measure name (see spec.json "definitions"); "abs:NAME" = its absolute value */
const Measure = z.string().min(1);
const Threshold = z.object({ above: z.number().optional(), below: z.number().optional() }).refine((t) => (t.above === undefined) !== (t.below === undefined), "give exactly one of above/below");

const Camera = z.object({
  azimuthDeg: z.number().min(-360).max(360),
  dist: z.number().min(0.5).max(15),
  height: z.number().min(0.05).max(3),
  fov: z.number().min(10).max(90).default(40),
  lookAtHeight: z.number().min(0).max(3).optional(),
  lookAtFront: z.number().min(-3).max(3).optional(),
});

export const ClipSpec = z
  .object({
    name: z.string().regex(/^[a-z0-9_]+$/),
    exercise: z.string().min(1),
    description: z.string().min(1),
    fps: z.union([z.literal(15), z.literal(30)]).default(15),
    view: z.string().min(1),
    scene: z.object({
      camera: Camera,
      anchor: z.enum(ANCHORS),
      plant: z.array(z.enum(PLANTABLE)).default([]),
      chair: z.object({ seatHeight: z.number().min(0.2).max(1), frontEdge: z.number().min(-1).max(1), depth: z.number().min(0.2).max(1) }).optional(),
      mat: z.boolean().optional(),
      light: z.enum(["default", "bright"]).optional(),
    }),
    start: z.string(),
    segments: z.array(Segment).min(1),
    /** how a repetition is judged in the truth: the rep's peak of `measure` (per side if an object) must pass `enter` */
    reps: z
      .object({
        measure: z.union([Measure, z.object({ L: Measure, R: Measure })]),
        direction: z.enum(["up", "down"]),
        enter: z.number(),
      })
      .optional(),
    /** a hold: frames where |measure - target| <= within, in runs of at least minS seconds */
    hold: z.object({ measure: Measure, target: z.number(), within: z.number().positive(), minS: z.number().min(0).default(0.5) }).optional(),
    /** faults: scope "rep" judges each counted repetition (at its peak, or its extreme); "frame" marks every frame where it holds */
    faults: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-zA-Z]+$/),
            measure: Measure,
            scope: z.enum(["rep", "frame"]),
            /** scope rep: judge the value at the rep's peak frame (default), or the rep's extreme in the threshold's direction */
            at: z.enum(["peak", "extreme"]).default("peak"),
            cue: z.string().optional(),
          })
          .and(Threshold),
      )
      .default([]),
    crf: z.number().int().min(18).max(40).default(28),
  })
  .superRefine((c, ctx) => {
    const planted = new Set(c.scene.plant);
    if (planted.has("feet") && (c.scene.anchor === "ankles" || c.scene.anchor === "toes")) ctx.addIssue({ code: "custom", message: "planting the feet needs an anchor other than the feet" });
    if (planted.has("hands") && c.scene.anchor === "wrists") ctx.addIssue({ code: "custom", message: "planting the hands needs an anchor other than the wrists" });
    if (c.segments.some((s) => "rep" in s) && !c.reps) ctx.addIssue({ code: "custom", message: "a clip with repetitions needs `reps` (how a repetition is judged)" });
  });
export type ClipSpec = z.infer<typeof ClipSpec>;

export const SpecFile = z.object({
  version: z.number().int().positive(),
  definitions: z.record(z.string(), z.string()),
  poses: z.record(z.string(), PoseDef),
  clips: z.array(ClipSpec).min(1),
});
export type SpecFile = z.infer<typeof SpecFile>;

// ---------------------------------------------------------------- poses
export interface NamedPose {
  pose: Pose;
  position: (typeof POSITIONS)[number];
}
/** Resolves `extends` chains; a missing channel is 0. */
export function resolvePoses(defs: SpecFile["poses"]): Record<string, NamedPose> {
  const out: Record<string, NamedPose> = {};
  const visit = (name: string, seen: string[]): NamedPose => {
    if (out[name]) return out[name]!;
    const d = defs[name];
    if (!d) throw new Error(`unknown pose "${name}"${seen.length ? ` (extended by ${seen.at(-1)})` : ""}`);
    if (seen.includes(name)) throw new Error(`pose "extends" cycle: ${[...seen, name].join(" -> ")}`);
    const base = d.extends ? visit(d.extends, [...seen, name]) : { pose: zeroPose(), position: "standing" as const };
    const pose = { ...base.pose };
    for (const [k, v] of Object.entries(d)) if (channelSet.has(k)) pose[k as Channel] = v as number;
    return (out[name] = { pose, position: d.position ?? base.position });
  };
  for (const n of Object.keys(defs)) visit(n, []);
  return out;
}

export function ease(kind: (typeof EASES)[number], u: number): number {
  const x = Math.min(1, Math.max(0, u));
  switch (kind) {
    case "linear": return x;
    case "in": return x * x;
    case "out": return 1 - (1 - x) * (1 - x);
    case "smooth": return x * x * x * (x * (6 * x - 15) + 10);
    case "cosine": return (1 - Math.cos(Math.PI * x)) / 2;
  }
}
const lerpPose = (a: Pose, b: Pose, w: number): Pose => Object.fromEntries(CHANNELS.map((c) => [c, a[c] + (b[c] - a[c]) * w])) as Pose;

// ---------------------------------------------------------------- timeline
export interface RepPlan {
  n: number;
  side: "L" | "R" | null;
  start: number;
  bottom: number;
  end: number;
  depth: number;
}
/** A piece of the timeline: from pose a to pose b over [t0, t1] with an easing (a === b for pauses). */
interface Piece {
  t0: number;
  t1: number;
  a: Pose;
  b: Pose;
  posA: NamedPose["position"];
  posB: NamedPose["position"];
  ease: (typeof EASES)[number];
  phase: "pause" | "move" | "down" | "bottom" | "up";
  rep: number | null;
}
export interface Timeline {
  durationS: number;
  frameCount: number;
  pieces: Piece[];
  reps: RepPlan[];
}

export function buildTimeline(clip: ClipSpec, poses: Record<string, NamedPose>): Timeline {
  const get = (n: string) => {
    const p = poses[n];
    if (!p) throw new Error(`${clip.name}: unknown pose "${n}"`);
    return p;
  };
  let cur = get(clip.start);
  let t = 0;
  const pieces: Piece[] = [];
  const reps: RepPlan[] = [];
  const push = (dur: number, to: NamedPose, e: Piece["ease"], phase: Piece["phase"], rep: number | null) => {
    pieces.push({ t0: t, t1: t + dur, a: cur.pose, b: to.pose, posA: cur.position, posB: to.position, ease: e, phase, rep });
    t += dur;
    cur = to;
  };
  for (const s of clip.segments) {
    if ("pause" in s) push(s.pause, cur, "linear", "pause", null);
    else if ("move" in s) {
      const target = get(s.move.to);
      push(s.move.s, { pose: lerpPose(cur.pose, target.pose, s.move.depth), position: target.position }, s.move.ease, "move", null);
    } else {
      const r = s.rep, back = cur, target = get(r.to);
      const bottom: NamedPose = { pose: lerpPose(cur.pose, target.pose, r.depth), position: r.depth >= 0.5 ? target.position : cur.position };
      const n = reps.length + 1, start = t;
      const via = r.via ? { pose: lerpPose(cur.pose, get(r.via).pose, r.depth), position: cur.position } : null;
      if (via) {
        push(r.down / 2, via, "in", "down", n);
        push(r.down / 2, bottom, "out", "down", n);
      } else push(r.down, bottom, r.ease, "down", n);
      const bottomT = t + r.pause / 2;
      if (r.pause > 0) push(r.pause, bottom, "linear", "bottom", n);
      if (via) {
        push(r.up / 2, { pose: via.pose, position: bottom.position }, "in", "up", n);
        push(r.up / 2, back, "out", "up", n);
      } else push(r.up, back, r.ease, "up", n);
      reps.push({ n, side: r.side ?? null, start, bottom: bottomT, end: t, depth: r.depth });
    }
  }
  const frameCount = Math.round(t * clip.fps);
  if (frameCount > MAX_FRAMES) throw new Error(`${clip.name}: ${frameCount} frames; the 8-bit frame code allows ${MAX_FRAMES}`);
  if (t > MAX_SECONDS) throw new Error(`${clip.name}: ${t.toFixed(1)} s is longer than ${MAX_SECONDS} s`);
  return { durationS: t, frameCount, pieces, reps };
}

export interface FramePlan {
  i: number;
  t: number;
  pose: Pose;
  position: NamedPose["position"];
  phase: Piece["phase"];
  rep: number | null;
}
export function framePlan(tl: Timeline, fps: number): FramePlan[] {
  const out: FramePlan[] = [];
  for (let i = 0; i < tl.frameCount; i++) {
    const t = i / fps;
    const p = tl.pieces.find((q) => t < q.t1 - 1e-9) ?? tl.pieces.at(-1)!;
    const u = p.t1 > p.t0 ? (t - p.t0) / (p.t1 - p.t0) : 1;
    out.push({ i, t, pose: lerpPose(p.a, p.b, ease(p.ease, u)), position: u < 0.5 ? p.posA : p.posB, phase: p.phase, rep: p.rep });
  }
  return out;
}

// ---------------------------------------------------------------- event truth
export interface TruthRep extends RepPlan {
  measure: string;
  peak: number;
  peakT: number;
  counted: boolean;
  faults: string[];
}
export interface Interval {
  start: number;
  end: number;
  rep?: number;
}
export interface Events {
  reps: TruthRep[];
  expectedCount: { total: number; L?: number; R?: number };
  holds: Interval[];
  heldS: number;
  faults: Record<string, Interval[]>;
  warnings: string[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
/** Contiguous runs of frames where `cond` holds, as [start of first frame, end of last frame] in seconds. */
export function runs(values: boolean[], fps: number, minS = 0): Interval[] {
  const out: Interval[] = [];
  let s = -1;
  for (let i = 0; i <= values.length; i++) {
    if (i < values.length && values[i]) {
      if (s < 0) s = i;
    } else if (s >= 0) {
      if ((i - s) / fps >= minS - 1e-9) out.push({ start: r3(s / fps), end: r3(i / fps) });
      s = -1;
    }
  }
  return out;
}

/**
 * Event truth from the measured per-frame angles (the rig's truth, not the commanded pose): a repetition counts when its
 * peak passes `reps.enter`; holds are the runs within tolerance; faults are judged per counted rep or per frame.
 * `warnings` lists spec inconsistencies (a "partial" rep that still passes the threshold, a full rep that does not).
 */
export function computeEvents(clip: ClipSpec, tl: Timeline, angles: Array<Record<string, number>>): Events {
  const fps = clip.fps;
  const val = (i: number, m: string): number => {
    if (m.startsWith("abs:")) return Math.abs(val(i, m.slice(4)));
    const v = angles[i]?.[m];
    if (v === undefined) throw new Error(`${clip.name}: the truth has no measure "${m}"`);
    return v;
  };
  const warnings: string[] = [];
  const reps: TruthRep[] = [];
  for (const r of tl.reps) {
    const spec = clip.reps!;
    const measure = typeof spec.measure === "string" ? spec.measure : spec.measure[r.side ?? "R"];
    const i0 = Math.round(r.start * fps), i1 = Math.min(angles.length - 1, Math.round(r.end * fps));
    let peak = val(i0, measure), peakI = i0;
    for (let i = i0; i <= i1; i++) {
      const v = val(i, measure);
      if (spec.direction === "up" ? v > peak : v < peak) { peak = v; peakI = i; }
    }
    const counted = spec.direction === "up" ? peak >= spec.enter : peak <= spec.enter;
    if (r.depth >= 0.9 && !counted) warnings.push(`rep ${r.n} (depth ${r.depth}) peaks at ${peak.toFixed(1)}, short of enter ${spec.enter}`);
    if (r.depth <= 0.6 && counted) warnings.push(`partial rep ${r.n} (depth ${r.depth}) reaches ${peak.toFixed(1)}, past enter ${spec.enter}`);
    reps.push({ ...r, start: r3(r.start), bottom: r3(r.bottom), end: r3(r.end), measure, peak: Math.round(peak * 100) / 100, peakT: r3(peakI / fps), counted, faults: [] });
  }
  const faults: Record<string, Interval[]> = {};
  for (const f of clip.faults) {
    const hit = (v: number) => (f.above !== undefined ? v > f.above : v < f.below!);
    if (f.scope === "frame") {
      faults[f.name] = runs(angles.map((_, i) => hit(val(i, f.measure))), fps);
      continue;
    }
    faults[f.name] = [];
    for (const r of reps) {
      if (!r.counted) continue;
      const i0 = Math.round(r.start * fps), i1 = Math.min(angles.length - 1, Math.round(r.end * fps));
      let ext = val(Math.round(r.peakT * fps), f.measure);
      if (f.at === "extreme") for (let i = i0; i <= i1; i++) ext = f.above !== undefined ? Math.max(ext, val(i, f.measure)) : Math.min(ext, val(i, f.measure));
      if (hit(ext)) {
        r.faults.push(f.name);
        faults[f.name]!.push({ start: r.start, end: r.end, rep: r.n });
      }
    }
  }
  const holds = clip.hold ? runs(angles.map((_, i) => Math.abs(val(i, clip.hold!.measure) - clip.hold!.target) <= clip.hold!.within), fps, clip.hold.minS) : [];
  const counted = reps.filter((r) => r.counted);
  const expectedCount: Events["expectedCount"] = { total: counted.length };
  if (reps.some((r) => r.side)) {
    expectedCount.L = counted.filter((r) => r.side === "L").length;
    expectedCount.R = counted.filter((r) => r.side === "R").length;
  }
  return { reps, expectedCount, holds, heldS: r3(holds.reduce((a, h) => a + h.end - h.start, 0)), faults, warnings };
}

export function sceneOf(clip: ClipSpec): SceneSpec {
  const s = clip.scene;
  return {
    camera: { ...s.camera },
    anchor: s.anchor,
    plant: s.plant,
    ...(s.chair ? { chair: s.chair } : {}),
    ...(s.mat !== undefined ? { mat: s.mat } : {}),
    ...(s.light ? { light: s.light } : {}),
  };
}
