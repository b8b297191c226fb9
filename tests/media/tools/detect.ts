// npm run media:exercises:check [-- --only=a,b --model=lite|full --loops=N] — plays each exercise clip as Chromium's fake camera
// through the app's real pose pipeline (the bench harness in tests/bench/pose, unchanged: PoseTracker + pose worker +
// PoseLandmarker) and reports per clip how often MediaPipe found the figure and how far its landmarks and angles are
// from the clip's truth. Writes tests/.tmp/media/detect.json and prints a Markdown table.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIP_DIR = path.resolve(HERE, "../exercises");
process.env.POSEVISIT_MEDIA_DIR = CLIP_DIR; // the harness reads clips and truth from here
const { ensureY4m, missingPrerequisite, runClip, loadTruth } = await import("../../bench/pose/harness");

const arg = (k: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const model = (arg("model") ?? "lite") as "lite" | "full";
const spec = JSON.parse(fs.readFileSync(path.join(CLIP_DIR, "spec.json"), "utf8")) as { clips: Array<{ name: string }> };
const CLIPS = spec.clips.map((c) => c.name).filter((n) => !arg("only") || arg("only")!.split(",").includes(n));

const skip = missingPrerequisite(CLIPS);
if (skip) {
  console.log(`[media:check] SKIPPED: ${skip}`);
  process.exit(0);
}

type Frame = { lm: Array<[number, number, number]> } & Record<string, number | string | null | unknown>;
const BODY = [11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];
const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : NaN);
const median = (a: number[]) => (a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]! : NaN);
const deg = (r: number) => (r * 180) / Math.PI;
/** interior 2D angle at b (pixels), 180 = straight */
const ang2 = (a: number[], b: number[], c: number[]) => {
  const u = [a[0]! - b[0]!, a[1]! - b[1]!], v = [c[0]! - b[0]!, c[1]! - b[1]!];
  return deg(Math.acos(Math.max(-1, Math.min(1, (u[0]! * v[0]! + u[1]! * v[1]!) / (Math.hypot(u[0]!, u[1]!) * Math.hypot(v[0]!, v[1]!))))));
};
const trunkImg = (hipL: number[], hipR: number[], shL: number[], shR: number[]) => {
  const h = [(hipL[0]! + hipR[0]!) / 2, (hipL[1]! + hipR[1]!) / 2], s = [(shL[0]! + shR[0]!) / 2, (shL[1]! + shR[1]!) / 2];
  return deg(Math.atan2(s[0]! - h[0]!, -(s[1]! - h[1]!)));
};
const wrap = (d: number) => ((d + 540) % 360) - 180;

const results: Array<Record<string, unknown>> = [];
for (const clip of CLIPS) {
  const truth = loadTruth(clip) as unknown as { frameCount: number; fps: number; frames: Frame[] } | null;
  if (!truth) throw new Error(`no truth for ${clip}`);
  // --loops=N plays the clip N times (the fake camera loops it): more analysed frames on a slow or busy machine
  const seconds = Math.ceil((Number(arg("loops") ?? 1) * truth.frameCount) / truth.fps) + 2;
  const [run] = await runClip(clip, [{ model, seconds }], (s) => console.log(s));
  fs.rmSync(ensureY4m(clip), { force: true }); // 30 fps y4m files are large; made again on demand
  const recs = run!.records.filter((r) => r.idx < truth.frameCount);
  const found = recs.filter((r) => r.lm);
  const pxErr: number[] = [], trunkErr: number[] = [], kneeErr: number[] = [], hipErr: number[] = [], appTrunk: number[] = [], appKnee: number[] = [], appHip: number[] = [];
  let swapped = 0;
  for (const r of found) {
    const f = truth.frames[r.idx]!;
    const mp = (i: number) => [r.lm![3 * i]! * 640, r.lm![3 * i + 1]! * 480];
    const tr = (i: number) => f.lm[i]!;
    // MediaPipe may swap left and right in a side view: compare with the better of the two labellings
    const dist = (swap: boolean) => mean(BODY.map((i) => { const j = swap ? (i % 2 ? i + 1 : i - 1) : i; return Math.hypot(mp(j)[0]! - tr(i)[0], mp(j)[1]! - tr(i)[1]); }));
    const d0 = dist(false), d1 = dist(true);
    if (d1 < d0) swapped++;
    pxErr.push(Math.min(d0, d1));
    trunkErr.push(Math.abs(wrap(trunkImg(mp(23), mp(24), mp(11), mp(12)) - trunkImg(tr(23), tr(24), tr(11), tr(12)))));
    // near-side (right) image-plane knee and hip angles
    kneeErr.push(Math.abs(ang2(mp(24), mp(26), mp(28)) - ang2(tr(24), tr(26), tr(28))));
    hipErr.push(Math.abs(ang2(mp(12), mp(24), mp(26)) - ang2(tr(12), tr(24), tr(26))));
    const a = r.raw;
    if (a.trunkFlexion != null) appTrunk.push(Math.abs(a.trunkFlexion - (f.trunkFlexionDeg as number)));
    if (a.kneeFlexionR != null) appKnee.push(Math.abs(a.kneeFlexionR - (f.kneeFlexionR as number)));
    if (a.hipFlexionR != null) appHip.push(Math.abs(a.hipFlexionR - (f.hipFlexionR as number)));
  }
  const row = {
    clip,
    model,
    analysed: recs.length,
    detected: found.length,
    detectionRate: recs.length ? found.length / recs.length : 0,
    distinctFrames: new Set(found.map((r) => r.idx)).size,
    frameCount: truth.frameCount,
    lrSwappedShare: found.length ? swapped / found.length : NaN,
    landmarkErrPx: { mean: mean(pxErr), median: median(pxErr) },
    imageTrunkMAE: mean(trunkErr),
    imageKneeR_MAE: mean(kneeErr),
    imageHipR_MAE: mean(hipErr),
    app: { trunkFlexionMAE: mean(appTrunk), trunkN: appTrunk.length, kneeFlexionR_MAE: mean(appKnee), kneeN: appKnee.length, hipFlexionR_MAE: mean(appHip), hipN: appHip.length },
  };
  results.push(row);
  console.log(JSON.stringify(row));
}

const f1 = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(1) : "–");
const lines = [
  `| clip | found / analysed | distinct frames found | L/R swapped | landmark error px mean / median | image trunk MAE ° | image knee R MAE ° | image hip R MAE ° | app trunk flexion MAE ° (n) | app knee R MAE ° (n) | app hip R MAE ° (n) |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ...results.map((r) => {
    const e = r.landmarkErrPx as { mean: number; median: number }, a = r.app as Record<string, number>;
    return `| ${r.clip} | ${r.detected}/${r.analysed} (${(100 * (r.detectionRate as number)).toFixed(0)} %) | ${r.distinctFrames}/${r.frameCount} | ${(100 * (r.lrSwappedShare as number)).toFixed(0)} % | ${f1(e.mean)} / ${f1(e.median)} | ${f1(r.imageTrunkMAE)} | ${f1(r.imageKneeR_MAE)} | ${f1(r.imageHipR_MAE)} | ${f1(a.trunkFlexionMAE)} (${a.trunkN}) | ${f1(a.kneeFlexionR_MAE)} (${a.kneeN}) | ${f1(a.hipFlexionR_MAE)} (${a.hipN}) |`;
  }),
];
console.log("\n" + lines.join("\n"));
fs.mkdirSync(path.resolve(HERE, "../../.tmp/media"), { recursive: true });
fs.writeFileSync(path.resolve(HERE, "../../.tmp/media/detect.json"), JSON.stringify(results, null, 2));
