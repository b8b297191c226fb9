// Inputs of the questionnaires.* procedures (clinic settings, sending, filling in by link or in a visit), validated
// on both sides. The answers themselves are validated against their definition by `submittedResponse`
// (questionnaires.ts); here only the envelope is checked.
import { z } from "zod";
import { id } from "../domain";
import { QUESTIONNAIRE_KEYS } from "./questionnaires";

export const instrumentKey = z.enum(QUESTIONNAIRE_KEYS, { error: "Unknown questionnaire" });

export const setEnabledInput = z.strictObject({ instrument: instrumentKey, enabled: z.boolean() });
export const confirmLicenceInput = z.strictObject({
  instrument: instrumentKey,
  reference: z.string().trim().min(3, "Enter the licence reference (agreement number, date or holder)").max(200, "At most 200 characters"),
  /** the admin ticks that the clinic holds the licence for this use */
  confirm: z.literal(true, { error: "Confirm that the clinic holds this licence" }),
});
export const withdrawLicenceInput = z.strictObject({ instrument: instrumentKey });
/** `text` is checked against the definition with clinicTextSchema on the server; null removes the clinic's text. */
export const setTextInput = z.strictObject({ instrument: instrumentKey, text: z.unknown().nullable() });

export const episodeInput = z.strictObject({ episodeId: id });
export const sendDueInput = z.strictObject({
  dueId: id,
  /** email the link to this address (default: the patient's email on record); omitted and none on record: copy only */
  email: z.email("The email address is not valid").max(254).optional(),
  sendEmail: z.boolean().default(true),
});

export const tokenInput = z.strictObject({ token: z.string().min(20, "This link is not valid").max(200, "This link is not valid") });
/** One response in a set: { instrument, version, answers } (answers validated against the definition). */
export const responseEnvelope = z.strictObject({
  instrument: z.string().trim().min(1).max(40),
  version: z.number().int().positive(),
  answers: z.record(z.string().max(60), z.unknown()),
});
export const submitByLinkInput = z.strictObject({ token: tokenInput.shape.token, responses: z.array(responseEnvelope).min(1, "Nothing to send").max(10) });
export const enterInVisitInput = z.strictObject({ visitId: id, dueId: id.optional(), response: responseEnvelope });
