// Bounded, seeded fuzz run (issue 16: "put such a fuzz run into the integration tests so that it
// stays true"): a few thousand socket events with random and mutated payloads of every C2S event
// type (plus unknown names, wrong argument counts, no acknowledgement), random handshakes, and a
// few hundred fuzzed tRPC calls over HTTP on every procedure, while a well-behaved visit streams
// live relays beside them. Asserts: every acknowledged event gets a protocol answer (never
// INTERNAL), no HTTP 5xx, no realtime handler failure logged, the server stays up, the fuzzing
// sockets stay connected, and the bystander gets every relay exactly once and in order.
// Repeat a run with FUZZ_SEED=<seed>; FUZZ_EVENTS / FUZZ_HTTP change its size.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import superjson from "superjson";
import { C2S_SCHEMAS, ERROR_CODES, type Ack, type C2SEvent } from "../../app/_shared/protocol";
import { appRouter } from "../../server/api/root";
import { startTestServer } from "../support/server";
import { PASSWORD, seedClinic } from "../support/seed";
import { connect, newInstance, newVisit, patientAuth, send, sleep, staffCookie, stateWhere, therapistAuth, type Conn } from "./realtime-support";
import { HttpClient } from "../support/server";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SOCKET_EVENTS = Number(process.env.FUZZ_EVENTS ?? 3000);
const HTTP_CALLS = Number(process.env.FUZZ_HTTP ?? 300);
const HANDSHAKES = 60;

const C2S_EVENTS = Object.keys(C2S_SCHEMAS) as C2SEvent[];
const ODD_EVENTS = ["nope", "__proto__", "constructor", "toString", "hasOwnProperty", "relay ", "SIGNAL", "visit:", "x".repeat(200)];
const KNOWN_CODES = new Set<string>(ERROR_CODES);

type Step = { sock: number; event: string; shape: string; op: string; key: number; value: unknown };
const valueArb = fc.oneof(
  { weight: 5, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 53, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, "", null, true, [], {}, "../../etc/passwd", "<script>", "\u0000") },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);
const stepArb = fc.record({
  sock: fc.nat(),
  event: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...C2S_EVENTS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_EVENTS) }),
  shape: fc.constantFrom("mutate", "mutate", "mutate", "random", "valid", "args0", "args2", "noack"),
  op: fc.constantFrom("set", "delete", "add", "replace", "deep"),
  key: fc.nat(),
  value: valueArb,
});

function template(event: string, peer: string): Record<string, unknown> {
  switch (event) {
    case "signal":
      return { to: peer, description: { type: "offer", sdp: "v=0\r\n" } };
    case "media:state":
      return { audio: true, video: false };
    case "visit:decline":
      return { message: "not now" };
    case "ping":
      return { t: 1 };
    case "relay":
      return { ns: "fuzz.data", seq: 0, base: 0, data: { a: [1, 2, 3] } };
    case "relay:ack":
      return { ns: "fuzz.data", upTo: 0, sender: peer };
    default:
      return {};
  }
}

function mutate(t: Record<string, unknown>, s: Step): unknown {
  const o: Record<string, unknown> = structuredClone(t);
  const keys = Object.keys(o);
  const k = keys.length ? keys[s.key % keys.length]! : "x";
  switch (s.op) {
    case "replace":
      return s.value;
    case "delete":
      delete o[k];
      return o;
    case "add":
      // An own "__proto__" key as JSON.parse would make it on the server.
      Object.defineProperty(o, ["extra", "__proto__", "constructor", "then", "toJSON"][s.key % 5]!, { value: s.value, enumerable: true, configurable: true, writable: true });
      return o;
    case "deep": {
      const inner = o[k];
      if (inner && typeof inner === "object" && !Array.isArray(inner)) {
        const ik = Object.keys(inner);
        (inner as Record<string, unknown>)[ik.length ? ik[s.key % ik.length]! : "y"] = s.value;
      } else o[k] = { nested: s.value };
      return o;
    }
    default:
      o[k] = s.value;
      return o;
  }
}

