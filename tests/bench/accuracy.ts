// npm run bench:accuracy — plays the clips in ../shared/media and the project's own off-axis clips (tests/media/exercises)
// through the real browser pose pipeline (headless Chromium, the clip as the fake camera, the app's worker + angle
// library bundled with esbuild) and prints, per clip and measure, MAE / p95 / max error and bias against the per-frame
// ground truth, the standing error, the start-up transient, plus analysed frames per second per model.
// Results also go to tests/.tmp/pose/bench-results.json and tests/bench/pose/RESULTS.md.
// Options: --quick (lite only, shorter runs), --models=lite,full, --clips=a,b, --replay (no browser: re-analyse the
// landmarks stored by the last live run, tests/.tmp/pose/runs-*.json, with the current pose maths; for trying changes),
// --training (also the training clips of the view-dependent model bias, tests/media/training; reported apart: they
// were fitted on, so their figures are not evidence), --training-only (only those).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { oneEuroLagMs } from "@/app/_shared/pose/filter";
import { CLIP_MEASURES, evaluate, type MeasureRow, smoothingLagMs, speed, standing, startup } from "./pose/evaluate";
import { speedIndexMs } from "../support/speed-index";
import { loadTruth, missingPrerequisite, REPO, type RunSpec, runClip, TMP } from "./pose/harness";
import type { BenchRun } from "./pose/page";
import { replayRun } from "./pose/replay";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const replay = args.includes("--replay");
const models = (args.find((a) => a.startsWith("--models="))?.slice(9).split(",") ?? (quick ? ["lite"] : ["lite", "full"])) as Array<"lite" | "full">;
// --slow=K: the camera plays each clip K times slower and the stored capture times are divided by K before the pose
// maths runs (a replay on the clip's own time base), so a busy machine still analyses about as many frames per clip
// second as a quiet one live. Speed columns are then meaningless (each frame is K times as long on screen).
const slow = Math.max(1, Number(args.find((a) => a.startsWith("--slow="))?.slice(7) ?? 1));
const onlyClips = args.find((a) => a.startsWith("--clips="))?.slice(8).split(",");
const trainingOnly = args.includes("--training-only");
const withTraining = trainingOnly || args.includes("--training");
const ALL_CLIPS: Array<{ clip: string; seconds: number; training?: true }> = [
  { clip: "synthetic_sagittal_flexion", seconds: 11 },
  { clip: "synthetic_frontal_lateral", seconds: 13 },
  { clip: "real_frontal_squats", seconds: 11 },
  { clip: "real_sagittal_walking", seconds: 9 },
  // the project's own clips, rendered with the shared rig 15-25 deg off the ideal view (tests/media/README.md)
  { clip: "offaxis_flexion_15", seconds: 18 },
  { clip: "offaxis_flexion_25", seconds: 18 },
  { clip: "offaxis_side_bend", seconds: 15 },
  // rendered for issue 15 round 3 after MODEL_BIAS was fitted (a view between the training clips', and the mirror side)
  { clip: "offaxis_flexion_f20", seconds: 18 },
  { clip: "offaxis_side_bend_left", seconds: 15 },
  // rendered for issue 15 round 4, after the view hold was chosen on the training clips
  { clip: "offaxis_side_bend_l15", seconds: 15 },
  // the training clips of MODEL_BIAS v2 (tests/media/training/spec.json): the bias is fitted on these, never judged on them
  ...(["train_flexion_side", "train_flexion_f10", "train_flexion_f30", "train_flexion_b10", "train_flexion_b30", "train_side_bend_r10", "train_side_bend_r30", "train_side_bend_l10", "train_side_bend_l30"] as const).map(
    (clip) => ({ clip, seconds: clip.includes("side_bend") ? 15 : 16, training: true as const }),
  ),
];
const CLIPS = ALL_CLIPS.filter((c) => (!onlyClips || onlyClips.includes(c.clip)) && (c.training ? withTraining || !!onlyClips : !trainingOnly));
const TRAINING = new Set(CLIPS.filter((c) => c.training).map((c) => c.clip));

