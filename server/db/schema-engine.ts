// Prisma's schema engine compiled to WASM, driven through a driver adapter: `migrate deploy/dev`
// without the native binary that offline machines cannot download.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { isPostgresUrl, migrationFactoryFor, type MigrationFactory } from "./adapters";

let ready = false;
function initWasm(): void {
  if (ready) return;
  // The package entry imports the .wasm as an ES module, which Node 20 rejects: instantiate it by hand.
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmPath)), {
    "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  ready = true;
}

export const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };
export type SchemaFile = { path: string; content: string };

export function targetFor(url: string) {
  const pg = isPostgresUrl(url);
  return {
    pg,
    schemaPath: pg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
    migrationsDir: pg ? "prisma/postgres/migrations" : "prisma/migrations",
  };
}

export function readSchemaFiles(schemaPath: string): SchemaFile[] {
  const p = path.resolve(schemaPath);
  return [{ path: p, content: fs.readFileSync(p, "utf8") }];
}

/** The same shape the Prisma CLI builds from a migrations folder. */
export function readMigrations(dir: string): MigrationList {
  const baseDir = path.resolve(dir);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = fs.existsSync(baseDir)
    ? fs.readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

export async function withSchemaEngine<T>(
  factory: MigrationFactory,
  schemaFiles: SchemaFile[],
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  initWasm();
  const log = process.env.SCHEMA_ENGINE_DEBUG ? (m: unknown) => console.error("[schema-engine]", m) : () => {};
  const engine = await bg.SchemaEngine.new(
    { datamodels: schemaFiles.map((f) => [f.path, f.content] as [string, string]) },
    log,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await factory.close();
  }
}

/** In-process `prisma migrate deploy`; returns the names of the migrations it applied. */
export async function deployMigrations(url: string): Promise<string[]> {
  const t = targetFor(url);
  if (!t.pg) {
    const file = url.replace(/^file:/, "");
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  const { appliedMigrationNames } = await withSchemaEngine(migrationFactoryFor(url), readSchemaFiles(t.schemaPath), (engine) =>
    engine.applyMigrations({ migrationsList: readMigrations(t.migrationsDir), filters: noFilter }),
  );
  return appliedMigrationNames;
}
