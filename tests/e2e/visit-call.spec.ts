// Two browsers, each with its own fake camera: the patient joins, waits, is admitted; both peers
// connect and decode frames both ways; mute / camera-off are seen; a patient reload comes back into
// the call; the therapist ends the visit and its status and times are stored.
import { chromium, type Browser, type Page } from "@playwright/test";
import { chromiumArgs } from "../../playwright.config";
import { PASSWORD } from "../support/seed";
import { expect, test, trpc } from "./fixtures";

const fakeMedia = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"];

/** Frames decoded by the page's remote <video> (grows while video flows). */
async function remoteFrames(page: Page): Promise<number> {
  return page.locator('[data-testid="remote-video"]').evaluate((v: HTMLVideoElement) => {
    const q = v.getVideoPlaybackQuality?.();
    return q?.totalVideoFrames || (v as unknown as { webkitDecodedFrameCount?: number }).webkitDecodedFrameCount || 0;
  });
}
async function expectVideoFlowing(page: Page) {
  await expect.poll(() => page.locator('[data-testid="remote-video"]').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(page);
  await expect.poll(() => remoteFrames(page), { timeout: 10_000 }).toBeGreaterThan(before + 5);
}

/** Init script: remembers every <video> a stream is given, so a test can look at those no longer on the page. */
function trackVideos() {
  const seen: HTMLVideoElement[] = ((window as unknown as { __videos: HTMLVideoElement[] }).__videos = []);
  const d = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, "srcObject")!;
  Object.defineProperty(HTMLMediaElement.prototype, "srcObject", {
    ...d,
    set(v: MediaProvider | null) {
      if (v && this instanceof HTMLVideoElement && !seen.includes(this)) seen.push(this);
      d.set!.call(this, v);
    },
  });
}

/**
 * Each page's players: a muted one (a self-view) must carry no microphone track, since even muted it would run an audio
 * renderer (a real-time thread waking 100 times a second); one that left the page must have let go of its stream.
 */
async function playerAudit(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { __videos: HTMLVideoElement[] }).__videos.map((v) => {
      const s = v.srcObject as MediaStream | null;
      return { onPage: v.isConnected, muted: v.muted, stream: !!s, audio: s?.getAudioTracks().length ?? 0, video: s?.getVideoTracks().length ?? 0 };
    }),
  );
}

let browsers: Browser[] = [];
test.afterEach(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  browsers = [];
});

