// Per-clinic bearer tokens for the read-only FHIR API: 256 random bits shown once, only the HMAC
// stored (like patient links), listed with their last use, revocable, every change audited.
import type { z } from "zod";
import type { createApiTokenInput } from "../../app/_shared/records/schemas";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { randomToken, tokenHash } from "./crypto";
import { notFound } from "./errors";

export const TOKEN_PREFIX = "pvfhir_";
const listCols = { id: true, name: true, scope: true, prefix: true, createdAt: true, lastUsedAt: true, lastUsedIp: true, revokedAt: true, createdBy: { select: { name: true } } } as const;

export async function createApiToken(c: Caller, input: z.output<typeof createApiTokenInput>) {
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  const row = await c.db.apiToken.create({
    data: { clinicId: c.user.clinicId, name: input.name, scope: "fhir.read", tokenHash: tokenHash(c.env.SESSION_SECRET, token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), createdById: c.user.id },
    select: listCols,
  });
  await audit(c.db, actorOf(c), "apitoken.create", { record: { type: "ApiToken", id: row.id }, ip: c.ip, detail: { name: input.name, scope: row.scope } });
  return { token, apiToken: row };
}

export function listApiTokens(c: Caller) {
  return c.db.apiToken.findMany({ where: { clinicId: c.user.clinicId }, orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }], select: listCols });
}

export async function revokeApiToken(c: Caller, tokenId: string) {
  const t = await c.db.apiToken.findFirst({ where: { id: tokenId, clinicId: c.user.clinicId }, select: { id: true, revokedAt: true } });
  if (!t) throw notFound("API token");
  if (!t.revokedAt) {
    await c.db.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    await audit(c.db, actorOf(c), "apitoken.revoke", { record: { type: "ApiToken", id: t.id }, ip: c.ip });
  }
  return c.db.apiToken.findUniqueOrThrow({ where: { id: t.id }, select: listCols });
}

/** The clinic a presented bearer token reads for, or null (unknown, revoked, or not a token of ours). */
export async function authenticateApiToken(db: Db, secret: string, token: string, ip: string): Promise<{ tokenId: string; clinicId: string } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const t = await db.apiToken.findUnique({ where: { tokenHash: tokenHash(secret, token) }, select: { id: true, clinicId: true, revokedAt: true, scope: true } });
  if (!t || t.revokedAt || t.scope !== "fhir.read") return null;
  await db.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date(), lastUsedIp: ip.slice(0, 64) } });
  return { tokenId: t.id, clinicId: t.clinicId };
}
