// npm run bench:exercises — plays every exercise clip of tests/media/exercises (and the real squat clip of
// ../shared/media) as Chromium's fake camera through the REAL patient pipeline (PoseTracker + pose worker + MediaPipe
// lite, bundled with esbuild, served under the app's CSP), runs the exercise engine live in the page on every analysed
// frame as the patient's screen does, and scores each pass of the clip (the fake camera loops it) the way the server
// records it (summarizeExerciseSet over the stored, codec-quantised samples) against the clip's truth: repetitions
// counted, hold seconds, fault precision / recall, ROM error, and the delay from a repetition's end in the clip to the
// count painted on the page (measured in the page; see delayOf).
// Options: --only=clip,clip  --loops=N (passes per clip, default 3)  --fixtures (write the regression fixtures from the
// first scored pass of squat_good, squat_shallow, bird_dog, plank_sag, bridge)  --truth (the truth's joint centres
// instead of MediaPipe: the engine's error alone, no browser)  --model=lite|full
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getExercise } from "@/app/_shared/exercises/catalogue";
import { formRuleSet } from "@/app/_shared/exercises/form";
import { bytesToBase64 } from "@/app/_shared/pose/sample";
import { encodeChunk } from "@/app/_shared/recording/codec";
import { type Analysed, CLIP_DIR, CLIPS, type ClipSpec, loadTruth, passes, REPO, scoredSpan, scoreSet, type SetScore, storedSamples, type Truth, truthSamples } from "./exercises/clips";
import type { ExRun } from "./exercises/page";
import type { SetFixture } from "../fixtures/exercise-sets/index";
import { speedIndexMs } from "../support/speed-index";

const args = process.argv.slice(2);
const arg = (k: string) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const only = arg("only")?.split(",");
const loops = Number(arg("loops") ?? 3);
const model = (arg("model") ?? "lite") as "lite" | "full";
const truthMode = args.includes("--truth");
const writeFixtures = args.includes("--fixtures");
/** score the runs saved by the last browser run (tests/.tmp/exercises/run-*.json) again, without a browser */
const rescore = args.includes("--rescore");
const FIXTURE_CLIPS = ["squat_good", "squat_shallow", "bird_dog", "plank_sag", "bridge"];
const TMP = path.join(REPO, "tests/.tmp/exercises");

const clips = CLIPS.filter((c) => !only || only.includes(c.clip)).filter((c) => fs.existsSync(path.join(c.dir, `${c.clip}.mp4`)));
for (const c of CLIPS) if (!clips.includes(c) && (!only || only.includes(c.clip))) console.log(`[bench:exercises] ${c.clip}: clip not found in ${c.dir}, skipped`);

function y4mOf(c: ClipSpec): string {
  fs.mkdirSync(TMP, { recursive: true });
  const out = path.join(TMP, `${c.clip}.30fps.y4m`);
  if (!fs.existsSync(out)) execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", path.join(c.dir, `${c.clip}.mp4`), "-vf", "fps=30", "-pix_fmt", "yuv420p", out]);
  return out;
}

async function bundle(): Promise<string> {
  const esbuild = await import("esbuild");
  const outdir = path.join(TMP, "bundle");
  const common = { absWorkingDir: REPO, outdir, bundle: true, platform: "browser" as const, target: "es2022", logLevel: "error" as const, tsconfig: path.join(REPO, "tsconfig.json") };
  await esbuild.build({ ...common, entryPoints: { page: "tests/bench/exercises/page.ts" }, format: "esm" });
  // the pose worker as a classic script, as Next's Turbopack starts it in the app
  await esbuild.build({ ...common, entryPoints: { "pose.worker.classic": "tests/bench/pose/worker.ts" }, format: "iife" });
  return outdir;
}

