// Inputs of the records procedures (notes, API tokens, exports), validated on both sides.
import { z } from "zod";
import { id } from "../domain";

const text = (max: number) => z.string().max(max, `At most ${max} characters`);

export const visitRecordInput = z.object({ visitId: id });
export const patientRecordInput = z.object({ patientId: id });
export const saveNoteInput = z.object({
  visitId: id,
  subjective: text(10_000),
  objective: text(10_000),
  assessment: text(10_000),
  plan: text(10_000),
});
export const addendumInput = z.object({ visitId: id, text: z.string().trim().min(1, "Write the addendum").max(10_000, "At most 10000 characters") });
export const createApiTokenInput = z.object({ name: z.string().trim().min(1, "Give the token a name").max(80, "At most 80 characters") });
export const revokeApiTokenInput = z.object({ tokenId: id });
export const clinicProfileInput = z.object({ address: text(300).trim(), phone: text(40).trim() });
