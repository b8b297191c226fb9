// How the recorder reads a refusal of `recording:chunk` (app/_lib/recording/transport.ts): the server busy or the
// answer lost is retried; a refusal for good (bad samples, a conflicting retry, a closed visit) is final.
import assert from "node:assert/strict";
import { test } from "node:test";
import { protocolError } from "../../app/_shared/protocol";
import { socketResultOf } from "../../app/_lib/recording/transport";

test("socket acknowledgements map onto the recorder's send results", () => {
  assert.equal(socketResultOf({ ok: true }), "ok");
  for (const code of ["INTERNAL", "RATE_LIMITED", "SERVER_BUSY"] as const) assert.equal(socketResultOf(protocolError(code)), "retry", code);
  for (const code of ["BAD_REQUEST", "CONFLICT", "NOT_FOUND", "JOIN_ENDED", "FORBIDDEN", "TOO_LARGE"] as const) {
    const r = socketResultOf(protocolError(code, `refused: ${code}`));
    assert.deepEqual(r, { fatal: `refused: ${code}` }, code);
  }
});
