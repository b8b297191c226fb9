// Browser side of bench:exercises (bundled by tests/bench/exercises.ts). The REAL patient pipeline on Chromium's fake
// camera (app/_lib/pose PoseTracker + pose worker + MediaPipe), and on every analysed frame the exercise engine's live
// ExerciseSession, exactly as the patient's screen runs it. The count is written into the page and the moment it is
// painted (the next animation frame after the change) is recorded with the frame index of the frame that changed it,
// so the bench can measure the delay from a repetition's end in the clip to the count on the screen.
import { PoseTracker, type TrackerOptions } from "@/app/_lib/pose/tracker";
import { ExerciseSession, type SessionOptions } from "@/app/_shared/exercises/summary";
import type { PoseSample } from "@/app/_shared/pose/sample";
import { decodeIndex } from "../pose/frame-code";

export interface ExFrame {
  idx: number;
  /** capture time, page-clock ms (performance.now()) */
  t: number;
  latencyMs: number;
  /** null when the pipeline saw no body (no sample: nothing is recorded or counted) */
  sample: PoseSample | null;
}
export interface CountChange {
  /** which live set (a loop of the clip) */
  set: number;
  idx: number;
  t: number;
  total: number;
  side: string | null;
  /** page-clock ms (as t) at which the new count was painted */
  paintedAt: number;
  /** page-clock ms at which the engine produced it (the result reached the page) */
  countedAt: number;
}
export interface ExRun {
  frames: ExFrame[];
  changes: CountChange[];
  durationMs: number;
  videoSize: [number, number];
  stats: unknown;
}

declare global {
  interface Window {
    exBench: { ready: Promise<void>; run(o: { seconds: number; exercise: string; dose: unknown; session: SessionOptions; model: "lite" | "full" }): Promise<ExRun> };
  }
}

let video: HTMLVideoElement;
const countEl = document.createElement("div");
countEl.style.font = "bold 96px sans-serif";
/** the page's clock, the one result.t (capture time) is on */
const now = () => performance.now();

async function setup() {
  document.body.append(countEl);
  video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 } });
  await video.play();
}

window.exBench = {
  ready: setup(),
  async run({ seconds, exercise, dose, session, model }) {
    await window.exBench.ready;
    const frames: ExFrame[] = [];
    const changes: CountChange[] = [];
    let set = 0;
    let lastIdx = -1;
    let live = new ExerciseSession(exercise, dose, session);
    const opts: Partial<TrackerOptions> = {
      model,
      backend: "worker",
      createWorker: () => new Worker("/bench/pose.worker.classic.js", { name: "pose" }),
      onCapture: decodeIndex,
      processor: { guidance: {} },
      rememberModel: false,
    };
    const tracker = new PoseTracker(opts);
    tracker.subscribe(({ result, stats, tag }) => {
      const idx = tag as number;
      // the fake camera loops the clip: each pass is one set, counted by a fresh session
      if (lastIdx >= 0 && idx < lastIdx - 30) {
        set++;
        live = new ExerciseSession(exercise, dose, session);
        countEl.textContent = "0";
      }
      lastIdx = idx;
      frames.push({ idx, t: result.t, latencyMs: stats.latencyMs, sample: result.sample });
      if (!result.sample) return;
      for (const e of live.pushSample(result.sample)) {
        if (e.type !== "rep-counted") continue;
        const countedAt = now();
        countEl.textContent = String(e.total);
        const change = { set, idx, t: result.t, total: e.total, side: e.side, countedAt, paintedAt: NaN };
        changes.push(change);
        requestAnimationFrame(() => (change.paintedAt = now()));
      }
    });
    await tracker.start(video);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const durationMs = performance.now() - t0;
    const stats = { ...tracker.stats };
    tracker.stop();
    return { frames, changes, durationMs, videoSize: [video.videoWidth, video.videoHeight], stats };
  },
};
