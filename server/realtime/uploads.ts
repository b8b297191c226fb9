// `recording:chunk`: a patient's live visit socket feeding the one recording pipeline. The service does the work and
// every check (server/services/recordings.ts, uploadVisitChunk); this maps its refusals onto the protocol's codes, so
// the recorder can tell a refusal for good (bad samples, a closed recording, a conflicting retry) from one to retry.
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { protocolError, type Ack, type C2SResult, type ErrorCode } from "../../app/_shared/protocol";
import type { visitChunkInput } from "../../app/_shared/recording/schemas";
import type { Db } from "../db/client";
import { uploadVisitChunk } from "../services/recordings";

const CODES: Partial<Record<TRPCError["code"], ErrorCode>> = {
  BAD_REQUEST: "BAD_REQUEST",
  CONFLICT: "CONFLICT",
  NOT_FOUND: "NOT_FOUND",
  UNAUTHORIZED: "JOIN_ENDED",
  FORBIDDEN: "FORBIDDEN",
};

/** `chunk` is the dispatcher's parse of the payload (visitChunkInput's output: the format's default filled in). */
export async function uploadFromSocket(db: Db, d: { visitId: string; linkHash: string | null }, chunk: z.output<typeof visitChunkInput>): Promise<Ack<C2SResult["recording:chunk"]>> {
  if (!d.linkHash) return protocolError("FORBIDDEN"); // not a patient's link (the role check already refused others)
  try {
    const r = await uploadVisitChunk(db, { visitId: d.visitId, linkHash: d.linkHash }, chunk);
    return { ok: true, ...r };
  } catch (e) {
    if (e instanceof TRPCError && CODES[e.code]) return protocolError(CODES[e.code]!, e.message);
    throw e; // the dispatcher logs it and answers INTERNAL (the recorder retries)
  }
}
