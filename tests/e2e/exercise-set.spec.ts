// A guided exercise set end to end: the patient's fake camera plays the project's synthetic squat clip (4 full
// squats and 2 partial ones per 16.8 s loop, tests/media/exercises/squat_good.truth.json); the therapist starts a
// squat set in the visit; the patient's browser counts on every analysed frame and both screens show the count
// rising; the patient's network is cut during the set and restored; the therapist marks a repetition as not counted;
// the saved set holds the server's automatic count (equal to what the patient's screen showed: same code on the same
// stored samples) beside the corrected one; every sample is stored once; the review page shows both counts. The
// visit room and the patient's screen fit a 1366×768 and a 1440×900 screen without scrolling (screenshots under
// /tmp/ex-visit/).
import fs from "node:fs";
import path from "node:path";
import { decodeChunk } from "../../app/_shared/recording/codec";
import { expect, test } from "./fixtures";
import { fitsWithoutScrolling, useLiveVisit, y4mOf } from "./live-visit";

const CLIP = path.resolve("tests/media/exercises/squat_good.mp4");
const TRUTH = JSON.parse(fs.readFileSync(CLIP.replace(/\.mp4$/, ".truth.json"), "utf8")) as { description: string; events?: unknown };
/** Full squats per loop of the clip (its truth: 4 full, 2 partial that must not count). */
const TRUTH_REPS = 4;
const SHOTS = "/tmp/ex-visit";

test.use({ trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true } });
const openVisit = useLiveVisit();

