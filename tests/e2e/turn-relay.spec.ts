// A visit whose media must go through TURN: a real coturn on loopback (use-auth-secret), a server of its own with
// ICE_TRANSPORT_POLICY=relay and 60 s credentials, two browsers on fake cameras. Asserts from getStats() that the
// selected candidate pair is relay on both peers and that video decodes both ways; then that the credentials are
// renewed before they expire and that an ICE restart after the first credentials' expiry gathers new relay candidates
// (coturn refuses an allocation with an expired username) and reconnects without the link failing.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chromium, test as base, expect, type Browser, type Page } from "@playwright/test";
import { chromiumArgs } from "../../playwright.config";
import { createDb, type Db } from "../../server/db/client";
import { startCoturn, type Coturn } from "../support/coturn";
import { freePort } from "../support/ports";
import { PASSWORD, seedClinic } from "../support/seed";
import { trpc } from "./fixtures";

const fakeMedia = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"];
const TTL_S = 60;

/** Init script: keeps every RTCPeerConnection the page makes, so the test can read its stats and configuration. */
function keepPeerConnections() {
  const pcs: RTCPeerConnection[] = ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = []);
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(cfg?: RTCConfiguration) {
      super(cfg);
      pcs.push(this);
    }
  } as typeof RTCPeerConnection;
}

type PairInfo = { state: string; policy: string; local: string; localType: string; remoteType: string; username: string; bytesIn: number };
/** The live peer connection's selected candidate pair (from getStats) and its configuration. */
function selectedPair(page: Page): Promise<PairInfo | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((p) => p.connectionState !== "closed").at(-1);
    if (!pc) return null;
    const stats = await pc.getStats();
    let pairId = "";
    stats.forEach((s) => {
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? stats.get(pairId) : null;
    const cfg = pc.getConfiguration();
    const turn = (cfg.iceServers ?? []).find((s) => s.username);
    return {
      state: pc.connectionState,
      policy: cfg.iceTransportPolicy ?? "all",
      local: pair?.localCandidateId ?? "",
      localType: pair ? stats.get(pair.localCandidateId)?.candidateType ?? "" : "",
      remoteType: pair ? stats.get(pair.remoteCandidateId)?.candidateType ?? "" : "",
      username: String(turn?.username ?? ""),
      bytesIn: pair?.bytesReceived ?? 0,
    };
  });
}
async function remoteFrames(page: Page): Promise<number> {
  return page.locator('[data-testid="remote-video"]').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0);
}
async function expectVideoFlowing(page: Page) {
  await expect.poll(() => page.locator('[data-testid="remote-video"]').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(page);
  await expect.poll(() => remoteFrames(page), { timeout: 15_000 }).toBeGreaterThan(before + 5);
}

type Env = { base: string; db: Db; turn: Coturn };
const test = base.extend<object, { relayEnv: Env }>({
  relayEnv: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const turn = await startCoturn();
      const port = await freePort();
      const tmp = path.resolve("tests/.tmp");
      fs.mkdirSync(tmp, { recursive: true });
      const dbUrl = `file:${tmp}/e2e-turn-${port}.db`;
      const server: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), ["tests/support/e2e-server.ts"], {
        env: {
          ...process.env, E2E_PORT: String(port), E2E_DATABASE_URL: dbUrl,
          TURN_URLS: turn.url, TURN_SECRET: turn.secret, TURN_TTL_SECONDS: String(TTL_S), ICE_TRANSPORT_POLICY: "relay",
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      const base = `http://127.0.0.1:${port}`;
      await expect.poll(() => fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false), { timeout: 120_000 }).toBe(true);
      const db = await createDb(dbUrl);
      await use({ base, db, turn });
      await db.$disconnect();
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      turn.stop();
    },
    { scope: "worker", timeout: 150_000 },
  ],
});

let browsers: Browser[] = [];
test.afterEach(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  browsers = [];
});

