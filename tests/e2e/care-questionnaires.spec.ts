// Outcome questionnaires in the browser (issue 17): the therapist sends the intake set by link from the episode's
// progress page; the patient fills it in (desktop); two weeks later the review set (on a phone); the progress view
// then shows a clinically important change. Screenshots go to /tmp/care-outcomes/ when PV_SHOTS is set.
import { expect, test } from "./fixtures";
import type { Page } from "@playwright/test";
import { scheduleDefaultQuestionnaires } from "../../server/services/questionnaires";

const SHOTS = process.env.PV_SHOTS;
const shot = async (page: Page, name: string) => { if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false }); };
const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

async function scale(page: Page, item: string, n: number) {
  await page.getByTestId(`item-${item}`).getByText(String(n), { exact: true }).click();
}
async function fillSet(page: Page, a: { nprs: [number, number, number]; peg: [number, number, number]; psfs: [string, number][]; rmdq: number }, shotName?: string) {
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("q-progress")).toHaveText("1 of 4");
  await scale(page, "current", a.nprs[0]); await scale(page, "best", a.nprs[1]); await scale(page, "worst", a.nprs[2]);
  if (shotName) await shot(page, shotName);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("q-progress")).toHaveText("2 of 4");
  await scale(page, "pain", a.peg[0]); await scale(page, "enjoyment", a.peg[1]); await scale(page, "activity", a.peg[2]);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("q-progress")).toHaveText("3 of 4");
  for (const [i, [name, score]] of a.psfs.entries()) {
    const box = page.getByLabel(`Activity ${i + 1}`, { exact: true });
    if ((await box.inputValue()) === "") await box.fill(name);
    else await expect(box).toHaveValue(name); // the follow-up asks about the same activities
    await page.getByRole("radiogroup", { name: `Activity ${i + 1}: how able you are today` }).getByText(String(score), { exact: true }).click();
  }
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("q-progress")).toHaveText("4 of 4");
  for (let i = 1; i <= a.rmdq; i++) await page.getByTestId(`item-q${i}`).click();
  await page.getByRole("button", { name: "Check and send" }).click();
  await page.getByRole("button", { name: "Send my answers" }).click();
  await expect(page.getByText("Thank you — your answers were sent")).toBeVisible();
}

test("questionnaires by link at intake and two weeks later show a clinically important change on the progress view", async ({ page, browser, db, clinic, signIn, baseURL }) => {
  test.setTimeout(300_000); // three browser contexts on a shared 2-core machine
  const start = Date.now() - 14 * DAY;
  const e = await db.episode.create({ data: { clinicId: clinic.clinic.id, patientId: clinic.patient.id, therapistId: clinic.therapist.id, startDate: isoDay(start), plannedWeeks: 6, goals: "Walk the dog for an hour" } });
  await scheduleDefaultQuestionnaires(db, { id: e.id, startDate: isoDay(start), plannedWeeks: 6 });
  const progressUrl = `/patients/${clinic.patient.id}/episodes/${e.id}/progress`;
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, clinic.therapist.email);
  await page.goto(progressUrl);
  await expect(page.getByTestId("due-intake")).toContainText("overdue");
  await expect(page.getByTestId("due-intake")).toContainText("not sent: STarT");
  await page.getByTestId("due-intake").getByRole("button", { name: "Send link" }).click();
  const intakeUrl = await page.getByTestId("questionnaire-link").inputValue();
  expect(intakeUrl).toMatch(/\/q\/[A-Za-z0-9_-]{43}$/);

  // the patient, on a laptop
  const desk = await browser.newContext({ baseURL, viewport: { width: 1366, height: 768 } });
  const p1 = await desk.newPage();
  await p1.goto(new URL(intakeUrl).pathname);
  await expect(p1.getByText(`Hello ${clinic.patient.firstName}`)).toBeVisible();
  await shot(p1, "patient-intro-1366x768");
  await fillSet(p1, { nprs: [7, 5, 9], peg: [7, 7, 8], psfs: [["Walking the dog", 3], ["Sitting at work", 4], ["Lifting my child", 2]], rmdq: 12 }, "patient-nprs-1366x768");
  await desk.close();
  // the intake was two weeks ago
  const intake = await db.questionnaireDue.findFirstOrThrow({ where: { episodeId: e.id, label: "INTAKE" } });
  await db.questionnaireResponse.updateMany({ where: { dueId: intake.id }, data: { submittedAt: new Date(start + 3_600_000) } });
  await db.questionnaireDue.update({ where: { id: intake.id }, data: { completedAt: new Date(start + 3_600_000) } });

  await page.reload();
  await expect(page.getByTestId("due-intake")).toContainText("done");
  await page.getByTestId("due-review").first().getByRole("button", { name: "Send link" }).click();
  const reviewUrl = await page.getByTestId("questionnaire-link").inputValue();

  // the patient, on a phone
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  await p2.goto(new URL(reviewUrl).pathname);
  await shot(p2, "patient-intro-390x844");
  await fillSet(p2, { nprs: [3, 2, 4], peg: [3, 3, 3], psfs: [["Walking the dog", 7], ["Sitting at work", 8], ["Lifting my child", 6]], rmdq: 4 }, "patient-nprs-390x844");
  await phone.close();

  // the progress view: baseline vs now with the change marked clinically important
  await page.reload();
  await expect(page.getByTestId("summary-nprs")).toContainText("important improvement");
  await expect(page.getByTestId("summary-rmdq")).toContainText("important improvement");
  await expect(page.getByTestId("summary-psfs")).toContainText("important improvement");
  await expect(page.getByTestId("summary-peg")).toContainText("no MCID");
  await expect(page.getByTestId("chart-nprs")).toHaveAttribute("aria-label", /clinically important/);
  await expect(page.getByTestId("progress-charts").locator("svg").first()).toBeVisible();
  await shot(page, "progress-1366x768");
  // the main job (every chart and the baseline-vs-now table) fits the laptop screen without scrolling
  for (const id of ["progress-charts", "discharge-summary"]) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.y + box.height, id).toBeLessThanOrEqual(768);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "progress-1440x900");
});
