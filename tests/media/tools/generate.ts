// npm run media:exercises — regenerates every clip of tests/media/exercises/spec.json with its per-frame truth.
//   tsx tests/media/tools/generate.ts [--only=a,b] [--preview=t1,t2,...] [--overlay=i1,i2,...] [--spec=FILE] [--out=DIR]
//   --preview  render only the frames at these times (s) with the truth skeleton drawn on, as PNGs, no video
//   --overlay  also write these frames (index) with the truth skeleton drawn on, for the projection check
// Needs (Debian): chromium, ffmpeg, assimp-utils, assimp-testmodels; npm: three (devDependency), @playwright/test.
// The rig model is converted from the Debian package at run time (never committed). One clip at a time, one browser.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MP_LANDMARKS, type Pose } from "./pose";
import { buildTimeline, type ClipSpec, computeEvents, framePlan, resolvePoses, sceneOf, SpecFile } from "./spec";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../..");
const TMP = path.join(REPO, "tests/.tmp/media");
const MODEL_X = process.env.BCN_MODEL ?? "/usr/share/assimp/models/X/BCN_Epileptic.X";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const MAX_BYTES = 300 * 1024;

const arg = (k: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const specPath = path.resolve(arg("spec") ?? path.join(REPO, "tests/media/exercises/spec.json"));
const outDir = path.resolve(arg("out") ?? path.dirname(specPath));
const only = arg("only")?.split(",");
const preview = arg("preview")?.split(",").map(Number);
const overlayFrames = arg("overlay")?.split(",").map(Number) ?? [];

function need() {
  const missing: string[] = [];
  for (const [bin, pkg] of [["ffmpeg", "ffmpeg"], ["assimp", "assimp-utils"]]) {
    try {
      execFileSync(bin!, bin === "assimp" ? ["version"] : ["-version"], { stdio: "ignore" });
    } catch {
      missing.push(pkg!);
    }
  }
  if (!fs.existsSync(CHROMIUM)) missing.push("chromium");
  if (!fs.existsSync(MODEL_X)) missing.push("assimp-testmodels");
  if (missing.length) {
    console.error(`[media] missing: ${missing.join(", ")} — apt-get update && apt-get install -y ${missing.join(" ")}`);
    process.exit(1);
  }
}

async function bundleRig(): Promise<string> {
  const esbuild = await import("esbuild");
  const dir = path.join(TMP, "bundle");
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: { rig: "tests/media/tools/rig.ts" },
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "error",
  });
  return dir;
}

function serve(files: Record<string, string>): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    if (p === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><meta charset="utf-8"><body style="margin:0"><script type="module" src="/rig.js"></script>');
      return;
    }
    const f = files[p];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": p.endsWith(".js") ? "text/javascript" : "application/octet-stream" });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((r) =>
    server.listen(0, "127.0.0.1", () => r({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })),
  );
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

async function main() {
  need();
  const spec = SpecFile.parse(JSON.parse(fs.readFileSync(specPath, "utf8")));
  const poses = resolvePoses(spec.poses);
  const clips = spec.clips.filter((c) => !only || only.includes(c.name));
  if (!clips.length) throw new Error(`no clip matches --only=${only}`);
  fs.mkdirSync(TMP, { recursive: true });
  const glb = path.join(TMP, "bcn.glb");
  if (!fs.existsSync(glb)) execFileSync("assimp", ["export", MODEL_X, glb], { stdio: "ignore" });
  const dir = await bundleRig();
  const srv = await serve({ "/rig.js": path.join(dir, "rig.js"), "/model/bcn.glb": glb });
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 640, height: 480 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(srv.url + "/");
    await page.waitForFunction(() => window.RIG_READY || document.title === "x", null, { timeout: 120_000 }).catch(() => {
      throw new Error(`rig did not load: ${errors.join("; ")}`);
    });
    for (const clip of clips) await renderClip(page, clip, poses, spec);
  } finally {
    await browser.close();
    srv.close();
  }
}

