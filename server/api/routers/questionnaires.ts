import {
  confirmLicenceInput, enterInVisitInput, episodeInput, sendDueInput, setEnabledInput, setTextInput, submitByLinkInput, tokenInput, withdrawLicenceInput,
} from "../../../app/_shared/care/questionnaire-api";
import { visitRecordInput } from "../../../app/_shared/records/schemas";
import { dischargeSummaryPdf } from "../../services/pdf";
import * as q from "../../services/questionnaires";
import { adminProcedure, authedProcedure, publicProcedure, router, writerProcedure } from "../trpc";

export const questionnairesRouter = router({
  // clinic settings (admins): which instruments, licences, licensed wording
  settings: adminProcedure.query(({ ctx }) => q.listSettings(ctx.caller)),
  setEnabled: adminProcedure.input(setEnabledInput).mutation(({ ctx, input }) => q.setEnabled(ctx.caller, input)),
  confirmLicence: adminProcedure.input(confirmLicenceInput).mutation(({ ctx, input }) => q.confirmLicence(ctx.caller, input)),
  withdrawLicence: adminProcedure.input(withdrawLicenceInput).mutation(({ ctx, input }) => q.withdrawLicence(ctx.caller, input.instrument)),
  setText: adminProcedure.input(setTextInput).mutation(({ ctx, input }) => q.setText(ctx.caller, input)),
  // an episode's sets due; sending one by link
  due: authedProcedure.input(episodeInput).query(({ ctx, input }) => q.listDue(ctx.caller, input.episodeId)),
  send: writerProcedure.input(sendDueInput).mutation(({ ctx, input }) => q.sendDue(ctx.caller, input)),
  // in a visit: the therapist enters the patient's answers
  visitForms: authedProcedure.input(visitRecordInput).query(({ ctx, input }) => q.visitForms(ctx.caller, input.visitId)),
  enterInVisit: writerProcedure.input(enterInVisitInput).mutation(({ ctx, input }) => q.enterInVisit(ctx.caller, input)),
  // progress and discharge summary
  progress: authedProcedure.input(episodeInput).query(({ ctx, input }) => q.episodeProgress(ctx.caller, input.episodeId)),
  dischargePdf: authedProcedure.input(episodeInput).query(async ({ ctx, input }) => {
    const r = await dischargeSummaryPdf(ctx.caller, input.episodeId);
    return { filename: r.filename, contentType: "application/pdf", base64: r.pdf.toString("base64") };
  }),
  // the patient, holding a questionnaire link
  open: publicProcedure.input(tokenInput).query(({ ctx, input }) => q.openByLink(ctx.db, ctx.env, input.token, ctx.ip)),
  submit: publicProcedure.input(submitByLinkInput).mutation(({ ctx, input }) => q.submitByLink(ctx.db, ctx.env, input, ctx.ip)),
});
