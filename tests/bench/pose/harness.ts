// Node side of the pose benchmark / regression harness:
//  1. bundles the real browser pipeline (tests/bench/pose/page.ts -> app/_lib/pose + app/_shared/pose, and the pose
//     worker) with esbuild,
//  2. serves it together with public/mediapipe and public/models from a tiny HTTP server on 127.0.0.1 with the app's
//     Content-Security-Policy (so the run also proves the runtime works under it),
//  3. converts a test clip to y4m and plays it as Chromium's fake camera (headless /usr/bin/chromium, all non-local
//     requests blocked, which also stops MediaPipe's telemetry).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "@playwright/test";
import type { BenchRun } from "./page";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// ../shared/media beside the checkout (a worktree one level deeper finds it two levels up)
export const MEDIA_DIR =
  process.env.POSEVISIT_MEDIA_DIR ?? [path.resolve(REPO, "../shared/media"), path.resolve(REPO, "../../shared/media")].find((d) => fs.existsSync(d)) ?? path.resolve(REPO, "../shared/media");
/** The project's own clips (tests/media, rendered with the shared rig): looked up when a clip is not in MEDIA_DIR. */
export const PROJECT_MEDIA_DIR = path.join(REPO, "tests/media/exercises");
/** The clips the view-dependent model bias is fitted on (tests/media/training): never used to evaluate it. */
export const TRAINING_MEDIA_DIR = path.join(REPO, "tests/media/training");

/** The folder that holds `clip`.mp4: MEDIA_DIR first, then the project's own clips, then the training clips. */
export function clipDir(clip: string): string {
  for (const d of [MEDIA_DIR, PROJECT_MEDIA_DIR, TRAINING_MEDIA_DIR]) if (fs.existsSync(path.join(d, `${clip}.mp4`))) return d;
  return MEDIA_DIR;
}
export const TMP = path.join(REPO, "tests/.tmp/pose");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Returns a human-readable reason why the harness cannot run here, or null when it can. */
export function missingPrerequisite(clips: string[] = []): string | null {
  if (!fs.existsSync(MEDIA_DIR)) return `test clips not found at ${MEDIA_DIR} (set POSEVISIT_MEDIA_DIR); skipping the pose benchmark`;
  for (const c of clips) if (!fs.existsSync(path.join(clipDir(c), `${c}.mp4`))) return `clip ${c}.mp4 missing in ${MEDIA_DIR}, ${PROJECT_MEDIA_DIR} and ${TRAINING_MEDIA_DIR}`;
  if (!fs.existsSync(path.join(REPO, "public/models/pose_landmarker_lite.task")) || !fs.existsSync(path.join(REPO, "public/mediapipe/vision_wasm_module_internal.wasm"))) {
    return "pose models/WASM not installed: run `node server/scripts/install-pose-assets.mjs` (npm install does it)";
  }
  if (!fs.existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM} (set CHROMIUM)`;
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
  } catch {
    return "ffmpeg not found (apt-get install -y ffmpeg)";
  }
  return null;
}

export interface Truth {
  fps: number;
  frameCount: number;
  frames: Array<Record<string, unknown> & { i: number }>;
}
export function loadTruth(clip: string): Truth | null {
  for (const ext of ["truth", "ref"]) {
    const f = path.join(clipDir(clip), `${clip}.${ext}.json`);
    if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, "utf8")) as Truth;
  }
  return null;
}

/**
 * mp4 -> y4m at 30 fps (frames duplicated, like a real 30 fps webcam; the frame-index code stays valid). slow > 1
 * plays the clip that many times slower (each frame shown `slow` times as long): on a busy machine the model then
 * still sees every clip frame about as often as a quiet machine does live (see bench:accuracy --slow).
 */
export function ensureY4m(clip: string, fps = 30, slow = 1): string {
  fs.mkdirSync(TMP, { recursive: true });
  const src = path.join(clipDir(clip), `${clip}.mp4`);
  const out = path.join(TMP, slow > 1 ? `${clip}.${fps}fps.slow${slow}.y4m` : `${clip}.${fps}fps.y4m`);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return out;
  const vf = slow > 1 ? `setpts=${slow}*PTS,fps=${fps}` : `fps=${fps}`;
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", src, "-vf", vf, "-pix_fmt", "yuv420p", `${out}.tmp.y4m`]);
  fs.renameSync(`${out}.tmp.y4m`, out);
  return out;
}

/** Bundles the browser pipeline into TMP/bundle (page.js + pose.worker.js). */
export async function bundle(): Promise<string> {
  const esbuild = await import("esbuild");
  const outdir = path.join(TMP, "bundle");
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: { page: "tests/bench/pose/page.ts", "pose.worker": "tests/bench/pose/worker.ts" },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: false,
    logLevel: "error",
    tsconfig: path.join(REPO, "tsconfig.json"),
  });
  // The same worker as a CLASSIC script: this is how Next's Turbopack starts it in the app (see pose.worker.ts).
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: { "pose.worker.classic": "tests/bench/pose/worker.ts" },
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    logLevel: "error",
    tsconfig: path.join(REPO, "tsconfig.json"),
  });
  return outdir;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".task": "application/octet-stream",
};

/** Static server with the app's CSP. Returns the base URL and a close function. */
export async function serve(bundleDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const roots: Record<string, string> = {
    "/bench/": bundleDir,
    "/mediapipe/": path.join(REPO, "public/mediapipe"),
    "/models/": path.join(REPO, "public/models"),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const nonce = crypto.randomBytes(16).toString("base64");
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}' 'wasm-unsafe-eval'`,
      "worker-src 'self' blob:",
      "connect-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
    ].join("; ");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": TYPES[".html"], "content-security-policy": csp });
      res.end(`<!doctype html><meta charset="utf-8"><title>pose bench</title><body><script type="module" nonce="${nonce}" src="/bench/page.js"></script></body>`);
      return;
    }
    for (const [prefix, dir] of Object.entries(roots)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) break;
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-security-policy": csp,
        "cache-control": "no-store",
      });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