type Raw = { emit: (...a: unknown[]) => void; timeout: (ms: number) => { emitWithAck: (...a: unknown[]) => Promise<unknown> } };

test(`seeded fuzz (seed ${SEED}): ${SOCKET_EVENTS} socket events, ${HANDSHAKES} handshakes, ${HTTP_CALLS} tRPC calls; the server stays up and a live visit beside it loses nothing`, { timeout: 300_000 }, async () => {
  const logs: string[] = [];
  const s = await startTestServer({
    realtime: {
      log: (m) => logs.push(m),
      // Everything comes from loopback: the handshake limits are not what this run is about.
      handshakeLimits: { perAddress: { points: 1_000_000, durationSec: 60 }, failuresPerAddress: { points: 1_000_000, durationSec: 60 } },
    },
  });
  try {
    const a = await seedClinic(s.db);
    const b = await seedClinic(s.db);
    const cookie = await staffCookie(s, a.therapist.email);
    const inCall = async () => {
      const v = await newVisit(s, a);
      const therapist = await connect(s, therapistAuth(v.visitId), { cookie });
      const patient = await connect(s, patientAuth(v.token));
      await stateWhere(therapist, (st) => st.patient?.presence === "online");
      assert.equal((await send(therapist, "visit:admit", {})).ok, true);
      await stateWhere(patient, (st) => st.status === "IN_PROGRESS");
      return { v, therapist, patient };
    };

    // The well-behaved visit: the patient streams live relays at 20 Hz, the therapist records them.
    const bystander = await inCall();
    const received: number[] = [];
    bystander.therapist.socket.on("relay", (m) => {
      if (m.ns === "pose.live") received.push(m.seq);
    });
    let sent = 0;
    let stop = false;
    const bystanderLoop = (async () => {
      const angles = Array.from({ length: 11 }, (_, i) => Math.round(i * 7.3 * 100) / 100);
      while (!stop) {
        const r = await send(bystander.patient, "relay", { ns: "pose.live", seq: sent, base: sent, data: { t: Date.now(), angles, conf: angles.map(() => 0.93), q: { fps: 20, delayMs: 40 } } }, 10_000);
        assert.equal(r.ok, true, `bystander relay ${sent}: ${JSON.stringify(r)}`);
        sent++;
        await sleep(50);
      }
    })();

    // The fuzzing sockets: both sides of three visits in progress, and a dashboard.
    const fuzzVisits = await Promise.all([inCall(), inCall(), inCall()]);
    const dash = await connect(s, { role: "staff" }, { cookie });
    const socks: { conn: Conn; peer: string; therapist: boolean }[] = [
      ...fuzzVisits.flatMap((f) => [
        { conn: f.patient, peer: f.therapist.instanceId, therapist: false },
        { conn: f.therapist, peer: f.patient.instanceId, therapist: true },
      ]),
      { conn: dash, peer: newInstance(), therapist: false },
    ];
    const serverErrors: string[] = [];
    for (const x of socks) x.conn.socket.on("server:error", (e) => serverErrors.push(e.code));

    const plan = fc.sample(stepArb, { seed: SEED, numRuns: SOCKET_EVENTS }) as Step[];
    const codes = new Map<string, number>();
    const bad: string[] = [];
    const tally = (r: unknown, what: string) => {
      const ack = r as Ack;
      if (!ack || typeof ack !== "object" || typeof ack.ok !== "boolean") return bad.push(`${what}: not an ack: ${JSON.stringify(r)?.slice(0, 120)}`);
      const code = ack.ok ? "ok" : ack.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!ack.ok && (!KNOWN_CODES.has(ack.code) || ack.code === "INTERNAL")) bad.push(`${what}: ${ack.code} ${ack.message}`);
    };
    const socketFuzz = Promise.all(
      socks.map(async (x, i) => {
        const raw = x.conn.socket as unknown as Raw;
        for (const [n, st] of plan.entries()) {
          if (st.sock % socks.length !== i) continue;
          const t = template(st.event, x.peer);
          let payload = st.shape === "random" ? st.value : st.shape === "valid" ? t : mutate(t, st);
          // Keep the fuzzed visits alive: a valid "end" from their therapist is sent invalid instead.
          if (x.therapist && st.event === "visit:end" && C2S_SCHEMAS["visit:end"].safeParse(payload).success) payload = { fuzz: true };
          const what = `#${n} ${st.event} ${st.shape}/${st.op} ${JSON.stringify(payload)?.slice(0, 100)}`;
          if (st.shape === "noack") raw.emit(st.event, payload);
          else {
            const args = st.shape === "args0" ? [] : st.shape === "args2" ? [payload, st.value] : [payload];
            try {
              tally(await raw.timeout(15_000).emitWithAck(st.event, ...args), what);
            } catch (e) {
              bad.push(`${what}: no answer (${String(e)})`);
            }
          }
          await sleep(22); // under the per-socket rate limit (60/s): this run is about payloads, not floods
        }
      }),
    );

    // Random handshakes: refused with a protocol code, never INTERNAL.
    const handshakeArb = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 2 }), { maxKeys: 6 }),
      // Well-formed but with one field fuzzed, so refusals past the schema (unknown link, no session) are reached.
      fc.record({ token: fc.string({ minLength: 1, maxLength: 100 }), name: fc.string({ minLength: 1, maxLength: 100 }) }).map(({ token, name }) => ({ role: "patient", token, instanceId: newInstance(), name, consent: true })),
      fc.string({ maxLength: 64 }).map((visitId) => ({ role: "therapist", visitId, instanceId: newInstance() })),
      fc.record({ role: fc.constantFrom("patient", "therapist", "staff", "admin", ""), token: fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), instanceId: fc.oneof(fc.string(), fc.constant(newInstance())), name: fc.anything(), consent: fc.anything(), visitId: fc.oneof(fc.string(), fc.constant(fuzzVisits[0].v.visitId)), v: fc.oneof(fc.constant(1), fc.anything()) }, { requiredKeys: ["role"] }),
    );
    const handshakeCodes = new Map<string, number>();
    const handshakeFuzz = (async () => {
      for (const auth of fc.sample(handshakeArb, { seed: SEED + 1, numRuns: HANDSHAKES })) {
        try {
          const c = await connect(s, auth as Record<string, unknown>);
          c.socket.close();
          handshakeCodes.set("accepted", (handshakeCodes.get("accepted") ?? 0) + 1);
        } catch (e) {
          const code = (e as { data?: { code?: string } }).data?.code ?? `no code: ${String(e)}`;
          handshakeCodes.set(code, (handshakeCodes.get(code) ?? 0) + 1);
          if (!KNOWN_CODES.has(code) || code === "INTERNAL") bad.push(`handshake ${JSON.stringify(auth)?.slice(0, 120)}: ${code}`);
        }
      }
    })();

    // tRPC over HTTP: every procedure (but signing out) with random and half-valid inputs, as a
    // signed-in admin of another clinic (whose data the live visits do not touch) and anonymously.
    const bAdmin = new HttpClient(s.url);
    await bAdmin.signIn(b.admin.email, PASSWORD);
    const bVisit = await newVisit(s, b);
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
      .filter(([p]) => p !== "auth.signOut")
      .map(([p, def]) => ({ path: p, type: def._def.type }));
    const pool: Record<string, unknown[]> = {
      id: [b.patient.id, bVisit.visitId, b.therapist.id], patientId: [b.patient.id], visitId: [bVisit.visitId], userId: [b.therapist.id], trialId: ["c".repeat(25)],
      token: [bVisit.token, "A".repeat(43)], sessionId: ["s".repeat(25)], email: ["x@test.posevisit"], password: ["correct-horse-42"], disabled: [false], limit: [5, 0, -1, 1e9],
      scheduledAt: [new Date(Date.now() + 3_600_000), new Date(0)], durationMin: [30, 0, 100_000], reason: ["", "x".repeat(5000)], seq: [0, -1], samples: [[], [{}]],
      data: [{ firstName: "A", lastName: "B" }], protocolId: ["trunk-flexion"], name: ["N"], role: ["THERAPIST", "ROOT"], status: ["WAITING", "NOPE"], cursor: ["zz"],
    };
    const keys = Object.keys(pool);
    const inputArb = fc.oneof(
      { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withDate: true }) },
      {
        weight: 3,
        arbitrary: fc
          .record({ picks: fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 6 }), choice: fc.nat(), fuzzOne: fc.boolean(), value: fc.anything({ maxDepth: 2 }) })
          .map(({ picks, choice, fuzzOne, value }) => {
            const o: Record<string, unknown> = {};
            picks.forEach((k, i) => (o[k] = fuzzOne && i === 0 ? value : pool[k]![(choice + i) % pool[k]!.length]));
            return o;
          }),
      },
    );
    const callArb = fc.record({ proc: fc.nat({ max: procedures.length - 1 }), input: inputArb, anon: fc.boolean(), garbage: fc.nat({ max: 19 }) });
    const statuses = new Map<number, number>();
    const httpFuzz = (async () => {
      const calls = fc.sample(callArb, { seed: SEED + 2, numRuns: HTTP_CALLS });
      let i = 0;
      const worker = async () => {
        while (i < calls.length) {
          const c = calls[i++]!;
          const p = procedures[c.proc]!;
          const headers: Record<string, string> = { "content-type": "application/json", ...(c.anon ? {} : { cookie: bAdmin.cookie }) };
          let res: Response;
          if (c.garbage === 0) {
            res = await fetch(`${s.url}/api/trpc/${p.path}${p.type === "query" ? "?input=%7B%22json%22%3A" : ""}`, { method: p.type === "query" ? "GET" : "POST", headers, body: p.type === "query" ? undefined : "{\"json\": [1, 2" });
          } else {
            const enc = JSON.stringify(superjson.serialize(c.input));
            res = await fetch(p.type === "query" ? `${s.url}/api/trpc/${p.path}?input=${encodeURIComponent(enc)}` : `${s.url}/api/trpc/${p.path}`, {
              method: p.type === "query" ? "GET" : "POST",
              headers,
              body: p.type === "query" ? undefined : enc,
            });
          }
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) bad.push(`HTTP ${res.status} from ${p.type} ${p.path} ${JSON.stringify(c.input)?.slice(0, 160)}`);
        }
      };
      await Promise.all([worker(), worker(), worker()]);
    })();

    await Promise.all([socketFuzz, handshakeFuzz, httpFuzz]);
    stop = true;
    await bystanderLoop;
    for (let t = 0; t < 100 && received.length < sent; t++) await sleep(50);

    const summary = `socket answers ${JSON.stringify([...codes])}, server:error ${serverErrors.length}, handshakes ${JSON.stringify([...handshakeCodes])}, HTTP ${JSON.stringify([...statuses])}, bystander ${received.length}/${sent}`;
    console.log(`[fuzz] seed ${SEED}: ${summary}`);
    assert.deepEqual(bad.slice(0, 20), [], summary);
    assert.ok(!serverErrors.includes("INTERNAL"), summary);
    assert.deepEqual(logs.filter((m) => /failed/.test(m)), [], "no realtime handler failed");
    // Every kind of refusal was reached, and some events went through.
    for (const code of ["ok", "BAD_REQUEST", "UNKNOWN_EVENT", "FORBIDDEN"]) assert.ok((codes.get(code) ?? 0) > 0, `${code}: ${summary}`);
    assert.ok(sent >= 20, summary);
    assert.deepEqual(received, Array.from({ length: sent }, (_, i) => i), "the bystander got every relay, once, in order");
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
    for (const x of socks) assert.equal(x.conn.socket.connected, true, "fuzzing sockets were answered, not dropped");
    assert.equal((await send(bystander.patient, "ping", { t: 7 })).ok, true);
    for (const c of [bystander.patient, bystander.therapist, ...socks.map((x) => x.conn)]) c.socket.close();
  } finally {
    await s.close();
  }
});
