// The home-practice contracts: fault counting over a stored set result (the pipeline's repetitions[].faults or the
// engine's fault summary) and the finish input's bounds (pain and effort 0–10 whole numbers, known how-it-went).
import assert from "node:assert/strict";
import { test } from "node:test";
import { faultCount, finishHomeSessionInput, startHomeSessionInput } from "@/app/_shared/care/home-session";

test("faultCount reads repetitions' faults, else the engine's fault summary; never throws on junk", () => {
  assert.equal(faultCount({ repetitions: [{ faults: ["a", "b"] }, { faults: [] }, { faults: ["a"] }] }), 3);
  assert.equal(faultCount({ repetitions: [{ faults: [] }], faults: { lean: { label: "Lean", reps: ["1", "3"], seconds: 0 }, sag: { label: "Sag", reps: [], seconds: 4 } } }), 3);
  for (const junk of [null, undefined, 7, "x", [], { repetitions: "no" }, { faults: { x: null } }]) assert.equal(faultCount(junk), 0);
});

test("finish input: pain and effort are whole numbers 0–10, how-it-went from the list, note bounded", () => {
  const base = { token: "a".repeat(43), clientId: "abcdefabcdef12" };
  assert.equal(finishHomeSessionInput.safeParse({ ...base, painAfter: 8, effort: 0, howItWent: "HARD" }).success, true);
  for (const bad of [{ painAfter: 11 }, { painAfter: -1 }, { painAfter: 2.5 }, { effort: 12 }, { howItWent: "GREAT" }, { note: "x".repeat(1001) }, { clientId: "short" }])
    assert.equal(finishHomeSessionInput.safeParse({ ...base, ...bad }).success, false, JSON.stringify(bad));
  const d = finishHomeSessionInput.parse(base);
  assert.deepEqual([d.painAfter, d.effort, d.howItWent, d.note, d.selfReport], [null, null, null, "", []]);
  assert.equal(startHomeSessionInput.safeParse({ ...base, startedAt: "not a time" }).success, false);
});
