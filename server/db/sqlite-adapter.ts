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

type Config = Parameters<typeof createClient>[0];

const BEGIN: Record<TransactionMode, string> = { write: "BEGIN IMMEDIATE", read: "BEGIN TRANSACTION READONLY", deferred: "BEGIN DEFERRED" };

/** A client whose transactions run on its own connection (safe only under an exclusive lock, as Prisma's adapter holds). */
export function singleConnectionClient(config: Config, pragmas: string[] = []): Client {
  const inner = createClient(config);
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
