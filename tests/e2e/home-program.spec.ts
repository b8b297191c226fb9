// The therapist's home-program page in a real browser, beside home-practice.spec.ts (which builds a program from a
// template, adapts it and emails the link through SMTP): a saved program (version 1, the subacute template) changed
// again is version 2 with version 1 kept; home sessions over several days (seeded as the patient's page saves them)
// appear in the adherence view and on the progress view; without a mail server a new home link waits in the
// clinic's outbox and is shown once. Screenshots at 1366×768 and 1440×900 go to /tmp/home-program/.
import fs from "node:fs";
import { PROGRAM_TEMPLATES, programFromTemplate, templateRef } from "../../app/_shared/care/program-templates";
import { expect, test } from "./fixtures";

const SHOTS = "/tmp/home-program";

test("program versions, adherence over days and the outbox home link on the therapist's side", async ({ page, db, clinic, signIn }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const start = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
  const episode = await db.episode.create({ data: { clinicId: clinic.clinic.id, patientId: clinic.patient.id, therapistId: clinic.therapist.id, startDate: start, timeZone: "Europe/Berlin" } });
  await db.patient.update({ where: { id: clinic.patient.id }, data: { email: "pat@example.org" } });
  const t = PROGRAM_TEMPLATES.find((x) => x.key === "subacute")!;
  await db.homeProgram.create({ data: { episodeId: episode.id, modelVersion: 1, model: programFromTemplate(t, { startDate: start, timeZone: "Europe/Berlin" }), templateKey: templateRef(t), education: [...t.education], createdById: clinic.therapist.id } });
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, clinic.therapist.email);
  await page.goto(`/patients/${clinic.patient.id}/episodes/${episode.id}/program`);
  await expect(page.getByText("version 1", { exact: true })).toBeVisible();
  await expect(page.getByTestId("program-item")).toHaveCount(9);

  // a change is a new version; the old one stays listed
  await page.getByRole("button", { name: "Move Walking down" }).click();
  await page.getByTestId("save-program").click();
  await expect(page.getByText("version 2", { exact: true })).toBeVisible();
  await expect(page.getByTestId("program-versions").locator("li")).toHaveCount(2);

  // home sessions as the patient's page saves them: shown in the adherence view
  const v2 = await db.homeProgram.findFirstOrThrow({ where: { episodeId: episode.id, status: "ACTIVE" } });
  for (let d = 1; d <= 6; d++) {
    if (d === 3 || d === 4) continue;
    const at = new Date(Date.now() - d * 86_400_000);
    await db.homeSession.create({ data: { programId: v2.id, episodeId: episode.id, clientId: `e2e-${episode.id}-${d}`, localDate: at.toISOString().slice(0, 10), startedAt: at, endedAt: at, status: "COMPLETED", painBefore: 3, painAfter: 2, selfReport: [{ exerciseKey: "bridge", sets: 3, reps: 10 }, { exerciseKey: "hamstring-stretch", sets: 3, reps: null, perSide: true }] } });
  }
  await page.reload();
  await expect(page.getByTestId("adherence-view")).toBeVisible();
  await expect(page.getByTestId("adherence-sessions")).not.toHaveText("–");

  // a new home link, emailed (development: the outbox) and shown once
  await page.getByTestId("email-home-link").click();
  await expect(page.getByTestId("home-link-url")).toContainText("/home/");
  await expect(page.getByText("waits in the clinic's outbox")).toBeVisible();
  expect(await db.outboxEmail.count({ where: { clinicId: clinic.clinic.id, purpose: "home-link" } })).toBe(1);

  await page.screenshot({ path: `${SHOTS}/program-1366x768.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SHOTS}/program-1440x900.png` });
  // the main job fits without scrolling the page
  expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);

  // adherence is drawn on the episode's progress view too, beside the measures
  await page.goto(`/patients/${clinic.patient.id}/episodes/${episode.id}/progress`);
  await expect(page.getByTestId("adherence-view")).toBeVisible();
  await expect(page.getByTestId("adherence-sessions")).not.toHaveText("–");
  // this test's episode was made without a questionnaire schedule: the card says so instead of standing empty
  await expect(page.getByText("No questionnaires are scheduled in this episode.")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/progress-adherence-1440x900.png` });
});
