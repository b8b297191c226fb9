// The two-browser set-up of the live-visit specs (assessment, exercise set, exercise plan): a therapist's browser
// (no camera of its own: receive-only, so two video encoders and pose inference do not starve the patient's pose
// worker on a small test machine) and a patient's browser whose fake camera plays a clip; the therapist schedules a
// visit, opens the room, the patient joins through the visit link and is admitted, and the call connects. Plus the
// layout check those specs share (the page does not scroll and the given parts lie inside the window) and the clip
// conversion for the fake camera.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import { chromiumArgs } from "../../playwright.config";
import { PASSWORD, type SeededClinic } from "../support/seed";
import { expect, test, trpc } from "./fixtures";

export type LiveVisit = { therapist: Page; patient: Page; tctx: BrowserContext; pctx: BrowserContext; visitId: string; joinPath: string };
export type LiveVisitOptions = {
  clinic: SeededClinic;
  baseURL: string;
  /** the patient's fake camera: a .y4m file */
  y4m: string;
  /** the name the patient gives in the waiting room */
  patientName: string;
  /** both windows' size (Playwright's default otherwise) */
  viewport?: { width: number; height: number };
  therapistContext?: BrowserContextOptions;
  /** runs on the patient's context before its page opens (init scripts) */
  preparePatient?: (pctx: BrowserContext) => Promise<unknown>;
};

/**
 * Call once at the top of a spec: returns `open`, which launches the two browsers and brings the call up; the browsers
 * are closed after each test.
 */
export function useLiveVisit() {
  let browsers: Browser[] = [];
  test.afterEach(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });
  return async function open(o: LiveVisitOptions): Promise<LiveVisit> {
    const exe = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    const [tb, pb] = await Promise.all([
      chromium.launch({ executablePath: exe, args: [...chromiumArgs, "--use-fake-ui-for-media-stream"] }),
      chromium.launch({ executablePath: exe, args: [...chromiumArgs, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${o.y4m}`] }),
    ]);
    browsers = [tb, pb];
    const size = o.viewport ? { viewport: o.viewport } : {};
    const tctx = await tb.newContext({ baseURL: o.baseURL, permissions: ["camera", "microphone"], ...size, ...o.therapistContext });
    const pctx = await pb.newContext({ baseURL: o.baseURL, permissions: ["camera", "microphone"], ...size });
    await o.preparePatient?.(pctx);
    await trpc(tctx, o.baseURL, "auth.signIn", { email: o.clinic.therapist.email, password: PASSWORD });
    const scheduled = await trpc(tctx, o.baseURL, "visits.schedule", { patientId: o.clinic.patient.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString() });
    const visitId = (scheduled.visit as { id: string }).id;
    const joinPath = scheduled.joinPath as string;

    const therapist = await tctx.newPage();
    await therapist.goto(`/visits/${visitId}/room`);
    const patient = await pctx.newPage();
    if (process.env.E2E_DEBUG) patient.on("console", (m) => console.log(`[patient] ${m.type()}: ${m.text()}`));
    await patient.goto(joinPath);
    await patient.getByLabel("Your name").fill(o.patientName);
    await patient.getByRole("checkbox").check();
    await patient.getByRole("button", { name: "Join the waiting room" }).click();
    await therapist.getByRole("button", { name: `Admit ${o.patientName}` }).click();
    await expect(therapist.getByTestId("visit-room")).toHaveAttribute("data-link-state", "connected", { timeout: 30_000 });
    return { therapist, patient, tctx, pctx, visitId, joinPath };
  };
}

/** A clip (.mp4) as the raw .y4m file Chromium's fake camera plays, at `fps`; converted once (again when the clip changes). */
export function y4mOf(clip: string, fps = 15): string {
  const out = path.resolve(`tests/.tmp/${path.basename(clip, ".mp4")}.${fps}fps.y4m`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(clip).mtimeMs) {
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", clip, "-vf", `fps=${fps}`, "-pix_fmt", "yuv420p", `${out}.tmp.y4m`]);
    fs.renameSync(`${out}.tmp.y4m`, out);
  }
  return out;
}

/** The page does not scroll and the given parts lie inside the window. */
export async function fitsWithoutScrolling(page: Page, testIds: string[]) {
  const r = await page.evaluate((ids) => {
    const vw = innerWidth, vh = innerHeight;
    const boxes = ids.map((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      const b = el?.getBoundingClientRect();
      return { id, found: !!b, inside: !!b && b.width > 0 && b.top >= -1 && b.left >= -1 && b.bottom <= vh + 1 && b.right <= vw + 1, box: b ? [b.left, b.top, b.right, b.bottom].map(Math.round) : null };
    });
    return { scroll: document.documentElement.scrollHeight - vh, boxes };
  }, testIds);
  expect(r.scroll, `page scrolls by ${r.scroll}px`).toBeLessThanOrEqual(1);
  for (const b of r.boxes) expect(b.inside, `${b.id} inside the window: ${JSON.stringify(b)}`).toBe(true);
}
