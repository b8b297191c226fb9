// Home exercise programs (issue 19): the therapist's builder, versions, home links, handout and adherence; the patient's
// reminder choice and handout through the home link. Thin: every procedure is one call into services/programs.ts.
import { episodeRefInput, homeTokenInput, issueHomeLinkInput, linkRefInput, programRefInput, reminderInput, saveProgramInput, saveVisitDoseInput, visitRefInput } from "../../../app/_shared/care/program-api";
import * as programs from "../../services/programs";
import { authedProcedure, publicProcedure, router, writerProcedure } from "../trpc";

export const programsRouter = router({
  // staff: readers see, writers change (clinicians are read-only); everything scoped to the caller's clinic
  forEpisode: authedProcedure.input(episodeRefInput).query(({ ctx, input }) => programs.episodePrograms(ctx.caller, input.episodeId)),
  save: writerProcedure.input(saveProgramInput).mutation(({ ctx, input }) => programs.saveProgram(ctx.caller, input)),
  end: writerProcedure.input(programRefInput).mutation(({ ctx, input }) => programs.endProgram(ctx.caller, input.programId)),
  adherence: authedProcedure.input(programRefInput).query(({ ctx, input }) => programs.adherenceFor(ctx.caller, input.programId)),
  handout: authedProcedure.input(programRefInput).query(({ ctx, input }) => programs.handoutFor(ctx.caller, input.programId)),
  homeLinks: authedProcedure.input(episodeRefInput).query(({ ctx, input }) => programs.listHomeLinks(ctx.caller, input.episodeId)),
  issueHomeLink: writerProcedure.input(issueHomeLinkInput).mutation(({ ctx, input }) => programs.issueHomeLink(ctx.caller, input)),
  revokeHomeLink: writerProcedure.input(linkRefInput).mutation(({ ctx, input }) => programs.revokeHomeLink(ctx.caller, input.linkId)),
  // the visit room (therapists and admins, like starting a set): the plan for the visit, and its dose saved back
  forVisit: writerProcedure.input(visitRefInput).query(({ ctx, input }) => programs.visitPlan(ctx.caller, input.visitId)),
  saveVisitDose: writerProcedure.input(saveVisitDoseInput).mutation(({ ctx, input }) => programs.saveVisitDose(ctx.caller, input)),
  // the patient, holding the home link
  homeReminder: publicProcedure.input(homeTokenInput).query(({ ctx, input }) => programs.homeReminder(ctx.db, ctx.env, input.token)),
  setHomeReminder: publicProcedure.input(reminderInput).mutation(({ ctx, input }) => programs.setHomeReminder(ctx.db, ctx.env, input, ctx.ip)),
  homeHandout: publicProcedure.input(homeTokenInput).query(({ ctx, input }) => programs.homeHandout(ctx.db, ctx.env, input.token, ctx.ip)),
});
