// One server process of a test cluster (tests/integration/scale-out.test.ts): the real server with the environment it
// is given (shared DATABASE_URL, REDIS_URL and SESSION_SECRET), reporting its port over IPC; killed by the test.
import { startServer } from "../../server/app";
import { loadEnv } from "../../server/env";

const env = loadEnv({ NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", SEED_DEMO: "never", ...JSON.parse(process.env.CLUSTER_ENV ?? "{}") });
// Admission control off, as in startTestServer (a loaded test machine must not refuse the tests' joins).
const s = await startServer(env, { next: false, log: () => {}, realtime: { admission: false } });
process.send!({ port: s.port, pid: process.pid });
process.on("message", (m) => {
  if (m === "stop") void s.close().then(() => process.exit(0));
});
process.on("disconnect", () => void s.close().then(() => process.exit(0)));
