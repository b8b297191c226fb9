// Driver adapters: libsql for the embedded SQLite default, pg for PostgreSQL. The migration factory
// carries the patches the WASM schema engine needs (see ../shared notes "prisma-offline").
import { randomUUID } from "node:crypto";
import { PrismaLibSql } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { SingleConnectionLibSql } from "./sqlite-adapter";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { parseIntoClientConfig } from "pg-connection-string";

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** SQLite connection settings, applied once to the adapter's one connection (server/db/sqlite-adapter.ts). */
export const SQLITE_PRAGMAS = ["PRAGMA busy_timeout = 5000"];

export function runtimeAdapterFor(url: string): PrismaLibSql | PrismaPg {
  return isPostgresUrl(url) ? new PrismaPg({ connectionString: url }) : new SingleConnectionLibSql({ url }, SQLITE_PRAGMAS);
}

export type MigrationFactory = SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> };

export function migrationFactoryFor(url: string): MigrationFactory {
  if (!isPostgresUrl(url)) {
    const base = new PrismaLibSql({ url });
    return tracked(base.provider, base.adapterName, () => base.connect().then(patchSqlite), () =>
      base.connectToShadowDb().then(patchSqlite),
    );
  }
  const config = parseIntoClientConfig(url);
  const base = new PrismaPg(config);
  return tracked(base.provider, base.adapterName, () => base.connect().then(patchPg), () => pgShadowDb(config));
}

function tracked<A extends SqlDriverAdapter>(
  provider: SqlMigrationAwareDriverAdapterFactory["provider"],
  adapterName: string,
  connect: () => Promise<A>,
  connectToShadowDb: () => Promise<A>,
): MigrationFactory {
  const opened: A[] = [];
  return {
    provider,
    adapterName,
    connect: async () => {
      const a = await connect();
      opened.push(a);
      return a;
    },
    connectToShadowDb,
    // engine.free() does not dispose the main adapter; an open pg pool would keep Node alive.
    close: async () => {
      await Promise.all(opened.splice(0).map((a) => a.dispose()));
    },
  };
}

/** PrismaPg.connectToShadowDb replays on the main database when given a URL, and leaks the temp DB. */
async function pgShadowDb(config: ReturnType<typeof parseIntoClientConfig>) {
  const admin = await new PrismaPg(config).connect();
  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  await admin.underlyingDriver().query(`CREATE DATABASE "${name}"`);
  const shadow = patchPg(await new PrismaPg({ ...config, database: name }).connect());
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await dispose();
    await admin.underlyingDriver().query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.dispose();
  };
  return shadow;
}

/** The engine sends a whole migration script through executeRaw; libsql would run only its first statement. */
function patchSqlite<A extends SqlDriverAdapter>(a: A): A {
  const executeRaw = a.executeRaw.bind(a);
  a.executeRaw = async (q) => (q.args.length === 0 ? (await a.executeScript(q.sql), 0) : executeRaw(q));
  return a;
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
function patchPg(a: PgAdapter): PgAdapter {
  // pg_catalog "char" columns (OID 18) cannot be mapped by adapter-pg: report them as text.
  const internals = a as unknown as { performIO(q: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
  const io = internals.performIO.bind(a);
  internals.performIO = async (q) => {
    const r = await io(q);
    for (const f of r.fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return r;
  };
  // adapter-pg splits scripts on ";"; send the migration as one simple-protocol query like the native engine.
  a.executeScript = async (script: string) => {
    try {
      await a.underlyingDriver().query(script);
    } catch (e) {
      (a as unknown as { onError(e: unknown): never }).onError(e);
    }
  };
  return a;
}
