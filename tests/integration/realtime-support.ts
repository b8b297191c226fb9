// Helpers for the realtime suites: a real server (no Next.js), seeded clinics, visits with join
// tokens, signed-in staff cookies, and typed socket.io-client connections.
import crypto from "node:crypto";
import { io as ioc, type Socket } from "socket.io-client";
import {
  PROTOCOL_VERSION,
  SOCKET_PATH,
  type Ack,
  type C2SEvent,
  type C2SEvents,
  type C2SPayload,
  type C2SResult,
  type HandshakeErrorData,
  type RoomView,
  type S2CEvents,
  type Welcome,
} from "../../app/_shared/protocol";
import type { SessionUser } from "../../server/services/auth";
import { scheduleVisit } from "../../server/services/visits";
import { HttpClient, startTestServer } from "../support/server";
import { PASSWORD, seedClinic, type SeededClinic } from "../support/seed";

export type ClientSocket = Socket<S2CEvents, C2SEvents>;
export type Server = Awaited<ReturnType<typeof startTestServer>>;

export const newInstance = () => crypto.randomBytes(9).toString("base64url");

export function caller(s: Server, u: SeededClinic["therapist"]) {
  const user: SessionUser = { id: u.id, clinicId: u.clinicId, email: u.email, name: u.name, role: u.role as SessionUser["role"], mustChangePassword: false };
  return { db: s.db, env: s.env, user, ip: "127.0.0.1" };
}

export async function newVisit(s: Server, c: SeededClinic) {
  const r = await scheduleVisit(caller(s, c.therapist), { patientId: c.patient.id, scheduledAt: new Date(Date.now() + 60_000), durationMin: 30, reason: "" });
  return { visitId: r.visit.id, token: r.joinPath.replace("/join/", "") };
}

export async function staffCookie(s: Server, email: string): Promise<string> {
  const h = new HttpClient(s.url);
  await h.signIn(email, PASSWORD);
  return h.cookie;
}

export type Conn = { socket: ClientSocket; welcome: Welcome | null; states: RoomView[]; instanceId: string };

/** Connects and resolves after the welcome (participants) or connect (staff); rejects with the handshake error data. */
export function connect(
  s: Server,
  auth: Record<string, unknown>,
  opts: { cookie?: string; origin?: string; reconnection?: boolean } = {},
): Promise<Conn> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  const socket: ClientSocket = ioc(s.url, {
    path: SOCKET_PATH,
    transports: ["websocket"],
    auth: { v: PROTOCOL_VERSION, ...auth },
    extraHeaders: headers,
    reconnection: opts.reconnection ?? false,
    forceNew: true,
  });
  const conn: Conn = { socket, welcome: null, states: [], instanceId: String(auth.instanceId ?? "") };
  socket.on("room:state", (st) => conn.states.push(st));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("connect timeout")), 10_000);
    socket.once("connect_error", (e) => {
      clearTimeout(t);
      socket.close();
      reject(Object.assign(new Error(e.message), { data: (e as unknown as { data?: HandshakeErrorData }).data }));
    });
    if (auth.role === "staff")
      socket.once("connect", () => {
        clearTimeout(t);
        resolve(conn);
      });
    else
      socket.once("session:welcome", (w) => {
        clearTimeout(t);
        conn.welcome = w;
        resolve(conn);
      });
  });
}

export async function connectError(s: Server, auth: Record<string, unknown>, opts: { cookie?: string; origin?: string } = {}): Promise<HandshakeErrorData | undefined> {
  try {
    const c = await connect(s, auth, opts);
    c.socket.close();
  } catch (e) {
    return (e as { data?: HandshakeErrorData }).data;
  }
  throw new Error("expected the handshake to be refused");
}

export function patientAuth(token: string, instanceId = newInstance()) {
  return { role: "patient", token, instanceId, name: "Pat Ient", consent: true };
}
export function therapistAuth(visitId: string, instanceId = newInstance()) {
  return { role: "therapist", visitId, instanceId };
}

export function send<E extends C2SEvent>(c: Conn | ClientSocket, event: E, payload: C2SPayload<E>, timeoutMs = 5_000): Promise<Ack<C2SResult[E]>> {
  const socket = "socket" in c ? c.socket : c;
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<Ack<C2SResult[E]>> }).emitWithAck(event, payload);
}

/** Sends a raw event (anything at all) and waits for its acknowledgement. */
export function sendRaw(c: Conn, event: string, ...args: unknown[]): Promise<Ack> {
  return (c.socket.timeout(5_000) as unknown as { emitWithAck: (e: string, ...a: unknown[]) => Promise<Ack> }).emitWithAck(event, ...args);
}

/** Resolves with the first event matching `pred`. */
export function next<E extends keyof S2CEvents>(c: Conn | ClientSocket, event: E, pred: (...a: Parameters<S2CEvents[E]>) => boolean = () => true, timeoutMs = 5_000): Promise<Parameters<S2CEvents[E]>[0]> {
  const socket = ("socket" in c ? c.socket : c) as unknown as { on: (e: string, f: (...a: unknown[]) => void) => void; off: (e: string, f: (...a: unknown[]) => void) => void };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.off(event, f);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const f = (...a: unknown[]) => {
      if (!(pred as (...x: unknown[]) => boolean)(...a)) return;
      clearTimeout(t);
      socket.off(event, f);
      resolve(a[0] as Parameters<S2CEvents[E]>[0]);
    };
    socket.on(event, f);
  });
}

/** The latest room:state seen, or waits for one matching `pred`. */
export async function stateWhere(c: Conn, pred: (s: RoomView) => boolean, timeoutMs = 5_000): Promise<RoomView> {
  const last = c.states[c.states.length - 1];
  if (last && pred(last)) return last;
  return next(c, "room:state", pred, timeoutMs);
}

export async function setupServer() {
  const s = await startTestServer();
  const a = await seedClinic(s.db);
  const b = await seedClinic(s.db);
  return { s, a, b };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
