import type { Db } from "../db/client";

export type Actor =
  | { kind: "user"; id: string; email: string; clinicId: string }
  | { kind: "patient"; visitId: string; clinicId: string }
  | { kind: "apiToken"; id: string; clinicId: string }
  | { kind: "system" };

export type AuditRecord = { type: string; id: string };

export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  opts: { record?: AuditRecord; detail?: Record<string, unknown>; ip?: string | null; clinicId?: string } = {},
): Promise<void> {
  await db.auditEvent.create({
    data: {
      clinicId: opts.clinicId ?? (actor.kind === "system" ? null : actor.clinicId),
      actorId: actor.kind === "user" ? actor.id : null,
      actorLabel: actor.kind === "user" ? `user:${actor.email}` : actor.kind === "patient" ? `patient:${actor.visitId}` : actor.kind === "apiToken" ? `api-token:${actor.id}` : "system",
      action,
      recordType: opts.record?.type ?? null,
      recordId: opts.record?.id ?? null,
      detail: (opts.detail ?? undefined) as never,
      ip: opts.ip ?? null,
    },
  });
}
