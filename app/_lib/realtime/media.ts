// Camera/microphone access for the pre-call check and the call: support check, device lists,
// getUserMedia with chosen devices, plain-language help for each failure, microphone level.
export type MediaProblem = "unsupported" | "insecure" | "denied" | "no-device" | "busy" | "unknown";

export const MEDIA_HELP: Record<MediaProblem, { title: string; help: string }> = {
  unsupported: {
    title: "This browser cannot make video calls",
    help: "Please open the link in a recent version of Chrome, Edge, Firefox or Safari on a laptop or desktop computer.",
  },
  insecure: {
    title: "This page is not opened securely",
    help: "Video calls need a secure (https) link. Please open the exact link your clinic sent you.",
  },
  denied: {
    title: "Camera or microphone access is blocked",
    help: "Click the camera icon in your browser's address bar, choose “Allow” for camera and microphone, then press “Try again”. On a Mac, also check System Settings → Privacy & Security → Camera.",
  },
  "no-device": {
    title: "No camera or microphone found",
    help: "Connect a webcam (or use a laptop with a built-in camera), make sure it is switched on, then press “Try again”.",
  },
  busy: {
    title: "Your camera is being used by another app",
    help: "Close other apps or browser tabs that may use the camera (Zoom, Teams, FaceTime, another call), then press “Try again”. Restarting the browser can also help.",
  },
  unknown: {
    title: "We could not start your camera",
    help: "Please press “Try again”. If it keeps failing, restart your browser or try another one.",
  },
};

export function supportProblem(): MediaProblem | null {
  if (typeof window === "undefined") return null;
  if (!window.isSecureContext) return "insecure";
  if (!navigator.mediaDevices?.getUserMedia || typeof RTCPeerConnection === "undefined" || typeof WebSocket === "undefined") return "unsupported";
  return null;
}

export function classifyMediaError(e: unknown): MediaProblem {
  const name = (e as { name?: string } | null)?.name ?? "";
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "no-device";
  if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "busy";
  if (name === "TypeError") return "unsupported";
  return "unknown";
}

export type DeviceChoice = { cameraId?: string; micId?: string };

export async function getLocalStream(choice: DeviceChoice = {}): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    video: { ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}), width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    audio: { ...(choice.micId ? { deviceId: { exact: choice.micId } } : {}), echoCancellation: true, noiseSuppression: true },
  });
}

export function stopStream(s: MediaStream | null | undefined) {
  for (const t of s?.getTracks() ?? []) t.stop();
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; mics: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return { cameras: all.filter((d) => d.kind === "videoinput" && d.deviceId), mics: all.filter((d) => d.kind === "audioinput" && d.deviceId) };
}

const videoOnlyStreams = new WeakMap<MediaStream, MediaStream>();
/**
 * The stream's video tracks alone, for a self-view. A <video> given a stream with a microphone track plays it through
 * an audio renderer even when muted: in Chromium each one is a real-time audio thread waking 100 times a second (and
 * a stream in the audio service), which on a 2-core laptop pre-empts the pose worker hundreds of times a second.
 * The same stream object comes back for the same tracks, so a <video> is not reloaded on every render.
 */
export function videoOnly(stream: MediaStream): MediaStream {
  if (stream.getAudioTracks().length === 0) return stream;
  const tracks = stream.getVideoTracks();
  const kept = videoOnlyStreams.get(stream);
  const same = kept && kept.getTracks().length === tracks.length && tracks.every((t) => kept.getTracks().includes(t));
  if (kept && same) return kept;
  const v = new MediaStream(tracks);
  videoOnlyStreams.set(stream, v);
  return v;
}

/** Calls `onLevel` (0..1) about 15 times a second with the microphone's loudness. */
export function watchAudioLevel(stream: MediaStream, onLevel: (level: number) => void): () => void {
  const track = stream.getAudioTracks()[0];
  if (!track || typeof AudioContext === "undefined") return () => {};
  const ctx = new AudioContext();
  const src = ctx.createMediaStreamSource(new MediaStream([track]));
  const an = ctx.createAnalyser();
  an.fftSize = 512;
  src.connect(an);
  const buf = new Float32Array(an.fftSize);
  const timer = setInterval(() => {
    an.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    const rms = Math.sqrt(sum / buf.length);
    onLevel(Math.min(1, rms * 4));
  }, 66);
  void ctx.resume().catch(() => {});
  return () => {
    clearInterval(timer);
    src.disconnect();
    void ctx.close().catch(() => {});
  };
}
