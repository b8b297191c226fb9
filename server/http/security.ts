import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Content-Security-Policy for pages. Scripts need the per-request nonce (Next.js reads it from the
 * request's CSP header and puts it on its own inline scripts); WASM (MediaPipe) needs
 * 'wasm-unsafe-eval'. connect-src 'self' covers tRPC, Socket.IO (same origin, ws: too) and blocks
 * third-party telemetry. Development adds 'unsafe-eval' for React's dev tooling.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, opts: { dev: boolean; https: boolean }): string {
  const nonce = crypto.randomBytes(16).toString("base64");
  const csp = contentSecurityPolicy(nonce, opts.dev);
  req.headers["content-security-policy"] = csp; // Next.js takes the nonce from here
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()");
  const path = req.url ?? "/";
  // pages opened with a patient link (the token is in the path): never sent on, never cached
  const linkPage = /^\/(join|intake|q|home)\//.test(path);
  res.setHeader("Referrer-Policy", linkPage ? "no-referrer" : "same-origin");
  if (linkPage || path.startsWith("/api/")) res.setHeader("Cache-Control", "no-store");
  if (opts.https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return nonce;
}
