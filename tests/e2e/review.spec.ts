import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { summarize } from "../../app/_shared/assessments/summary";
import { packSamples } from "../../app/_shared/pose/sample";
import { flexionSweep } from "../support/samples";
import { expect, test } from "./fixtures";

test("a clinician reviews a recorded trial: chart, summary vs normal, progress, replay, CSV with one row per sample", async ({ page, clinic, db, signIn }) => {
  const p = protocolByKey("trunk-flexion")!;
  const mkVisit = async (daysAgo: number, peak: number) => {
    const at = new Date(Date.now() - daysAgo * 86400_000);
    const visit = await db.visit.create({
      data: { clinicId: clinic.clinic.id, patientId: clinic.patient.id, therapistId: clinic.therapist.id, scheduledAt: at, startedAt: at, status: "ENDED", joinTokenHash: `h-${Math.random()}`, joinExpiresAt: at },
    });
    const samples = flexionSweep({ reps: 3, peakDeg: peak });
    const summary = summarize(samples, p);
    const trial = await db.assessmentTrial.create({
      data: { visitId: visit.id, protocolKey: p.key, protocolVersion: 1, cameraView: "SAGITTAL", status: "COMPLETED", poseModel: "pose_landmarker_lite", poseModelVersion: "test", summary: summary as never, qualityFlags: [], startedAt: at },
    });
    for (let i = 0, seq = 0; i < samples.length; i += 15, seq++) {
      const part = samples.slice(i, i + 15);
      await db.angleSampleChunk.create({ data: { trialId: trial.id, seq, startMs: part[0]!.t, rateHz: 15, sampleCount: part.length, samples: Buffer.from(packSamples(part)) } });
    }
    return { trial, samples };
  };
  await mkVisit(14, 70);
  const { trial, samples } = await mkVisit(2, 73);

  await signIn(page, clinic.clinician.email);
  await page.goto(`/patients/${clinic.patient.id}`);
  const progress = page.getByRole("region", { name: "Trunk flexion (bend forward)" });
  await expect(progress.getByText("+3° (within measurement error)")).toBeVisible();

  await progress.getByRole("link", { name: /Open/ }).last().click();
  await expect(page).toHaveURL(new RegExp(`/trials/${trial.id}`));
  await expect(page.getByRole("img", { name: /Trunk flexion \(bend forward\), degrees/ })).toBeVisible();
  await expect(page.getByTestId("best-rom")).toContainText("73");
  await expect(page.getByText(/below normal \(90–120°\)/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Pain and note" })).toHaveCount(0); // read-only

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download CSV/ }).click()]);
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString("utf8").trim().split("\r\n");
  expect(lines[0]).toContain("t_ms,view,confidence,trunkFlexion_deg");
  expect(lines.length - 1).toBe(samples.length);
  const peakRow = Math.max(...lines.slice(1).map((l) => Number(l.split(",")[3] || 0)));
  expect(Math.abs(peakRow - 73)).toBeLessThan(0.5);

  await page.getByRole("button", { name: "Play" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();

  await page.goto(`/visits/${trial.visitId}/report`);
  await expect(page.getByRole("heading", { name: `Pat ${clinic.patient.lastName}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Trunk flexion (bend forward)" })).toBeVisible();
});
