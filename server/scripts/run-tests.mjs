// `npm test`: type check, unit tests, integration tests on SQLite and PostgreSQL (a throwaway cluster
// on loopback unless TEST_PG_URL is given), a production build, then the Playwright browser tests.
// Prints one closing line: "N passed, N failed".
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startPgCluster } from "../../tests/support/pg-cluster.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
process.chdir(root);
// node_modules/.bin first on PATH, as under `npm test`, so this script also works when run with plain `node`
const env = { ...process.env, PATH: [path.join(root, "node_modules/.bin"), process.env.PATH].join(path.delimiter), NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
const bin = (n) => path.join(root, "node_modules/.bin", n);
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const want = (stage) => only.length === 0 || only.includes(stage);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedStages = [];

function filesUnder(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f));
}

function run(stage, cmd, args, count) {
  return new Promise((resolve) => {
    console.log(`\n=== ${stage}: ${[path.basename(cmd), ...args].join(" ").slice(0, 200)}`);
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const onData = (stream) => (d) => {
      stream.write(d);
      out += d.toString();
      if (out.length > 4e6) out = out.slice(-2e6);
    };
    child.stdout.on("data", onData(process.stdout));
    child.stderr.on("data", onData(process.stderr));
    child.on("close", (code) => {
      if (count) count(out);
      if (code !== 0) failedStages.push(`${stage} (exit ${code})`);
      resolve(code);
    });
  });
}

const nodeCounts = (out) => {
  const n = (k) => Number(out.match(new RegExp(`^ℹ ${k} (\\d+)$`, "m"))?.[1] ?? 0);
  totals.passed += n("pass");
  totals.failed += n("fail") + n("cancelled");
  totals.skipped += n("skipped") + n("todo");
};
const playwrightCounts = (out) => {
  const n = (k) => Number(out.match(new RegExp(`^\\s+(\\d+) ${k}\\b`, "m"))?.[1] ?? 0);
  totals.passed += n("passed") + n("flaky");
  totals.failed += n("failed");
  totals.skipped += n("skipped") + n("did not run");
};

let pg = null;
try {
  if (want("e2e") || want("integration")) await run("prerequisites", "bash", ["server/scripts/test-prereqs.sh"]);
  if (want("typecheck")) await run("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);

  const unit = filesUnder("tests/unit", ".test.ts");
  if (want("unit") && unit.length) await run("unit", process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...unit], nodeCounts);

  const integration = filesUnder("tests/integration", ".test.ts");
  if (want("integration") && integration.length) {
    if (!env.TEST_PG_URL) {
      try {
        pg = await startPgCluster();
        env.TEST_PG_URL = pg.url;
        console.log(`\nPostgreSQL test cluster on ${pg.url}`);
      } catch (e) {
        if (env.CI) throw e;
        console.warn(`\nWARNING: ${e.message}; integration tests run on SQLite only.`);
      }
    }
    await run("integration", process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...integration], nodeCounts);
  }

  if (want("e2e") && filesUnder("tests/e2e", ".spec.ts").length) {
    const built = (await run("build", bin("next"), ["build"])) === 0;
    if (built) await run("e2e", bin("playwright"), ["test"], playwrightCounts);
  }
} catch (e) {
  failedStages.push(String(e?.message ?? e));
} finally {
  pg?.stop();
}

if (failedStages.length) console.log(`\nFailed stages: ${failedStages.join("; ")}`);
const failed = Math.max(totals.failed, failedStages.length && !totals.failed ? 1 : 0);
console.log(`\n${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(failedStages.length || totals.failed ? 1 : 0);
