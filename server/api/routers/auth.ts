import { z } from "zod";
import { changePasswordInput, id, signInInput } from "../../../app/_shared/domain";
import { authDeps as deps, changePassword, listSessions, revokeSession, SESSION_COOKIE, signIn, signOut } from "../../services/auth";
// Every signed-in procedure here is an accountProcedure: a user with a temporary password may use
// them (they are what it takes to choose one); all other routers use authedProcedure, which refuses.
import { accountProcedure, publicProcedure, router } from "../trpc";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),
  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const r = await signIn(deps(ctx), ctx.signInLimits, input, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setCookie(SESSION_COOKIE, r.token, { expires: r.expiresAt });
    return r.user;
  }),
  signOut: accountProcedure.mutation(async ({ ctx }) => {
    await signOut(deps(ctx), ctx.sessionId);
    ctx.setCookie(SESSION_COOKIE, "", { maxAgeSec: 0 });
    return { ok: true as const };
  }),
  changePassword: accountProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await changePassword(deps(ctx), ctx.user, ctx.sessionId, input);
    return { ok: true as const };
  }),
  sessions: accountProcedure.query(({ ctx }) => listSessions(ctx.db, ctx.user.id).then((rows) => rows.map((r) => ({ ...r, current: r.id === ctx.sessionId })))),
  revokeSession: accountProcedure.input(z.object({ sessionId: id })).mutation(async ({ ctx, input }) => {
    await revokeSession(ctx.db, ctx.user.id, input.sessionId);
    return { ok: true as const };
  }),
});
