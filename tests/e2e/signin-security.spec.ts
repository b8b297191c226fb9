// Sign-in in the real browser (issue 16): ?next= never leaves the origin (#2), and a temporary
// password keeps the user on the account page until they choose their own (#5).
import type { Page } from "@playwright/test";
import { PASSWORD } from "../support/seed";
import { expect, test } from "./fixtures";

async function signInAt(page: Page, url: string, email: string, password = PASSWORD) {
  await page.goto(url);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// Raw query strings, as an attacker would put them in a link.
const HOSTILE_NEXT = [
  "/%5Cevil.example", // "/\evil.example"
  "/%09/evil.example", // "/<tab>/evil.example"
  "%2F%2Fevil.example",
  "/%5C/evil.example",
  "%2F%0A%2Fevil.example",
  "https%3A%2F%2Fevil.example%2F",
  "javascript%3Aalert(1)",
  "/%252F%252Fevil.example",
];

for (const next of HOSTILE_NEXT)
  test(`sign-in with next=${next} stays on our origin (dashboard)`, async ({ page, clinic, baseURL }) => {
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).host));
    await signInAt(page, `/signin?next=${next}`, clinic.therapist.email);
    await expect(page).toHaveURL(`${baseURL}/dashboard`);
    await expect(page.getByRole("heading", { name: /Good (morning|afternoon|evening)/ })).toBeVisible();
    expect(requests.filter((h) => h.includes("evil"))).toEqual([]);
  });

test("a same-origin next is followed", async ({ page, clinic, baseURL }) => {
  await signInAt(page, `/signin?next=${encodeURIComponent(`/patients/${clinic.patient.id}`)}`, clinic.therapist.email);
  await expect(page).toHaveURL(`${baseURL}/patients/${clinic.patient.id}`);
});

test("a temporary password leads to the account page and keeps the user there until changed", async ({ page, clinic, db, baseURL }) => {
  await db.user.update({ where: { id: clinic.therapist.id }, data: { mustChangePassword: true } });
  await signInAt(page, "/signin?next=%2Fpatients", clinic.therapist.email);
  await expect(page).toHaveURL(`${baseURL}/account`);
  await expect(page.getByText("Please choose your own password")).toBeVisible();
  await page.goto("/patients");
  await expect(page).toHaveURL(`${baseURL}/account`);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("my-own-password-7");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();
  await page.goto("/patients");
  await expect(page).toHaveURL(`${baseURL}/patients`);
  await expect(page.getByText(clinic.patient.lastName)).toBeVisible();
});
