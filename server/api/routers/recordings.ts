// The one upload procedure family of every recording (assessment trials and exercise sets), plus exercise sets'
// own therapist procedures. trials.* keeps the assessment procedures (and the same upload procedures under their
// first names, for pages opened before this router existed).
import { z } from "zod";
import { id } from "../../../app/_shared/domain";
import { annotateExerciseSetInput, finishRecordingInput, recordingIdInput, startExerciseSetInput, uploadChunkInput } from "../../../app/_shared/recording/schemas";
import * as sets from "../../services/exercise-sets";
import * as recordings from "../../services/recordings";
import { authedProcedure, publicProcedure, router, writerProcedure } from "../trpc";

// the patient's browser, authorised by its join token: one procedure per step, for every kind
export const uploadChunkProcedure = publicProcedure.input(uploadChunkInput).mutation(({ ctx, input }) => recordings.uploadChunk(ctx.db, ctx.env.SESSION_SECRET, input));
export const finishRecordingProcedure = publicProcedure.input(finishRecordingInput).mutation(({ ctx, input }) => recordings.finishRecording(ctx.db, ctx.env.SESSION_SECRET, input));

export const recordingsRouter = router({
  uploadChunk: uploadChunkProcedure,
  finish: finishRecordingProcedure,
  // readers (clinicians too), clinic-scoped, any kind
  get: authedProcedure.input(recordingIdInput).query(({ ctx, input }) => recordings.getRecording(ctx.caller, input.trialId)),
});

export const exerciseSetsRouter = router({
  // therapist (writers), clinic-scoped
  start: writerProcedure.input(startExerciseSetInput).mutation(({ ctx, input }) => sets.startSet(ctx.caller, input)),
  stop: writerProcedure.input(recordingIdInput).mutation(({ ctx, input }) => sets.stopSet(ctx.caller, input.trialId)),
  complete: writerProcedure.input(recordingIdInput).mutation(({ ctx, input }) => sets.completeSet(ctx.caller, input.trialId)),
  discard: writerProcedure.input(recordingIdInput).mutation(({ ctx, input }) => sets.discardSet(ctx.caller, input.trialId)),
  annotate: writerProcedure.input(annotateExerciseSetInput).mutation(({ ctx, input }) => sets.annotateSet(ctx.caller, input)),
  // readers (clinicians too), clinic-scoped
  get: authedProcedure.input(recordingIdInput).query(({ ctx, input }) => sets.getSet(ctx.caller, input.trialId)),
  forVisit: authedProcedure.input(z.object({ visitId: id })).query(({ ctx, input }) => sets.visitSets(ctx.caller, input.visitId)),
  forPatient: authedProcedure.input(z.object({ patientId: id })).query(({ ctx, input }) => sets.patientSets(ctx.caller, input.patientId)),
});
