"use client";
// The patient's side of a guided assessment: instructions (spoken if sound is on), a live framing
// check until the body is well seen, a countdown, then recording. Every analysed frame streams to
// the therapist; the recorded samples are saved loss-free through tRPC (Recorder, app/_lib/recording/recorder.ts).
import { useEffect, useRef, useState } from "react";
import { protocolByKey, type Protocol } from "../../_shared/assessments/catalogue";
import { COUNTDOWN_S, controlMsg, NS, type Phase, type StateMsg } from "../../_shared/assessments/live";
import type { MeasureKey } from "../../_shared/pose/measures";
import { bytesToBase64, packSamples } from "../../_shared/pose/sample";
import { activeRecordings, browserKV, flushLeftovers, Recorder } from "../../_lib/recording/recorder";
import { useRecordingTransport } from "../../_lib/recording/transport";
import { usePoseTracker } from "../../_lib/pose/usePoseTracker";
import type { VisitCall } from "../../_lib/realtime/call";
import { useVideoSource } from "../../_lib/realtime/hooks";
import { lowRatePreview, useTrialPriority } from "../../_lib/realtime/priority";
import { GuidancePanel } from "../pose/GuidancePanel";
import { SkeletonOverlay } from "../pose/SkeletonOverlay";

export function PatientAssessment({ call, stream, token, onSelfView }: {
  call: VisitCall;
  stream: MediaStream | null;
  token: string;
  /** told whether this panel is showing the patient's own camera (the page then hides its corner picture) */
  onSelfView?: (shown: boolean) => void;
}) {
  // The pose tracker reads frames from a self-view <video> shown during the assessment (the patient
  // needs to see their framing anyway; browsers throttle frames of hidden videos).
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  // while recording, a low-rate copy of the camera (priority.ts); the pose worker reads the camera itself
  const [preview, setPreview] = useState<MediaStream | null>(null);
  useVideoSource(video, preview ?? stream, true);
  const transport = useRecordingTransport({ call, token });
  const [trial, setTrial] = useState<{ id: string; protocol: Protocol } | null>(null);
  const [phase, setPhase] = useState<Phase | null>(null);
  const [count, setCount] = useState(COUNTDOWN_S);
  const [speak, setSpeak] = useState(false);
  const [pending, setPending] = useState(0);
  const recorder = useRef<Recorder | null>(null);
  const t0 = useRef(0);
  const goodFrames = useRef(0);
  const phaseRef = useRef<Phase | null>(null);
  phaseRef.current = phase;

  const sendState = (m: Omit<StateMsg, "trialId">, trialId = trial?.id) => {
    if (trialId) call.relay(NS.state, { trialId, ...m });
  };

  // Leftovers of an earlier page (reload mid-trial) are uploaded first; this page's own trial is
  // retried in the background until the server has every chunk.
  useEffect(() => {
    const kv = browserKV();
    const startedWith = new Set(kv.keys());
    void flushLeftovers(kv, transport, token, activeRecordings());
    const retry = setInterval(() => {
      void recorder.current?.flush();
      if ([...startedWith].some((k) => kv.getItem(k) !== null)) void flushLeftovers(kv, transport, token, activeRecordings());
    }, 3000);
    const online = () => void recorder.current?.flush();
    window.addEventListener("online", online);
    return () => {
      clearInterval(retry);
      window.removeEventListener("online", online);
    };
  }, [transport, token]);

  useEffect(() => {
    const prev = call.onRelay;
    call.onRelay = (m) => {
      if (m.ns !== NS.control) return prev?.(m);
      const parsed = controlMsg.safeParse(m.data);
      if (!parsed.success) return;
      const c = parsed.data;
      if (c.type === "start") {
        const p = protocolByKey(c.protocolKey)!;
        recorder.current = new Recorder(browserKV(), transport, c.trialId, token);
        recorder.current.onChange(() => setPending(recorder.current?.pending() ?? 0));
        goodFrames.current = 0;
        setTrial({ id: c.trialId, protocol: p });
        setPhase("framing");
        call.relay(NS.state, { trialId: c.trialId, phase: "framing" });
      } else if (c.type === "stop" && recorder.current?.trialId === c.trialId) {
        const rec = recorder.current;
        setPhase("saving");
        call.relay(NS.state, { trialId: c.trialId, phase: "saving", pendingChunks: rec.pending() });
        void rec.stopAndDrain().then((ok) => {
          setPhase(ok ? "saved" : "failed");
          call.relay(NS.state, { trialId: c.trialId, phase: ok ? "saved" : "failed", samples: rec.sent, ...(ok ? {} : { error: rec.errors.join("; ").slice(0, 400) }) });
        });
      } else if (c.type === "discard" && recorder.current?.trialId === c.trialId) {
        recorder.current.discard();
        recorder.current = null;
        setPhase("discarded");
        setTrial(null);
      }
    };
    return () => {
      call.onRelay = prev;
    };
  }, [call, transport, token]);

  // The patient stands 2–3 m back: the page lays the panel out to fill the window (no scrolling); bring it into view.
  const section = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (trial) section.current?.scrollIntoView({ block: "start" });
  }, [trial]);

  // Spoken instructions when the patient has turned sound on.
  useEffect(() => {
    if (!speak || !trial || phase !== "framing" || typeof speechSynthesis === "undefined") return;
    speechSynthesis.cancel();
    speechSynthesis.speak(new SpeechSynthesisUtterance(`${trial.protocol.title}. ${trial.protocol.spoken}`));
  }, [speak, trial, phase]);

  // Countdown, then recording.
  useEffect(() => {
    if (phase !== "countdown") return;
    setCount(COUNTDOWN_S);
    let n = COUNTDOWN_S;
    const timer = setInterval(() => {
      n--;
      setCount(n);
      sendState({ phase: n > 0 ? "countdown" : "recording", countdown: n });
      if (speak && typeof speechSynthesis !== "undefined") speechSynthesis.speak(new SpeechSynthesisUtterance(n > 0 ? String(n) : "Go"));
      if (n <= 0) {
        clearInterval(timer);
        t0.current = performance.now();
        setPhase("recording");
      }
    }, 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phase]);

  const active = phase === "framing" || phase === "countdown" || phase === "recording";
  const wantView = trial?.protocol.view === "FRONTAL" ? "frontal" : "sagittal";
  // While recording, the patient's screen shows the camera alone (see the self-view below): analysed frames are streamed
  // and stored but do not re-render this panel.
  const recordingNow = phase === "recording";
  const pose = usePoseTracker(video, {
    enabled: active,
    wantView,
    mirrored: true,
    render: !recordingNow,
    source: stream,
    onUpdate: (u) => {
      const s = u.result.sample;
      const ph = phaseRef.current;
      const id = recorder.current?.trialId ?? null;
      if (ph === "framing") {
        // The countdown starts on a running stream: the model chosen (an automatic choice measures the full model
        // first and may switch to lite, seconds with few analysed frames) and the body well seen, so the recording's
        // first second has samples.
        goodFrames.current = u.result.guidance.ok ? goodFrames.current + 1 : 0;
        if (goodFrames.current >= 10 && u.stats.state === "running") {
          goodFrames.current = -Infinity; // once
          setPhase("countdown");
          if (id) call.relay(NS.state, { trialId: id, phase: "countdown", countdown: COUNTDOWN_S });
        }
      }
      if (!s) return;
      const recording = ph === "recording";
      const sample = recording ? { ...s, t: Math.max(0, Math.round(s.t - t0.current)) } : s;
      if (recording) recorder.current?.add(sample);
      const capturedAt = Math.round(performance.timeOrigin + s.t);
      const withheld = Object.keys(u.result.withheld) as MeasureKey[];
      call.relay(NS.live, { trialId: recording ? id : null, capturedAt, samples: bytesToBase64(packSamples([sample])), ...(withheld.length ? { withheld } : {}) });
      // npm run bench:stream puts an array here to split the patient's delay into its parts
      (window as { __pvPose?: unknown[][] }).__pvPose?.push([capturedAt, u.stats.latencyMs, u.raw.inferMs, u.raw.model, u.raw.prepMs ?? 0, u.stats.dropped, u.stats.capture, u.stats.paced]);
    },
  });

  // The measurement has priority while recording: this side's video to the therapist is capped (>= 15 fps kept), and the
  // self-view shows the camera at a low rate where the worker reads the camera itself (stream mode).
  useTrialPriority(call, recordingNow);
  const lowPreview = recordingNow && pose.stats?.capture === "stream";
  useEffect(() => {
    if (!lowPreview || !stream) return;
    const p = lowRatePreview(stream);
    setPreview(p?.stream ?? null);
    return () => {
      p?.stop();
      setPreview(null);
    };
  }, [lowPreview, stream]);

  // Framing guidance goes to the therapist too (throttled to changes).
  const guidanceKey = pose.result?.guidance.items.map((i) => i.code).join(",") ?? "";
  useEffect(() => {
    if (phase === "framing" && trial) sendState({ phase: "framing", guidance: pose.result?.guidance.items.map((i) => i.message) ?? [] });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [guidanceKey, phase]);

  const selfView = !!trial && phase !== "discarded";
  useEffect(() => {
    onSelfView?.(selfView);
    return () => onSelfView?.(false);
  }, [selfView, onSelfView]);

  if (!trial && phase !== "discarded") return null;
  const vw = video?.videoWidth || 640, vh = video?.videoHeight || 480;
  return (
    <section ref={section} aria-label="Movement assessment" data-testid="patient-assessment"
      className={`scroll-mt-2 rounded-lg border border-brand-100 bg-white shadow-sm ${phase === "discarded" ? "p-4" : "flex min-h-0 flex-1 flex-col p-3"}`}>
      {phase === "discarded" ? (
        <p className="text-sm text-slate-600">Your therapist cancelled that recording.</p>
      ) : trial && (
        // The patient's own framed view first and as large as the window allows, beside it the status (the
        // countdown in large type), then the instructions: readable from 2–3 m, nothing below the fold.
        <div className="grid min-h-0 flex-1 gap-4 md:grid-cols-[minmax(0,1fr)_minmax(18rem,26rem)]">
          <div className="relative min-h-[40vh] overflow-hidden rounded-md bg-slate-900 md:min-h-0">
            <video ref={setVideo} muted playsInline autoPlay aria-label="Your camera, as the measurement sees it" className="absolute inset-0 h-full w-full -scale-x-100 object-contain" />
            {/* The skeleton helps with framing and the countdown. While recording (the patient is moving, often not
                facing the screen; the therapist sees the skeleton) it is not drawn: redrawing a canvas over the
                video 15-18 times a second cost about 0.08 cores of compositing on a 2-core laptop without GPU
                compositing, CPU the measurement needs. */}
            {active && !recordingNow && <SkeletonOverlay landmarks={pose.result?.frame.image ?? null} width={vw} height={vh} mirrored className="pointer-events-none absolute inset-0 h-full w-full" />}
          </div>
          <div className="flex min-h-0 flex-col gap-3 overflow-y-auto pb-36">
            <div className="flex flex-wrap items-start justify-between gap-2">
              <h2 className="text-xl font-semibold">{trial.protocol.title}</h2>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4" checked={speak} onChange={(e) => setSpeak(e.target.checked)} /> Read instructions aloud
              </label>
            </div>
            <div aria-live="polite">
              {phase === "framing" && (
                <>
                  <p className="mb-2 text-sm font-medium">Let&apos;s check the camera can see all of you:</p>
                  <GuidancePanel guidance={pose.result?.guidance ?? null} />
                </>
              )}
              {phase === "countdown" && <p className="text-center text-7xl font-bold text-brand-700" data-testid="countdown">{count}</p>}
              {phase === "recording" && <p className="rounded-md bg-red-50 px-3 py-3 text-xl font-semibold text-red-700"><span className="mr-2 inline-block size-2.5 rounded-full bg-red-600" aria-hidden />Recording — move now</p>}
              {phase === "saving" && <p className="text-sm text-slate-600">Saving your movement data… {pending > 0 && `(${pending} part${pending === 1 ? "" : "s"} to send)`}</p>}
              {phase === "saved" && <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800">Saved. Thank you! Your therapist will guide you on.</p>}
              {phase === "failed" && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">Some data could not be saved. Your therapist can repeat this movement.</p>}
            </div>
            <ol className="list-decimal space-y-1 pl-6 text-lg text-slate-800">
              {trial.protocol.instructions.map((i) => <li key={i}>{i}</li>)}
            </ol>
          </div>
        </div>
      )}
    </section>
  );
}
