// The embedded SQLite adapter: Prisma's libsql adapter on a libsql client that keeps ONE connection.
//
// @libsql/client (0.17) opens a new SQLite connection after every transaction (`transaction()` hands its connection
// to the transaction and sets the client's to null, so the next statement opens a fresh one), because a plain
// libsql client may run statements while a transaction is open. Under Prisma that cannot happen: the adapter holds
// its lock from BEGIN to COMMIT/ROLLBACK. Measured in `npm run bench:load` (2026-12-02, profile read with
// tests/bench/cpu-profile.ts): every chunk upload paid a connection open and, on the fresh connection, a schema
// parse in each statement's prepare (libsql `Database()` + `prepare` ≈ 6 % of the server's busy time), and the
// connection-level settings (`busy_timeout`, `synchronous`) silently reverted to SQLite's defaults after the first
// transaction. Here a transaction is BEGIN … COMMIT on the client's own connection, so the connection, its schema
// cache and its settings live as long as the client.
import { createClient, type Client, type InStatement, type Transaction, type TransactionMode } from "@libsql/client";
import { PrismaLibSql } from "@prisma/adapter-libsql";
import Database from "libsql";

// Prepared statements are reused on the app's connection. @libsql/client prepares every statement anew (`db.prepare`
// in each execute, and `columns()` twice per query), and in libsql's native binding a prepare costs about as much as
// running the statement: in the profile of `npm run bench:upload` (2026-12-02, read with tests/bench/cpu-profile.ts)
// `prepare` was the largest single cost of the recording upload's SQL (0.4-0.5 ms of about 2.7 ms per upload). The
// client's own statement handling is unchanged: it sets the same modes (safeIntegers, raw) on every use and reads every
// row before it returns, so a statement is never in two executions at once; SQLite re-prepares a cached statement
// itself after a schema change, and its column list is read from the statement each time (not cached). The cache is
// per connection, bounded (most recently used kept), and only on the connections singleConnectionClient opens (the
// app's; migrations use their own connections, uncached).
const STATEMENT_CACHE = 200;
/** The statement @libsql/client runs right after opening a connection: how singleConnectionClient recognises its own. */
const OPEN_CHECK = "SELECT 1 AS checkThatTheDatabaseCanBeOpened";
type Conn = Database.Database;
type Stmt = Database.Statement;
const caches = new WeakMap<Conn, Map<string, Stmt>>();
const prepareUncached = Database.prototype.prepare;
let claiming = false;
/** Prepares served from a cache and prepared anew, on cached connections (tests read them). */
export const statementCacheStats = { hits: 0, misses: 0 };
let patched = false;
function reusePreparedStatements(): void {
  if (patched) return;
  patched = true;
  (Database.prototype as { prepare: (this: Conn, sql: string) => Stmt }).prepare = function prepare(this: Conn, sql: string): Stmt {
    let cache = caches.get(this);
    if (!cache) {
      if (!(claiming && sql === OPEN_CHECK)) return prepareUncached.call(this, sql);
      caches.set(this, (cache = new Map()));
    }
    const hit = cache.get(sql);
    if (hit) {
      statementCacheStats.hits++;
      cache.delete(sql); // most recently used last
      cache.set(sql, hit);
      return hit;
    }
    statementCacheStats.misses++;
    const stmt = prepareUncached.call(this, sql);
    cache.set(sql, stmt);
    if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    return stmt;
  };
}

/** @libsql/client's createClient, its connection's statements cached (it opens the connection synchronously). */
function createCachingClient(config: Config): Client {
  reusePreparedStatements();
  claiming = true;
  try {
    return createClient(config);
  } finally {
    claiming = false;
  }
}

type Config = Parameters<typeof createClient>[0];

const BEGIN: Record<TransactionMode, string> = { write: "BEGIN IMMEDIATE", read: "BEGIN TRANSACTION READONLY", deferred: "BEGIN DEFERRED" };

/** A client whose transactions run on its own connection (safe only under an exclusive lock, as Prisma's adapter holds). */
export function singleConnectionClient(config: Config, pragmas: string[] = []): Client {
  const inner = createCachingClient(config);
  const ready = (async () => {
    for (const p of pragmas) await inner.execute(p);
  })();
  const own = {
    execute: async (stmt: InStatement, args?: never) => {
      await ready;
      return args === undefined ? inner.execute(stmt) : inner.execute(stmt as string, args);
    },
    transaction: async (mode: TransactionMode = "write"): Promise<Transaction> => {
      await ready;
      await inner.execute(BEGIN[mode]);
      let open = true;
      const end = async (sql: "COMMIT" | "ROLLBACK") => {
        if (!open) return;
        open = false;
        await inner.execute(sql);
      };
      const tx: Transaction = {
        execute: async (stmt: InStatement) => {
          if (!open) throw new Error("The transaction is closed");
          return inner.execute(stmt);
        },
        batch: async (stmts: InStatement[]) => {
          const out = [];
          for (const s of stmts) out.push(await tx.execute(s));
          return out;
        },
        executeMultiple: (sql: string) => inner.executeMultiple(sql),
        commit: () => end("COMMIT"),
        rollback: () => end("ROLLBACK").catch(() => {}),
        close: () => void end("ROLLBACK").catch(() => {}),
        get closed() {
          return !open;
        },
      };
      return tx;
    },
  };
  // Everything else (batch, executeMultiple, close, closed, …) is the inner client's own, bound to it (its private
  // fields need `this` to be the real client).
  const client = new Proxy(inner, {
    get(target, key) {
      if (key in own) return own[key as keyof typeof own];
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return client;
}

/** Prisma's libsql adapter factory on a single-connection client, with connection settings applied once per client. */
export class SingleConnectionLibSql extends PrismaLibSql {
  constructor(
    config: Config,
    private readonly pragmas: string[],
  ) {
    super(config);
  }
  override createClient(config: Config): Client {
    return singleConnectionClient(config, this.pragmas);
  }
}
