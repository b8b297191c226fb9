// Issue 17 part A in the browser, on its own server with a real SMTP server on loopback: the therapist starts an
// episode and sends the intake link (the email arrives at the test's SMTP server), the patient opens the link from
// the email, answers an emergency red flag and sees the emergency advice, the therapist's dashboard shows the alert
// live, and starting an assessment for that episode's visit is refused until the therapist records a decision.
// Screenshots (1366×768, 1440×900, phone 390×844) go to /tmp/care-intake/.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { RED_FLAG_QUESTIONS } from "../../app/_shared/care/red-flags";
import { createDb, type Db } from "../../server/db/client";
import { PASSWORD, seedClinic } from "../support/seed";
import { startSmtp, type TestSmtp } from "../support/smtp";

const SHOTS = "/tmp/care-intake";
fs.mkdirSync(SHOTS, { recursive: true });
const PORT = Number(process.env.CARE_E2E_PORT ?? 3352);

type Env = { base: string; db: Db; smtp: TestSmtp };
const test = base.extend<object, { careEnv: Env }>({
  careEnv: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const smtp = await startSmtp();
      const tmp = path.resolve("tests/.tmp");
      fs.mkdirSync(tmp, { recursive: true });
      const dbUrl = `file:${tmp}/e2e-care-${PORT}.db`;
      const server: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), ["tests/support/e2e-server.ts"], {
        env: { ...process.env, E2E_PORT: String(PORT), E2E_DATABASE_URL: dbUrl, SMTP_URL: smtp.url, MAIL_FROM: "Clinic <clinic@e2e.posevisit>" },
        stdio: ["ignore", "inherit", "inherit"],
      });
      const baseUrl = `http://127.0.0.1:${PORT}`;
      await expect.poll(() => fetch(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false), { timeout: 120_000 }).toBe(true);
      const db = await createDb(dbUrl);
      await use({ base: baseUrl, db, smtp });
      await db.$disconnect();
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      await smtp.stop();
    },
    { scope: "worker", timeout: 150_000 },
  ],
});

async function api(ctx: BrowserContext, baseUrl: string, p: string, input: unknown) {
  const r = await ctx.request.post(`${baseUrl}/api/trpc/${p}`, { data: { json: input }, headers: { origin: baseUrl } });
  return (await r.json()) as { result?: { data: { json: Record<string, unknown> } }; error?: { json: { message: string; data: { code: string } } } };
}
const pick = (page: Page, text: string) => page.locator("label", { hasText: new RegExp(`^${text.replace(/[()?]/g, "\\$&")}$`) }).first().click();

