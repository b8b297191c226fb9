"use client";
// React bindings for the pose pipeline: usePoseTracker(videoEl, opts) and useCamera().
import { useCallback, useEffect, useRef, useState } from "react";
import type { CalibrationOutcome } from "@/app/_shared/pose/calibration";
import type { PoseResult } from "@/app/_shared/pose/processor";
import { type AssetPaths, DEFAULT_ASSETS, type RawPose } from "./protocol";
import { type ModelChoice, PoseTracker, type TrackerStats, type TrackerUpdate } from "./tracker";

export interface UsePoseTrackerOptions {
  enabled?: boolean;
  model?: ModelChoice;
  /** the view the current measurement needs (drives the "turn sideways" / "face the camera" guidance) */
  wantView?: "sagittal" | "frontal" | "any";
  /** the preview is shown mirrored (selfie view); only affects left/right wording of the guidance */
  mirrored?: boolean;
  assets?: AssetPaths;
  /** called for EVERY analysed frame (not throttled), e.g. to stream result.sample over Socket.IO */
  onUpdate?: (u: TrackerUpdate) => void;
  /**
   * false: analysed frames go to onUpdate only and `result`/`raw` stay as they were (no React render per frame), for
   * while nothing on screen shows them. Default true.
   */
  render?: boolean;
  /** the camera to analyse when `video` shows something else (a low-rate preview copy); default: the video's stream */
  source?: MediaStream | null;
}

export interface PoseTrackerState {
  result: PoseResult | null;
  raw: RawPose | null;
  stats: TrackerStats | null;
  calibrating: boolean;
  calibration: CalibrationOutcome | null;
  calibrate: (durationMs?: number) => Promise<CalibrationOutcome | null>;
  clearCalibration: () => void;
  tracker: PoseTracker | null;
}

/** Runs the pose pipeline on `video` while enabled; React state is refreshed at most once per animation frame. */
export function usePoseTracker(video: HTMLVideoElement | null, opts: UsePoseTrackerOptions = {}): PoseTrackerState {
  const { enabled = true, model = "auto", wantView = "any", mirrored = false, assets = DEFAULT_ASSETS } = opts;
  const [update, setUpdate] = useState<TrackerUpdate | null>(null);
  const [status, setStatus] = useState<TrackerStats | null>(null);
  const [calibrating, setCalibrating] = useState(false);
  const [calibration, setCalibration] = useState<CalibrationOutcome | null>(null);
  const trackerRef = useRef<PoseTracker | null>(null);
  const [tracker, setTracker] = useState<PoseTracker | null>(null);
  const onUpdateRef = useRef(opts.onUpdate);
  onUpdateRef.current = opts.onUpdate;
  const renderRef = useRef(opts.render ?? true);
  renderRef.current = opts.render ?? true;
  const sourceRef = useRef(opts.source ?? null);
  sourceRef.current = opts.source ?? null;
  const initial = useRef({ model, wantView, mirrored });
  initial.current = { model, wantView, mirrored };

  useEffect(() => {
    if (!video || !enabled) return;
    const { model: m, wantView: wv, mirrored: mi } = initial.current;
    const tr = new PoseTracker({ assets, model: m, processor: { guidance: { wantView: wv, mirrored: mi } } });
    tr.source = sourceRef.current;
    trackerRef.current = tr;
    setTracker(tr);
    let pending: TrackerUpdate | null = null;
    let raf = 0;
    const unsub = tr.subscribe((u) => {
      onUpdateRef.current?.(u);
      pending = u;
      if (!raf && renderRef.current) {
        raf = requestAnimationFrame(() => {
          raf = 0;
          setUpdate(pending);
        });
      }
    });
    const unsubStatus = tr.onStatus(setStatus);
    tr.start(video).catch(() => {
      /* reported through onStatus */
    });
    return () => {
      unsub();
      unsubStatus();
      cancelAnimationFrame(raf);
      tr.stop();
      trackerRef.current = null;
      setTracker(null);
    };
  }, [video, enabled, assets.wasmBase, assets.modelBase]);

  useEffect(() => {
    const tr = trackerRef.current;
    if (tr && tr.options.model !== model && tr.stats.state !== "loading") void tr.setModel(model);
  }, [model]);

  useEffect(() => {
    trackerRef.current?.processor.setOptions({ guidance: { wantView, mirrored } });
  }, [wantView, mirrored, tracker]);

  const source = opts.source ?? null;
  useEffect(() => {
    if (tracker) tracker.source = source;
  }, [source, tracker]);

  const calibrate = useCallback(async (durationMs?: number) => {
    const tr = trackerRef.current;
    if (!tr) return null;
    setCalibrating(true);
    try {
      const out = await tr.calibrate(durationMs);
      setCalibration(out);
      return out;
    } finally {
      setCalibrating(false);
    }
  }, []);

  const clearCalibration = useCallback(() => {
    trackerRef.current?.clearCalibration();
    setCalibration(null);
  }, []);

  return {
    result: update?.result ?? null,
    raw: update?.raw ?? null,
    stats: update?.stats ? { ...update.stats, state: status?.state ?? update.stats.state, error: status?.error ?? update.stats.error } : status,
    calibrating,
    calibration,
    calibrate,
    clearCalibration,
    tracker,
  };
}

export interface CameraState {
  stream: MediaStream | null;
  error: string | null;
  starting: boolean;
  start: () => Promise<void>;
  stop: () => void;
}

/** The user's camera at 640x480 (what the pose models are tuned for; more pixels only cost time). */
export function useCamera(video: HTMLVideoElement | null): CameraState {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const start = useCallback(async () => {
    setStarting(true);
    setError(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 }, facingMode: "user" },
        audio: false,
      });
      setStream(s);
    } catch (e) {
      const name = (e as DOMException)?.name;
      setError(
        name === "NotAllowedError"
          ? "Camera access was refused. Allow the camera in the browser's address bar and try again."
          : name === "NotFoundError"
            ? "No camera was found."
            : `The camera could not be started (${(e as Error)?.message ?? e}).`,
      );
    } finally {
      setStarting(false);
    }
  }, []);

  const stop = useCallback(() => {
    setStream((s) => {
      s?.getTracks().forEach((t) => t.stop());
      return null;
    });
  }, []);

  useEffect(() => {
    if (!video) return;
    video.srcObject = stream;
    if (stream) void video.play().catch(() => {});
  }, [video, stream]);

  useEffect(() => () => stream?.getTracks().forEach((t) => t.stop()), [stream]);

  return { stream, error, starting, start, stop };
}
