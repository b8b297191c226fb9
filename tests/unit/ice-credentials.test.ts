import assert from "node:assert/strict";
import { test } from "node:test";
import { IceCredentials, renewalLead } from "../../app/_lib/realtime/ice-credentials";

const servers = [{ urls: ["turn:127.0.0.1:3478?transport=udp"], username: "1:v", credential: "x" }];

test("renewal lead: a quarter of the lifetime, between 10 s and 10 min", () => {
  assert.equal(renewalLead(60_000), 15_000);
  assert.equal(renewalLead(20_000), 10_000);
  assert.equal(renewalLead(3_600_000), 600_000);
  assert.equal(renewalLead(86_400_000), 600_000);
});

test("credentials that never expire are never renewed nor stale", () => {
  const c = new IceCredentials();
  c.set({ iceServers: [], expiresAt: null }, 0);
  assert.equal(c.renewIn(1e12), null);
  assert.equal(c.stale(1e12), false);
});

test("a one-hour credential is renewed 10 min before expiry and is stale from then on", () => {
  const c = new IceCredentials();
  const t0 = 1_000_000;
  c.set({ iceServers: servers, expiresAt: t0 + 3_600_000 }, t0);
  assert.equal(c.renewIn(t0), 3_000_000);
  assert.equal(c.stale(t0 + 2_999_999), false);
  assert.equal(c.stale(t0 + 3_000_000), true);
  assert.equal(c.stale(t0 + 4_000_000), true); // expired: still stale, renewIn does not go negative
  assert.equal(c.renewIn(t0 + 4_000_000), 0);
  // Renewed: fresh again, timed from the new receipt.
  c.set({ iceServers: servers, expiresAt: t0 + 7_200_000 }, t0 + 3_000_000);
  assert.equal(c.stale(t0 + 3_000_000), false);
  assert.equal(c.renewIn(t0 + 3_000_000), 3_600_000); // lifetime 4.2 M ms, lead capped at 10 min
  assert.deepEqual(c.servers, servers);
});

test("a credential received late (clock skew, slow start) is stale at once rather than never", () => {
  const c = new IceCredentials();
  c.set({ iceServers: servers, expiresAt: 5_000 }, 10_000);
  assert.equal(c.stale(10_000), true);
});
