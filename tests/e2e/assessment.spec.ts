// The core workflow end to end: the patient's fake camera plays the shared sagittal flexion sweep
// (known per-frame truth); the therapist runs a trunk-flexion assessment in the visit; angles stream
// live; the trial is saved through tRPC and its stored peak matches the clip's ground truth; the
// review page shows it and its CSV has one row per stored sample. The patient's network is cut in
// the middle of the trial and restored: every sample reaches the database exactly once.
import { decodeChunk } from "../../app/_shared/recording/codec";
import { ensureY4m, loadTruth, missingPrerequisite } from "../bench/pose/harness";
import { expect, test } from "./fixtures";
import { useLiveVisit } from "./live-visit";

const CLIP = "synthetic_sagittal_flexion";

// No screenshots in the trace: Playwright records them by screencasting every page of every browser
// the test launches, which re-encodes the page at each new video frame. With the camera self-view
// and the remote video on screen, the two browsers' GPU processes (nice -8) then took ~0.9 of the 2
// cores and starved the patient's pose worker: 3-4 analysed frames/s instead of ~14 (lite ~60 ms per
// frame instead of ~200). DOM snapshots are still kept for failures.
test.use({ trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true } });

// The therapist joins without a camera (receive-only): two video encoders plus pose inference on a 2-core test
// machine would starve the patient's pose worker (live-visit.ts).
const openVisit = useLiveVisit();

