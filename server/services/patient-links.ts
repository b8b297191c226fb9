// One patient-link service: every link a patient holds is a purpose, a scope, an expiry and a revocation, issued,
// hashed, checked and revoked here. The visit join link keeps its columns on Visit (joinTokenHash, joinExpiresAt,
// joinRevokedAt) and is made with `newLinkToken` too; the course-of-care links (intake, questionnaire, home) are
// rows of PatientLink scoped to an episode. Only the HMAC of a token is stored (crypto.ts): a stolen table cannot
// be replayed, and a token is 256 random bits, so it cannot be guessed.
import { TRPCError } from "@trpc/server";
import type { Db } from "../db/client";
import type { Env } from "../env";
import type { Actor } from "./audit";
import { randomToken, tokenHash } from "./crypto";

export const LINK_PURPOSES = ["INTAKE", "QUESTIONNAIRE", "HOME"] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/** Where each kind of link opens in the app (the token follows the path). */
export const LINK_PATHS = { JOIN: "/join/", INTAKE: "/intake/", QUESTIONNAIRE: "/q/", HOME: "/home/" } as const;

export const linkPath = (purpose: keyof typeof LINK_PATHS, token: string) => `${LINK_PATHS[purpose]}${token}`;

/** A fresh token and the hash that is stored for it. */
export function newLinkToken(secret: string): { token: string; tokenHash: string } {
  const token = randomToken();
  return { token, tokenHash: tokenHash(secret, token) };
}

/** How long a new link of each purpose lives (environment: *_LINK_TTL_DAYS). */
export function linkLifetimeMs(env: Env, purpose: LinkPurpose): number {
  const days = purpose === "INTAKE" ? env.INTAKE_LINK_TTL_DAYS : purpose === "QUESTIONNAIRE" ? env.QUESTIONNAIRE_LINK_TTL_DAYS : env.HOME_LINK_TTL_DAYS;
  return days * 86_400_000;
}

export type IssueLinkInput = {
  clinicId: string;
  episodeId: string;
  purpose: LinkPurpose;
  payload?: unknown;
  createdById?: string | null;
  /** default: now + the purpose's lifetime */
  expiresAt?: Date;
  /** revoke the episode's other open links of this purpose first (a "new link" replaces the old one); default true */
  replace?: boolean;
};

/** Issues a link; the token is returned once and never stored. */
export async function issueLink(db: Db, env: Env, input: IssueLinkInput, now = new Date()) {
  const { token, tokenHash: hash } = newLinkToken(env.SESSION_SECRET);
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + linkLifetimeMs(env, input.purpose));
  if (expiresAt.getTime() <= now.getTime()) throw new TRPCError({ code: "BAD_REQUEST", message: "A link must expire in the future" });
  const replaced =
    input.replace === false
      ? 0
      : (await db.patientLink.updateMany({ where: { episodeId: input.episodeId, purpose: input.purpose, revokedAt: null, completedAt: null }, data: { revokedAt: now } })).count;
  const link = await db.patientLink.create({
    data: {
      clinicId: input.clinicId, episodeId: input.episodeId, purpose: input.purpose, tokenHash: hash, expiresAt,
      payload: input.payload === undefined ? undefined : (input.payload as object), createdById: input.createdById ?? null,
    },
  });
  return { token, path: linkPath(input.purpose, token), link, replaced };
}

export type LinkProblem = "unknown" | "wrong-purpose" | "expired" | "revoked" | "completed" | "episode-closed";

/** What the patient is told, per problem: plain words, no detail that helps a guesser. */
export const LINK_PROBLEM_MESSAGES: Record<LinkProblem, string> = {
  unknown: "This link is not valid. Check that you copied all of it, or ask your clinic for a new one.",
  "wrong-purpose": "This link is not valid. Check that you copied all of it, or ask your clinic for a new one.",
  expired: "This link has expired. Ask your clinic for a new one.",
  revoked: "This link is no longer active: your clinic replaced or withdrew it. Ask them for the current one.",
  completed: "This form has already been sent. Thank you — there is nothing more to do with this link.",
  "episode-closed": "This course of care has ended, so the link no longer works. Contact your clinic if you need help.",
};

