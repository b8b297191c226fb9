// The visit's routing key (app/_lib/realtime/call.ts, CallAuth): both participants put the visit's id in the socket
// URL's query for a proxy to hash (server/realtime/README.md, "Deployment"), and never in the handshake's auth.
import assert from "node:assert/strict";
import { test } from "node:test";
import { VisitCall } from "../../app/_lib/realtime/call";

const opts = (c: VisitCall) => (c.socket.io as unknown as { opts: { query?: Record<string, string> } }).opts;

test("patient and therapist of a visit carry the same routing key in the socket URL, not in the handshake", () => {
  const patient = new VisitCall({ role: "patient", token: "t".repeat(43), name: "Pat", consent: true, visit: "cvisit123" }, { url: "http://127.0.0.1:1" });
  const therapist = new VisitCall({ role: "therapist", visitId: "cvisit123" }, { url: "http://127.0.0.1:1" });
  assert.deepEqual(opts(patient).query, { visit: "cvisit123" });
  assert.deepEqual(opts(therapist).query, { visit: "cvisit123" });
  assert.equal("visit" in (patient.socket.auth as Record<string, unknown>), false);
  assert.equal((patient.socket.auth as Record<string, unknown>).token, "t".repeat(43));
  assert.equal((therapist.socket.auth as Record<string, unknown>).visitId, "cvisit123");
  assert.equal(patient.socket.connected, false);
  // a page from before the key (no `visit`) connects without a query
  const old = new VisitCall({ role: "patient", token: "t".repeat(43), name: "Pat", consent: true }, { url: "http://127.0.0.1:1" });
  assert.equal(opts(old).query?.visit, undefined);
  for (const c of [patient, therapist, old]) c.socket.close();
});
