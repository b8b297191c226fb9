// Playwright fixtures that seed unique data straight into the e2e server's database.
import { test as base, expect, type Page } from "@playwright/test";
import { createDb, type Db } from "../../server/db/client";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";

type Fixtures = { db: Db; clinic: SeededClinic; signIn: (page: Page, email: string) => Promise<void> };

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, use) => {
    const db = await createDb(process.env.E2E_DATABASE_URL!);
    await use(db);
    await db.$disconnect();
  },
  clinic: async ({ db }, use) => {
    await use(await seedClinic(db));
  },
  signIn: async ({}, use) => {
    await use(async (page, email) => {
      await page.goto("/signin");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/dashboard/);
    });
  },
});
export { expect };