const skip = replay ? null : missingPrerequisite(CLIPS.map((c) => c.clip));
if (skip) {
  console.log(`[bench:accuracy] SKIPPED: ${skip}`);
  process.exit(0);
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const rows: MeasureRow[] = [];
const speeds: Array<{ clip: string; model: string; backend: string; capture: string } & ReturnType<typeof speed>> = [];
const extra: string[] = [];
const standings: Array<{ clip: string; model: string } & NonNullable<ReturnType<typeof standing>>> = [];
const startups: Array<{ clip: string; model: string } & NonNullable<ReturnType<typeof startup>>> = [];
let lagMs = NaN;
const t0 = Date.now();
const loadBefore = os.loadavg()[0]!.toFixed(1);
const speedBefore = replay ? NaN : speedIndexMs();

for (const { clip, seconds } of CLIPS) {
  const specs: RunSpec[] = models.map((model) => ({ model, seconds: quick ? Math.min(seconds, 11) : seconds }));
  if (slow > 1) for (const s of specs) s.seconds = s.seconds * slow + 8; // + the model loading, which does not slow down
  if (!quick && slow === 1 && clip === "synthetic_sagittal_flexion") {
    specs.push({ model: "auto", seconds: 6 });
    specs.push({ model: "lite", seconds: 6, workerType: "module" });
    specs.push({ model: "lite", seconds: 6, backend: "main-thread" });
    // how frames reach the worker: the camera track read in the worker (default) vs the page sending each frame
    specs.push({ model: "lite", seconds: 6, capture: "video-frame" });
    specs.push({ model: "lite", seconds: 6, capture: "bitmap" });
  }
  const stored = path.join(TMP, `runs-${clip}.json`);
  let runs: BenchRun[];
  if (replay) {
    if (!fs.existsSync(stored)) {
      console.log(`  ${clip}: no stored run (${stored}); run bench:accuracy without --replay first`);
      continue;
    }
    const live = JSON.parse(fs.readFileSync(stored, "utf8")) as BenchRun[];
    if (live.length !== specs.length) throw new Error(`${stored} holds ${live.length} runs, these options make ${specs.length}: replay with the options of the live run`);
    runs = live.map((r) => replayRun(r));
  } else {
    runs = await runClip(clip, specs, (s) => console.log(s), { slow });
    if (slow > 1)
      runs = runs.map((r) => {
        const t0 = r.records[0]?.t ?? 0;
        return replayRun({ ...r, records: r.records.map((x) => ({ ...x, t: t0 + (x.t - t0) / slow })) });
      });
    fs.mkdirSync(TMP, { recursive: true });
    fs.writeFileSync(stored, JSON.stringify(runs));
  }
  const truth = loadTruth(clip);
  runs.forEach((run, i) => {
    const spec = specs[i]!;
    const label = spec.model === "auto" ? "auto (warm-up, then switch)" : spec.model;
    const sp = speed(run);
    const backend = run.backend === "worker" ? `${run.workerType} worker` : (run.backend ?? "?");
    const capture = (run.stats as { capture?: string } | null)?.capture ?? "?";
    speeds.push({ clip, model: label, backend, capture, ...sp });
    if (spec.model === "auto") extra.push(`auto model choice: ${run.modelReason}`);
    if (spec.backend === "main-thread" || spec.model === "auto" || spec.workerType === "module" || spec.capture) return; // speed comparison only
    rows.push(...evaluate(clip, truth, run, spec.model));
    const st = standing(clip, truth, run);
    if (st) standings.push({ clip, model: spec.model, ...st });
    const su = startup(clip, truth, run);
    if (su) startups.push({ clip, model: spec.model, ...su });
    if (clip === "synthetic_sagittal_flexion" && spec.model === "lite") lagMs = smoothingLagMs(run, "trunkFlexion");
    if (clip !== "real_frontal_squats" && clip !== "real_sagittal_walking") {
      const want = clip.includes("sagittal") || clip.includes("flexion_") ? "sagittal" : "frontal";
      const ok = run.records.filter((r) => r.view === want).length;
      extra.push(`${clip} (${spec.model}): view classified as ${want} in ${((100 * ok) / Math.max(1, run.records.length)).toFixed(0)}% of analysed frames`);
    }
    if (clip === "real_sagittal_walking") {
      const inView = run.records.filter((r) => r.idx >= 23 && r.idx < 115);
      const vals = inView.map((r) => r.angles.trunkFlexion).filter((v): v is number => v !== null).sort((a, b) => a - b);
      const q = (p: number) => vals[Math.min(vals.length - 1, Math.floor(p * vals.length))] ?? NaN;
      extra.push(
        `real_sagittal_walking (${spec.model}): walker in view in ${inView.length} analysed frames, trunk flexion given in ${vals.length} ` +
          `(median ${f1(q(0.5))}°, 5-95% ${f1(q(0.05))}..${f1(q(0.95))}°; expected upright 0-10°; no per-frame truth)`,
      );
    }
  });
}

// ---- report
const lines: string[] = [];
lines.push(`Pose measurement benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPU cores (${os.cpus()[0]?.model.trim()}), headless Chromium, CPU delegate, 640x480 fake camera at 30 fps; load average before/after ${loadBefore} / ${os.loadavg()[0]!.toFixed(1)}; machine speed index (ms for a fixed loop, lower is faster; 116-175 seen on the quiet 2-core VM) ${speedBefore} before / ${replay ? NaN : speedIndexMs()} after`);
lines.push("");
lines.push("| clip | model | measure | n | coverage | MAE ° | p95 ° | max ° | bias ° | note |");
lines.push("|---|---|---|---:|---:|---:|---:|---:|---:|---|");
const clipLabel = (clip: string) => (TRAINING.has(clip) ? `${clip} (training)` : clip);
for (const r of [...rows.filter((r) => !TRAINING.has(r.clip)), ...rows.filter((r) => TRAINING.has(r.clip))]) {
  lines.push(`| ${clipLabel(r.clip)} | ${r.model} | ${r.measure} | ${r.n} | ${(100 * r.coverage).toFixed(0)}% | ${f1(r.mae)} | ${f1(r.p95)} | ${f1(r.max)} | ${r.bias >= 0 ? "+" : ""}${f1(r.bias)} | ${r.note ?? ""} |`);
}
lines.push("");
lines.push("Standing still (frames where the truth is the clip's standing value; the rig stands with its trunk at that angle):");
lines.push("");
lines.push("| clip | model | truth ° | shown, mean ° | error mean ° | MAE ° | max ° | n |");
lines.push("|---|---|---:|---:|---:|---:|---:|---:|");
for (const s of standings) lines.push(`| ${clipLabel(s.clip)} | ${s.model} | ${f1(s.truth)} | ${f1(s.shown)} | ${s.stats.bias >= 0 ? "+" : ""}${f1(s.stats.bias)} | ${f1(s.stats.mae)} | ${f1(s.stats.max)} | ${s.stats.n} |`);
lines.push("");
lines.push("Start-up: the first second (and at least 10 analysed frames) after the body is first found in a run (the clip is wherever its loop is):");
lines.push("");
lines.push("| clip | model | frames | no value shown | MAE ° | max ° |");
lines.push("|---|---|---:|---:|---:|---:|");
for (const s of startups) lines.push(`| ${clipLabel(s.clip)} | ${s.model} | ${s.frames} | ${s.missing} | ${f1(s.stats.mae)} | ${f1(s.stats.max)} |`);
lines.push("");
lines.push("| clip | model | backend | frames | analysed fps | inference median / p95 ms | capture→result median / p95 ms | body seen |");
lines.push("|---|---|---|---|---:|---:|---:|---:|");
for (const s of speeds) {
  lines.push(`| ${clipLabel(s.clip)} | ${s.model} | ${s.backend} | ${s.capture} | ${f1(s.analysedFps)} | ${f1(s.inferMedian)} / ${f1(s.inferP95)} | ${f1(s.latencyMedian)} / ${f1(s.latencyP95)} | ${(100 * s.seenFraction).toFixed(0)}% |`);
}
lines.push("");
lines.push(`- One Euro smoothing lag on trunk flexion during the bend (cross-correlation, lite): ${f1(lagMs)} ms (theory at 45°/s: ${oneEuroLagMs(45).toFixed(0)} ms, at rest ${oneEuroLagMs(0).toFixed(0)} ms)`);
for (const e of extra) lines.push(`- ${e}`);

// targets
const find = (clip: string, model: string, measure: string) => rows.find((r) => r.clip === clip && r.model === model && r.measure === measure);
const checks: Array<[string, boolean]> = [];
const trainingChecks: Array<[string, boolean]> = [];
for (const m of models) {
  // the training clips, against the same bars, listed apart (fitted on: not evidence)
  for (const clip of CLIPS.filter((c) => c.training).map((c) => c.clip)) {
    const main = clip.includes("side_bend") ? "lateral flexion" : "trunk flexion";
    const r = find(clip, m, main);
    const bar = main === "trunk flexion" ? 1.5 : 1;
    if (r) trainingChecks.push([`${m} ${clip}: ${main} MAE ${f1(r.mae)} ≤ ${bar}°${main === "trunk flexion" ? ` and p95 ${f1(r.p95)} ≤ 3.5°` : ""} (coverage ${(100 * r.coverage).toFixed(0)}%)`, r.mae <= bar && (main !== "trunk flexion" || r.p95 <= 3.5) && r.coverage >= 0.9]);
    const st = standings.find((s) => s.clip === clip && s.model === m && s.stats.n > 0);
    if (st) trainingChecks.push([`${m} ${clip}: standing error ${st.stats.bias >= 0 ? "+" : ""}${f1(st.stats.bias)}° within 1°`, Math.abs(st.stats.bias) <= 1]);
  }
  // issue 15: shown trunk flexion MAE <= 1.5 and p95 <= 3.5 side-on and 15-25 deg off it; standing within 1 deg;
  // lateral flexion MAE <= 1; no flexion reported from the front; the first second after the body is found shows values
  for (const clip of ["synthetic_sagittal_flexion", "offaxis_flexion_15", "offaxis_flexion_25", "offaxis_flexion_f20"]) {
    const tf = find(clip, m, "trunk flexion");
    if (tf) checks.push([`${m} ${clip}: trunk flexion MAE ${f1(tf.mae)} ≤ 1.5° and p95 ${f1(tf.p95)} ≤ 3.5° (coverage ${(100 * tf.coverage).toFixed(0)}% ≥ 90%)`, tf.mae <= 1.5 && tf.p95 <= 3.5 && tf.coverage >= 0.9]);
  }
  for (const clip of ["synthetic_frontal_lateral", "offaxis_side_bend", "offaxis_side_bend_left", "offaxis_side_bend_l15"]) {
    const lf = find(clip, m, "lateral flexion");
    if (lf) checks.push([`${m} ${clip}: lateral flexion MAE ${f1(lf.mae)} ≤ 1° (coverage ${(100 * lf.coverage).toFixed(0)}% ≥ 90%)`, lf.mae <= 1 && lf.coverage >= 0.9]);
  }
  for (const st of standings.filter((s) => s.model === m && s.stats.n > 0 && !TRAINING.has(s.clip)))
    checks.push([`${m} ${st.clip}: standing error ${st.stats.bias >= 0 ? "+" : ""}${f1(st.stats.bias)}° within 1° (max ${f1(st.stats.max)}°)`, Math.abs(st.stats.bias) <= 1]);
  for (const su of startups.filter((s) => s.model === m && !TRAINING.has(s.clip)))
    checks.push([`${m} ${su.clip}: start-up: ${su.missing} of ${su.frames} frames without a value (≤ 3) and max error ${f1(su.stats.max)}° ≤ 3.5°`, su.missing <= 3 && su.stats.max <= 3.5]);
  for (const clip of ["offaxis_side_bend", "offaxis_side_bend_left", "offaxis_side_bend_l15"]) {
    const side = find(clip, m, "trunk flexion (0 in truth)");
    if (side) checks.push([`${m} ${clip}: trunk flexion reported in ${(100 * side.coverage).toFixed(0)}% of frames (a side bend is not a flexion; ≤ 5%)`, side.coverage <= 0.05]);
  }
}
const liteFps = speeds.filter((s) => s.model === "lite" && s.backend.endsWith("worker")).map((s) => s.analysedFps);
if (liteFps.length && slow === 1) checks.push([`lite analysed fps (worker) min ${f1(Math.min(...liteFps))} ≥ 15`, Math.min(...liteFps) >= 15]);
lines.push("");
lines.push("Targets:");
for (const [text, ok] of checks) lines.push(`- ${ok ? "PASS" : "FAIL"} ${text}`);
if (trainingChecks.length) {
  lines.push("");
  lines.push("Training clips (MODEL_BIAS v2 was fitted on these: the same bars, for reference only, not evidence):");
  for (const [text, ok] of trainingChecks) lines.push(`- ${ok ? "PASS" : "FAIL"} ${text}`);
}

lines.push("");
lines.push("Notes:");
lines.push("- Errors are against the per-frame truth of the synthetic clips, matched by the frame-index code of each analysed frame; the smoothed rows are what the app shows (One Euro lag included).");
lines.push("- real_frontal_squats is compared with MediaPipe's own reference landmarks (a regression reference, not a truth). real_sagittal_walking has no truth: the walker actually walks right to left (facing image left); MediaPipe sometimes locks onto the rooftop person doing a handstand (numPoses 1), which produces the outliers.");
lines.push("- Hip flexion truth assumes vertical femurs during the hip hinge (the rig keeps the hip joints fixed); the first frames after the body is (re)acquired are skipped while tracking settles.");
lines.push("- Speed depends on other load on the machine: the numbers above were taken with the load average shown in the header.");
const report = lines.join("\n");
console.log("\n" + report + `\n\n(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
fs.mkdirSync(TMP, { recursive: true });
fs.writeFileSync(path.join(TMP, replay ? "bench-results.replay.json" : "bench-results.json"), JSON.stringify({ rows, standings, startups, speeds, lagMs, extra, checks, trainingChecks }, null, 2));
if (!quick && !replay && !onlyClips && !trainingOnly) fs.writeFileSync(path.join(REPO, "tests/bench/pose/RESULTS.md"), `# Pose benchmark results\n\nGenerated by \`npm run bench:accuracy\`.\n\n${report}\n`);
void CLIP_MEASURES;