test("guided trunk-flexion assessment: live angles, loss-free saving across a network cut, peak vs ground truth, review and CSV", async ({ db, clinic, baseURL }) => {
  test.setTimeout(300_000);
  const missing = missingPrerequisite([CLIP]);
  test.skip(!!missing && !process.env.CI, missing ?? "");
  if (missing) throw new Error(missing);
  const truth = loadTruth(CLIP)!;
  const truthPeak = Math.max(...truth.frames.map((f) => Number(f.trunkFlexionDeg)));
  const y4m = ensureY4m(CLIP, 15);

  const { therapist, patient, pctx, visitId } = await openVisit({
    clinic, baseURL: baseURL!, y4m, patientName: "Sam Sweep", therapistContext: { acceptDownloads: true },
    // keep the patient page's peer connections reachable, to read its video sender's parameters
    preparePatient: (c) =>
      c.addInitScript(() => {
        const PC = window.RTCPeerConnection;
        const all: RTCPeerConnection[] = ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = []);
        window.RTCPeerConnection = class extends PC {
          constructor(...a: ConstructorParameters<typeof RTCPeerConnection>) {
            super(...a);
            all.push(this);
          }
        };
      }),
  });
  /** the patient's video sender: its encoding's frame-rate cap and scale, and the self-view's frame rate */
  const patientVideo = () =>
    patient.evaluate(() => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState === "connected");
      const sender = pcs.at(-1)?.getSenders().find((x) => x.track?.kind === "video");
      const e = sender?.getParameters().encodings[0];
      const self = document.querySelector<HTMLVideoElement>('video[aria-label="Your camera, as the measurement sees it"]');
      const selfTrack = self?.srcObject instanceof MediaStream ? self.srcObject.getVideoTracks()[0] : undefined;
      return { maxFramerate: e?.maxFramerate ?? null, scale: e?.scaleResolutionDownBy ?? null, selfViewFps: selfTrack?.getSettings().frameRate ?? null };
    });

  // the patient's video sender and self-view before any trial: no cap
  const before = await patientVideo();
  expect(before.maxFramerate === null || before.maxFramerate > 20, `no cap before the trial (${JSON.stringify(before)})`).toBe(true);

  // The therapist starts a trunk-flexion trial; the patient gets instructions and the framing check.
  await therapist.getByLabel("Protocol").selectOption("trunk-flexion");
  await therapist.getByRole("button", { name: "Start assessment" }).click();
  await expect(patient.getByRole("region", { name: "Movement assessment" })).toContainText("Trunk flexion (bend forward)");
  // One picture of themselves at a time: the assessment's self-view replaces the corner picture.
  await expect(patient.getByLabel("Your camera, as the measurement sees it")).toBeVisible();
  await expect(patient.getByTestId("local-video")).toHaveCount(0);
  const patientSkeleton = patient.getByRole("region", { name: "Movement assessment" }).locator("canvas");
  await expect(patientSkeleton).toHaveCount(1); // framing and countdown: the skeleton shows what the camera sees
  await expect(therapist.getByTestId("assessment-phase")).toHaveText("Recording", { timeout: 60_000 }).catch(async (e) => {
    await patient.screenshot({ path: "tests/.tmp/assessment-patient.png" });
    throw e;
  });
  // While recording the patient sees the camera alone (the therapist has the skeleton; the CPU goes to measuring).
  await expect(patientSkeleton).toHaveCount(0);
  // ... the measurement has priority: the patient's video to the therapist is capped at 20 fps (>= 15 kept) and the
  // self-view shows the camera at 5 fps (the pose worker reads the camera itself)
  await expect.poll(async () => (await patientVideo()).maxFramerate, { timeout: 10_000 }).toBe(20);
  await expect.poll(async () => (await patientVideo()).selfViewFps, { timeout: 10_000 }).toBeLessThanOrEqual(5);
  await expect(patient.getByLabel("Your camera, as the measurement sees it")).toBeVisible();

  // Angles change on the therapist's screen while the clip bends forward and back.
  const seen = new Set<string>();
  await expect.poll(async () => {
    seen.add((await therapist.getByTestId("live-angle").textContent()) ?? "");
    return seen.size;
  }, { timeout: 30_000, intervals: [300] }).toBeGreaterThan(5);
  // The live 10 s chart (a canvas) names the latest angle and draws the line in the brand colour (#0f6f66).
  const liveChart = therapist.getByRole("img", { name: /last 10 s, latest -?\d+ degrees/ });
  await expect(liveChart).toBeVisible();
  const linePixels = () =>
    liveChart.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 0x0f) < 12 && Math.abs(d[i + 1]! - 0x6f) < 12 && Math.abs(d[i + 2]! - 0x66) < 12 && d[i + 3]! > 200) n++;
      return n;
    });
  await expect.poll(linePixels, { timeout: 10_000 }).toBeGreaterThan(200);

  // Cut the patient's network for a few seconds in the middle of the trial, then restore it.
  await patient.waitForTimeout(4000);
  await pctx.setOffline(true);
  await patient.waitForTimeout(5000);
  await pctx.setOffline(false);

  // Camera off: nothing the camera sees is analysed or sent on; back on, the angles flow again.
  await patient.waitForTimeout(3000);
  const liveCount = () => therapist.evaluate(() => (window as unknown as { __pvLive?: { n: number } }).__pvLive?.n ?? 0);
  await patient.getByRole("button", { name: "Turn camera off" }).click();
  await patient.waitForTimeout(1500); // what was already on its way
  const whileOff = await liveCount();
  await patient.waitForTimeout(2500);
  expect(await liveCount(), "no live angles while the patient's camera is off").toBe(whileOff);
  await patient.getByRole("button", { name: "Turn camera on" }).click();
  await expect.poll(liveCount, { timeout: 15_000 }).toBeGreaterThan(whileOff + 10);

  // Record at least one full loop of the clip (10 s) after the cut, then stop.
  await patient.waitForTimeout(10_000);
  await therapist.getByRole("button", { name: "Stop and save" }).click({ timeout: 60_000 }).catch(async (e) => {
    await patient.screenshot({ path: "tests/.tmp/assessment-patient.png", fullPage: true });
    await therapist.screenshot({ path: "tests/.tmp/assessment-therapist.png", fullPage: true });
    throw e;
  });
  await expect(therapist.getByTestId("trial-saved")).toBeVisible({ timeout: 60_000 });
  await expect(patient.getByText("Saved. Thank you!")).toBeVisible();
  // the trial is over: the sender is as it was, the self-view at the camera's rate
  await expect.poll(async () => (await patientVideo()).maxFramerate, { timeout: 10_000 }).toBe(before.maxFramerate);
  await expect.poll(async () => (await patientVideo()).selfViewFps ?? 0, { timeout: 10_000 }).toBeGreaterThan(5);

  const trial = await db.assessmentTrial.findFirstOrThrow({ where: { visitId }, orderBy: { startedAt: "desc" } });
  expect(trial.status).toBe("COMPLETED");
  const chunks = await db.angleSampleChunk.findMany({ where: { trialId: trial.id }, orderBy: { seq: "asc" } });
  // exactly once: contiguous sequence numbers, no sample twice, time strictly increasing
  expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  const samples = chunks.flatMap((c) => decodeChunk(new Uint8Array(c.samples), c.format));
  expect(samples.length).toBe(chunks.reduce((a, c) => a + c.sampleCount, 0));
  for (let i = 1; i < samples.length; i++) expect(samples[i]!.t).toBeGreaterThan(samples[i - 1]!.t);
  // The recording starts on a running stream (the model chosen during framing): its first second has samples,
  // at least the trial's own floor rate checked below.
  const firstSecond = samples.filter((s) => s.t < 1000).length;
  console.log(`first recorded second: ${firstSecond} samples`);
  expect(firstSecond, "samples in the first recorded second").toBeGreaterThanOrEqual(4);
  // the patient's recorder counted what it sent; all of it is stored
  const summary = trial.summary as { bestDeg: number; sampleCount: number; reps: unknown[]; durationMs: number };
  console.log(`stored ${samples.length} samples over ${(summary.durationMs / 1000).toFixed(1)} s in ${chunks.length} chunks; best ${summary.bestDeg}° vs truth ${truthPeak}°`);
  expect(summary.sampleCount).toBe(samples.length);
  // Two browsers, a WebRTC call and pose inference share the 2 test cores: ~14 analysed frames/s of the
  // 15 fps clip here (npm run bench:stream); below 4 the browsers are starved (see test.use above).
  expect(summary.durationMs).toBeGreaterThan(20_000);
  expect(samples.length / (summary.durationMs / 1000)).toBeGreaterThan(4);
  expect(Math.abs(summary.bestDeg - truthPeak)).toBeLessThanOrEqual(5);

  // Review: the trial page shows it, its chart, and the CSV has one row per stored sample.
  await therapist.goto(`/trials/${trial.id}`);
  await expect(therapist.getByTestId("best-rom")).toContainText(String(Math.round(summary.bestDeg)).slice(0, 1));
  await expect(therapist.getByRole("img", { name: /Trunk flexion/ })).toBeVisible();
  const [download] = await Promise.all([therapist.waitForEvent("download"), therapist.getByRole("button", { name: /Download CSV/ }).click()]);
  const text = Buffer.concat(await (await download.createReadStream()).toArray()).toString("utf8");
  expect(text.trim().split("\r\n").length - 1).toBe(samples.length);
});
