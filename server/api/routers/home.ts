// Home practice (issue 19 part B): the patient's procedures, authorised by a HOME link (no sign-in), and the staff's
// reads, clinic-scoped. The sets' samples go through the one upload family (recordings.uploadChunk / finish), which
// accepts a home link for a home set as it accepts a join token for a visit set.
import { finishHomeSessionInput, homeSessionsInput, homeTokenInput, startHomeSessionInput, startHomeSetInput } from "../../../app/_shared/care/home-session";
import * as home from "../../services/home-sessions";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const homeRouter = router({
  // the patient, holding a home link
  today: publicProcedure.input(homeTokenInput).query(({ ctx, input }) => home.homeToday(ctx.db, ctx.env, input.token)),
  startSession: publicProcedure.input(startHomeSessionInput).mutation(({ ctx, input }) => home.startHomeSession(ctx.db, ctx.env, input)),
  startSet: publicProcedure.input(startHomeSetInput).mutation(({ ctx, input }) => home.startHomeSet(ctx.db, ctx.env, input)),
  finishSession: publicProcedure.input(finishHomeSessionInput).mutation(({ ctx, input }) => home.finishHomeSession(ctx.db, ctx.env, input)),
  // staff (clinicians too), clinic-scoped
  sessions: authedProcedure.input(homeSessionsInput).query(({ ctx, input }) => home.listHomeSessions(ctx.caller, input)),
});
