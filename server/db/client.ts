import { PrismaClient } from "./generated/sqlite/client";
import { isPostgresUrl, runtimeAdapterFor } from "./adapters";

/**
 * The app's database handle. Both generated clients (SQLite and PostgreSQL) expose the same model
 * API; the SQLite one's type stands for both, and code sticks to the subset both providers share.
 */
export type Db = PrismaClient;
export { Prisma } from "./generated/sqlite/client";

export async function createDb(url: string): Promise<Db> {
  const adapter = runtimeAdapterFor(url);
  if (isPostgresUrl(url)) {
    const pg = await import("./generated/pg/client");
    return new pg.PrismaClient({ adapter }) as unknown as Db;
  }
  const db = new PrismaClient({ adapter });
  // WAL lets readers run while a writer commits; busy_timeout waits instead of failing on a lock.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  return db;
}

/** Prisma's "unique constraint failed" error, from either provider. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