test("live visit: waiting room, admit, video both ways, mute/camera seen, patient reload, end", async ({ db, clinic, baseURL }) => {
  test.setTimeout(240_000);
  const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, ...fakeMedia] });
  browsers = await Promise.all([launch(), launch()]);
  const [tb, pb] = browsers as [Browser, Browser];
  const tctx = await tb.newContext({ baseURL, permissions: ["camera", "microphone"] });
  const pctx = await pb.newContext({ baseURL, permissions: ["camera", "microphone"] });
  for (const c of [tctx, pctx]) await c.addInitScript(trackVideos);

  await trpc(tctx, baseURL!, "auth.signIn", { email: clinic.therapist.email, password: PASSWORD });
  const scheduled = await trpc(tctx, baseURL!, "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(), durationMin: 30 });
  const visitId = (scheduled.visit as { id: string }).id;
  const joinPath = scheduled.joinPath as string;

  const therapist = await tctx.newPage();
  await therapist.goto(`/visits/${visitId}/room`);
  await expect(therapist.getByTestId("room-live")).toHaveText("Waiting for the patient to join.");

  // Patient: pre-call check, name, consent, waiting room.
  const patient = await pctx.newPage();
  await patient.goto(joinPath);
  await expect(patient.getByTestId("preview")).toBeVisible({ timeout: 45_000 });
  await expect.poll(() => patient.getByTestId("preview").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await expect(patient.getByRole("meter", { name: "Microphone level" })).toBeVisible();
  await expect(patient.getByLabel("Camera", { exact: true })).toBeVisible();
  await patient.getByLabel("Your name").fill("Jane Tester");
  await patient.getByRole("button", { name: "Join the waiting room" }).click();
  await expect(patient.getByRole("alert").filter({ hasText: "Please agree" })).toBeVisible();
  await patient.getByRole("checkbox").check();
  await patient.getByRole("button", { name: "Join the waiting room" }).click();
  await expect(patient.getByTestId("patient-status")).toContainText("will admit you soon");
  await expect.poll(async () => (await db.visit.findUniqueOrThrow({ where: { id: visitId } })).status).toBe("WAITING");

  // Therapist admits.
  await expect(therapist.getByTestId("waiting-patient")).toContainText("Jane Tester is in the waiting room");
  await therapist.getByRole("button", { name: "Admit Jane Tester" }).click();
  await expect(therapist.getByTestId("visit-room")).toHaveAttribute("data-link-state", "connected", { timeout: 30_000 });
  await expect(patient.getByTestId("patient-call")).toHaveAttribute("data-link-state", "connected", { timeout: 30_000 });
  await expectVideoFlowing(therapist);
  await expectVideoFlowing(patient);
  for (const page of [patient, therapist]) {
    const players = await playerAudit(page);
    const shown = players.filter((p) => p.onPage);
    expect(shown.filter((p) => p.muted && p.video === 1 && p.audio === 0)).toHaveLength(1); // the self-view: camera only
    expect(shown.filter((p) => !p.muted && p.audio === 1)).toHaveLength(1); // the other side, with their voice
    expect(shown.filter((p) => p.muted && p.audio > 0)).toEqual([]);
    expect(players.filter((p) => !p.onPage && p.stream)).toEqual([]); // the patient's preview and waiting-room tiles let go
  }
  expect((await playerAudit(patient)).filter((p) => !p.onPage).length).toBeGreaterThanOrEqual(2);
  const row = await db.visit.findUniqueOrThrow({ where: { id: visitId } });
  expect(row.status).toBe("IN_PROGRESS");
  expect(row.startedAt).not.toBeNull();
  expect(row.patientName).toBe("Jane Tester");
  expect(row.consentAt).not.toBeNull();
  // The quality indicator reads getStats().
  await expect.poll(() => therapist.getByTestId("quality").getAttribute("data-frames").then(Number), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(therapist.getByTestId("quality")).not.toHaveAttribute("data-level", "unknown");
  // ... and judges the frame rate against what the patient says it sends (announced over the relay from its outbound stats)
  await expect.poll(() => therapist.getByTestId("quality").getAttribute("data-sent-fps").then(Number), { timeout: 15_000 }).toBeGreaterThan(0);

  // Mute and camera off are seen by the other side (both directions).
  await patient.getByRole("button", { name: "Mute" }).click();
  await patient.getByRole("button", { name: "Turn camera off" }).click();
  await expect(therapist.getByTestId("patient-muted")).toBeVisible();
  await expect(therapist.getByTestId("patient-camera-off")).toBeVisible();
  await expect(therapist.getByText("The patient's camera is off")).toBeVisible();
  await patient.getByRole("button", { name: "Unmute" }).click();
  await patient.getByRole("button", { name: "Turn camera on" }).click();
  await expect(therapist.getByTestId("patient-muted")).toBeHidden();
  await expect(therapist.getByTestId("patient-camera-off")).toBeHidden();
  await therapist.getByRole("button", { name: "Mute" }).click();
  await expect(patient.getByText("Therapist muted")).toBeVisible();
  await therapist.getByRole("button", { name: "Unmute" }).click();

  // The patient reloads: back in the call without doing anything.
  await patient.reload();
  await expect(patient.getByTestId("patient-call")).toHaveAttribute("data-link-state", "connected", { timeout: 30_000 });
  await expect(therapist.getByTestId("visit-room")).toHaveAttribute("data-link-state", "connected", { timeout: 30_000 });
  await expectVideoFlowing(therapist);
  await expectVideoFlowing(patient);
  expect((await db.visit.findUniqueOrThrow({ where: { id: visitId } })).status).toBe("IN_PROGRESS");

  // End the visit.
  await therapist.getByRole("button", { name: "End visit" }).click();
  await therapist.getByRole("button", { name: "Yes, end visit" }).click();
  await expect(patient.getByText("Your visit has ended")).toBeVisible();
  await expect(therapist.getByText("This visit has ended")).toBeVisible();
  const ended = await db.visit.findUniqueOrThrow({ where: { id: visitId } });
  expect(ended.status).toBe("ENDED");
  expect(ended.startedAt).not.toBeNull();
  expect(ended.endedAt!.getTime()).toBeGreaterThanOrEqual(ended.startedAt!.getTime());
  // The link no longer works.
  await patient.goto(joinPath);
  await expect(patient.getByText("This visit has ended. Thank you!")).toBeVisible();
});

test("join page explains a link that is not valid", async ({ page }) => {
  await page.goto("/join/" + "x".repeat(43));
  await expect(page.getByText("This visit link is not valid")).toBeVisible();
});

