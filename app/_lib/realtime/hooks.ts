"use client";
// React bindings for the live visit: the call, the clinic's live dashboard feed, devices, mic level.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ClinicVisitUpdate } from "../../_shared/protocol";
import { VisitCall, type CallAuth, type CallSnapshot } from "./call";
import { classifyMediaError, getLocalStream, listDevices, stopStream, supportProblem, videoOnly, watchAudioLevel, type DeviceChoice, type MediaProblem } from "./media";
import { acquireStaffSocket } from "./staff-socket";

const idle = () => () => {};

/** Starts a VisitCall once `auth` is given and keeps it for the component's lifetime. */
export function useVisitCall(auth: CallAuth | null, generation = 0): { call: VisitCall | null; snap: CallSnapshot | null } {
  const [call, setCall] = useState<VisitCall | null>(null);
  const key = auth ? JSON.stringify([auth, generation]) : null;
  useEffect(() => {
    if (!key) return;
    // Signalling traces only when asked for: localStorage.setItem("pv.debug", "1").
    const debug = typeof localStorage !== "undefined" && localStorage.getItem("pv.debug") === "1";
    const c = new VisitCall((JSON.parse(key) as [CallAuth])[0], { log: debug ? (m) => console.debug(m) : undefined });
    setCall(c);
    c.start();
    // A page unload just drops the socket: the other side sees "reconnecting…" and a reload comes back.
    return () => {
      c.leave();
      setCall(null);
    };
  }, [key]);
  const snap = useSyncExternalStore(call?.subscribe ?? idle, () => call?.getSnapshot() ?? null, () => null);
  return { call, snap };
}

/**
 * Live visit updates for the signed-in user's clinic (dashboard, visit lists). Calls `onUpdate` for
 * every change (patient arrives/leaves, admitted, ended) and returns the latest update per visit.
 */
export function useClinicLive(onUpdate?: (u: ClinicVisitUpdate) => void): { connected: boolean; visits: Record<string, ClinicVisitUpdate> } {
  const [connected, setConnected] = useState(false);
  const [visits, setVisits] = useState<Record<string, ClinicVisitUpdate>>({});
  const cb = useRef(onUpdate);
  cb.current = onUpdate;
  useEffect(() => {
    const { socket: s, release } = acquireStaffSocket();
    const onConnect = () => setConnected(true);
    const onDisconnect = () => setConnected(false);
    const onVisit = (u: ClinicVisitUpdate) => {
      setVisits((v) => ({ ...v, [u.visitId]: u }));
      cb.current?.(u);
    };
    s.on("connect", onConnect);
    s.on("disconnect", onDisconnect);
    s.on("clinic:visit", onVisit);
    setConnected(s.connected);
    return () => {
      s.off("connect", onConnect);
      s.off("disconnect", onDisconnect);
      s.off("clinic:visit", onVisit);
      release();
    };
  }, []);
  return { connected, visits };
}

/** Cameras and microphones, refreshed when devices are plugged in or permission is granted. */
export function useDevices(refreshKey: unknown = null) {
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; mics: MediaDeviceInfo[] }>({ cameras: [], mics: [] });
  useEffect(() => {
    if (typeof navigator === "undefined" || !navigator.mediaDevices?.enumerateDevices) return;
    let alive = true;
    const load = () => void listDevices().then((d) => alive && setDevices(d), () => {});
    load();
    navigator.mediaDevices.addEventListener?.("devicechange", load);
    return () => {
      alive = false;
      navigator.mediaDevices.removeEventListener?.("devicechange", load);
    };
  }, [refreshKey]);
  return devices;
}

/**
 * Shows `stream` in the <video> `el` and plays it. A self-view gets the video tracks only (see videoOnly: no audio
 * renderer for a picture that plays no sound). The element lets go of the stream when it goes (or is replaced): a
 * detached <video> keeps its player, and any audio renderer, until it is collected.
 */
export function useVideoSource(el: HTMLVideoElement | null, stream: MediaStream | null, selfView: boolean) {
  const shown = stream && selfView ? videoOnly(stream) : stream;
  useEffect(() => {
    if (!el) return;
    if (el.srcObject !== shown) el.srcObject = shown;
    if (shown) void el.play().catch(() => {});
  }, [el, shown]);
  useEffect(() => () => void (el && (el.srcObject = null)), [el]);
}

export function useAudioLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream) return;
    return watchAudioLevel(stream, setLevel);
  }, [stream]);
  return level;
}

/**
 * The local camera + microphone with the chosen devices. Changing the choice opens the new device
 * first and then stops the old one, so a call in progress swaps tracks without a gap.
 */
export function useLocalMedia(initial: DeviceChoice = {}, enabled = true) {
  const [choice, setChoice] = useState<DeviceChoice>(initial);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const current = useRef<MediaStream | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const unsupported = supportProblem();
    if (unsupported) {
      setProblem(unsupported);
      return;
    }
    let alive = true;
    setBusy(true);
    getLocalStream(choice).then(
      (s) => {
        if (!alive) return stopStream(s);
        const old = current.current;
        current.current = s;
        setStream(s);
        setProblem(null);
        setBusy(false);
        if (old && old !== s) setTimeout(() => stopStream(old), 500);
      },
      (e: unknown) => {
        if (!alive) return;
        // A remembered device that is gone: fall back to the default one.
        if ((e as { name?: string })?.name === "OverconstrainedError" && (choice.cameraId || choice.micId)) {
          setChoice({});
          return;
        }
        setProblem(classifyMediaError(e));
        setBusy(false);
      },
    );
    return () => {
      alive = false;
    };
  }, [choice.cameraId, choice.micId, attempt, enabled]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => stopStream(current.current), []);
  return { stream, problem, busy, choice, setChoice, retry: () => setAttempt((a) => a + 1) };
}
