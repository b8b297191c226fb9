"use client";
// The live visit's side of the patient's exercise player: the therapist's start / stop / discard arrive over the
// visit's relay (exercise.ctl), the set's samples are saved through the one recording pipeline (Recorder: offline
// buffered, idempotent), and what the patient sees goes back to the therapist (exercise.state), with every analysed
// frame on the live pose stream (pose.live) for the skeleton and chart.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { getExercise } from "../../_shared/exercises/catalogue";
import { NS as LIVE_NS } from "../../_shared/assessments/live";
import { bytesToBase64, packSamples, type PoseSample } from "../../_shared/pose/sample";
import { EXERCISE_NS, exerciseControlMsg } from "../../_shared/protocol";
import { ExercisePlayer, type PlayerSet, type PlayerState, type SaveStatus } from "../../_components/exercise/ExercisePlayer";
import { browserKV, Recorder } from "../../_lib/recording/recorder";
import { useRecordingTransport } from "../../_lib/recording/transport";
import type { VisitCall } from "../../_lib/realtime/call";
import { useTrialPriority } from "../../_lib/realtime/priority";

/** At most this often an unchanged-in-kind state (hold seconds, angle) is sent; counts and phases go at once. */
const STATE_EVERY_MS = 250;

export function VisitExercise({ call, stream, token, onActive }: { call: VisitCall; stream: MediaStream | null; token: string; onActive?: (on: boolean) => void }) {
  const transport = useRecordingTransport({ call, token });
  const [set, setSet] = useState<PlayerSet | null>(null);
  const [stopped, setStopped] = useState(false);
  const [save, setSave] = useState<SaveStatus | null>(null);
  const [discarded, setDiscarded] = useState(false);
  const recorder = useRef<Recorder | null>(null);
  // what the player records into: the Recorder, closed at the moment the stop arrives (before React renders it), so
  // the count on the patient's screen is over exactly the samples that are saved
  const sink = useRef<{ rec: Recorder; open: boolean } | null>(null);
  const sinkApi = useMemo(() => ({ add: (s: PoseSample) => sink.current?.open && sink.current.rec.add(s), accepts: () => !!sink.current?.open }), []);
  const setRef = useRef<PlayerSet | null>(null);
  setRef.current = set;

  // This page's set is retried in the background until the server has every chunk (also after the network returns).
  useEffect(() => {
    const retry = setInterval(() => void recorder.current?.flush(), 3000);
    const online = () => void recorder.current?.flush();
    window.addEventListener("online", online);
    return () => {
      clearInterval(retry);
      window.removeEventListener("online", online);
    };
  }, []);

  useEffect(() => {
    const prev = call.onRelay;
    call.onRelay = (m) => {
      if (m.ns !== EXERCISE_NS.control) return prev?.(m);
      const parsed = exerciseControlMsg.safeParse(m.data);
      if (!parsed.success) return; // malformed: dropped (the relay already acknowledged it)
      const c = parsed.data;
      if (c.type === "start") {
        const ex = getExercise(c.exercise);
        if (!ex) return;
        if (setRef.current?.id === c.setId) return; // a resent start
        recorder.current = new Recorder(browserKV(), transport, c.setId, token);
        sink.current = { rec: recorder.current, open: true };
        setSave(null);
        setStopped(false);
        setDiscarded(false);
        setSet({ id: c.setId, exercise: ex, dose: c.dose, frameAspect: c.frameAspect, setNumber: c.setNumber });
      } else if (c.type === "stop" && recorder.current?.trialId === c.setId) {
        const rec = recorder.current;
        if (sink.current) sink.current.open = false;
        setStopped(true);
        setSave({ phase: "saving", pending: rec.pending() });
        void rec.stopAndDrain((pending) => setSave({ phase: "saving", pending })).then((ok) => {
          setSave(ok ? { phase: "saved" } : { phase: "failed", message: rec.errors.join("; ").slice(0, 400) });
        });
      } else if (c.type === "discard" && recorder.current?.trialId === c.setId) {
        if (sink.current) sink.current.open = false;
        recorder.current.discard();
        recorder.current = null;
        setSet(null);
        setDiscarded(true);
      }
    };
    return () => {
      call.onRelay = prev;
    };
  }, [call, transport, token]);

  // What the patient sees goes to the therapist: counts and phase changes at once, the rest a few times a second.
  const last = useRef<{ key: string; at: number; timer: ReturnType<typeof setTimeout> | null }>({ key: "", at: 0, timer: null });
  const onState = useCallback((s: PlayerState) => {
    const id = setRef.current?.id;
    if (!id) return;
    const urgent = `${s.phase}|${s.counts.total}|${s.counts.left}|${s.counts.right}|${s.complete}|${s.faults.length}|${s.cue}`;
    const send = () => {
      last.current.at = Date.now();
      last.current.key = urgent;
      call.relay(EXERCISE_NS.state, { setId: id, ...s });
    };
    if (last.current.timer) clearTimeout(last.current.timer);
    last.current.timer = null;
    if (urgent !== last.current.key || Date.now() - last.current.at >= STATE_EVERY_MS) send();
    else last.current.timer = setTimeout(send, STATE_EVERY_MS);
  }, [call]);

  const onSample = useCallback((s: PoseSample, inSet: boolean, capturedAt: number) => {
    call.relay(LIVE_NS.live, { trialId: inSet ? setRef.current?.id ?? null : null, capturedAt, samples: bytesToBase64(packSamples([s])) });
  }, [call]);

  useEffect(() => {
    onActive?.(!!set);
    return () => onActive?.(false);
  }, [set, onActive]);
  // the measurement has priority while the set runs (this side's video to the therapist is capped)
  useTrialPriority(call, !!set && !stopped);

  if (discarded && !set) return <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">Your therapist cancelled that set.</p>;
  if (!set) return null;
  return <ExercisePlayer key={set.id} set={set} stream={stream} sink={sinkApi} stopped={stopped} save={save} onState={onState} onSample={onSample} />;
}
