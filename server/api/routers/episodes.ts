// Course of care, part A (issue 17): episodes, the intake link and form, the exercise decision, the alerts inbox and
// the development outbox. One line per procedure over server/services; every staff procedure is scoped to the
// caller's clinic there; the patient's procedures are authorised by the link token alone.
import { z } from "zod";
import {
  alertIdInput, createEpisodeInput, dischargeEpisodeInput, episodeIdInput, linkIdInput, listAlertsInput, listEpisodesInput,
  listOutboxInput, recordEpisodeDecisionInput, resolveAlertInput, sendIntakeLinkInput, submitIntakeInput, updateEpisodeInput,
} from "../../../app/_shared/care/episodes";
import { visitIdInput } from "../../../app/_shared/domain";
import * as inbox from "../../services/alert-inbox";
import * as episodes from "../../services/episodes";
import * as intake from "../../services/intake";
import { listOutbox, smtpConfigured } from "../../services/mail";
import { adminProcedure, authedProcedure, publicProcedure, router, writerProcedure } from "../trpc";

const joinTokenInput = z.strictObject({ token: z.string().max(200) });

export const intakeRouter = router({
  // staff
  send: writerProcedure.input(sendIntakeLinkInput).mutation(({ ctx, input }) => intake.sendIntakeLink(ctx.caller, input)),
  links: authedProcedure.input(episodeIdInput).query(({ ctx, input }) => intake.listIntakeLinks(ctx.caller, input.episodeId)),
  revoke: writerProcedure.input(linkIdInput).mutation(({ ctx, input }) => intake.revokeIntakeLink(ctx.caller, input.linkId)),
  // the patient, by the intake link
  info: publicProcedure.input(z.strictObject({ token: z.string().max(300) })).query(({ ctx, input }) => intake.intakeInfo(ctx.db, ctx.env, input.token)),
  submit: publicProcedure.input(submitIntakeInput).mutation(({ ctx, input }) => intake.submitIntake(ctx.db, ctx.env, input.token, input.form, ctx.ip)),
  // the patient, by the visit link (join page)
  joinPending: publicProcedure.input(joinTokenInput).query(({ ctx, input }) => intake.joinIntakePending(ctx.db, ctx.env, input.token)),
  fromJoin: publicProcedure.input(joinTokenInput).mutation(({ ctx, input }) => intake.intakeFromJoin(ctx.db, ctx.env, input.token)),
});

export const episodesRouter = router({
  create: writerProcedure.input(createEpisodeInput).mutation(({ ctx, input }) => episodes.createEpisode(ctx.caller, input)),
  list: authedProcedure.input(listEpisodesInput).query(({ ctx, input }) => episodes.listEpisodes(ctx.caller, input.patientId)),
  get: authedProcedure.input(episodeIdInput).query(({ ctx, input }) => episodes.getEpisode(ctx.caller, input.episodeId)),
  update: writerProcedure.input(updateEpisodeInput).mutation(({ ctx, input }) => episodes.updateEpisode(ctx.caller, input)),
  discharge: writerProcedure.input(dischargeEpisodeInput).mutation(({ ctx, input }) => episodes.dischargeEpisode(ctx.caller, input)),
  gateForVisit: authedProcedure.input(visitIdInput).query(({ ctx, input }) => episodes.gateForVisit(ctx.caller, input.visitId)),
  decide: writerProcedure.input(recordEpisodeDecisionInput).mutation(({ ctx, input }) => episodes.recordDecision(ctx.caller, input)),
  intake: intakeRouter,
});

export const alertsRouter = router({
  list: authedProcedure.input(listAlertsInput).query(({ ctx, input }) => inbox.listAlerts(ctx.caller, input)),
  counts: authedProcedure.query(({ ctx }) => inbox.openAlertCounts(ctx.caller)),
  acknowledge: writerProcedure.input(alertIdInput).mutation(({ ctx, input }) => inbox.acknowledgeAlert(ctx.caller, input.alertId)),
  resolve: writerProcedure.input(resolveAlertInput).mutation(({ ctx, input }) => inbox.resolveAlert(ctx.caller, input.alertId, input.note)),
});

export const outboxRouter = router({
  list: adminProcedure.input(listOutboxInput).query(async ({ ctx, input }) => ({ smtpConfigured: smtpConfigured(ctx.env), emails: await listOutbox(ctx.db, ctx.user.clinicId, { take: input.limit }) })),
});