async function runInBrowser(c: ClipSpec, truth: Truth, dir: string): Promise<ExRun> {
  const { serve, launch } = await import("./pose/harness");
  const y4m = y4mOf(c);
  const srv = await serve(dir);
  const browser = await launch(y4m);
  try {
    const page = await (await browser.newContext({ permissions: ["camera"] })).newPage();
    await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*$/i, (r) => (/^(data|blob):/.test(r.request().url()) ? r.continue() : r.abort()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(srv.url + "/");
    await page.waitForFunction(() => !!window.exBench, null, { timeout: 30_000 });
    await page.evaluate(() => window.exBench.ready);
    const ex = getExercise(c.exercise)!;
    const seconds = Math.ceil(((loops + 0.6) * truth.frameCount) / truth.fps);
    const run = await page.evaluate((o) => window.exBench.run(o), { seconds, exercise: `${ex.key}@${ex.version}`, dose: c.dose, session: { frameAspect: 4 / 3 }, model });
    if (errors.length) console.log(`  page errors: ${errors.slice(0, 5).join("; ")}`);
    return run;
  } finally {
    await browser.close();
    await srv.close();
    fs.rmSync(y4m, { force: true });
  }
}

/** Passes with their index in the page's numbering (the page starts a new live set at each wrap, the same way). */
function indexedPasses(frames: Analysed[], truth: Truth, c: ClipSpec): { set: number; frames: Analysed[] }[] {
  const span: [number, number] = c.handCount ? [9, Math.ceil(c.handCount.ends[c.handCount.ends.length - 1]! * truth.fps)] : scoredSpan(truth);
  const all: Analysed[][] = [];
  let cur: Analysed[] = [];
  for (const f of frames) {
    if (cur.length && f.idx < cur[cur.length - 1]!.idx - 30) (all.push(cur), (cur = []));
    cur.push(f);
  }
  all.push(cur);
  return all.map((p, set) => ({ set, frames: p })).filter((p) => passes(p.frames, span).length === 1);
}

/**
 * Delay from a repetition's end to its count on the page. When the camera showed the clip's frame at the truth's end of
 * the repetition is interpolated between the capture times of the analysed frames around it (a loaded machine plays
 * the fake camera slower than the clip's rate, so frame times are read, not assumed); the page recorded when the new
 * count was painted, on the same clock.
 */
function delays(run: ExRun, p: { set: number; frames: Analysed[] }, c: ClipSpec, truth: Truth): number[] {
  const fps = truth.fps;
  const shownAt = (idx: number): number => {
    const fs2 = p.frames;
    for (let i = 1; i < fs2.length; i++) {
      const a = fs2[i - 1]!, b = fs2[i]!;
      if (a.idx <= idx && b.idx >= idx && b.idx > a.idx) return a.t + ((idx - a.idx) / (b.idx - a.idx)) * (b.t - a.t);
    }
    return NaN;
  };
  const ends = c.handCount ? c.handCount.ends.map((end) => ({ end, side: null as string | null })) : (truth.events?.reps ?? []).filter((r) => r.counted).map((r) => ({ end: r.end, side: r.side }));
  const out: number[] = [];
  for (const ch of run.changes.filter((x) => x.set === p.set)) {
    // runs saved before the page used its own clock for paint times (epoch ms): put them on the capture clock through
    // the result's arrival (capture time + the pipeline's latency for that frame)
    if (ch.countedAt > 1e12) {
      const f = run.frames.find((x) => x.idx === ch.idx && x.t === ch.t);
      const arrived = ch.t + (f?.latencyMs ?? 0);
      ch.paintedAt = arrived + (ch.paintedAt - ch.countedAt);
      ch.countedAt = arrived;
    }
    const at = ch.idx / fps;
    const cands = ends.filter((e) => (!c.sides || (e.side && c.sides[e.side] === ch.side)) && Math.abs(e.end - at) < 2);
    if (!cands.length || !Number.isFinite(ch.paintedAt)) continue;
    const e = cands.sort((a, b) => Math.abs(a.end - at) - Math.abs(b.end - at))[0]!;
    const endAt = shownAt(Math.round(e.end * fps));
    if (Number.isFinite(endAt)) out.push(ch.paintedAt - endAt);
  }
  return out;
}

function fixtureOf(c: ClipSpec, s: SetScore, samples: ReturnType<typeof storedSamples>, fpsAnalysed: number): SetFixture {
  const repFaults: Record<string, number> = {};
  // only the rules the exercise's version judges (bird-dog@3 does not judge the pelvis the clip's truth has)
  const judged = new Set(formRuleSet(getExercise(s.exercise)?.tracker?.form)?.rules.map((r) => r.key) ?? []);
  for (const [k, v] of Object.entries(s.faults)) if (!k.startsWith("pause:") && judged.has(k) && getExercise(c.exercise)?.tracker?.kind === "reps") repFaults[k] = v.tp + v.fn;
  const truthTime = Object.entries(s.faults).filter(([k]) => k.startsWith("pause:") || getExercise(c.exercise)?.tracker?.kind === "hold").map(([k]) => k);
  return {
    clip: c.clip,
    exercise: s.exercise,
    dose: c.dose,
    frameAspect: 4 / 3,
    source: `bench:exercises ${new Date().toISOString().slice(0, 10)}: MediaPipe ${model} through the app's pipeline on Chromium's fake camera, ${samples.length} samples (${fpsAnalysed.toFixed(1)} analysed frames/s), one pass of the clip`,
    truth: {
      count: s.truth,
      ...(c.sides ? { perSide: { left: Number(s.perSide.match(/L \d+\/(\d+)/)?.[1] ?? 0), right: Number(s.perSide.match(/R \d+\/(\d+)/)?.[1] ?? 0) } } : {}),
      ...(s.truthHeldS !== null ? { heldS: s.truthHeldS } : {}),
      repFaults,
      ...(truthTime.length ? { holdFaults: truthTime } : {}),
    },
    format: 2,
    samples: bytesToBase64(encodeChunk(samples)),
  };
}

// ------------------------------------------------------------------ run

// the pose harness checks the models, Chromium and ffmpeg (and that its clip folder exists: ours)
process.env.POSEVISIT_MEDIA_DIR ??= CLIP_DIR;
const skip = truthMode || rescore ? null : (await import("./pose/harness")).missingPrerequisite();
if (skip) {
  console.log(`[bench:exercises] SKIPPED: ${skip}`);
  process.exit(0);
}
const speedBefore = speedIndexMs();
const loadBefore = os.loadavg()[0]!.toFixed(1);
const dir = truthMode || rescore ? "" : await bundle();
const rows: { c: ClipSpec; sets: SetScore[]; delays: number[]; analysedFps: number; latency: number[] }[] = [];
for (const c of clips) {
  const truth = loadTruth(c);
  if (truthMode && !truth.frames[0]?.lm) continue;
  const started = Date.now();
  let sets: { set: number; frames: Analysed[] }[];
  let run: ExRun | null = null;
  if (truthMode) sets = [{ set: 0, frames: truthSamples(truth) }];
  else {
    const saved = path.join(TMP, `run-${c.clip}.json`);
    if (rescore && !fs.existsSync(saved)) continue;
    run = rescore ? (JSON.parse(fs.readFileSync(saved, "utf8")) as ExRun) : await runInBrowser(c, truth, dir);
    fs.mkdirSync(TMP, { recursive: true });
    if (!rescore) fs.writeFileSync(saved, JSON.stringify(run));
    sets = indexedPasses(run.frames.map((f) => ({ idx: f.idx, t: f.t, sample: f.sample })), truth, c);
  }
  const aspect = run ? run.videoSize[0] / run.videoSize[1] : 4 / 3;
  const scores = sets.map((p) => scoreSet(c, truth, p.frames, aspect));
  const d = run ? sets.flatMap((p) => delays(run, p, c, truth)) : [];
  const analysedFps = run ? run.frames.length / (run.durationMs / 1000) : truth.fps;
  rows.push({ c, sets: scores, delays: d, analysedFps, latency: run ? run.frames.map((f) => f.latencyMs).filter(Number.isFinite) : [] });
  console.log(`  ${c.clip}: ${sets.length} scored pass(es), counts ${scores.map((s) => `${s.counted}/${s.truth}${s.perSide ? ` (${s.perSide})` : ""}`).join(", ") || "-"}, ${analysedFps.toFixed(1)} analysed frames/s, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (writeFixtures && !truthMode && FIXTURE_CLIPS.includes(c.clip) && sets[0]) {
    const fx = fixtureOf(c, scores[0]!, storedSamples(sets[0].frames), analysedFps);
    const file = path.join(REPO, "tests/fixtures/exercise-sets", `${c.clip}.json`);
    fs.writeFileSync(file, JSON.stringify(fx, null, 1) + "\n");
    console.log(`  wrote ${path.relative(REPO, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KB)`);
  }
}
const speedAfter = speedIndexMs();

// ------------------------------------------------------------------ report

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)} %` : "–");
const median = (a: number[]) => (a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]! : NaN);
const p95 = (a: number[]) => (a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(0.95 * a.length))]! : NaN);
const lines: string[] = [];
lines.push(`bench:exercises — ${new Date().toISOString().slice(0, 16)}Z, ${truthMode ? "the truth's joint centres (no detector)" : `MediaPipe ${model}, real pipeline, Chromium fake camera`}; ${os.cpus().length} cores, load average ${loadBefore} before / ${os.loadavg()[0]!.toFixed(1)} after; machine speed index ${speedBefore} / ${speedAfter} ms (a fixed loop; lower is faster)`);
lines.push("");
lines.push("| clip | exercise | sets | exact count | counted / truth per set | MAE reps/set | held s / truth | faults: P / R | ROM error MAE ° | analysed fps | count shown after rep end, median / p95 ms (n) |");
lines.push("|---|---|---:|---:|---|---:|---|---|---:|---:|---|");
for (const r of rows) {
  const n = r.sets.length;
  const exact = r.sets.filter((s) => s.exact).length;
  const mae = n ? r.sets.reduce((a, s) => a + Math.abs(s.counted - s.truth), 0) / n : NaN;
  const held = r.sets.filter((s) => s.heldS !== null).map((s) => `${f1(s.heldS!)} / ${f1(s.truthHeldS ?? NaN)}`).join(", ") || "–";
  const fr: string[] = [];
  const agg: Record<string, { tp: number; fp: number; fn: number }> = {};
  for (const s of r.sets) for (const [k, v] of Object.entries(s.faults)) {
    const a = (agg[k] ??= { tp: 0, fp: 0, fn: 0 });
    a.tp += v.tp; a.fp += v.fp; a.fn += v.fn;
  }
  for (const [k, a] of Object.entries(agg)) fr.push(`${k} ${a.tp + a.fp ? pct(a.tp / (a.tp + a.fp)) : "–"} / ${a.tp + a.fn ? pct(a.tp / (a.tp + a.fn)) : "–"}${a.tp + a.fn === 0 && a.fp === 0 ? " (none in clip, none flagged)" : ""}`);
  const rom = r.sets.flatMap((s) => s.romErr);
  lines.push(`| ${r.c.clip} | ${r.sets[0]?.exercise ?? r.c.exercise} | ${n} | ${n ? `${exact}/${n}` : "–"} | ${r.sets.map((s) => `${s.counted}/${s.truth}${s.perSide ? ` (${s.perSide})` : ""}`).join(", ") || "–"} | ${f1(mae)} | ${held} | ${fr.join("; ") || "–"} | ${rom.length ? f1(rom.reduce((a, b) => a + Math.abs(b), 0) / rom.length) : "–"} | ${f1(r.analysedFps)} | ${r.delays.length ? `${f1(median(r.delays))} / ${f1(p95(r.delays))} (${r.delays.length})` : "–"} |`);
}
lines.push("");
/** The targets over a group of clips' sets (the clips the rules were set on, and the held-out ones apart). */
function targetLines(group: typeof rows, withDelay: boolean): string[] {
  const all = group.flatMap((r) => r.sets);
  const allDelays = group.flatMap((r) => r.delays);
  const faultTotals: Record<string, { tp: number; fp: number; fn: number }> = {};
  for (const r of group) for (const s of r.sets) for (const [k, v] of Object.entries(s.faults)) {
    const t = (faultTotals[`${r.c.exercise}:${k}`] ??= { tp: 0, fp: 0, fn: 0 });
    t.tp += v.tp; t.fp += v.fp; t.fn += v.fn;
  }
  const sets = all.length;
  const exactShare = sets ? all.filter((s) => s.exact).length / sets : NaN;
  const maeAll = sets ? all.reduce((a, s) => a + Math.abs(s.counted - s.truth), 0) / sets : NaN;
  const holds = all.filter((s) => s.heldS !== null && s.truthHeldS !== null);
  const holdWorst = holds.length ? Math.max(...holds.map((s) => Math.abs(s.heldS! - s.truthHeldS!))) : NaN;
  const faultPR = Object.entries(faultTotals).filter(([, a]) => a.tp + a.fn + a.fp > 0).map(([k, a]) => ({ k, p: a.tp + a.fp ? a.tp / (a.tp + a.fp) : NaN, r: a.tp + a.fn ? a.tp / (a.tp + a.fn) : NaN }));
  const checks: [string, boolean][] = [
    [`exact count in ${pct(exactShare)} of ${sets} sets (target ≥ 95 %)`, exactShare >= 0.95],
    [`mean absolute count error ${maeAll.toFixed(2)} repetitions per set (target ≤ 0.1)`, maeAll <= 0.1],
    ...(holds.length ? [[`hold time off by at most ${f1(holdWorst)} s over ${holds.length} holds (target ≤ 1 s)`, holdWorst <= 1] as [string, boolean]] : []),
    ...faultPR.map(({ k, p, r }) => [`fault ${k}: precision ${pct(p)}, recall ${pct(r)} (target ≥ 90 %)`, p >= 0.9 && r >= 0.9] as [string, boolean]),
  ];
  if (withDelay) checks.push([`count painted ${f1(median(allDelays))} ms (median), ${f1(p95(allDelays))} ms (p95) after the repetition's end, n = ${allDelays.length} (target ≤ 300 ms; PROVISIONAL: timing on this shared machine, speed index above)`, p95(allDelays) <= 300]);
  return checks.map(([t, ok]) => `- ${ok ? "PASS" : "MISS"} ${t}`);
}
const tuned = rows.filter((r) => !r.c.heldOut), heldOut = rows.filter((r) => r.c.heldOut);
if (tuned.length) {
  lines.push(heldOut.length ? "Targets (the clips the rules were set on):" : "Targets:");
  lines.push(...targetLines(tuned, !truthMode));
}
if (!truthMode) lines.push(`- capture → result latency of the pipeline: median ${f1(median(rows.flatMap((r) => r.latency)))} ms, p95 ${f1(p95(rows.flatMap((r) => r.latency)))} ms`);
if (heldOut.length) {
  lines.push("", `Targets on the held-out clips (${heldOut.map((r) => r.c.clip).join(", ")}; rendered after the rules were set, never tuned on):`);
  lines.push(...targetLines(heldOut, !truthMode));
}
lines.push("");
lines.push("Notes: a set is one pass of the looping clip, scored as the server records it (summarizeExerciseSet over the codec-quantised samples). Faults: repetition rules per counted repetition matched to the truth's by where its peak lies; hold faults and pauses by time overlap (tenths of a second). ROM error: the repetition's peak against the same measure on the truth's projected joint centres. The delay is from the truth's end of the repetition (back at rest), so a count at the end threshold can come before it (negative).");
for (const r of rows) if (r.c.note) lines.push(`- ${r.c.clip}: ${r.c.note}`);
const report = lines.join("\n");
console.log("\n" + report);
fs.mkdirSync(TMP, { recursive: true });
fs.writeFileSync(path.join(TMP, truthMode ? "report-truth.md" : "report.md"), report + "\n");
