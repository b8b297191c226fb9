// Hand-over in the browser (issue 16, finding 4): a colleague opening the visit room of a visit
// assigned to someone else is not let in, is offered "Take over the visit", and taking it over lets
// them in while the assigned therapist's room says who took it over.
import { chromium, type Browser } from "@playwright/test";
import { chromiumArgs } from "../../playwright.config";
import { hashPassword } from "../../server/services/crypto";
import { PASSWORD } from "../support/seed";
import { expect, test, trpc } from "./fixtures";

let browser: Browser | null = null;
test.afterEach(async () => {
  await browser?.close();
  browser = null;
});

test("a colleague takes over a visit from its room; the assigned therapist is told", async ({ db, clinic, baseURL }) => {
  test.setTimeout(120_000);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] });
  const colleague = await db.user.create({
    data: { clinicId: clinic.clinic.id, role: "THERAPIST", name: "Casey Colleague", email: `casey-${Date.now()}@test.posevisit`, passwordHash: await hashPassword(PASSWORD) },
  });
  const actx = await browser.newContext({ baseURL, permissions: ["camera", "microphone"] });
  const bctx = await browser.newContext({ baseURL, permissions: ["camera", "microphone"] });
  await trpc(actx, baseURL!, "auth.signIn", { email: clinic.therapist.email, password: PASSWORD });
  await trpc(bctx, baseURL!, "auth.signIn", { email: colleague.email, password: PASSWORD });
  const scheduled = await trpc(actx, baseURL!, "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(), durationMin: 30 });
  const visitId = (scheduled.visit as { id: string }).id;

  const a = await actx.newPage();
  await a.goto(`/visits/${visitId}/room`);
  await expect(a.getByTestId("room-live")).toHaveText("Waiting for the patient to join.");

  const b = await bctx.newPage();
  await b.goto(`/visits/${visitId}/room`);
  await expect(b.getByText("Another therapist has this visit")).toBeVisible();
  await expect(b.getByTestId("room-live")).toContainText(`This visit is assigned to ${clinic.therapist.name}`);
  await b.getByTestId("take-over").click();
  await expect(b.getByTestId("room-live")).toHaveText("Waiting for the patient to join.");

  await expect(a.getByTestId("room-live")).toHaveText("Casey Colleague took over this visit.");
  await expect(a.getByText("Another therapist has this visit")).toBeVisible();
  await expect(a.getByTestId("take-over")).toBeVisible();
  const audit = await db.auditEvent.findMany({ where: { recordId: visitId, action: "visit.takeover" } });
  expect(audit.map((r) => r.actorId)).toEqual([colleague.id]);
  expect((await db.visit.findUniqueOrThrow({ where: { id: visitId } })).therapistId).toBe(colleague.id);
});
