// How the recorder reads a refusal of `recording:chunk` (app/_lib/recording/transport.ts): the server busy or the
// answer lost is retried; a refusal for good (bad samples, a conflicting retry, a closed visit) is final.
import assert from "node:assert/strict";
import { test } from "node:test";
import { protocolError } from "../../app/_shared/protocol";
import { chunkSender, socketResultOf } from "../../app/_lib/recording/transport";
import type { Chunk, SendResult } from "../../app/_lib/recording/recorder";

test("socket acknowledgements map onto the recorder's send results", () => {
  assert.equal(socketResultOf({ ok: true }), "ok");
  for (const code of ["INTERNAL", "RATE_LIMITED", "SERVER_BUSY"] as const) assert.equal(socketResultOf(protocolError(code)), "retry", code);
  for (const code of ["BAD_REQUEST", "CONFLICT", "NOT_FOUND", "JOIN_ENDED", "FORBIDDEN", "TOO_LARGE"] as const) {
    const r = socketResultOf(protocolError(code, `refused: ${code}`));
    assert.deepEqual(r, { fatal: `refused: ${code}` }, code);
  }
});

test("a chunk of this visit goes over its socket while it is up; leftovers of another visit, a socket down or a server without the event go through tRPC", async () => {
  const viaSocket: unknown[] = [];
  const viaTrpc: string[] = [];
  let up = true;
  let answer: ReturnType<typeof protocolError> | { ok: true } = { ok: true };
  const call = { uploadChunk: (c: unknown) => (up ? (viaSocket.push(c), Promise.resolve(answer as never)) : null) };
  const send = chunkSender({ call, token: "T" }, async (t, c) => (viaTrpc.push(`${t}:${c.seq}`), "ok" as SendResult));
  const chunk = (seq: number): Chunk => ({ trialId: "rec1", seq, startMs: seq * 1000, rateHz: 15, samples: "AAAA", ...({ stray: "from an old page" } as object) });
  assert.equal(await send("T", chunk(0)), "ok");
  assert.deepEqual(viaSocket, [{ trialId: "rec1", seq: 0, startMs: 0, rateHz: 15, format: undefined, samples: "AAAA" }], "the chunk's own fields only");
  assert.equal(await send("OTHER", chunk(1)), "ok"); // a leftover of another visit
  up = false;
  assert.equal(await send("T", chunk(2)), "ok"); // socket down
  up = true;
  answer = protocolError("UNKNOWN_EVENT");
  assert.equal(await send("T", chunk(3)), "ok"); // an older server process
  answer = protocolError("CONFLICT", "stored differently");
  assert.deepEqual(await send("T", chunk(4)), { fatal: "stored differently" });
  assert.deepEqual(viaTrpc, ["OTHER:1", "T:2", "T:3"]);
  assert.equal(viaSocket.length, 3);
  // no live visit (home practice): always tRPC
  const home = chunkSender(null, async (t, c) => (viaTrpc.push(`${t}:${c.seq}`), "ok" as SendResult));
  assert.equal(await home("H", chunk(0)), "ok");
  assert.equal(viaTrpc.at(-1), "H:0");
});
