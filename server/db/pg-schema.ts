import path from "node:path";

export const SQLITE_SCHEMA_PATH = "prisma/schema.prisma";
export const PG_SCHEMA_PATH = "prisma/postgres/schema.prisma";

/** The PostgreSQL schema is the SQLite one with another provider and its own client output folder. */
export function derivePgSchema(sqliteSchema: string): string {
  let text = sqliteSchema.replace(/(datasource\s+\w+\s*\{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  text = text.replace(/(output\s*=\s*)"([^"]+)"/g, (_m, pre: string, out: string) => {
    const absolute = path.resolve(path.dirname(SQLITE_SCHEMA_PATH), out).replace(/sqlite$/, "pg");
    return `${pre}"${path.relative(path.dirname(PG_SCHEMA_PATH), absolute)}"`;
  });
  return `// GENERATED from ${SQLITE_SCHEMA_PATH} by server/scripts/gen-pg-schema.ts - do not edit\n${text}`;
}
