// The words of the message that carries a patient's visit link. Isomorphic on purpose: today the staff
// page opens the user's own mail program with it (a mailto: link); the clinic's mail service
// (server/services/mail.ts, with the care-plan work) will send the very same subject and body from the
// server, so patients get one message whichever way it goes out.
import { formatDateTime, formatName } from "./format";

export type LinkMessageInput = {
  url: string;
  patient: { firstName: string; lastName: string };
  scheduledAt: Date | string;
  timeZone: string;
  therapistName?: string;
  clinicName?: string;
  validUntil?: Date | string;
};

export function joinLinkMessage(m: LinkMessageInput): { subject: string; body: string } {
  const when = formatDateTime(m.scheduledAt, m.timeZone);
  const subject = `Your video visit${m.clinicName ? ` with ${m.clinicName}` : ""} on ${when}`;
  const body = [
    `Dear ${formatName(m.patient)},`,
    "",
    `your video visit${m.therapistName ? ` with ${m.therapistName}` : ""} is on ${when}.`,
    "Open this link on a laptop or computer with a camera a few minutes before the visit:",
    "",
    m.url,
    "",
    "The page checks your camera and microphone, then takes you to the waiting room. Please keep this link to yourself: it is your key to the visit.",
    ...(m.validUntil ? [`The link works until ${formatDateTime(m.validUntil, m.timeZone)}.`] : []),
    "",
    m.clinicName ?? "",
  ].join("\n").trimEnd();
  return { subject, body };
}

/** A mailto: address with subject and body (RFC 6068: percent-encoded, CRLF line breaks). */
export function mailtoHref(to: string | null | undefined, msg: { subject: string; body: string }): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%0A/g, "%0D%0A");
  return `mailto:${to ? encodeURIComponent(to) : ""}?subject=${enc(msg.subject)}&body=${enc(msg.body.replace(/\r?\n/g, "\n"))}`;
}
