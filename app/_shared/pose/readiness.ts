// "Is this camera and computer fast enough for measurement?" in plain words, from the pose tracker's own
// figures. The bar: at least MIN_MEASURE_HZ analysed frames a second (repetition peaks of a trunk
// movement are found reliably from about 10 Hz; the pacer aims at 15) and under MAX_DELAY_MS from capture
// to angles (tele-rehab stays usable under 300 ms, clinical reference).
export const MIN_MEASURE_HZ = 12;
export const MAX_DELAY_MS = 300;
/** frames to analyse before judging (the first ones include model warm-up) */
export const JUDGE_AFTER_FRAMES = 30;

export type Readiness =
  | { verdict: "checking"; text: string }
  | { verdict: "ready"; text: string }
  | { verdict: "slow"; text: string; advice: string }
  | { verdict: "error"; text: string; advice: string };

export function readiness(s: { state: string; analysed: number; analysedFps: number; latencyMs: number; error: string | null } | null): Readiness {
  if (!s || s.state === "idle" || s.state === "stopped") return { verdict: "checking", text: "Start the camera to check this computer." };
  if (s.state === "error" || s.error)
    return { verdict: "error", text: "The measurement could not start on this computer.", advice: "Reload the page; if it happens again, try an up-to-date Chrome, Edge or Firefox." };
  if (s.state === "loading" || s.state === "warming-up" || s.analysed < JUDGE_AFTER_FRAMES) return { verdict: "checking", text: "Checking your camera and computer…" };
  const fastEnough = s.analysedFps >= MIN_MEASURE_HZ;
  const quickEnough = s.latencyMs <= MAX_DELAY_MS;
  if (fastEnough && quickEnough) return { verdict: "ready", text: "Your camera and computer are fast enough for measurement." };
  return {
    verdict: "slow",
    text: "This computer is too slow for reliable measurement right now.",
    advice: !fastEnough
      ? "Close other programs and browser tabs, plug in the laptop's charger, and choose the Lite model."
      : "Angles arrive late: close other programs and tabs, and choose the Lite model.",
  };
}
