"use client";
// Makes the pose runtime available offline on this device (home practice: a camera-counted set may start after the
// Wi-Fi dropped). Registers public/pose-sw.js, a service worker that keeps only /mediapipe/ and /models/ files, then
// loads the runtime once the way a set loads it (the pose worker with both models the automatic choice may run), so
// that exactly the files this browser uses are kept: the worker's own script by the HTTP cache (Next's static files
// are immutable), the MediaPipe glue, WASM and models by the service worker. "ready" once the models and a WASM
// binary are on the device; "unsupported" where the browser has no service workers (a camera set then needs a
// connection to start).
import { WorkerBackend } from "./backend";
import { DEFAULT_ASSETS, modelUrl, type ModelName } from "./protocol";

export type PoseOffline = "ready" | "partial" | "unsupported";

const MODELS: readonly ModelName[] = ["full", "lite"];

let pending: Promise<PoseOffline> | null = null;

export function keepPoseRuntimeOffline(): Promise<PoseOffline> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator) || !window.isSecureContext) return Promise.resolve("unsupported");
  pending ??= prepare().catch(() => "partial" as const).finally(() => (pending = null));
  return pending;
}

async function prepare(): Promise<PoseOffline> {
  const sw = navigator.serviceWorker;
  await sw.register("/pose-sw.js", { scope: "/" });
  await sw.ready;
  if (!sw.controller) await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 10_000);
    sw.addEventListener("controllerchange", () => (clearTimeout(t), resolve()), { once: true });
  });
  if (!(await complete())) {
    const backend = new WorkerBackend(DEFAULT_ASSETS);
    try {
      for (const m of MODELS) await backend.load(m);
    } finally {
      backend.close();
    }
  }
  // the service worker writes what it kept in the background: ask a few times
  for (let i = 0; i < 20; i++) {
    if (await complete()) return "ready";
    await new Promise((r) => setTimeout(r, 500));
  }
  return "partial";
}

/** Whether the models and a MediaPipe glue + WASM pair are kept on the device. */
async function complete(): Promise<boolean> {
  const kept = await keptPaths();
  const has = (p: string) => kept.includes(p);
  const wasm = (base: string) => has(`${DEFAULT_ASSETS.wasmBase}/${base}.js`) && has(`${DEFAULT_ASSETS.wasmBase}/${base}.wasm`);
  return MODELS.every((m) => has(modelUrl(DEFAULT_ASSETS, m))) && ["vision_wasm_internal", "vision_wasm_module_internal", "vision_wasm_nosimd_internal"].some(wasm);
}

function keptPaths(): Promise<string[]> {
  const target = navigator.serviceWorker.controller;
  if (!target) return Promise.resolve([]);
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    const done = (v: string[]) => {
      clearTimeout(timer);
      navigator.serviceWorker.removeEventListener("message", onMessage);
      resolve(v);
    };
    const onMessage = (e: MessageEvent) => {
      const m = e.data as { type?: string; id?: string; paths?: unknown } | null;
      if (m?.type === "kept" && m.id === id) done(Array.isArray(m.paths) ? m.paths.filter((x): x is string => typeof x === "string") : []);
    };
    const timer = setTimeout(() => done([]), 5000);
    navigator.serviceWorker.addEventListener("message", onMessage);
    target.postMessage({ type: "kept", id });
  });
}
