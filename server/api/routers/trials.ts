import { annotateTrialInput, patientTrialsInput, startTrialInput, trialIdInput, visitTrialsInput } from "../../../app/_shared/assessments/schemas";
import * as trials from "../../services/trials";
import { finishRecordingProcedure, uploadChunkProcedure } from "./recordings";
import { authedProcedure, router, writerProcedure } from "../trpc";

export const trialsRouter = router({
  // therapist (writers), clinic-scoped
  start: writerProcedure.input(startTrialInput).mutation(({ ctx, input }) => trials.startTrial(ctx.caller, input)),
  stop: writerProcedure.input(trialIdInput).mutation(({ ctx, input }) => trials.stopTrial(ctx.caller, input.trialId)),
  complete: writerProcedure.input(trialIdInput).mutation(({ ctx, input }) => trials.completeTrial(ctx.caller, input.trialId)),
  discard: writerProcedure.input(trialIdInput).mutation(({ ctx, input }) => trials.discardTrial(ctx.caller, input.trialId)),
  annotate: writerProcedure.input(annotateTrialInput).mutation(({ ctx, input }) => trials.annotateTrial(ctx.caller, input)),
  // readers (clinicians too), clinic-scoped
  get: authedProcedure.input(trialIdInput).query(({ ctx, input }) => trials.getTrial(ctx.caller, input.trialId)),
  forPatient: authedProcedure.input(patientTrialsInput).query(({ ctx, input }) => trials.patientTrials(ctx.caller, input.patientId)),
  forVisit: authedProcedure.input(visitTrialsInput).query(({ ctx, input }) => trials.visitTrials(ctx.caller, input.visitId)),
  // the patient's browser, authorised by its join token: the recording pipeline's procedures themselves (recordings.*)
  uploadChunk: uploadChunkProcedure,
  finish: finishRecordingProcedure,
});