export async function launch(y4m: string): Promise<Browser> {
  const { chromium } = await import("@playwright/test");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${y4m}`,
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

export interface RunSpec {
  model: "lite" | "full" | "auto";
  /** how the worker is started: "classic" like Next's Turbopack does in the app (default), or "module" */
  workerType?: "classic" | "module";
  seconds: number;
  backend?: "worker" | "main-thread" | "auto";
  autoFullMaxMs?: number;
  /** the tracker's inputMaxSide (default: the app's) */
  inputMaxSide?: number;
  capture?: "stream" | "video-frame" | "bitmap";
  targetHz?: number;
}

/** Plays `clip` as the camera and runs the pipeline once per spec (same browser). */
export async function runClip(clip: string, specs: RunSpec[], log: (s: string) => void = () => {}, opts: { slow?: number } = {}): Promise<BenchRun[]> {
  const y4m = ensureY4m(clip, 30, opts.slow ?? 1);
  const dir = await bundle();
  const srv = await serve(dir);
  const browser = await launch(y4m);
  const errors: string[] = [];
  try {
    const ctx = await browser.newContext({ permissions: ["camera"] });
    const page = await ctx.newPage();
    await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*$/i, (r) => (r.request().url().startsWith("data:") || r.request().url().startsWith("blob:") ? r.continue() : r.abort()));
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource|XNNPACK delegate|odml\.pa\.googleapis\.com/.test(m.text())) errors.push(`console: ${m.text()}`);
      if (process.env.POSE_BENCH_DEBUG) log(`[browser ${m.type()}] ${m.text()}`);
    });
    await page.goto(srv.url + "/");
    await page.waitForFunction(() => !!window.poseBench, null, { timeout: 30_000 });
    await page.evaluate(() => window.poseBench.ready);
    const runs: BenchRun[] = [];
    for (const spec of specs) {
      log(`  ${clip}: ${spec.model} (${spec.backend === "main-thread" ? "main thread" : `${spec.workerType ?? "classic"} worker`}) for ${spec.seconds} s`);
      runs.push(await page.evaluate((s) => window.poseBench.run(s), spec));
    }
    if (errors.length) log(`  browser errors:\n    ${errors.slice(0, 10).join("\n    ")}`);
    return runs;
  } finally {
    await browser.close();
    await srv.close();
  }
}
