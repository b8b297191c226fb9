// Starts the real server (HTTP API + Socket.IO, optionally Next.js) on a random loopback port.
import { startServer, type Started } from "../../server/app";
import type { Env } from "../../server/env";
import type { RealtimeOptions } from "../../server/realtime/index";
import { testEnv } from "./env";

export async function startTestServer(opts: { env?: Env; next?: boolean; overrides?: Record<string, string>; realtime?: RealtimeOptions } = {}): Promise<Started & { env: Env }> {
  const env = opts.env ?? testEnv(opts.overrides);
  // Admission control (server/realtime/admission.ts) is off unless a test asks for it: on a machine shared with other
  // suites the event loop can lag for reasons of its own, and a refused join would fail an unrelated test.
  const s = await startServer(env, { next: opts.next ?? false, log: () => {}, realtime: { admission: false, ...opts.realtime } });
  return { ...s, env, url: `http://127.0.0.1:${s.port}` };
}

/** A tiny cookie-keeping tRPC-over-HTTP client for integration tests (superjson on the wire). */
export class HttpClient {
  cookie = "";
  constructor(readonly base: string, readonly headers: Record<string, string> = {}) {}

  async call(kind: "query" | "mutation", path: string, input?: unknown, extraHeaders: Record<string, string> = {}) {
    const { default: superjson } = await import("superjson");
    const enc = input === undefined ? undefined : superjson.serialize(input);
    const url =
      kind === "query"
        ? `${this.base}/api/trpc/${path}${enc ? `?input=${encodeURIComponent(JSON.stringify(enc))}` : ""}`
        : `${this.base}/api/trpc/${path}`;
    const res = await fetch(url, {
      method: kind === "query" ? "GET" : "POST",
      headers: { "content-type": "application/json", ...(this.cookie ? { cookie: this.cookie } : {}), ...this.headers, ...extraHeaders },
      body: kind === "mutation" ? JSON.stringify(enc ?? null) : undefined,
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(";");
      if (pair?.startsWith("pv_session=")) this.cookie = pair.endsWith("=") ? "" : pair;
    }
    const body = (await res.json()) as { result?: { data: unknown }; error?: { json: { message: string; data: { code: string; httpStatus: number; zodError: unknown } } } };
    if (body.error) return { ok: false as const, status: res.status, error: body.error.json, setCookie };
    const data = body.result!.data as Parameters<typeof superjson.deserialize>[0];
    return { ok: true as const, status: res.status, data: superjson.deserialize(data) as any, setCookie };
  }

  async signIn(email: string, password: string) {
    const r = await this.call("mutation", "auth.signIn", { email, password });
    if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
    return r.data;
  }
}
