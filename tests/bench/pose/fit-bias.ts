// Fits MODEL_BIAS (app/_shared/pose/correction.ts) on the TRAINING clips only (tests/media/training), from the
// landmarks a live `npm run bench:accuracy -- --slow=4 --training-only` stored (tests/.tmp/pose/runs-train_*.json).
//   tsx tests/bench/pose/fit-bias.ts            prints the fit (per clip: the camera's angle, its estimate, the line)
//   tsx tests/bench/pose/fit-bias.ts --write    also replaces the generated block of correction.ts with it
// What is fitted, per model and measure (trunk flexion side-on, lateral flexion from the front):
//  1. offAxisGain: the camera's true angle off the ideal view (from the clip's camera) against the processor's
//     estimate from the world landmarks (the median over the clip), least squares through 0 over the clips;
//  2. one line per clip, measured = gain * true + offset, IN THE IMAGE: the model's trunk angle (signed as the
//     processor signs it) against the image angle of the rig's own joint centres (the truth's imageTrunkAngleDeg),
//     every frame the processor gave the measure for, unsmoothed; frames off the line by more than 4 robust SDs
//     (a left/right swap) are dropped and the line refitted. The node sits at the clip's scaled estimate, which is
//     what the processor looks the line up by.
//  3. (round 3) "standing offset per view": the base line's gain (v1's for trunk flexion, 1 for lateral flexion) and, per
//     clip, only the offset, from its standing frames (the same pose in every clip, so the bend profile does not
//     enter). The automatic choice below ranks ways by the left-out clips' MAE over whole bends; this way targets the
//     standing error, so it is chosen explicitly: --way=trunkFlexion:"standing offset per view" (and lateralFlexion:).
// The benchmark's other clips (the shared sweeps, offaxis_*) are never read here: they are the held-out evaluation.
import fs from "node:fs";
import path from "node:path";
import { lateralFlexion } from "@/app/_shared/pose/angles";
import { biasAt, type LinearBias, MODEL_BIAS, removeBias, unforeshorten, type ViewBias, type ViewBiasNode } from "@/app/_shared/pose/correction";
import { toPixels } from "@/app/_shared/pose/geometry";
import { PoseProcessor } from "@/app/_shared/pose/processor";
import { loadTruth, REPO, TMP } from "./harness";
import type { BenchRun } from "./page";
import { recordFrame } from "./replay";

const TRAINING = {
  trunkFlexion: ["train_flexion_side", "train_flexion_f10", "train_flexion_f30", "train_flexion_b10", "train_flexion_b30"],
  lateralFlexion: ["train_side_bend_r10", "train_side_bend_r30"],
} as const;
type Measure = keyof typeof TRAINING;

