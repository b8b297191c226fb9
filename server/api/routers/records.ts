import { addendumInput, clinicProfileInput, createApiTokenInput, patientRecordInput, revokeApiTokenInput, saveNoteInput, visitRecordInput } from "../../../app/_shared/records/schemas";
import * as tokens from "../../services/api-tokens";
import { exportBundle } from "../../services/fhir";
import { visitReportPdf } from "../../services/pdf";
import * as records from "../../services/records";
import { audit } from "../../services/audit";
import { actorOf } from "../../services/context";
import { notFound } from "../../services/errors";
import { expectedBase } from "../../http/fhir-base";
import { adminProcedure, authedProcedure, router, writerProcedure } from "../trpc";

export const recordsRouter = router({
  // visit note: readers see it, writers draft it, the therapist signs it, then only addenda
  note: authedProcedure.input(visitRecordInput).query(({ ctx, input }) => records.getNote(ctx.caller, input.visitId)),
  saveNote: writerProcedure.input(saveNoteInput).mutation(({ ctx, input }) => records.saveNote(ctx.caller, input)),
  signNote: writerProcedure.input(visitRecordInput).mutation(({ ctx, input }) => records.signNote(ctx.caller, input.visitId)),
  addAddendum: writerProcedure.input(addendumInput).mutation(({ ctx, input }) => records.addAddendum(ctx.caller, input)),
  // documents (bytes as base64; audited)
  visitPdf: authedProcedure.input(visitRecordInput).query(async ({ ctx, input }) => {
    const r = await visitReportPdf(ctx.caller, input.visitId);
    return { filename: r.filename, contentType: "application/pdf", base64: r.pdf.toString("base64") };
  }),
  patientCsv: authedProcedure.input(patientRecordInput).query(({ ctx, input }) => records.patientCsv(ctx.caller, input.patientId)),
  patientFhir: authedProcedure.input(patientRecordInput).query(async ({ ctx, input }) => {
    const b = await exportBundle(ctx.db, ctx.user.clinicId, input.patientId, expectedBase(ctx.env));
    if (!b) throw notFound("Patient");
    await audit(ctx.db, actorOf(ctx.caller), "patient.export.fhir", { record: { type: "Patient", id: input.patientId }, ip: ctx.ip });
    return { filename: `patient-${input.patientId}-fhir.json`, json: JSON.stringify(b, null, 2) };
  }),
  // clinic details printed on documents
  clinicProfile: authedProcedure.query(({ ctx }) => records.getClinicProfile(ctx.caller)),
  setClinicProfile: adminProcedure.input(clinicProfileInput).mutation(({ ctx, input }) => records.setClinicProfile(ctx.caller, input)),
  // FHIR API tokens (admins of the clinic)
  apiTokens: adminProcedure.query(({ ctx }) => tokens.listApiTokens(ctx.caller)),
  createApiToken: adminProcedure.input(createApiTokenInput).mutation(({ ctx, input }) => tokens.createApiToken(ctx.caller, input)),
  revokeApiToken: adminProcedure.input(revokeApiTokenInput).mutation(({ ctx, input }) => tokens.revokeApiToken(ctx.caller, input.tokenId)),
});