type Page = Awaited<ReturnType<Awaited<ReturnType<(typeof import("@playwright/test"))["chromium"]["launch"]>>["newPage"]>>;

async function renderClip(page: Page, clip: ClipSpec, poses: ReturnType<typeof resolvePoses>, spec: SpecFile) {
  const t0 = Date.now();
  const tl = buildTimeline(clip, poses);
  const plan = framePlan(tl, clip.fps);
  await page.evaluate(([s, p]) => window.RIG.setup(s, p), [sceneOf(clip), plan[0]!.pose] as const);
  if (preview) {
    const pdir = path.join(TMP, "preview");
    fs.mkdirSync(pdir, { recursive: true });
    for (const t of preview) {
      const f = plan[Math.min(plan.length - 1, Math.round(t * clip.fps))]!;
      const r = await page.evaluate(([i, p]) => window.RIG.frame(i, p as Pose, { overlay: true }), [f.i, f.pose] as const);
      const file = path.join(pdir, `${clip.name}_${f.i}.png`);
      fs.writeFileSync(file, Buffer.from(r.png.split(",")[1]!, "base64"));
      const a = r.m.angles;
      console.log(`${file}: ik ${r.m.ikError.toFixed(3)} floor ${a.floorClearanceM!.toFixed(3)} trunkFlex ${a.trunkFlexionDeg!.toFixed(1)} toFloor ${a.trunkToFloorDeg!.toFixed(1)} hipR ${a.hipFlexionR!.toFixed(1)} kneeR ${a.kneeFlexionR!.toFixed(1)} elbowR ${a.elbowFlexionR!.toFixed(1)} shR ${a.shoulderFlexionR!.toFixed(1)} line ${a.bodyLineSagDeg!.toFixed(1)} pelvRot ${a.pelvicRotationDeg!.toFixed(1)}`);
    }
    return;
  }
  fs.mkdirSync(outDir, { recursive: true });
  const mp4 = path.join(outDir, `${clip.name}.mp4`);
  const ff = spawn("ffmpeg", ["-loglevel", "error", "-y", "-f", "image2pipe", "-framerate", String(clip.fps), "-c:v", "png", "-i", "-",
    "-c:v", "libx264", "-preset", "slow", "-crf", String(clip.crf), "-pix_fmt", "yuv420p", "-profile:v", "high", "-g", String(clip.fps * 2),
    "-bf", "2", "-threads", "1", "-movflags", "+faststart", "-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", mp4], { stdio: ["pipe", "inherit", "inherit"] });
  const done = new Promise<void>((res, rej) => ff.on("close", (code) => (code === 0 ? res() : rej(new Error(`ffmpeg exited ${code} for ${clip.name}`)))));
  const rows: Array<Record<string, unknown>> = [];
  const angles: Array<Record<string, number>> = [];
  let maxIk = 0, minFloor = Infinity;
  for (const f of plan) {
    const r = await page.evaluate(([i, p]) => window.RIG.frame(i, p as Pose), [f.i, f.pose] as const);
    if (!ff.stdin.write(Buffer.from(r.png.split(",")[1]!, "base64"))) await new Promise((res) => ff.stdin.once("drain", res));
    if (overlayFrames.includes(f.i)) {
      const o = await page.evaluate(([i, p]) => window.RIG.frame(i, p as Pose, { overlay: true }), [f.i, f.pose] as const);
      const odir = path.join(TMP, "overlay");
      fs.mkdirSync(odir, { recursive: true });
      fs.writeFileSync(path.join(odir, `${clip.name}_${f.i}.png`), Buffer.from(o.png.split(",")[1]!, "base64"));
    }
    maxIk = Math.max(maxIk, r.m.ikError);
    minFloor = Math.min(minFloor, r.m.angles.floorClearanceM!);
    angles.push(r.m.angles);
    const a = Object.fromEntries(Object.entries(r.m.angles).map(([k, v]) => [k, round(v, k.endsWith("M") || k.includes("HeightM") ? 3 : 2)]));
    rows.push({
      i: f.i,
      t: round(f.t, 4),
      position: f.position,
      phase: f.phase,
      rep: f.rep,
      ...a,
      midHipPx: r.m.midPx.hip.map((v) => round(v, 1)),
      midShoulderPx: r.m.midPx.shoulder.map((v) => round(v, 1)),
      midAnklePx: r.m.midPx.ankle.map((v) => round(v, 1)),
      lm: r.m.lm.map(([x, y, d]) => [round(x, 1), round(y, 1), round(d, 3)]),
    });
  }
  ff.stdin.end();
  await done;
  // hip rise above the first frame (pelvis lifting in prone and quadruped work)
  angles.forEach((a, k) => {
    a.hipRiseM = a.hipHeightM! - angles[0]!.hipHeightM!;
    rows[k]!.hipRiseM = round(a.hipRiseM, 3);
  });
  const events = computeEvents(clip, tl, angles);
  for (const w of events.warnings) console.warn(`[media] ${clip.name}: WARNING ${w}`);
  const truth = {
    clip: `${clip.name}.mp4`,
    exercise: clip.exercise,
    description: clip.description,
    generator: `tests/media/tools/generate.ts (spec: ${path.relative(REPO, specPath)})`,
    specVersion: spec.version,
    fps: clip.fps,
    frameCount: plan.length,
    durationS: round(plan.length / clip.fps, 4),
    width: 640,
    height: 480,
    view: clip.view,
    startPosition: poses[clip.start]!.position,
    camera: { ...clip.scene.camera, note: "perspective camera; level unless lookAtHeight differs from height" },
    scene: { anchor: clip.scene.anchor, plant: clip.scene.plant, chair: clip.scene.chair ?? null, mat: !!clip.scene.mat, light: clip.scene.light ?? "default" },
    frameCode: "8 squares of 12x12 px at x = 540 + 12 b (b = 0..7), y = 464..475, MSB first, white = 1; sample (546 + 12 b, 470), luma > 128 = 1",
    rules: { reps: clip.reps ?? null, hold: clip.hold ?? null, faults: clip.faults },
    events: { reps: events.reps, expectedCount: events.expectedCount, holds: events.holds, heldS: events.heldS, faults: events.faults },
    landmarks: MP_LANDMARKS,
    definitions: spec.definitions,
    checks: { maxPlantedLimbErrorM: round(maxIk, 4), minFloorClearanceM: round(minFloor, 4), warnings: events.warnings },
    frames: rows,
  };
  const json = JSON.stringify(truth, null, 0).replace(/,\{"i":/g, ',\n{"i":').replace('"frames":[{', '"frames":[\n{') + "\n";
  fs.writeFileSync(path.join(outDir, `${clip.name}.truth.json`), json);
  const size = fs.statSync(mp4).size;
  const reps = events.reps.map((r) => `${r.counted ? "" : "("}${r.side ?? ""}${r.peak.toFixed(0)}${r.counted ? "" : ")"}${r.faults.length ? `[${r.faults.join(",")}]` : ""}`).join(" ");
  console.log(
    `[media] ${clip.name}: ${plan.length} frames ${(plan.length / clip.fps).toFixed(1)} s, ${(size / 1024).toFixed(0)} KiB, ` +
      `reps ${events.expectedCount.total} counted of ${events.reps.length} (${reps}), held ${events.heldS} s, ` +
      `faults ${Object.entries(events.faults).map(([k, v]) => `${k}×${v.length}`).join(" ") || "-"}, planted err ${(maxIk * 1000).toFixed(1)} mm, min floor ${(minFloor * 100).toFixed(1)} cm (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  if (size > MAX_BYTES) throw new Error(`${clip.name}.mp4 is ${(size / 1024).toFixed(0)} KiB > 300 KiB: raise crf in the spec`);
}

await main();
