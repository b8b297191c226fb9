// Signalling benchmark: many concurrent visits joining and negotiating against ONE server process.
//   npm run bench:signalling            (BENCH_VISITS=200 by default; BENCH_JSON=1 for JSON output)
// The server runs in a child process (so its memory is measured alone); this process plays both
// participants of every visit with socket.io-client over WebSocket on loopback.
// Reported: participant joins per second (handshake auth + DB writes + room join + welcome),
// p50/p99 signalling round trip (offer → relayed → answer → relayed back, i.e. two server hops each
// way, with realistic SDP sizes), p50/p99 ack round trip of `ping`, and server heap/RSS per visit.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

type Boot = { url: string; visits: { visitId: string; token: string }[]; therapistEmail: string; password: string };
type Mem = { heapUsed: number; rss: number; rooms: number; sockets: number };

if (process.argv.includes("--server")) {
  // ---------------- child: the server ----------------
  const { startTestServer } = await import("../support/server");
  const { seedClinic, PASSWORD } = await import("../support/seed");
  const { scheduleVisit } = await import("../../server/services/visits");
  const n = Number(process.env.BENCH_VISITS ?? 200);
  // Every simulated patient connects from loopback: lift the per-address handshake limit.
  const s = await startTestServer({ realtime: { handshakeLimits: { perAddress: { points: 1_000_000, durationSec: 60 } } } });
  const c = await seedClinic(s.db);
  const caller = { db: s.db, env: s.env, ip: "bench", user: { id: c.therapist.id, clinicId: c.clinic.id, email: c.therapist.email, name: c.therapist.name, role: "THERAPIST" as const, mustChangePassword: false } };
  const visits: Boot["visits"] = [];
  for (let i = 0; i < n; i++) {
    const r = await scheduleVisit(caller, { patientId: c.patient.id, scheduledAt: new Date(Date.now() + 60_000), durationMin: 30, reason: "" });
    visits.push({ visitId: r.visit.id, token: r.joinPath.slice("/join/".length) });
  }
  const mem = async (): Promise<Mem> => {
    for (let i = 0; i < 3; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    return { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, rooms: await s.realtime.rooms.store.count(), sockets: s.realtime.io.engine.clientsCount };
  };
  process.on("message", (m: string) => {
    if (m === "mem") void mem().then((x) => process.send!({ mem: x }));
    if (m === "stop") void s.close().then(() => process.exit(0));
  });
  process.send!({ boot: { url: s.url, visits, therapistEmail: c.therapist.email, password: PASSWORD } satisfies Boot });
} else {
  // ---------------- parent: the clients ----------------
  const { HttpClient } = await import("../support/server");
  const { openSocket, emitAck } = await import("../../app/_lib/realtime/socket");
  type VisitSocket = import("../../app/_lib/realtime/socket").VisitSocket;
  const child = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: ["--import", "tsx", "--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"], env: process.env });
  const ask = <T>(msg: string, key: string) =>
    new Promise<T>((resolve) => {
      const f = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off("message", f);
          resolve(m[key] as T);
        }
      };
      child.on("message", f);
      if (msg) child.send(msg);
    });
  const t0 = performance.now();
  const boot = await ask<Boot>("", "boot");
  const n = boot.visits.length;
  const http = new HttpClient(boot.url);
  await http.signIn(boot.therapistEmail, boot.password);
  const pct = (a: number[], p: number) => {
    const s = [...a].sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  };
  const rid = () => Math.random().toString(36).slice(2, 12).padEnd(10, "x");
  const connectWelcome = (auth: Record<string, unknown>, headers?: Record<string, string>) =>
    new Promise<{ s: VisitSocket; instanceId: string }>((resolve, reject) => {
      const s = openSocket(auth, { url: boot.url, extraHeaders: headers, reconnection: false, forceNew: true });
      s.once("session:welcome", (w) => resolve({ s, instanceId: w.instanceId }));
      s.once("connect_error", reject);
    });

  const memBefore = await ask<Mem>("mem", "mem");

  // 1) Joins: every visit's therapist and patient connect at once.
  const tj = performance.now();
  const pairs = await Promise.all(
    boot.visits.map(async (v) => {
      const [t, p] = await Promise.all([
        connectWelcome({ role: "therapist", visitId: v.visitId, instanceId: rid() }, { cookie: http.cookie }),
        connectWelcome({ role: "patient", token: v.token, instanceId: rid(), name: "Bench Patient", consent: true }),
      ]);
      return { v, t, p };
    }),
  );
  const joinSec = (performance.now() - tj) / 1000;
  const memJoined = await ask<Mem>("mem", "mem");

  // 2) Admit everyone.
  const ta = performance.now();
  const admits = await Promise.all(pairs.map((x) => emitAck(x.t.s, "visit:admit", {})));
  const admitSec = (performance.now() - ta) / 1000;
  if (admits.some((a) => !a.ok)) throw new Error(`admit failed: ${JSON.stringify(admits.find((a) => !a.ok))}`);
  await new Promise((r) => setTimeout(r, 200));

  // 3) Negotiation per visit: offer (6 KB) → answer (5 KB), 8 candidates each way, all visits at once.
  const offerSdp = "v=0\r\n" + "a=candidate-or-codec-line-of-a-typical-chrome-offer\r\n".repeat(115);
  const answerSdp = "v=0\r\n" + "a=typical-answer-line\r\n".repeat(220);
  const cand = (i: number) => ({ candidate: `candidate:${i} 1 udp 2122260223 192.168.1.${i} ${50000 + i} typ host generation 0 ufrag abcd network-id 1`, sdpMid: "0", sdpMLineIndex: 0 });
  for (const x of pairs) {
    // The therapist answers every offer and echoes candidates, like a real peer would.
    x.t.s.on("signal", (m) => {
      if (m.description?.type === "offer") void emitAck(x.t.s, "signal", { to: m.from, description: { type: "answer", sdp: answerSdp } });
    });
  }
  const rtts: number[] = [];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const tn = performance.now();
  let signals = 0;
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      pairs.map(
        (x) =>
          new Promise<void>((resolve) => {
            const start = performance.now();
            const onAnswer = (m: { description?: { type: string } }) => {
              if (m.description?.type !== "answer") return;
              rtts.push(performance.now() - start);
              x.p.s.off("signal", onAnswer as never);
              resolve();
            };
            x.p.s.on("signal", onAnswer as never);
            void emitAck(x.p.s, "signal", { to: x.t.instanceId, description: { type: "offer", sdp: offerSdp } });
            for (let i = 0; i < 8; i++) {
              void emitAck(x.p.s, "signal", { to: x.t.instanceId, candidate: cand(i) });
              void emitAck(x.t.s, "signal", { to: x.p.instanceId, candidate: cand(i + 8) });
            }
            signals += 18;
          }),
      ),
    );
  }
  const negSec = (performance.now() - tn) / 1000;

  // 3b) Paced: every visit renegotiates once per second at a random moment (steady state, like ICE restarts).
  const paced: number[] = [];
  const pacedSeconds = Number(process.env.BENCH_PACED_SECONDS ?? 5);
  await Promise.all(
    pairs.map(async (x) => {
      for (let i = 0; i < pacedSeconds; i++) {
        await new Promise((r) => setTimeout(r, Math.random() * 1000));
        await new Promise<void>((resolve) => {
          const start = performance.now();
          const onAnswer = (m: { description?: { type: string } }) => {
            if (m.description?.type !== "answer") return;
            paced.push(performance.now() - start);
            x.p.s.off("signal", onAnswer as never);
            resolve();
          };
          x.p.s.on("signal", onAnswer as never);
          void emitAck(x.p.s, "signal", { to: x.t.instanceId, description: { type: "offer", sdp: offerSdp } });
        });
      }
    }),
  );

  // 4) Ping round trips under the same load of connected sockets.
  const pings: number[] = [];
  await Promise.all(
    pairs.map(async (x) => {
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        await emitAck(x.p.s, "ping", { t: s });
        pings.push(performance.now() - s);
      }
    }),
  );
  const memNeg = await ask<Mem>("mem", "mem");
  for (const x of pairs) {
    x.t.s.disconnect();
    x.p.s.disconnect();
  }
  child.send("stop");

  const perVisitHeap = (memJoined.heapUsed - memBefore.heapUsed) / n;
  const perVisitRss = (memJoined.rss - memBefore.rss) / n;
  const result = {
    visits: n,
    participantJoins: n * 2,
    joinSeconds: +joinSec.toFixed(3),
    joinsPerSecond: Math.round((n * 2) / joinSec),
    admitsPerSecond: Math.round(n / admitSec),
    negotiation: { rounds, signalsRelayed: signals, seconds: +negSec.toFixed(3), signalsPerSecond: Math.round(signals / negSec) },
    signallingRoundTripMs: { p50: +pct(rtts, 50).toFixed(2), p99: +pct(rtts, 99).toFixed(2), max: +Math.max(...rtts).toFixed(2), samples: rtts.length },
    pacedRoundTripMs: { p50: +pct(paced, 50).toFixed(2), p99: +pct(paced, 99).toFixed(2), samples: paced.length, ratePerSecond: n },
    pingAckMs: { p50: +pct(pings, 50).toFixed(2), p99: +pct(pings, 99).toFixed(2) },
    serverMemoryPerVisit: { heapKiB: +(perVisitHeap / 1024).toFixed(1), rssKiB: +(perVisitRss / 1024).toFixed(1), note: "2 sockets + room state, after GC; RSS is noisy (allocator)" },
    serverAfterNegotiation: { heapMiB: +(memNeg.heapUsed / 2 ** 20).toFixed(1), rssMiB: +(memNeg.rss / 2 ** 20).toFixed(1), rooms: memJoined.rooms, sockets: memJoined.sockets },
    totalSeconds: +((performance.now() - t0) / 1000).toFixed(1),
    node: process.version,
  };
  if (process.env.BENCH_JSON) console.log(JSON.stringify(result));
  else {
    console.log(`Signalling benchmark — ${n} visits (${n * 2} participants) against one server process`);
    console.log(`  joins:        ${result.joinsPerSecond} participant joins/s (${n * 2} in ${result.joinSeconds} s; handshake auth + DB writes + welcome)`);
    console.log(`  admits:       ${result.admitsPerSecond} /s`);
    console.log(`  negotiation:  ${signals} signals relayed in ${result.negotiation.seconds} s (${result.negotiation.signalsPerSecond}/s)`);
    console.log(`  offer→answer round trip, burst (all visits at once, 18 signals each): p50 ${result.signallingRoundTripMs.p50} ms, p99 ${result.signallingRoundTripMs.p99} ms (${rtts.length} samples)`);
    console.log(`  offer→answer round trip, paced (${n} negotiations/s): p50 ${result.pacedRoundTripMs.p50} ms, p99 ${result.pacedRoundTripMs.p99} ms (${paced.length} samples)`);
    console.log(`  ping ack:     p50 ${result.pingAckMs.p50} ms, p99 ${result.pingAckMs.p99} ms`);
    console.log(`  memory:       ${result.serverMemoryPerVisit.heapKiB} KiB heap per visit (server, after GC; 2 sockets + room); server RSS ${result.serverAfterNegotiation.rssMiB} MiB with ${n} visits`);
  }
  setTimeout(() => process.exit(0), 500).unref();
}
