import type { IncomingMessage } from "node:http";
import type { Env } from "../env";

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function clientIp(req: IncomingMessage, env: Env): string {
  if (env.TRUST_PROXY) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  return (req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
}

export function isHttps(req: IncomingMessage, env: Env): boolean {
  if (env.PUBLIC_ORIGIN) return env.PUBLIC_ORIGIN.startsWith("https:");
  if (env.TRUST_PROXY && req.headers["x-forwarded-proto"] === "https") return true;
  return "encrypted" in req.socket && Boolean((req.socket as { encrypted?: boolean }).encrypted);
}

/**
 * True for the Host header of a loopback address: localhost (and *.localhost), 127.0.0.0/8, [::1].
 * WHATWG URL parsing normalises the forms browsers accept ("127.1", "0x7f.0.0.1", upper case).
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host || !/^[A-Za-z0-9.\-[\]:]{1,260}$/.test(host)) return false;
  let hostname: string;
  try {
    const u = new URL(`http://${host}`);
    if (u.host !== host.toLowerCase().replace(/:80$/, "")) return false; // nothing but host[:port]
    hostname = u.hostname;
  } catch {
    return false;
  }
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * The origin our own pages have: PUBLIC_ORIGIN when set (required in production). Without it
 * (development, tests) it is taken from the Host header only for loopback hosts, since any other
 * Host is whatever the client chose to send (DNS rebinding, a forged header); null = unknown.
 */
export function expectedOrigin(req: IncomingMessage, env: Env): string | null {
  if (env.PUBLIC_ORIGIN) return new URL(env.PUBLIC_ORIGIN).origin;
  const host = req.headers.host;
  if (!isLoopbackHost(host)) return null;
  return new URL(`${isHttps(req, env) ? "https" : "http"}://${host}`).origin;
}

/**
 * True unless the browser says the request came from another origin. Browsers send Origin on every
 * POST and Sec-Fetch-Site on every request; clients without either (curl, server-to-server) carry no
 * ambient credentials of a victim, so they are let through. A browser request whose own origin we
 * cannot establish (no PUBLIC_ORIGIN, Host not loopback) is refused.
 */
export function isSameOrigin(req: IncomingMessage, env: Env): boolean {
  const origin = req.headers.origin;
  const expected = expectedOrigin(req, env);
  if (origin) return expected !== null && origin === expected;
  const site = req.headers["sec-fetch-site"];
  if (site === undefined || site === "none") return true;
  return site === "same-origin" && expected !== null;
}

export function serializeCookie(name: string, value: string, secure: boolean, opts: { maxAgeSec?: number; expires?: Date } = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (secure) parts.push("Secure");
  if (opts.maxAgeSec !== undefined) parts.push(`Max-Age=${opts.maxAgeSec}`);
  if (opts.expires) parts.push(`Expires=${opts.expires.toUTCString()}`);
  return parts.join("; ");
}
