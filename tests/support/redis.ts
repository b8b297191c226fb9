// A throwaway redis-server on loopback for tests: no persistence, its own port and directory. Debian's `redis-server`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports";

export type TestRedis = { url: string; port: number; /** the redis-server process (its CPU: /proc/<pid>/stat) */ pid: number; stop: () => Promise<void> };

export async function startRedis(): Promise<TestRedis> {
  const bin = ["/usr/bin/redis-server", "/usr/sbin/redis-server"].find((p) => fs.existsSync(p));
  if (!bin) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-"));
  const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "yes", "--loglevel", "warning"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += String(d)));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pong = await new Promise<boolean>((r) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("PING\r\n"));
      s.once("data", (d) => (s.end(), r(String(d).startsWith("+PONG"))));
      s.once("error", () => r(false));
    });
    if (pong) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start: ${err.slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => (fs.rmSync(dir, { recursive: true, force: true }), resolve()));
        child.kill("SIGTERM");
      }),
  };
}
