// /lab in the production build: a therapist starts the camera and the pose engine runs in the Web Worker (as bundled by
// Next's Turbopack) under the app's real CSP, drawing a skeleton and live angles. With the shared clips available the
// camera plays the side-on flexion clip (a trunk-flexion value must appear); without them Chromium's synthetic camera
// (no person) is used and the "step into the picture" guidance must appear.
import { type Browser, chromium } from "@playwright/test";
import { chromiumArgs } from "../../playwright.config";
import { ensureY4m, missingPrerequisite } from "../bench/pose/harness";
import { expect, test } from "./fixtures";

const CLIP = "synthetic_sagittal_flexion";
let browser: Browser | null = null;
test.afterEach(async () => {
  await browser?.close();
  browser = null;
});

test("pose lab: the pose worker runs under the app's CSP and shows live angles", async ({ clinic, signIn, baseURL }) => {
  test.setTimeout(150_000);
  const missing = missingPrerequisite([CLIP]);
  if (missing) console.log(`pose-lab: ${missing}; using Chromium's synthetic camera instead`);
  const camera = missing ? [] : [`--use-file-for-fake-video-capture=${ensureY4m(CLIP)}`];
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...chromiumArgs, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", ...camera],
  });
  const ctx = await browser.newContext({ baseURL, permissions: ["camera"] });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text()) && !/googleapis/.test(m.text())) problems.push(m.text());
  });

  await signIn(page, clinic.therapist.email);
  await page.goto("/lab");
  await page.getByRole("button", { name: "Start camera" }).click();
  await page.getByRole("button", { name: /Show technical details/ }).click();
  const stats = page.getByTestId("pose-stats");
  await expect(stats).toContainText("Web Worker", { timeout: 90_000 });
  await expect(stats).not.toContainText("main thread");
  if (!missing) await expect(stats, "camera frames are converted from their YUV planes").toContainText("YUV → RGBA");
  if (missing) {
    await expect(page.locator('[data-guidance="no-person"]')).toBeVisible({ timeout: 30_000 });
  } else {
    await expect
      .poll(async () => (await page.locator('[data-measure="trunkFlexion"] td').nth(1).textContent())?.trim(), { timeout: 30_000 })
      .toMatch(/^[+−]\d+\.\d°$/);
  }
  await expect.poll(async () => Number((await stats.locator("dd").first().textContent())?.split(" ")[0]), { timeout: 20_000 }).toBeGreaterThan(3);
  expect(problems, problems.join("\n")).toEqual([]);
});

test("pose lab is for therapists only", async ({ clinic, signIn, page }) => {
  await signIn(page, clinic.clinician.email);
  await page.goto("/lab");
  await expect(page.getByText("Therapists only")).toBeVisible();
});
