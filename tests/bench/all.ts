// `npm run bench`: every benchmark, one after the other (they measure speed, so never in parallel).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const benches = ["accuracy.ts", "signalling.ts", "stream.ts"].filter((f) => fs.existsSync(path.join(dir, f)));
const failed: string[] = [];
for (const b of benches) {
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, b)], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) failed.push(b);
}
console.log(failed.length ? `\nbenchmarks failed: ${failed.join(", ")}` : `\nall ${benches.length} benchmarks ran`);
process.exit(failed.length ? 1 : 0);