interface Pt {
  /** the model's image angle, signed as the processor signs the measure */
  m: number;
  /** the image angle of the rig's joint centres, signed the same way */
  t: number;
  /** the processor's (smoothed) estimate of the camera's signed angle off the view, unscaled */
  est: number;
  /** the clinical truth (3D) */
  truth: number;
  /** the same angle from the apparent body width (classifyView's yaw), unsigned: a diagnostic */
  estImage: number;
  /** the rig stands still here (the clip's standing value, within 0.3 deg, as the benchmark's standing figure) */
  standing: boolean;
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

function line(pts: Pt[]): { gain: number; offsetDeg: number; n: number; dropped: number; rms: number } {
  const fit = (ps: Pt[]) => {
    const n = ps.length, mt = ps.reduce((a, p) => a + p.t, 0) / n, mm = ps.reduce((a, p) => a + p.m, 0) / n;
    let sxy = 0, sxx = 0;
    for (const p of ps) {
      sxy += (p.t - mt) * (p.m - mm);
      sxx += (p.t - mt) ** 2;
    }
    const gain = sxy / sxx;
    return { gain, offsetDeg: mm - gain * mt };
  };
  let l = fit(pts);
  const res = pts.map((p) => p.m - (l.gain * p.t + l.offsetDeg));
  const mad = median(res.map((r) => Math.abs(r - median(res)))) * 1.4826;
  const kept = pts.filter((_, i) => Math.abs(res[i]!) <= 4 * Math.max(mad, 0.25));
  l = fit(kept);
  const rms = Math.sqrt(kept.reduce((a, p) => a + (p.m - (l.gain * p.t + l.offsetDeg)) ** 2, 0) / kept.length);
  return { ...l, n: kept.length, dropped: pts.length - kept.length, rms };
}

/** The frames of one run: the model's image angle (signed as the processor does), the truth's, the view estimate. */
function points(clip: string, run: BenchRun, measure: Measure): { pts: Pt[]; trueOffAxis: number } {
  const truth = loadTruth(clip) as (ReturnType<typeof loadTruth> & { camera: { azimuthDeg: number } }) | null;
  if (!truth) throw new Error(`no truth for ${clip}`);
  const az = truth.camera.azimuthDeg;
  // the clips' subject faces the image right side-on (right side to the camera) and faces the camera from the front
  const trueOffAxis = measure === "trunkFlexion" ? 90 - az : az;
  const proc = new PoseProcessor({ guidance: {}, modelBias: false });
  const pts: Pt[] = [];
  const truthKey = measure === "trunkFlexion" ? "trunkFlexionDeg" : "lateralFlexionDeg";
  const rest = truth.frames[0]![truthKey] as number;
  for (const r of run.records) {
    const frame = recordFrame(r, run.videoSize);
    const res = proc.process(frame);
    const f = truth.frames[r.idx];
    if (!f || !res.seen || res.raw[measure] === null || res.variants.offAxisDeg === null) continue;
    const img = f.imageTrunkAngleDeg as number;
    let m: number, t: number;
    if (measure === "trunkFlexion") {
      m = res.facing * res.variants.imageTrunkDeg!;
      t = img; // faces the image right: + = forward
    } else {
      m = lateralFlexion(toPixels(frame.image!, frame.width, frame.height)).value;
      t = -img; // faces the camera: the subject's right is the image left
    }
    const tr = f[truthKey] as number;
    pts.push({ m, t, est: res.variants.offAxisDeg, truth: tr, estImage: measure === "trunkFlexion" ? 90 - res.view.yawDeg : res.view.yawDeg, standing: Math.abs(tr - rest) <= 0.3 });
  }
  return { pts, trueOffAxis };
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const r4 = (v: number) => Math.round(v * 10000) / 10000;

interface ClipPts {
  clip: string;
  trueOffAxis: number;
  est: number;
  pts: Pt[];
  l: ReturnType<typeof line>;
}

/** true = k * estimate, least squares through the origin over the clips' medians */
function fitK(clips: ClipPts[]): number {
  const num = clips.reduce((a, c) => a + c.est * c.trueOffAxis, 0), den = clips.reduce((a, c) => a + c.est * c.est, 0);
  return den > 0 ? num / den : 1;
}
function fitBias(clips: ClipPts[], measure: Measure, scaled: boolean): ViewBias {
  const k = scaled ? fitK(clips) : 1;
  const nodes: ViewBiasNode[] = clips.map((c) => ({ offAxisDeg: r2(k * c.est), gain: r4(c.l.gain), offsetDeg: r2(c.l.offsetDeg) })).sort((a, b) => a.offAxisDeg - b.offAxisDeg);
  return { offAxisGain: r4(k), nodes, ...(measure === "lateralFlexion" ? { mirror: true } : {}) };
}
/** one line for every view (what v1 was, fitted on these clips) */
function fitOneLine(clips: ClipPts[], measure: Measure, scaled: boolean): ViewBias {
  const k = scaled ? fitK(clips) : 1;
  const l = line(clips.flatMap((c) => c.pts));
  return { offAxisGain: r4(k), nodes: [{ offAxisDeg: 0, gain: r4(l.gain), offsetDeg: r2(l.offsetDeg) }], ...(measure === "lateralFlexion" ? { mirror: false } : {}) };
}
/** unsmoothed clinical errors of a clip's frames under a bias (the processor's raw value, without its gating) */
function errors(c: ClipPts, bias: ViewBias | null, measure: Measure): { mae: number; p95: number; bias: number; standing: number } {
  const e = c.pts.map((p) => {
    const a = (bias?.offAxisGain ?? 1) * p.est;
    return unforeshorten(removeBias(p.m, bias ? biasAt(bias, a) : undefined, measure === "trunkFlexion"), a) - p.truth;
  });
  const abs = e.map(Math.abs).sort((x, y) => x - y);
  const st = e.filter((_, i) => c.pts[i]!.standing);
  return {
    mae: abs.reduce((x, y) => x + y, 0) / abs.length,
    p95: abs[Math.ceil(0.95 * abs.length) - 1]!,
    bias: e.reduce((x, y) => x + y, 0) / e.length,
    standing: st.length ? st.reduce((x, y) => x + y, 0) / st.length : NaN,
  };
}
/**
 * Issue 15 round 3: the gain of a base line (v1's for trunk flexion, 1 for lateral flexion) and, per view, only the
 * OFFSET, from the clip's standing frames (median of measured - gain * true, in the image). Standing, every clip
 * shows the same pose, so the bend profile (what made round 2's lines per view fail) does not enter the offset; the
 * node sits at the view estimate of those standing frames. null when fewer than 2 clips have 10 standing frames.
 */
function fitStandingOffsets(clips: ClipPts[], measure: Measure, base: LinearBias | undefined): ViewBias | null {
  const gain = base?.gain ?? 1;
  const nodes: ViewBiasNode[] = [];
  for (const c of clips) {
    const st = c.pts.filter((p) => p.standing);
    if (st.length < 10) continue;
    nodes.push({ offAxisDeg: r2(median(st.map((p) => p.est))), gain: r4(gain), offsetDeg: r2(median(st.map((p) => p.m - gain * p.t))) });
  }
  if (nodes.length < 2) return null;
  nodes.sort((a, b) => a.offAxisDeg - b.offAxisDeg);
  return { offAxisGain: 1, nodes, ...(measure === "lateralFlexion" ? { mirror: true } : {}) };
}
const V1: Record<string, ViewBias> = {
  lite: { offAxisGain: 1, nodes: [{ offAxisDeg: 0, gain: 1.0507, offsetDeg: -1.57 }] },
  full: { offAxisGain: 1, nodes: [{ offAxisDeg: 0, gain: 1.0605, offsetDeg: -2.65 }] },
};

// candidates, simplest first ("geometry only" = no bias for the measure); v1 is a reference row only: it was fitted on
// the shared side-on sweep, which is a held-out clip now
const FITTED_WAYS = ["geometry only", "one line", "one line, scaled view", "line per view", "line per view, scaled view"] as const;
function ways(measure: Measure, model: string): Array<[string, (train: ClipPts[]) => ViewBias | null]> {
  return [
    ["geometry only", () => null],
    ...(measure === "trunkFlexion" && V1[model] ? ([["v1 line (side-on, shared sweep)", () => V1[model]!]] as Array<[string, () => ViewBias]>) : []),
    ["one line", (tr) => fitOneLine(tr, measure, false)],
    ["one line, scaled view", (tr) => fitOneLine(tr, measure, true)],
    ["line per view", (tr) => fitBias(tr, measure, false)],
    ["line per view, scaled view", (tr) => fitBias(tr, measure, true)],
    ["standing offset per view", (tr) => fitStandingOffsets(tr, measure, measure === "trunkFlexion" ? V1[model]?.nodes[0] : undefined)],
  ];
}
const out: Record<Measure, Record<string, ViewBias>> = { trunkFlexion: {}, lateralFlexion: {} };
const fitted: string[] = [];
const byModel = new Map<string, ClipPts[]>();
const loo = new Map<string, number[]>();
for (const measure of Object.keys(TRAINING) as Measure[]) {
  for (const model of ["lite", "full"]) {
    const perClip: ClipPts[] = [];
    for (const clip of TRAINING[measure]) {
      const file = path.join(TMP, `runs-${clip}.json`);
      if (!fs.existsSync(file)) {
        console.log(`${clip}: no stored run (${file}); run bench:accuracy -- --slow=4 --training-only first`);
        continue;
      }
      const run = (JSON.parse(fs.readFileSync(file, "utf8")) as BenchRun[]).find((x) => x.records.some((r) => r.model === model));
      if (!run) continue;
      const { pts, trueOffAxis } = points(clip, run, measure);
      if (pts.length < 30) {
        console.log(`${clip} ${model}: only ${pts.length} frames, not used`);
        continue;
      }
      perClip.push({ clip, trueOffAxis, est: median(pts.map((p) => p.est)), pts, l: line(pts) });
    }
    if (!perClip.length) continue;
    const k = fitK(perClip);
    console.log(`\n${measure}, ${model}: offAxisGain ${k.toFixed(4)} (true = k * estimate)`);
    console.log("| clip | camera off the view ° | estimate (median; standing / bent > 45° (side bend > 20°); 10-90 %) ° | scaled ° | from the body width (median) ° | gain | offset ° | frames (dropped) | rms ° |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor(p * (a.length - 1))] ?? NaN;
    for (const c of perClip) {
      const est = c.pts.map((p) => p.est), stand = c.pts.filter((p) => Math.abs(p.truth) < 10).map((p) => p.est), bent = c.pts.filter((p) => Math.abs(p.truth) > (measure === "trunkFlexion" ? 45 : 20)).map((p) => p.est);
      console.log(
        `| ${c.clip} | ${c.trueOffAxis} | ${c.est.toFixed(1)} (${median(stand).toFixed(1)} / ${median(bent).toFixed(1)}; ${q(est, 0.1).toFixed(1)}..${q(est, 0.9).toFixed(1)}) | ${(k * c.est).toFixed(1)} | ${median(c.pts.map((p) => p.estImage)).toFixed(1)} | ${c.l.gain.toFixed(4)} | ${c.l.offsetDeg.toFixed(2)} | ${c.l.n} (${c.l.dropped}) | ${c.l.rms.toFixed(2)} |`,
      );
    }
    byModel.set(`${measure}/${model}`, perClip);
    if (perClip.length < 2) continue;
    // leave one training clip out: fit on the others, judge on it (unsmoothed clinical error), for each way to correct
    console.log(`\nleave-one-clip-out, ${measure}, ${model}: MAE / p95 / bias / standing error ° of the left-out clip (unsmoothed)`);
    console.log(`| way | ${perClip.map((c) => c.clip).join(" | ")} | mean MAE |`);
    console.log(`|---|${perClip.map(() => "---:").join("|")}|---:|`);
    for (const [name, fit] of ways(measure, model)) {
      const cells = perClip.map((c) => errors(c, fit(perClip.filter((o) => o !== c)), measure));
      const mean = cells.reduce((a, e) => a + e.mae, 0) / cells.length;
      const sg = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}` : "–");
      console.log(`| ${name} | ${cells.map((e) => `${e.mae.toFixed(2)} / ${e.p95.toFixed(1)} / ${sg(e.bias)} / ${sg(e.standing)}`).join(" | ")} | ${mean.toFixed(2)} |`);
      const key = `${measure}/${name}`;
      loo.set(key, [...(loo.get(key) ?? []), mean]);
    }
  }
  // the way with the lowest leave-one-out MAE (mean over the models); within 0.05 deg the simpler way wins
  const fitted_ = FITTED_WAYS.map((name) => ({ name, mae: (loo.get(`${measure}/${name}`) ?? [NaN]).reduce((a, b) => a + b, 0) / (loo.get(`${measure}/${name}`)?.length ?? 1) }));
  let best: { name: string; mae: number } = fitted_[0]!;
  for (const w of fitted_.slice(1)) if (w.mae < best.mae - 0.05) best = w;
  if (!Number.isFinite(best.mae)) continue;
  console.log(`\n${measure}: chosen by leave-one-clip-out: "${best.name}" (mean MAE ${best.mae.toFixed(2)}°; ${fitted_.map((w) => `${w.name} ${w.mae.toFixed(2)}`).join(", ")})`);
  // --way=<measure>:<way name> overrides the choice (e.g. "standing offset per view", which only targets the standing)
  const forced = process.argv.find((a) => a.startsWith(`--way=${measure}:`))?.slice(`--way=${measure}:`.length);
  if (forced) {
    if (!ways(measure, "lite").some(([n]) => n === forced)) throw new Error(`unknown way "${forced}"`);
    console.log(`${measure}: --way overrides it with "${forced}"`);
    best = { name: forced, mae: NaN };
  }
  for (const model of ["lite", "full"]) {
    const perClip = byModel.get(`${measure}/${model}`);
    if (!perClip?.length) continue;
    const bias = ways(measure, model).find(([n]) => n === best.name)![1](perClip);
    if (bias) out[measure][model] = bias;
    for (const c of perClip) if (!fitted.includes(c.clip)) fitted.push(c.clip);
  }
}
void MODEL_BIAS;

/** The bias data as TypeScript source, one node a line. */
function ts(m: Record<string, ViewBias>): string {
  const lines = ["{"];
  for (const [model, b] of Object.entries(m)) {
    lines.push(`    ${model}: {`, `      offAxisGain: ${b.offAxisGain},`, ...(b.mirror ? ["      mirror: true,"] : []), "      nodes: [");
    for (const n of b.nodes) lines.push(`        { offAxisDeg: ${n.offAxisDeg}, gain: ${n.gain}, offsetDeg: ${n.offsetDeg} },`);
    lines.push("      ],", "    },");
  }
  lines.push("  }");
  return lines.join("\n");
}

const block = [
  "// @generated-by tests/bench/pose/fit-bias.ts (replace the block with its output)",
  "export const MODEL_BIAS = {",
  "  version: 2,",
  "  /** the clips the lines were fitted on (tests/media/training); the benchmark's other clips are held out */",
  `  fittedOn: ${JSON.stringify(fitted)} as string[],`,
  `  trunkFlexion: ${ts(out.trunkFlexion)} as Partial<Record<PoseModelName, ViewBias>>,`,
  `  lateralFlexion: ${ts(out.lateralFlexion)} as Partial<Record<PoseModelName, ViewBias>>,`,
  "} as const;",
  "// @end-generated",
].join("\n");
console.log("\n" + block);
if (process.argv.includes("--write")) {
  const file = path.join(REPO, "app/_shared/pose/correction.ts");
  const src = fs.readFileSync(file, "utf8");
  const a = src.indexOf("// @generated-by tests/bench/pose/fit-bias.ts"), b = src.indexOf("// @end-generated");
  if (a < 0 || b < 0) throw new Error("generated block not found in correction.ts");
  fs.writeFileSync(file, src.slice(0, a) + block + src.slice(b + "// @end-generated".length));
  console.log(`written to ${path.relative(REPO, file)} (run prettier on it)`);
}
