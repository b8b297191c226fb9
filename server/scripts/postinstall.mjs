// Runs after `npm install` / `npm ci`: generates both Prisma clients (SQLite and PostgreSQL, so one
// install serves either database) and installs the self-hosted MediaPipe WASM and pose models.
// Everything comes from npm packages; nothing is downloaded from anywhere else.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
process.chdir(root);
const prismaBin = path.join(root, "node_modules/.bin/prisma");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };

for (const schema of ["prisma/schema.prisma", "prisma/postgres/schema.prisma"]) {
  execFileSync(prismaBin, ["generate", "--schema", schema], { stdio: ["ignore", "inherit", "inherit"], env });
}

if (!process.argv.includes("--generate-only")) {
  const poseAssets = path.join(root, "server/scripts/install-pose-assets.mjs");
  if (fs.existsSync(poseAssets)) execFileSync(process.execPath, [poseAssets], { stdio: "inherit" });
}
