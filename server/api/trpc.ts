// tRPC setup: request context, error shape, and the base procedures (public, authed, role-restricted).
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Role } from "../../app/_shared/domain";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { authDeps, SESSION_COOKIE, sessionUser, type SessionUser } from "../services/auth";
import type { Caller } from "../services/context";
import type { SignInLimits } from "../services/rate-limit";

export type CookieOptions = { maxAgeSec?: number; expires?: Date };
export type RequestMeta = {
  ip: string;
  userAgent?: string;
  /** false when a browser tells us the request came from another site */
  sameOrigin: boolean;
  cookies: Record<string, string>;
  setCookie: (name: string, value: string, opts?: CookieOptions) => void;
};

/** What the server hands every request: the database, the configuration and its rate limits. */
export type ApiDeps = { db: Db; env: Env; signInLimits: SignInLimits };
export type Context = RequestMeta & ApiDeps & { user: SessionUser | null; sessionId: string | null };

export async function createContext(deps: ApiDeps, meta: RequestMeta): Promise<Context> {
  const s = await sessionUser(authDeps(deps), meta.cookies[SESSION_COOKIE]);
  return { ...deps, ...meta, user: s?.user ?? null, sessionId: s?.sessionId ?? null };
}

/** Zod issues keyed by their field path ("data.firstName"); issues without a path are form errors. */
function fieldErrorsOf(e: ZodError): { fieldErrors: Record<string, string[]>; formErrors: string[] } {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of e.issues) {
    if (issue.path.length === 0) formErrors.push(issue.message);
    else (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
  }
  return { fieldErrors, formErrors };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : null;
    const { field, reason } = (error.cause ?? {}) as { field?: string; reason?: string };
    return {
      ...shape,
      message: zodError ? "Some fields need attention" : shape.message,
      data: { ...shape.data, stack: undefined, zodError, field: field ?? null, reason: reason ?? null },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Mutations from another site are refused (CSRF): browsers send Origin / Sec-Fetch-Site on them. */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Cross-origin request refused" });
  return next();
});

/** Unexpected errors are logged with their path and reported without internals. */
const logErrors = t.middleware(async ({ path, next }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    console.error(`[trpc] ${path} failed:`, result.error.cause ?? result.error);
    result.error.message = "Something went wrong on our side. Nothing was changed; please try again.";
  }
  return result;
});

export const publicProcedure = t.procedure.use(logErrors).use(sameOriginMutations);

/** Machine-readable reason on FORBIDDEN errors (error.data.reason) that the browser acts on. */
export const PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED";

/**
 * Signed in, even with a temporary password: only for what a user needs to choose their own
 * password (change it, read their account and sessions, sign out).
 */
export const accountProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.sessionId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
  const caller: Caller = { db: ctx.db, env: ctx.env, user: ctx.user, ip: ctx.ip };
  return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId, caller } });
});

/** Signed in with a password of their own: everything else. */
export const authedProcedure = accountProcedure.use(({ ctx, next }) => {
  if (ctx.user.mustChangePassword)
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Please choose your own password first (Your account page).",
      cause: { reason: PASSWORD_CHANGE_REQUIRED },
    });
  return next();
});

export const roleProcedure = (...roles: Role[]) =>
  authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.user.role)) throw new TRPCError({ code: "FORBIDDEN", message: "Your role does not allow this" });
    return next();
  });

/** Everyone who may change clinical records (clinicians are read-only). */
export const writerProcedure = roleProcedure("ADMIN", "THERAPIST");
export const adminProcedure = roleProcedure("ADMIN");
