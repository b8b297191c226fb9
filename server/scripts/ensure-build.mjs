// `npm start` runs this first: builds the Next.js app when there is no build or the sources changed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
process.chdir(root);
const buildId = ".next/BUILD_ID";

function newestMtime(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) if (e !== "node_modules" && !e.startsWith(".")) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

const sources = ["app", "next.config.js", "postcss.config.mjs", "package-lock.json"].filter((p) => fs.existsSync(p));
const stale = !fs.existsSync(buildId) || Math.max(...sources.map(newestMtime)) > fs.statSync(buildId).mtimeMs;
if (stale) {
  console.log("Building the web app (first start or changed sources)…");
  const r = spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
