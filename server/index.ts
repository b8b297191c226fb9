// PoseVisit server entry: `tsx server/index.ts` (production build) or with `--dev` (Next.js dev mode).
import { EnvError, loadEnv } from "./env";
import { startServer } from "./app";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const dev = process.argv.includes("--dev");
let env;
try {
  env = loadEnv();
} catch (e) {
  if (e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

const started = await startServer(env, { dev });
console.log(`PoseVisit ${dev ? "(development) " : ""}listening on ${started.url}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    started.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
