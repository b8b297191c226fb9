// Visit note on the visit page (draft, sign, locked, addendum), PDF download, and API tokens on the users page.
import { expect, test } from "./fixtures";

test("a therapist writes, signs and amends a visit note and downloads the PDF; an admin creates and revokes an API token", async ({ page, clinic, db, signIn }) => {
  const visit = await db.visit.create({
    data: {
      clinicId: clinic.clinic.id, patientId: clinic.patient.id, therapistId: clinic.therapist.id, scheduledAt: new Date(), status: "ENDED",
      joinTokenHash: `e2e-${clinic.clinic.id}`, joinExpiresAt: new Date(Date.now() + 3600_000), startedAt: new Date(), endedAt: new Date(),
    },
  });
  await signIn(page, clinic.therapist.email);
  await page.goto(`/visits/${visit.id}`);
  await page.getByLabel("Subjective").fill("Stiff in the mornings");
  await page.getByLabel("Plan").fill("Walk daily");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Saved")).toBeVisible();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Sign note" }).click();
  await expect(page.getByTestId("signed-note")).toContainText("Signed by");
  await expect(page.getByLabel("Subjective")).toHaveCount(0);
  await page.getByLabel("Addendum").fill("Phoned next day");
  await page.getByRole("button", { name: "Add addendum" }).click();
  await expect(page.getByTestId("signed-note")).toContainText("Phoned next day");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download PDF" }).click();
  expect((await download).suggestedFilename()).toMatch(/^visit-report-.*\.pdf$/);

  await page.context().clearCookies();
  await signIn(page, clinic.admin.email);
  await page.goto("/users");
  await page.getByLabel("New token name").fill("Hospital EHR");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-api-token")).toContainText("pvfhir_");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Revoke Hospital EHR" }).click();
  await expect(page.getByText("Revoked")).toBeVisible();
});
