// Playwright fixtures that seed unique data straight into the e2e server's database.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
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

/** Calls a tRPC procedure over HTTP as the context's signed-in user (superjson wire format, same origin). */
export async function trpc(ctx: BrowserContext, base: string, path: string, input: unknown) {
  const r = await ctx.request.post(`${base}/api/trpc/${path}`, { data: { json: input }, headers: { origin: base } });
  const body = (await r.json()) as { result?: { data: { json: unknown } }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data.json as Record<string, unknown>;
}
