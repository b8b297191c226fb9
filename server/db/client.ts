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
    const db = new pg.PrismaClient({ adapter }) as unknown as Db;
    pooled.add(db);
    return db;
  }
  const db = new PrismaClient({ adapter });
  // WAL lets readers run while a writer commits (journal_mode is kept in the file); the connection's own settings
  // (busy_timeout: wait instead of failing on a lock) are applied by the adapter to its one connection.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  return db;
}

const pooled = new WeakSet<Db>();
/** Whether transactions of `db` run side by side (PostgreSQL's connection pool); SQLite's one connection takes one at a time. */
export const runsConcurrentTransactions = (db: Db): boolean => pooled.has(db);

/** Prisma's "unique constraint failed" error, from either provider; from a raw query it is a P2010 carrying the driver's kind. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return err.code === "P2002" || (err.code === "P2010" && err.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation");
}
