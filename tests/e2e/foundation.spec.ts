import { expect, test } from "./fixtures";

test("a therapist signs in, creates a patient, schedules a visit and copies its link", async ({ page, context, clinic, signIn, db }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
  await signIn(page, clinic.therapist.email);
  await expect(page.getByRole("heading", { name: /Good (morning|afternoon|evening)/ })).toBeVisible();

  await page.getByRole("link", { name: "New patient" }).click();
  await page.getByRole("button", { name: "Create patient" }).click();
  // zod errors from the shared schema, next to their fields
  await expect(page.getByText("First name is required")).toBeVisible();
  await expect(page.getByLabel("First name")).toHaveAttribute("aria-invalid", "true");

  const last = `Okafor-${Date.now()}`;
  await page.getByLabel("First name").fill("Chidi");
  await page.getByLabel("Last name").fill(last);
  await page.getByLabel("Date of birth").fill("1988-07-21");
  await page.getByLabel("Email (optional)").fill("not-an-email");
  await page.getByRole("button", { name: "Create patient" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await page.getByLabel("Email (optional)").fill("chidi@example.com");
  await page.getByRole("button", { name: "Create patient" }).click();
  await expect(page.getByRole("heading", { name: `Chidi ${last}` })).toBeVisible();

  await page.getByLabel("Reason (optional)").fill("Initial assessment");
  await page.getByRole("button", { name: "Schedule visit" }).click();
  const linkBox = page.getByTestId("join-link");
  await expect(linkBox).toHaveValue(/\/join\/[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied to the clipboard.")).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await linkBox.inputValue());

  const patient = await db.patient.findFirstOrThrow({ where: { lastName: last, clinicId: clinic.clinic.id } });
  const visits = await db.visit.findMany({ where: { patientId: patient.id } });
  expect(visits).toHaveLength(1);
  expect(visits[0]!.reason).toBe("Initial assessment");
  expect(visits[0]!.therapistId).toBe(clinic.therapist.id);
  await expect(page.getByRole("list", { name: "Visits" }).getByText("Scheduled")).toBeVisible();

  // search finds the patient
  await page.getByRole("link", { name: "Patients" }).click();
  await page.getByLabel("Search patients").fill(last.slice(0, 8).toLowerCase());
  await expect(page.getByRole("link", { name: `Chidi ${last}` })).toBeVisible(); // one name format everywhere (issue 18)
  expect(errors).toEqual([]);
});

test("a clinician sees records but no way to change them; sign-out ends the session", async ({ page, clinic, signIn }) => {
  await signIn(page, clinic.clinician.email);
  await expect(page.getByRole("link", { name: "New patient" })).toHaveCount(0);
  await page.goto(`/patients/${clinic.patient.id}`);
  await expect(page.getByRole("heading", { name: `Pat ${clinic.patient.lastName}` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Schedule visit" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Edit details" })).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/patients");
  await expect(page).toHaveURL(/\/signin\?next=%2Fpatients/);
});

test("another clinic's patient is not found; pages send strict security headers", async ({ page, clinic, signIn, db }) => {
  const { seedClinic } = await import("../support/seed");
  const other = await seedClinic(db);
  await signIn(page, clinic.therapist.email);
  await page.goto(`/patients/${other.patient.id}`);
  await expect(page.getByText("Patient not found")).toBeVisible();
  const res = await page.request.get("/dashboard");
  const csp = res.headers()["content-security-policy"]!;
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  const join = await page.request.get("/join/abc");
  expect(join.headers()["referrer-policy"]).toBe("no-referrer");
});
