import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { appRouter } from "../api/root";
import { createContext } from "../api/trpc";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { createSignInLimits, type SignInLimits } from "../services/rate-limit";
import { clientIp, isHttps, isSameOrigin, parseCookies, serializeCookie } from "./request";

const MAX_BODY = 2 * 1024 * 1024;
/**
 * Calls per tRPC batch (the browser's httpBatchLink uses the same maxItems). Larger batches get a
 * 400 before any call runs; each sign-in inside a batch still counts against the sign-in limits.
 */
export const MAX_BATCH_CALLS = 20;

/** Handles /api/trpc/* and /api/health; returns false for any other path. */
export function createApiHandler(opts: { db: Db; env: Env; signInLimits?: SignInLimits }) {
  const deps = { db: opts.db, env: opts.env, signInLimits: opts.signInLimits ?? createSignInLimits() };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? "/";
    if (url === "/api/health") {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ ok: true }));
      return true;
    }
    if (!url.startsWith("/api/trpc/")) return false;
    const len = Number(req.headers["content-length"] ?? 0);
    if (len > MAX_BODY) {
      res.statusCode = 413;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ error: { message: "Request too large" } }));
      return true;
    }
    const secure = isHttps(req, deps.env);
    await nodeHTTPRequestHandler({
      req,
      res,
      router: appRouter,
      path: url.slice("/api/trpc/".length).split("?")[0]!,
      maxBodySize: MAX_BODY,
      maxBatchSize: MAX_BATCH_CALLS,
      createContext: () =>
        createContext(deps, {
          ip: clientIp(req, deps.env),
          userAgent: req.headers["user-agent"],
          sameOrigin: isSameOrigin(req, deps.env),
          cookies: parseCookies(req.headers.cookie),
          setCookie: (name, value, opts) => res.appendHeader("Set-Cookie", serializeCookie(name, value, secure, opts)),
        }),
    });
    return true;
  };
}