const linkInclude = { episode: { select: { id: true, clinicId: true, patientId: true, therapistId: true, status: true, timeZone: true } } } as const;

/** Looks a token up for a purpose; never throws for a bad token (the result says why it does not work). */
export async function checkLink(db: Db, env: Pick<Env, "SESSION_SECRET">, token: string, purpose: LinkPurpose, opts: { allowCompleted?: boolean; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return { ok: false as const, problem: "unknown" as LinkProblem };
  const link = await db.patientLink.findUnique({ where: { tokenHash: tokenHash(env.SESSION_SECRET, token) }, include: linkInclude });
  const problem: LinkProblem | null = !link
    ? "unknown"
    : link.purpose !== purpose
      ? "wrong-purpose"
      : link.revokedAt
        ? "revoked"
        : link.expiresAt.getTime() <= now.getTime()
          ? "expired"
          : link.episode.status !== "ACTIVE"
            ? "episode-closed"
            : link.completedAt && !opts.allowCompleted
              ? "completed"
              : null;
  if (problem || !link) return { ok: false as const, problem: problem ?? "unknown" };
  return { ok: true as const, link };
}

export type CheckedLink = Extract<Awaited<ReturnType<typeof checkLink>>, { ok: true }>["link"];

/** Who is acting, for the audit trail, when a patient uses a link (audited as `patient-link:<purpose>:<id>`). */
export const linkActor = (l: Pick<CheckedLink, "id" | "purpose" | "episodeId" | "clinicId">): Extract<Actor, { kind: "patientLink" }> => ({
  kind: "patientLink", linkId: l.id, purpose: l.purpose, episodeId: l.episodeId, clinicId: l.clinicId,
});

/** Like checkLink, but a link that does not work is a clear error (tRPC FORBIDDEN / NOT_FOUND with the plain message). */
export async function requireLink(db: Db, env: Pick<Env, "SESSION_SECRET">, token: string, purpose: LinkPurpose, opts: { allowCompleted?: boolean; now?: Date } = {}): Promise<CheckedLink> {
  const r = await checkLink(db, env, token, purpose, opts);
  if (!r.ok) throw new TRPCError({ code: r.problem === "unknown" || r.problem === "wrong-purpose" ? "NOT_FOUND" : "FORBIDDEN", message: LINK_PROBLEM_MESSAGES[r.problem], cause: { problem: r.problem } });
  if (!r.link.usedAt) await db.patientLink.update({ where: { id: r.link.id }, data: { usedAt: new Date() } });
  return r.link;
}

/** Revokes one link of the clinic; returns false when there is no such open link. */
export async function revokeLink(db: Db, clinicId: string, linkId: string, now = new Date()): Promise<boolean> {
  const r = await db.patientLink.updateMany({ where: { id: linkId, clinicId, revokedAt: null }, data: { revokedAt: now } });
  return r.count === 1;
}

/** Revokes every open link of an episode (discharge). */
export async function revokeEpisodeLinks(db: Db, episodeId: string, now = new Date()): Promise<number> {
  return (await db.patientLink.updateMany({ where: { episodeId, revokedAt: null }, data: { revokedAt: now } })).count;
}

/** A single-use link's form was sent. Conditional, so two tabs submitting at once store one submission. */
export async function completeLink(db: Db, linkId: string, now = new Date()): Promise<boolean> {
  const r = await db.patientLink.updateMany({ where: { id: linkId, completedAt: null, revokedAt: null }, data: { completedAt: now } });
  return r.count === 1;
}

/** The state of a link as staff see it in a list (never the token). */
export function linkState(l: { expiresAt: Date; revokedAt: Date | null; completedAt: Date | null }, now = new Date()): "ACTIVE" | "EXPIRED" | "REVOKED" | "COMPLETED" {
  if (l.revokedAt) return "REVOKED";
  if (l.completedAt) return "COMPLETED";
  if (l.expiresAt.getTime() <= now.getTime()) return "EXPIRED";
  return "ACTIVE";
}
