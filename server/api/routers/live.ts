import { z } from "zod";
import { JOIN_FAILURE_MESSAGE, resolveJoinToken } from "../../services/visits";
import { iceServersFor } from "../../realtime/ice";
import { publicProcedure, router, writerProcedure } from "../trpc";
import { TRPCError } from "@trpc/server";
import { visitIdInput } from "../../../app/_shared/domain";
import { safeTimeZone } from "../../../app/_shared/format";

/** Live-visit procedures: the patient's link check and the therapist's room details. */
export const liveRouter = router({
  /**
   * Public: what the patient's join page shows before connecting. Asking is authorised by the
   * 256-bit token itself; the answer holds no clinical detail beyond the time and who they will see.
   */
  joinInfo: publicProcedure.input(z.object({ token: z.string().max(100) })).query(async ({ ctx, input }) => {
    const r = await resolveJoinToken(ctx.db, ctx.env.SESSION_SECRET, input.token);
    if (!r.ok) return { ok: false as const, reason: r.reason, message: JOIN_FAILURE_MESSAGE[r.reason] };
    const v = r.visit;
    const clinic = await ctx.db.clinic.findUnique({ where: { id: v.clinicId }, select: { name: true, timezone: true } });
    return {
      ok: true as const,
      visit: {
        scheduledAt: v.scheduledAt,
        durationMin: v.durationMin,
        status: v.status,
        therapistName: v.therapist.name,
        clinicName: clinic?.name ?? "",
        clinicTimeZone: safeTimeZone(clinic?.timezone),
        suggestedName: v.patientName ?? v.patient.firstName,
        /** routing key for a proxy in front of several processes (app/_lib/realtime/call.ts, CallAuth) */
        visit: v.id,
      },
    };
  }),

  /** Staff: the visit-room header (patient, time, reason), scoped to the caller's clinic. */
  room: writerProcedure.input(visitIdInput).query(async ({ ctx, input }) => {
    const v = await ctx.db.visit.findFirst({
      where: { id: input.visitId, clinicId: ctx.user.clinicId },
      select: {
        id: true, status: true, scheduledAt: true, durationMin: true, reason: true, startedAt: true, endedAt: true, patientName: true, consentAt: true,
        patient: { select: { id: true, firstName: true, lastName: true, recordNumber: true, dateOfBirth: true } },
        therapist: { select: { id: true, name: true } },
      },
    });
    if (!v) throw new TRPCError({ code: "NOT_FOUND", message: "Visit not found" });
    return v;
  }),

  /** Staff: ICE servers for a visit of their clinic (the socket welcome also carries them). */
  iceServers: writerProcedure.input(visitIdInput).query(async ({ ctx, input }) => {
    const v = await ctx.db.visit.findFirst({ where: { id: input.visitId, clinicId: ctx.user.clinicId }, select: { id: true } });
    if (!v) throw new TRPCError({ code: "NOT_FOUND", message: "Visit not found" });
    return iceServersFor(ctx.env, v.id);
  }),
});
