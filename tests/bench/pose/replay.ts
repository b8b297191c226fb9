// Re-analyses a stored benchmark run with the CURRENT pose maths, without a browser: every analysed frame of the run
// (its landmarks, capture time and frame index, as the live pipeline got them from PoseLandmarker) goes through a fresh
// PoseProcessor. `npm run bench:accuracy -- --replay` uses it to try a change to app/_shared/pose in seconds; the
// figures that count are still the live runs (the replay sees the landmarks rounded to 1e-4 of the frame).
import { type PoseFrame, type Landmark, LANDMARK_COUNT } from "@/app/_shared/pose/landmarks";
import { MEASURES } from "@/app/_shared/pose/measures";
import { PoseProcessor, type ProcessorOptions } from "@/app/_shared/pose/processor";
import type { BenchRecord, BenchRun } from "./page";

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export function recordFrame(r: BenchRecord, fallbackSize: [number, number]): PoseFrame {
  const [width, height] = r.size ?? fallbackSize;
  let image: Landmark[] | null = null;
  let world: Landmark[] | null = null;
  if (r.lm) {
    image = [];
    for (let i = 0; i < LANDMARK_COUNT; i++) image.push({ x: r.lm[3 * i]!, y: r.lm[3 * i + 1]!, z: 0, visibility: r.seenLm?.[i] ?? r.lm[3 * i + 2]! });
  }
  if (r.wlm) {
    world = [];
    for (let i = 0; i < LANDMARK_COUNT; i++) world.push({ x: r.wlm[3 * i]!, y: r.wlm[3 * i + 1]!, z: r.wlm[3 * i + 2]!, visibility: r.seenLm?.[i] ?? 1 });
  }
  return { t: r.t, width, height, image, world, model: r.model };
}

/** The run as the current PoseProcessor would have produced it (speed fields kept from the live run). */
export function replayRun(run: BenchRun, options: Partial<ProcessorOptions> = {}): BenchRun {
  const proc = new PoseProcessor({ guidance: {}, ...options });
  const records = run.records.map((r): BenchRecord => {
    const res = proc.process(recordFrame(r, run.videoSize));
    const raw: Record<string, number | null> = {}, angles: Record<string, number | null> = {}, conf: Record<string, number> = {};
    for (const k of MEASURES) {
      raw[k] = round(res.raw[k]);
      angles[k] = round(res.angles[k]);
      conf[k] = Math.round(res.conf[k] * 100) / 100;
    }
    return {
      ...r,
      seen: res.seen,
      view: res.view.view,
      yaw: Math.round(res.view.yawDeg),
      facing: res.facing,
      raw,
      angles,
      conf,
      variants: { ...res.variants },
      guidance: res.guidance.items.map((i) => i.code),
    };
  });
  return { ...run, records };
}