test("exercise set: live count on both screens, a network cut loses nothing, correction kept beside the automatic count, review", async ({ db, clinic, baseURL }) => {
  test.setTimeout(580_000);
  expect(TRUTH.description).toMatch(/4 full reps/);
  fs.mkdirSync(SHOTS, { recursive: true });
  const { therapist, patient, pctx, visitId } = await openVisit({ clinic, baseURL: baseURL!, y4m: y4mOf(CLIP), patientName: "Sam Squat", viewport: { width: 1440, height: 900 } });

  // The assessment tab fits too (the angle read-out and chart beside the video, nothing below the fold).
  for (const size of [{ width: 1366, height: 768 }, { width: 1440, height: 900 }]) {
    await therapist.setViewportSize(size);
    await fitsWithoutScrolling(therapist, ["remote-video", "live-panel", "local-video"]);
  }

  // The therapist picks the squat (search, grouped picker) at 4 repetitions and starts the set.
  await therapist.getByTestId("tab-exercise").click();
  await therapist.getByTestId("exercise-search").fill("squat");
  await therapist.getByTestId("exercise-select").selectOption("squat");
  await therapist.getByTestId("dose-reps").fill(String(TRUTH_REPS));
  await therapist.getByTestId("start-set").click();
  const player = patient.getByTestId("exercise-player");
  await expect(player).toBeVisible();
  await expect(player).toContainText("Squat");
  await expect(patient.getByTestId("exercise-demo")).toBeVisible();
  await expect(patient.getByTestId("exercise-framing")).toBeVisible();
  // framing check, countdown, then the set
  await expect(player).toHaveAttribute("data-phase", "active", { timeout: 240_000 }).catch(async (e) => {
    await patient.screenshot({ path: `${SHOTS}/fail-patient.png` });
    throw e;
  });
  await expect(therapist.getByTestId("exercise-phase")).toHaveText("Set running");
  const set = await db.assessmentTrial.findFirstOrThrow({ where: { visitId, kind: "exercise" }, orderBy: { startedAt: "desc" } });
  // Chunks stored over HTTP (tRPC); the rest went over the visit's socket (recording:chunk).
  let httpChunks = 0;
  patient.on("requestfinished", (r) => {
    if (r.url().includes("uploadChunk")) void r.response().then((res) => res?.ok() && (httpChunks += (r.url().match(/uploadChunk/g) ?? []).length));
  });

  // Both screens count: the patient's at once, the therapist's over the relay.
  const patientCount = async () => Number(await player.getAttribute("data-count"));
  const therapistCount = async () => Number((await therapist.getByTestId("overlay-count").textContent())?.match(/^\d+/)?.[0] ?? -1);
  await expect.poll(patientCount, { timeout: 60_000, intervals: [250] }).toBeGreaterThanOrEqual(1);
  await expect.poll(therapistCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

  // The therapist of these specs has no camera or microphone (receive-only): the patient is told so, not "Connecting
  // video…" for the whole visit.
  await expect(patient.getByTestId("therapist-tile")).toContainText("Your therapist's camera is off");
  await expect(patient.getByTestId("therapist-tile")).not.toContainText("Connecting video");

  // Screens at both sizes, both roles, during the set: nothing scrolls, video and live panel together.
  for (const size of [{ width: 1366, height: 768 }, { width: 1440, height: 900 }]) {
    await therapist.setViewportSize(size);
    await patient.setViewportSize(size);
    await therapist.waitForTimeout(300);
    await therapist.screenshot({ path: `${SHOTS}/therapist-${size.width}x${size.height}.png` });
    await patient.screenshot({ path: `${SHOTS}/patient-${size.width}x${size.height}.png` });
    await fitsWithoutScrolling(therapist, ["remote-video", "exercise-overlay", "exercise-readout", "count-correction", "stop-set"]);
    await fitsWithoutScrolling(patient, ["exercise-player", "exercise-count"]);
  }

  // Cut the patient's network during the set, then restore it: counting goes on in the patient's browser.
  await pctx.setOffline(true);
  await patient.waitForTimeout(5000);
  await pctx.setOffline(false);

  // The count rises to the clip's repetitions on both screens (one loop of the clip holds 4 full squats).
  await expect.poll(patientCount, { timeout: 150_000, intervals: [500] }).toBeGreaterThanOrEqual(TRUTH_REPS);
  await expect(patient.getByTestId("exercise-complete")).toBeVisible();
  await expect.poll(async () => (await therapistCount()) >= TRUTH_REPS, { timeout: 30_000 }).toBe(true);
  await expect(therapist.getByTestId("set-target-reached")).toBeVisible();

  // The therapist marks repetition 2 as not counted (kept beside the automatic count).
  await therapist.getByTestId("rep-2").click();
  await expect(therapist.getByTestId("rep-2")).toHaveAttribute("aria-pressed", "true");
  await therapist.getByTestId("stop-set").click();
  await expect(player).toHaveAttribute("data-phase", "saved", { timeout: 60_000 });
  const shown = await patientCount();
  const recorded = Number(await player.getAttribute("data-samples"));
  console.log(`patient's screen: ${shown} counted from ${recorded} recorded samples (clip truth ${TRUTH_REPS} per loop)`);

  // Saved: every sample once, in order; the server's count from the stored samples equals the patient's live count.
  await expect.poll(async () => (await db.assessmentTrial.findUniqueOrThrow({ where: { id: set.id } })).status, { timeout: 30_000 }).toBe("COMPLETED");
  const chunks = await db.angleSampleChunk.findMany({ where: { trialId: set.id }, orderBy: { seq: "asc" } });
  expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  const samples = chunks.flatMap((c) => decodeChunk(new Uint8Array(c.samples), c.format));
  for (let i = 1; i < samples.length; i++) expect(samples[i]!.t).toBeGreaterThan(samples[i - 1]!.t);
  expect(samples.length).toBe(recorded);
  // While the socket was up the chunks rode it; only those of the cut (and its reconnect) may have gone over tRPC.
  console.log(`chunks: ${chunks.length} stored, ${httpChunks} of them over HTTP`);
  expect(httpChunks).toBeLessThan(chunks.length / 2);
  await expect.poll(async () => (await db.assessmentTrial.findUniqueOrThrow({ where: { id: set.id } })).correctedCount, { timeout: 15_000 }).toBe(shown - 1);
  const row = await db.assessmentTrial.findUniqueOrThrow({ where: { id: set.id } });
  expect(row.automaticCount).toBe(shown);
  expect(row.corrections).toEqual([{ action: "remove", rep: 2 }]);
  await expect(therapist.getByTestId("set-saved")).toContainText(`${shown} counted, ${shown - 1} after your correction`, { timeout: 15_000 });

  // After the set: pain, effort, a note; a rest timer runs.
  await expect(therapist.getByTestId("rest-timer")).toBeVisible();
  await therapist.getByTestId("after-set").getByRole("radio", { name: /^3 out of 10/ }).check({ force: true });
  await therapist.getByRole("button", { name: "Effort 5: somewhat hard" }).click();
  await therapist.getByTestId("set-note").fill("second squat too shallow");
  await therapist.getByTestId("save-set-notes").click();
  await expect.poll(async () => (await db.assessmentTrial.findUniqueOrThrow({ where: { id: set.id } })).effort, { timeout: 15_000 }).toBe(5);
  expect((await db.assessmentTrial.findUniqueOrThrow({ where: { id: set.id } })).painDuring).toBe(3);

  // Review: the set page shows both counts and the corrections; the visit page lists it.
  await therapist.goto(`/sets/${set.id}`);
  await expect(therapist.getByTestId("set-automatic")).toHaveText(String(shown));
  await expect(therapist.getByTestId("set-corrected")).toHaveText(String(shown - 1));
  await expect(therapist.getByTestId("set-corrections")).toContainText("repetition 2 not counted");
  await expect(therapist.getByRole("img", { name: /Knee flexion/ })).toBeVisible();
  await therapist.screenshot({ path: `${SHOTS}/set-review.png`, fullPage: true });
  await therapist.goto(`/visits/${visitId}`);
  await expect(therapist.getByTestId("set-row")).toContainText("Squat, set 1");
});