test("TURN: media relayed both ways through coturn; credentials renewed before expiry and used by the next ICE restart", async ({ relayEnv }) => {
  test.setTimeout(300_000);
  const { base, db, turn } = relayEnv;
  const clinic = await seedClinic(db, crypto.randomBytes(4).toString("hex"));
  const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, ...fakeMedia] });
  browsers = await Promise.all([launch(), launch()]);
  const [tb, pb] = browsers as [Browser, Browser];
  const tctx = await tb.newContext({ baseURL: base, permissions: ["camera", "microphone"] });
  const pctx = await pb.newContext({ baseURL: base, permissions: ["camera", "microphone"] });
  for (const c of [tctx, pctx]) await c.addInitScript(keepPeerConnections);

  await trpc(tctx, base, "auth.signIn", { email: clinic.therapist.email, password: PASSWORD });
  const scheduled = await trpc(tctx, base, "visits.schedule", { patientId: clinic.patient.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(), durationMin: 30 });
  const visitId = (scheduled.visit as { id: string }).id;
  const therapist = await tctx.newPage();
  await therapist.goto(`/visits/${visitId}/room`);
  await expect(therapist.getByTestId("room-live")).toHaveText("Waiting for the patient to join.");
  const patient = await pctx.newPage();
  await patient.goto(scheduled.joinPath as string);
  await expect(patient.getByTestId("preview")).toBeVisible({ timeout: 45_000 });
  await patient.getByLabel("Your name").fill("Relay Tester");
  await patient.getByRole("checkbox").check();
  await patient.getByRole("button", { name: "Join the waiting room" }).click();
  await therapist.getByRole("button", { name: "Admit Relay Tester" }).click();
  const joinedAt = Date.now();
  await expect(therapist.getByTestId("visit-room")).toHaveAttribute("data-link-state", "connected", { timeout: 45_000 });
  await expect(patient.getByTestId("patient-call")).toHaveAttribute("data-link-state", "connected", { timeout: 45_000 });
  await expectVideoFlowing(therapist);
  await expectVideoFlowing(patient);

  // Both peers force relay, and the pair in use is relay on both ends.
  const first: Record<string, PairInfo> = {};
  for (const [name, page] of [["therapist", therapist], ["patient", patient]] as const) {
    const p = await selectedPair(page);
    expect(p, name).not.toBeNull();
    expect(p!.policy, name).toBe("relay");
    expect(p!.localType, name).toBe("relay");
    expect(p!.remoteType, name).toBe("relay");
    expect(p!.bytesIn, name).toBeGreaterThan(0);
    first[name] = p!;
  }
  const firstExpiry = Number(first.therapist!.username.split(":")[0]) * 1000;
  expect(firstExpiry).toBeGreaterThan(joinedAt);
  expect(turn.log()).toMatch(/ALLOCATE|allocation/i);

  // Renewed ahead of expiry: the link's configuration carries a later username on both sides before the first expires.
  for (const page of [therapist, patient]) {
    await expect
      .poll(async () => Number((await selectedPair(page))!.username.split(":")[0]) * 1000, { timeout: TTL_S * 1000, intervals: [2_000] })
      .toBeGreaterThan(firstExpiry);
  }
  expect(Date.now()).toBeLessThan(firstExpiry);
  // Wait until the first credentials have expired, then restart ICE: new relay allocations need valid credentials.
  await therapist.waitForTimeout(Math.max(0, firstExpiry - Date.now() + 2_000));
  await therapist.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __states: string[] };
    const pc = w.__pcs.filter((p) => p.connectionState !== "closed").at(-1)!;
    w.__states = [];
    pc.addEventListener("connectionstatechange", () => w.__states.push(pc.connectionState));
    pc.addEventListener("icegatheringstatechange", () => w.__states.push(`gathering:${pc.iceGatheringState}`));
    pc.restartIce();
  });
  await expect.poll(() => therapist.evaluate(() => (window as unknown as { __states: string[] }).__states), { timeout: 30_000 }).toContain("gathering:complete");
  await expect.poll(async () => (await selectedPair(therapist))?.local, { timeout: 30_000 }).not.toBe(first.therapist!.local);
  const after = await selectedPair(therapist);
  expect(after!.state).toBe("connected");
  expect(after!.localType).toBe("relay");
  expect(await therapist.evaluate(() => (window as unknown as { __states: string[] }).__states)).not.toContain("failed");
  await expectVideoFlowing(therapist);
  await expectVideoFlowing(patient);
  await therapist.getByRole("button", { name: "End visit" }).click();
  await therapist.getByRole("button", { name: "Yes, end visit" }).click();
  await expect(patient.getByText("Your visit has ended")).toBeVisible();
});
