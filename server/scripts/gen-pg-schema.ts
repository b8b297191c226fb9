// prisma/schema.prisma (SQLite) is the source of truth; derive prisma/postgres/schema.prisma from it.
// `--check` exits non-zero when the committed copy is stale (used by the unit tests).
import fs from "node:fs";
import { derivePgSchema, PG_SCHEMA_PATH, SQLITE_SCHEMA_PATH } from "../db/pg-schema.ts";

const expected = derivePgSchema(fs.readFileSync(SQLITE_SCHEMA_PATH, "utf8"));
if (process.argv.includes("--check")) {
  const actual = fs.existsSync(PG_SCHEMA_PATH) ? fs.readFileSync(PG_SCHEMA_PATH, "utf8") : "";
  if (actual !== expected) {
    console.error(`${PG_SCHEMA_PATH} is stale: run npm run db:pg-schema`);
    process.exit(1);
  }
} else {
  fs.mkdirSync("prisma/postgres", { recursive: true });
  fs.writeFileSync(PG_SCHEMA_PATH, expected);
  console.log(`wrote ${PG_SCHEMA_PATH}`);
}