test("intake: episode → emailed link → emergency red flag → live alert → assessment refused until a decision", async ({ browser, careEnv }) => {
  test.setTimeout(240_000);
  const { base: baseUrl, db, smtp } = careEnv;
  const c = await seedClinic(db, crypto.randomBytes(4).toString("hex"));
  const email = `patient-${crypto.randomBytes(3).toString("hex")}@example.org`;
  await db.patient.update({ where: { id: c.patient.id }, data: { email } });

  const tctx = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 768 } });
  const t = await tctx.newPage();
  await t.goto("/signin");
  await t.getByLabel("Email").fill(c.therapist.email);
  await t.getByLabel("Password").fill(PASSWORD);
  await t.getByRole("button", { name: "Sign in" }).click();
  await expect(t).toHaveURL(/\/dashboard/);

  // the therapist starts an episode from the patient page
  await t.goto(`/patients/${c.patient.id}`);
  await t.getByRole("button", { name: "Start an episode of care" }).click();
  await t.getByLabel("Referral reason").fill("GP referral, low back pain 3 weeks");
  await t.getByLabel("Diagnosis or working classification").fill("Non-specific low back pain");
  await t.getByLabel("Goals, in the patient's words").fill("Lift my grandson again");
  await t.getByRole("button", { name: "Start episode" }).click();
  await expect(t).toHaveURL(/\/episodes\//);
  const episodeUrl = new URL(t.url()).pathname;
  await expect(t.getByRole("heading", { name: /Episode of care/ })).toBeVisible();

  // and sends the intake link: the email arrives at the SMTP server
  await expect(t.getByLabel("Patient's email")).toHaveValue(email);
  await t.getByRole("button", { name: "Send intake link" }).click();
  await expect(t.getByTestId("intake-mail-status")).toHaveText(`Emailed to ${email}.`);
  const mail = await smtp.waitFor((m) => m.to.includes(email), 20_000);
  const link = /https?:\/\/\S+\/intake\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  expect(link, mail.text).toBeTruthy();
  await t.screenshot({ path: `${SHOTS}/episode-1366.png` });

  // the therapist watches the dashboard
  await t.goto("/dashboard");
  await expect(t.getByText("No open alerts.")).toBeVisible();

  // the patient opens the link from the email, on a laptop
  const pctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const p = await pctx.newPage();
  await p.goto(link!);
  await expect(p.getByRole("heading", { name: "Before your first visit" })).toBeVisible();
  await p.screenshot({ path: `${SHOTS}/intake-1366.png` });
  await p.setViewportSize({ width: 1440, height: 900 });
  await p.screenshot({ path: `${SHOTS}/intake-1440.png` });
  await p.setViewportSize({ width: 390, height: 844 });
  await p.screenshot({ path: `${SHOTS}/intake-phone.png`, fullPage: true });
  await p.setViewportSize({ width: 1366, height: 768 });

  // step 1: nothing chosen → the step says what is missing
  await p.getByRole("button", { name: "Next" }).click();
  await expect(p.getByText("Say how long you have had this pain")).toBeVisible();
  await pick(p, "1 to 6 weeks");
  await pick(p, "Lifting or carrying");
  await p.getByRole("button", { name: "Lower back, middle" }).click();
  await pick(p, "Yes, below the knee");
  await pick(p, "Left");
  await p.getByRole("button", { name: "Next" }).click();
  // step 2
  await expect(p.getByRole("heading", { name: "What helps" })).toBeVisible();
  await p.locator("fieldset", { hasText: "What makes it worse?" }).locator("label", { hasText: /^Sitting$/ }).click();
  await pick(p, "Once before");
  await p.getByRole("button", { name: "Next" }).click();
  // step 3
  await pick(p, "Working");
  await pick(p, "Active most days");
  await p.getByLabel("Goal 1").fill("Pick up my grandson");
  await p.getByRole("button", { name: "Next" }).click();
  // step 4: every safety question, one emergency answer
  await expect(p.getByRole("heading", { name: "Safety questions" })).toBeVisible();
  await p.screenshot({ path: `${SHOTS}/intake-safety-1366.png` });
  for (const q of RED_FLAG_QUESTIONS) {
    const row = p.locator("li", { hasText: q.text });
    await row.locator("label", { hasText: q.key === "bladder_bowel" ? /^Yes$/ : /^No$/ }).click();
  }
  await p.getByRole("button", { name: "Send my answers" }).click();
  const result = p.getByTestId("intake-result");
  await expect(result).toHaveAttribute("data-tier", "EMERGENCY");
  await expect(result).toContainText("Please seek emergency care today");
  await expect(result).toContainText("emergency department");
  await p.screenshot({ path: `${SHOTS}/intake-emergency-1366.png` });
  await p.setViewportSize({ width: 390, height: 844 });
  await p.screenshot({ path: `${SHOTS}/intake-emergency-phone.png` });

  // the dashboard shows the alert live (no reload)
  await expect(t.getByTestId("alert-toast")).toContainText("Emergency alert");
  await expect(t.getByTestId("dashboard-alerts")).toContainText("Emergency");
  await t.screenshot({ path: `${SHOTS}/dashboard-alert-1366.png` });

  // a visit of the episode, in progress: the assessment is refused, the room says why
  const sch = await api(tctx, baseUrl, "visits.schedule", { patientId: c.patient.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(), durationMin: 30 });
  const visitId = (sch.result!.data.json.visit as { id: string }).id;
  await db.visit.update({ where: { id: visitId }, data: { status: "IN_PROGRESS", startedAt: new Date() } });
  const refused = await api(tctx, baseUrl, "trials.start", { visitId, protocolKey: "trunk-flexion" });
  expect(refused.error?.json.data.code).toBe("PRECONDITION_FAILED");
  expect(refused.error?.json.message).toMatch(/^Exercise blocked/);
  const set = await api(tctx, baseUrl, "exerciseSets.start", { visitId, exerciseKey: "hip-hinge", exerciseVersion: 1, cameraView: "SAGITTAL", dose: { sets: 3, reps: 10, restSeconds: 60 } });
  expect(set.error?.json.message).toMatch(/^Exercise blocked/);
  await t.goto(`/visits/${visitId}/room`);
  await expect(t.getByTestId("exercise-blocked")).toContainText("Exercise blocked");

  // the episode page: banner, red flags, the decision
  await t.goto(episodeUrl);
  await expect(t.getByTestId("exercise-blocked")).toBeVisible();
  await expect(t.getByTestId("red-flags")).toContainText("cauda equina");
  await t.screenshot({ path: `${SHOTS}/episode-blocked-1366.png` });
  await t.setViewportSize({ width: 1440, height: 900 });
  await t.screenshot({ path: `${SHOTS}/episode-blocked-1440.png` });
  await t.getByLabel("Decision", { exact: true }).selectOption("CLEARED_TO_EXERCISE");
  await t.getByLabel("What was decided and why").fill("Seen in the emergency department today; imaging clear, cleared to start gentle exercise");
  await t.getByRole("button", { name: "Record decision" }).click();
  await expect(t.getByTestId("exercise-blocked")).toHaveCount(0);
  const started = await api(tctx, baseUrl, "trials.start", { visitId, protocolKey: "trunk-flexion" });
  expect(started.error, JSON.stringify(started.error)).toBeUndefined();

  // the inbox: acknowledge, resolve with a note
  await t.goto("/alerts");
  await expect(t.getByTestId("alerts-inbox")).toContainText("Red flag at screening");
  await t.screenshot({ path: `${SHOTS}/inbox-1440.png` });
  await t.setViewportSize({ width: 1366, height: 768 });
  await t.screenshot({ path: `${SHOTS}/inbox-1366.png` });
  await t.getByRole("button", { name: "Acknowledge", exact: true }).first().click();
  await expect(t.getByRole("button", { name: "Acknowledge", exact: true })).toHaveCount(0);
  await t.getByRole("button", { name: "Acknowledged", exact: true }).click();
  await t.getByRole("button", { name: "Resolve…" }).first().click();
  await t.getByLabel("How was it dealt with?").fill("Phoned the patient; seen in the emergency department");
  await t.getByRole("button", { name: "Resolve", exact: true }).click();
  await expect(t.getByText("No acknowledged alerts.")).toBeVisible();
  await t.getByRole("button", { name: "Resolved", exact: true }).click();
  await expect(t.getByTestId("alerts-inbox")).toContainText("Phoned the patient");
  await expect(t.getByTestId("alert-count")).toHaveCount(0);

  await pctx.close();
  await tctx.close();
});
