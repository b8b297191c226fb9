// Pose regression: plays the side-on flexion clip from ../shared/media as the fake camera through the real browser
// pipeline (app/_lib/pose worker + app/_shared/pose angle library, bundled by tests/bench/pose/harness.ts) and fails
// when the trunk-flexion mean absolute error against the per-frame ground truth exceeds 5 degrees.
// Skips with a clear message when the clips (CI keeps them beside the checkout), the installed models or
// Chromium/ffmpeg are missing. Runs its own browser (fake-camera flags are per process); ~25 s.
import { expect, test } from "@playwright/test";
import { evaluate, speed } from "../bench/pose/evaluate";
import { loadTruth, missingPrerequisite, runClip } from "../bench/pose/harness";

const CLIP = "synthetic_sagittal_flexion";

test("pose pipeline: trunk flexion MAE on the side-on clip stays within 5 degrees", async () => {
  test.setTimeout(90_000);
  const missing = missingPrerequisite([CLIP]);
  test.skip(missing !== null, missing ?? "");
  const [run] = await runClip(CLIP, [{ model: "lite", seconds: 11 }]);
  expect(run, "pipeline ran").toBeTruthy();
  expect(run!.backend, "inference runs in the Web Worker").toBe("worker");
  expect((run!.stats as { capture: string }).capture, "the worker reads the camera track itself").toBe("stream");
  expect((run!.stats as { conversion: string }).conversion, "camera frames converted from their YUV planes (yuv.ts)").toBe("yuv");
  const rows = evaluate(CLIP, loadTruth(CLIP), run!, "lite");
  const tf = rows.find((r) => r.measure === "trunk flexion")!;
  const sp = speed(run!);
  console.log(
    `trunk flexion (lite): n=${tf.n} coverage=${(tf.coverage * 100).toFixed(0)}% MAE=${tf.mae.toFixed(2)} p95=${tf.p95.toFixed(2)} ` +
      `max=${tf.max.toFixed(2)} bias=${tf.bias.toFixed(2)}; ${sp.analysedFps.toFixed(1)} analysed fps, ${sp.inferMedian.toFixed(0)} ms/frame`,
  );
  expect(tf.n, "enough analysed frames matched to the truth").toBeGreaterThan(60);
  expect(tf.coverage, "a trunk-flexion value in most frames").toBeGreaterThan(0.8);
  expect(tf.mae, "trunk flexion MAE (deg)").toBeLessThanOrEqual(5);
});
