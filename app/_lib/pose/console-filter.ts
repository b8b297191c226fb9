// MediaPipe's WASM writes its start-up chatter to stderr, which the browser shows as console errors:
// "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." at every model start, glog lines such as
// "W1201 18:37:39.123456 1 inference_feedback_manager.cc:114] Feedback manager requires a model with a
// single signature inference. Disabling support for feedback tensors." Real errors drown among them.
// This drops exactly those known-harmless messages (whole-message patterns below) and lets everything
// else through untouched. Installed once per realm (page or worker) where the landmarker starts.

/** Messages known to be harmless, matched against the whole text of the first argument. */
export const HARMLESS_MEDIAPIPE_MESSAGES: readonly RegExp[] = [
  /^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.$/,
  /^[IW]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.]+:\d+\] Feedback manager requires a model with a single signature inference\. Disabling support for feedback tensors\.$/,
  /^I\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.]+:\d+\] Graph successfully started running\.$/,
  /^[IW]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.]+:\d+\] OpenGL error checking is disabled$/,
];

export function isHarmlessMediaPipeMessage(args: readonly unknown[]): boolean {
  if (args.length !== 1 || typeof args[0] !== "string") return false;
  const text = args[0].trim();
  return HARMLESS_MEDIAPIPE_MESSAGES.some((re) => re.test(text));
}

const INSTALLED = Symbol.for("posevisit.mediapipeConsoleFilter");
type Scope = { console: Console; [INSTALLED]?: { dropped: number } };

/** Wraps console.error/warn/info/log of this realm once; returns how many messages it has dropped so far. */
export function installMediaPipeConsoleFilter(scope: Scope = globalThis as unknown as Scope): { dropped: number } {
  if (scope[INSTALLED]) return scope[INSTALLED];
  const state = { dropped: 0 };
  scope[INSTALLED] = state;
  for (const level of ["error", "warn", "info", "log"] as const) {
    const original = scope.console[level].bind(scope.console);
    scope.console[level] = (...args: unknown[]) => {
      if (isHarmlessMediaPipeMessage(args)) {
        state.dropped++;
        return;
      }
      original(...args);
    };
  }
  return state;
}
