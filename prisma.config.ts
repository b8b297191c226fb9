import fs from "node:fs";
import { defineConfig } from "prisma/config";

// Offline machines: npm cannot download Prisma's native schema engine, and every CLI command
// (even `generate`) tries to resolve it first. Point the CLI at a dummy binary when it is absent;
// migrations run through the WASM engine instead (server/db/schema-engine.ts). Where the native
// engine exists, the official `prisma migrate deploy` works on the same migration folders.
const enginesDir = "node_modules/@prisma/engines";
const haveNativeEngine =
  fs.existsSync(enginesDir) && fs.readdirSync(enginesDir).some((f) => f.startsWith("schema-engine-"));
if (!haveNativeEngine) process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

const url = process.env.DATABASE_URL ?? "file:./data/posevisit.db";
const pg = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: pg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: pg ? "prisma/postgres/migrations" : "prisma/migrations" },
  datasource: { url },
});
