// The next exercise of the patient's plan in the visit (issue 13 over issue 19's home program): the patient has an
// episode with an active program in its week 2; the visit room's Exercises tab shows "From <patient>'s program" above
// the library (this week's exercises in the program's order, each with its dose and note; an exercise of week 1 only
// is not listed), with the first as Next and in the picker with its prescribed dose. One click starts it: the
// patient's fake camera plays the synthetic squat clip (4 full squats per loop) and the set runs with the program's
// dose (target 3 on the patient's screen, the stored dose the program's). Once it is saved the squat is marked done and
// the next exercise of the plan is offered first; a changed dose is saved back to the program as a new version.
// The room with the plan fits a 1366×768 and a 1440×900 screen without scrolling (screenshots under /tmp/ex-plan/).
import fs from "node:fs";
import path from "node:path";
import { addDays } from "../../app/_shared/care/questionnaires";
import { expect, test } from "./fixtures";
import { fitsWithoutScrolling, useLiveVisit, y4mOf } from "./live-visit";

const CLIP = path.resolve("tests/media/exercises/squat_good.mp4");
const SHOTS = "/tmp/ex-plan";

test.use({ trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true } });
const openVisit = useLiveVisit();

test("the plan in the visit: Next starts the program's exercise with its dose; done marking; the next one offered first", async ({ db, clinic, baseURL }) => {
  test.setTimeout(480_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  // an episode whose active program is in its week 2 today
  const start = addDays(new Date().toISOString().slice(0, 10), -7);
  const episode = await db.episode.create({ data: { clinicId: clinic.clinic.id, patientId: clinic.patient.id, therapistId: clinic.therapist.id, startDate: start } });
  const program = await db.homeProgram.create({
    data: {
      episodeId: episode.id, modelVersion: 1, createdById: clinic.therapist.id,
      model: {
        startDate: start, weeks: 4, timeZone: "UTC", phases: [{ key: "static", title: "Static stabilization", fromWeek: 1, toWeek: 2 }, { key: "dynamic", title: "Dynamic stabilization", fromWeek: 3, toWeek: 4 }],
        items: [
          { exerciseKey: "squat", dose: { sets: 2, reps: 3, holdS: null, perSide: false }, timesPerDay: 1, daysPerWeek: 5, fromWeek: 1, progression: [], notes: "Slow and controlled." },
          { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6, perSide: false }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 1, toWeek: 1, progression: [], notes: "" },
          { exerciseKey: "prone-press-up", dose: { sets: 1, reps: 10, holdS: 2, perSide: false }, timesPerDay: 3, daysPerWeek: 7, fromWeek: 1, progression: [], notes: "Hips stay down." },
          { exerciseKey: "walking", dose: { sets: 1, reps: null, holdS: 600, perSide: false }, timesPerDay: 1, daysPerWeek: 7, fromWeek: 1, progression: [], notes: "" },
        ],
      },
    },
  });

  const { therapist, patient, visitId } = await openVisit({ clinic, baseURL: baseURL!, y4m: y4mOf(CLIP), patientName: "Sam Squat", viewport: { width: 1440, height: 900 } });
  expect((await db.visit.findUniqueOrThrow({ where: { id: visitId } })).episodeId).toBe(episode.id);

  // The plan above the library: week 2's exercises in the program's order (the bridge was week 1 only), the squat next.
  await therapist.getByTestId("tab-exercise").click();
  const plan = therapist.getByTestId("program-plan");
  await expect(plan).toContainText(`From ${clinic.patient.firstName} ${clinic.patient.lastName}'s program`);
  await expect(therapist.getByTestId("plan-week")).toHaveText("Version 1 · week 2 of 4 · Static stabilization");
  await expect(plan.locator("li")).toHaveCount(3);
  await expect(plan.locator("li").nth(0)).toContainText("Squat");
  await expect(plan.locator("li").nth(1)).toContainText("Prone press-up");
  await expect(plan.locator("li").nth(2)).toContainText("Walking");
  await expect(plan).not.toContainText("bridge", { ignoreCase: true });
  await expect(therapist.getByTestId("plan-item-1")).toHaveAttribute("data-next", "true");
  await expect(therapist.getByTestId("plan-dose-1")).toHaveText("2 sets × 3, rest 30 s");
  await expect(therapist.getByTestId("plan-item-1")).toContainText("Slow and controlled.");
  await expect(therapist.getByTestId("plan-item-3")).toContainText("Hips stay down.");
  for (const raw of [program.id, episode.id, visitId]) await expect(plan).not.toContainText(raw);
  // the picker holds the next exercise with the program's dose, still editable
  await expect(therapist.getByTestId("exercise-select")).toHaveValue("squat");
  await expect(therapist.getByTestId("dose-reps")).toHaveValue("3");

  // The room with the plan, at both laptop sizes: the patient's video and the live panel together, nothing scrolls.
  for (const size of [{ width: 1366, height: 768 }, { width: 1440, height: 900 }]) {
    await therapist.setViewportSize(size);
    await therapist.waitForTimeout(300);
    await therapist.screenshot({ path: `${SHOTS}/room-plan-${size.width}x${size.height}.png` });
    await fitsWithoutScrolling(therapist, ["remote-video", "live-panel", "program-plan", "start-next"]);
  }

  // One click: the set runs with the program's dose.
  await therapist.getByTestId("start-next").click();
  const player = patient.getByTestId("exercise-player");
  await expect(player).toContainText("Squat");
  await expect(player).toHaveAttribute("data-phase", "active", { timeout: 240_000 }).catch(async (e) => {
    await patient.screenshot({ path: `${SHOTS}/fail-patient.png` });
    throw e;
  });
  await expect(player).toContainText("/ 3");
  const set = await db.assessmentTrial.findFirstOrThrow({ where: { visitId, kind: "exercise" } });
  expect([set.protocolKey, set.setNumber]).toEqual(["squat", 1]);
  expect(set.dose).toMatchObject({ sets: 2, reps: 3, restSeconds: 30 });
  await expect(therapist.getByRole("heading", { name: "Squat — set 1 of 2" })).toBeVisible();
  await expect(therapist.getByTestId("program-plan")).toHaveCount(0); // the set's read-out has the panel while it runs

  // The patient reaches the program's 3 repetitions; the therapist stops the set; it is saved.
  await expect.poll(async () => Number(await player.getAttribute("data-count")), { timeout: 150_000, intervals: [500] }).toBeGreaterThanOrEqual(3);
  await therapist.getByTestId("stop-set").click();
  await expect(player).toHaveAttribute("data-phase", "saved", { timeout: 60_000 });
  await expect(therapist.getByTestId("set-saved")).toBeVisible({ timeout: 30_000 });

  // The squat is done; the next exercise of the plan is offered first (in the plan and in the picker).
  await expect(therapist.getByTestId("plan-item-1")).toHaveAttribute("data-done", "true", { timeout: 15_000 });
  await expect(therapist.getByTestId("plan-item-1")).toContainText("done (1 set)");
  await expect(therapist.getByTestId("plan-item-3")).toHaveAttribute("data-next", "true");
  await expect(therapist.getByTestId("start-next")).toHaveText("Start next: Prone press-up (McKenzie)");
  await expect(therapist.getByTestId("exercise-select")).toHaveValue("prone-press-up");
  await expect(therapist.getByTestId("next-set")).toHaveText("Next set (2)"); // another squat set stays one click away
  // ... and so does the program's next exercise, beside it in the after-set panel
  await expect(therapist.getByTestId("after-set-plan-next")).toHaveText("Next in the program: Prone press-up (McKenzie)");
  await therapist.screenshot({ path: `${SHOTS}/room-plan-after-set-1440x900.png` });

  // A changed dose is saved back to the program as a new version (from this week on).
  await therapist.getByTestId("dose-reps").fill("12");
  await therapist.getByTestId("save-dose-to-program").click();
  await expect(therapist.getByTestId("dose-saved")).toHaveText("Saved to the program: version 2, from week 2.");
  await expect(therapist.getByTestId("plan-week")).toContainText("Version 2");
  await expect(therapist.getByTestId("plan-dose-3")).toContainText("1 set × 12");
  expect(await db.homeProgram.count({ where: { episodeId: episode.id } })).toBe(2);
  expect(await db.auditEvent.count({ where: { action: "program.dose-from-visit", recordId: episode.id } })).toBe(1);
});
