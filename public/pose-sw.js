// Keeps the pose runtime (the self-hosted MediaPipe files under /mediapipe/ and the models under /models/) on this
// device, so that a camera-counted set can start without a connection (home practice, issue 19). Network first:
// while online every request goes to the server as before and the answer is kept; offline the kept copy answers.
// No other request is touched (they go to the network as if there were no service worker). The page loads the runtime
// once while online (app/_lib/pose/offline.ts) and asks with a "kept" message which files are on the device.
const CACHE = "pose-runtime-v1";
const POSE_PATH = /^\/(mediapipe|models)\/[A-Za-z0-9._-]+$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith("pose-runtime-") && k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

const isPose = (url) => url.origin === self.location.origin && POSE_PATH.test(url.pathname);

self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || !isPose(url) || e.request.headers.has("range")) return;
  const key = url.origin + url.pathname;
  // the copy is taken as the answer arrives, and kept while the page reads the answer
  const net = fetch(e.request).then((r) => ({ r, copy: r.ok && r.status === 200 ? r.clone() : null }));
  e.respondWith(net.then(({ r }) => r, async (err) => {
    const kept = await caches.open(CACHE).then((c) => c.match(key));
    if (!kept) throw err;
    // said in a header, so that a test (and a curious developer) can see the copy on the device answered
    const headers = new Headers(kept.headers);
    headers.set("X-Pose-Runtime", "device");
    return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
  }));
  e.waitUntil(net.then(({ copy }) => copy && caches.open(CACHE).then((c) => c.put(key, copy))).catch((err) => console.warn("pose-sw: not kept", key, String(err))));
});

// { type: "kept", id } -> { type: "kept", id, paths: [the paths kept on this device] }
self.addEventListener("message", (e) => {
  const m = e.data;
  if (!m || m.type !== "kept") return;
  e.waitUntil((async () => {
    const keys = await caches.open(CACHE).then((c) => c.keys());
    e.source?.postMessage({ type: "kept", id: m.id, paths: keys.map((r) => new URL(r.url).pathname) });
  })());
});
