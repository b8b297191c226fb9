import assert from "node:assert/strict";
import { test } from "node:test";
import { installMediaPipeConsoleFilter, isHarmlessMediaPipeMessage } from "../../app/_lib/pose/console-filter";

test("the known MediaPipe start-up messages are recognised by their whole text", () => {
  assert.equal(isHarmlessMediaPipeMessage(["INFO: Created TensorFlow Lite XNNPACK delegate for CPU."]), true);
  assert.equal(
    isHarmlessMediaPipeMessage(["W1201 18:37:39.123456 1 inference_feedback_manager.cc:114] Feedback manager requires a model with a single signature inference. Disabling support for feedback tensors."]),
    true,
  );
  assert.equal(isHarmlessMediaPipeMessage(["I1201 18:37:39.000001 1 graph.cc:42] Graph successfully started running."]), true);
});

test("anything else passes: other text, extra words, other arguments, real errors", () => {
  assert.equal(isHarmlessMediaPipeMessage(["INFO: Created TensorFlow Lite XNNPACK delegate for CPU. Then it crashed"]), false);
  assert.equal(isHarmlessMediaPipeMessage(["E1201 18:37:39.123456 1 graph.cc:42] Graph successfully started running."]), false);
  assert.equal(isHarmlessMediaPipeMessage(["Failed to load the model", new Error("x")]), false);
  assert.equal(isHarmlessMediaPipeMessage([new Error("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.")]), false);
  assert.equal(isHarmlessMediaPipeMessage(["INFO: Created TensorFlow Lite XNNPACK delegate for CPU.", "extra"]), false);
});

test("installed once per realm, it drops only the harmless messages", () => {
  const seen: unknown[][] = [];
  const fake = { error: (...a: unknown[]) => seen.push(["error", ...a]), warn: (...a: unknown[]) => seen.push(["warn", ...a]), info: (...a: unknown[]) => seen.push(["info", ...a]), log: (...a: unknown[]) => seen.push(["log", ...a]) };
  const scope = { console: fake as unknown as Console };
  const state = installMediaPipeConsoleFilter(scope);
  assert.equal(installMediaPipeConsoleFilter(scope), state, "a second install is a no-op");
  scope.console.error("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.");
  scope.console.error("Real failure: model file missing");
  scope.console.warn("W1201 18:37:39.123456 1 inference_feedback_manager.cc:114] Feedback manager requires a model with a single signature inference. Disabling support for feedback tensors.");
  scope.console.log("hello", 1);
  assert.deepEqual(seen, [["error", "Real failure: model file missing"], ["log", "hello", 1]]);
  assert.equal(state.dropped, 2);
});
