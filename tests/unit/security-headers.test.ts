// Every page opened with a patient link carries the token in its path: it must never leave in a Referer or stay in a
// cache (join, intake, questionnaire and home links alike — patient-links.ts LINK_PATHS). Staff pages keep same-origin.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import { applySecurityHeaders } from "../../server/http/security";
import { LINK_PATHS } from "../../server/services/patient-links";

function headersFor(url: string): Record<string, string> {
  const set: Record<string, string> = {};
  const req = { url, headers: {} } as unknown as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => void (set[k.toLowerCase()] = v) } as unknown as ServerResponse;
  applySecurityHeaders(req, res, { dev: false, https: true });
  return set;
}

test("every patient-link page: no referrer, no caching", () => {
  for (const prefix of Object.values(LINK_PATHS)) {
    const h = headersFor(`${prefix}AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde`);
    assert.equal(h["referrer-policy"], "no-referrer", prefix);
    assert.equal(h["cache-control"], "no-store", prefix);
  }
});

test("staff pages keep a same-origin referrer; the API is never cached; CSP everywhere", () => {
  const page = headersFor("/patients/abc");
  assert.equal(page["referrer-policy"], "same-origin");
  assert.equal(page["cache-control"], undefined);
  assert.match(page["content-security-policy"]!, /frame-ancestors 'none'/);
  assert.equal(headersFor("/api/trpc/me")["cache-control"], "no-store");
  // a path that merely starts like a link page is not one
  assert.equal(headersFor("/homepage")["referrer-policy"], "same-origin");
});
