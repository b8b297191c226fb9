// /fhir/R4/*: the read-only FHIR REST endpoint for systems of the same clinic. Bearer API tokens
// (per clinic, HMAC-stored, revocable), application/fhir+json, OperationOutcome on every error,
// 405 for write methods, 404 for ids of other clinics (indistinguishable from ids that do not exist).
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { authenticateApiToken } from "../services/api-tokens";
import { capabilityStatement, outcome, patientEverything, readPatient, searchObservations } from "../services/fhir";
import { clientIp, expectedOrigin } from "./request";

export const FHIR_PREFIX = "/fhir/R4";
const CONTENT_TYPE = "application/fhir+json; charset=utf-8";
const fhirIdSchema = z.string().regex(/^[A-Za-z0-9.-]{1,64}$/);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.statusCode = status;
  res.setHeader("Content-Type", CONTENT_TYPE);
  res.setHeader("Cache-Control", "no-store");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(JSON.stringify(body));
}

/** Handles /fhir/R4 and below; returns false for any other path. */
export function createFhirHandler(deps: { db: Db; env: Env }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const raw = req.url ?? "/";
    if (raw !== FHIR_PREFIX && !raw.startsWith(`${FHIR_PREFIX}/`) && !raw.startsWith(`${FHIR_PREFIX}?`)) return false;
    let url: URL;
    try {
      url = new URL(raw, "http://x");
    } catch {
      send(res, 400, outcome("invalid", "Malformed URL"));
      return true;
    }
    const base = `${expectedOrigin(req, deps.env)}${FHIR_PREFIX}`;
    const parts = url.pathname.slice(FHIR_PREFIX.length).split("/").filter(Boolean);
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      send(res, 405, outcome("not-supported", "This FHIR API is read-only"), { Allow: "GET, HEAD" });
      return true;
    }
    if (parts.length === 1 && parts[0] === "metadata") {
      send(res, 200, capabilityStatement(base));
      return true;
    }
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const ip = clientIp(req, deps.env);
    const who = m ? await authenticateApiToken(deps.db, deps.env.SESSION_SECRET, m[1]!, ip) : null;
    if (!who) {
      send(res, 401, outcome("login", m ? "The API token is not valid or was revoked" : "Send Authorization: Bearer <clinic API token>"), { "WWW-Authenticate": 'Bearer realm="fhir"' });
      return true;
    }
    const w = { ...who, ip };
    const [type, rid, op] = parts;
    if (type === "Patient" && rid && fhirIdSchema.safeParse(rid).success && (!op || op === "$everything") && parts.length <= 3) {
      const body = op ? await patientEverything(deps.db, w, rid, base) : await readPatient(deps.db, w, rid);
      if (!body) send(res, 404, outcome("not-found", `Patient/${rid} not found`));
      else send(res, 200, body);
      return true;
    }
    if (type === "Observation" && parts.length === 1) {
      const ref = url.searchParams.getAll("patient").concat(url.searchParams.getAll("subject"));
      const unknown = [...url.searchParams.keys()].filter((k) => !["patient", "subject", "_format"].includes(k));
      if (unknown.length) {
        send(res, 400, outcome("not-supported", `Unsupported search parameter(s): ${unknown.join(", ")}`));
        return true;
      }
      const pid = ref.length === 1 ? ref[0]!.replace(/^(.*\/)?Patient\//, "") : "";
      if (!fhirIdSchema.safeParse(pid).success) {
        send(res, 400, outcome("invalid", "Search Observation by exactly one patient=<id>"));
        return true;
      }
      const body = await searchObservations(deps.db, w, pid, base, `${base}/Observation?patient=${pid}`);
      if (!body) send(res, 404, outcome("not-found", `Patient/${pid} not found`));
      else send(res, 200, body);
      return true;
    }
    send(res, 404, outcome("not-supported", `Not supported here: ${url.pathname.slice(FHIR_PREFIX.length) || "/"}`));
    return true;
  };
}
