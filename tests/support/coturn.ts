// A throwaway coturn on loopback for tests: `use-auth-secret` (the TURN REST scheme the app issues credentials in),
// UDP only, relay addresses on 127.0.0.1, loopback peers allowed (coturn refuses them by default). Debian's `coturn`.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports";


export type Coturn = { url: string; secret: string; port: number; log: () => string; stop: () => void };

export async function startCoturn(): Promise<Coturn> {
  const bin = ["/usr/bin/turnserver", "/usr/sbin/turnserver"].find((p) => fs.existsSync(p));
  if (!bin) throw new Error("coturn is not installed (apt-get install coturn)");
  const port = await freePort();
  const secret = crypto.randomBytes(24).toString("base64url");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coturn-"));
  const logFile = path.join(dir, "turn.log");
  // A relay port range of our own, away from the ephemeral ports other tests pick.
  const minPort = 40000 + (port % 2000) * 10;
  const args = [
    "-n", // no configuration file
    "--listening-ip=127.0.0.1", `--listening-port=${port}`, "--relay-ip=127.0.0.1",
    `--min-port=${minPort}`, `--max-port=${minPort + 9}`,
    "--use-auth-secret", `--static-auth-secret=${secret}`, "--realm=posevisit.test",
    "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--fingerprint", "--no-software-attribute",
    "--no-multicast-peers", `--log-file=${logFile}`, "--simple-log", "--no-stdout-log", "-v",
    `--pidfile=${path.join(dir, "turn.pid")}`,
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: "ignore" });
  const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  // Ready when it answers on its port (TCP listener on the same port as UDP).
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), r(true)));
      s.once("error", () => r(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`coturn did not start: ${fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").slice(-2000) : "no log"}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    port,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    stop: () => {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
