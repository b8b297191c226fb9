import { auditListInput, createUserInput, id, listPatientsInput, listVisitsInput, scheduleVisitInput, setUserDisabledInput, updatePatientInput, patientInput, visitIdInput } from "../../../app/_shared/domain";
import { z } from "zod";
import * as auditTrail from "../../services/audit";
import * as clinic from "../../services/clinic";
import * as patients from "../../services/patients";
import * as users from "../../services/users";
import * as visits from "../../services/visits";
import { adminProcedure, authedProcedure, router, writerProcedure } from "../trpc";

/** The caller's clinic (name, time zone): every page formats times with it. */
export const clinicRouter = router({
  get: authedProcedure.query(({ ctx }) => clinic.getClinic(ctx.caller)),
});

export const patientsRouter = router({
  list: authedProcedure.input(listPatientsInput).query(({ ctx, input }) => patients.listPatients(ctx.caller, input)),
  get: authedProcedure.input(z.object({ id })).query(({ ctx, input }) => patients.getPatient(ctx.caller, input.id)),
  create: writerProcedure.input(patientInput).mutation(({ ctx, input }) => patients.createPatient(ctx.caller, input)),
  update: writerProcedure.input(updatePatientInput).mutation(({ ctx, input }) => patients.updatePatient(ctx.caller, input.id, input.data)),
});

export const visitsRouter = router({
  list: authedProcedure.input(listVisitsInput).query(({ ctx, input }) => visits.listVisits(ctx.caller, input)),
  get: authedProcedure.input(visitIdInput).query(({ ctx, input }) => visits.getVisit(ctx.caller, input.visitId)),
  schedule: writerProcedure.input(scheduleVisitInput).mutation(({ ctx, input }) => visits.scheduleVisit(ctx.caller, input)),
  cancel: writerProcedure.input(visitIdInput).mutation(({ ctx, input }) => visits.cancelVisit(ctx.caller, input.visitId)),
  rotateLink: writerProcedure.input(visitIdInput).mutation(({ ctx, input }) => visits.rotateJoinLink(ctx.caller, input.visitId)),
  revokeLink: writerProcedure.input(visitIdInput).mutation(({ ctx, input }) => visits.revokeJoinLink(ctx.caller, input.visitId)),
  takeOver: writerProcedure.input(visitIdInput).mutation(({ ctx, input }) => visits.takeOverVisit(ctx.caller, input.visitId)),
});

export const usersRouter = router({
  therapists: authedProcedure.query(({ ctx }) => users.listTherapists(ctx.caller)),
  list: adminProcedure.query(({ ctx }) => users.listUsers(ctx.caller)),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => users.createUser(ctx.caller, input)),
  setDisabled: adminProcedure.input(setUserDisabledInput).mutation(({ ctx, input }) => users.setUserDisabled(ctx.caller, input.userId, input.disabled)),
});

export const auditRouter = router({
  list: adminProcedure.input(auditListInput).query(({ ctx, input }) => auditTrail.listAudit(ctx.caller, input)),
  filters: adminProcedure.query(({ ctx }) => auditTrail.auditFilters(ctx.caller)),
});
