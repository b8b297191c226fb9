// Browser side of the pose benchmark/regression harness (bundled with esbuild by harness.ts). It runs the REAL app
// pipeline (app/_lib/pose PoseTracker + pose.worker + app/_shared/pose) on Chromium's fake camera, and records every
// analysed frame together with the frame index decoded from the code the test clips carry in their corner.
import { PoseTracker, type TrackerOptions } from "@/app/_lib/pose/tracker";
import { MEASURES } from "@/app/_shared/pose/measures";
import { decodeIndex } from "./frame-code";

export interface BenchRecord {
  idx: number;
  t: number;
  model: string;
  inferMs: number;
  latencyMs: number;
  seen: boolean;
  view: string;
  yaw: number;
  facing: number;
  raw: Record<string, number | null>;
  angles: Record<string, number | null>;
  conf: Record<string, number>;
  variants: Record<string, number | null>;
  guidance: string[];
  vis: number[];
  /** image landmarks [x, y, visibility] * 33, rounded */
  lm: number[] | null;
  /** min(visibility, presence) per image landmark (what the processor calls "seen"), rounded; for --replay */
  seenLm?: number[] | null;
  /** world landmarks [x, y, z] * 33 in metres, rounded; for --replay */
  wlm?: number[] | null;
  /** frame size the landmarks were normalised to */
  size?: [number, number];
}

export interface BenchRun {
  records: BenchRecord[];
  stats: unknown;
  durationMs: number;
  backend: string | null;
  workerType: string;
  fallbackReason: string | null;
  modelReason: string;
  videoSize: [number, number];
}

declare global {
  interface Window {
    poseBench: {
      ready: Promise<void>;
      run(opts: {
        model: "lite" | "full" | "auto";
        seconds: number;
        backend?: "worker" | "main-thread" | "auto";
        autoFullMaxMs?: number;
        workerType?: "classic" | "module";
        inputMaxSide?: number;
        capture?: "stream" | "video-frame" | "bitmap";
        /** the tracker's pacing (TrackerOptions.targetHz); 0 by default here: the benchmark measures capacity */
        targetHz?: number;
      }): Promise<BenchRun>;
    };
  }
}

let video: HTMLVideoElement;
const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

async function setup() {
  video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 } });
  video.srcObject = stream;
  await video.play();
}

window.poseBench = {
  ready: setup(),
  async run({ model, seconds, backend = "worker", autoFullMaxMs, workerType = "classic", inputMaxSide, capture, targetHz = 0 }) {
    await window.poseBench.ready;
    const records: BenchRecord[] = [];
    const opts: Partial<TrackerOptions> = {
      model,
      backend,
      createWorker: () =>
        workerType === "module"
          ? new Worker("/bench/pose.worker.js", { type: "module", name: "pose" })
          : new Worker("/bench/pose.worker.classic.js", { name: "pose" }),
      // in stream mode (the app's default) the worker reads the frame index (tests/bench/pose/worker.ts)
      onCapture: decodeIndex,
      processor: { guidance: {} },
      targetHz,
      rememberModel: false, // each run measures its own choice
    };
    if (autoFullMaxMs !== undefined) opts.autoFullMaxMs = autoFullMaxMs;
    if (inputMaxSide !== undefined) opts.inputMaxSide = inputMaxSide;
    if (capture !== undefined) opts.capture = capture;
    const tracker = new PoseTracker(opts);
    tracker.subscribe(({ result, raw, stats, tag }) => {
      const r: Record<string, number | null> = {}, a: Record<string, number | null> = {}, c: Record<string, number> = {};
      for (const k of MEASURES) {
        r[k] = round(result.raw[k]);
        a[k] = round(result.angles[k]);
        c[k] = Math.round(result.conf[k] * 100) / 100;
      }
      records.push({
        idx: tag as number,
        t: result.t,
        model: raw.model,
        inferMs: raw.inferMs,
        latencyMs: stats.latencyMs,
        seen: result.seen,
        view: result.view.view,
        yaw: Math.round(result.view.yawDeg),
        facing: result.facing,
        raw: r,
        angles: a,
        conf: c,
        variants: { ...result.variants },
        guidance: result.guidance.items.map((i) => i.code),
        lm: raw.image ? raw.image.flatMap((l) => [Math.round(l.x * 1e4) / 1e4, Math.round(l.y * 1e4) / 1e4, Math.round((l.visibility ?? 1) * 100) / 100]) : null,
        seenLm: raw.image ? raw.image.map((l) => Math.round(Math.min(l.visibility ?? 1, l.presence ?? 1) * 1000) / 1000) : null,
        wlm: raw.world ? raw.world.flatMap((l) => [Math.round(l.x * 1e4) / 1e4, Math.round(l.y * 1e4) / 1e4, Math.round(l.z * 1e4) / 1e4]) : null,
        size: [raw.width, raw.height],
        vis: raw.image ? [11, 12, 23, 24].map((i) => Math.round((raw.image![i]!.visibility ?? 1) * 100) / 100) : [],
      });
    });
    await tracker.start(video);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const durationMs = performance.now() - t0;
    const stats = { ...tracker.stats };
    tracker.stop();
    return {
      records,
      stats,
      durationMs,
      backend: stats.backend,
      workerType: backend === "main-thread" ? "-" : workerType,
      fallbackReason: stats.fallbackReason,
      modelReason: stats.modelReason,
      videoSize: [video.videoWidth, video.videoHeight],
    };
  },
};
