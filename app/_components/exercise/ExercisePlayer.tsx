"use client";
// The patient's exercise player: instructions and an animated demonstration, a framing check for the exercise's
// position and camera view (floor exercises: the camera low and side-on), a countdown, then the set with the count
// and target in large type, the hold timer, the current form cue, and the count and cues spoken when sound is on.
// Counting runs here, on every analysed frame (LiveSet over the engine's ExerciseSession). It knows nothing about the
// visit: the caller gives it the set, a sample sink (where samples are saved) and listens to its state; the visit
// relays that state to the therapist, home practice can save and show it its own way.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Exercise } from "../../_shared/exercises/catalogue";
import { checkFraming } from "../../_shared/exercises/framing";
import type { Dose } from "../../_shared/exercises/spec";
import { measureJointAngles } from "../../_shared/pose/joint-angles";
import type { PoseSample } from "../../_shared/pose/sample";
import type { ExercisePhase, ExerciseStateMsg } from "../../_shared/protocol";
import { LiveSet, type LiveView, type SampleSink } from "../../_lib/exercise/live-set";
import { Speaker, spokenNumber } from "../../_lib/exercise/speech";
import { usePoseTracker } from "../../_lib/pose/usePoseTracker";
import { useVideoSource } from "../../_lib/realtime/hooks";
import { SkeletonOverlay } from "../pose/SkeletonOverlay";
import { DemoAnimation } from "./DemoAnimation";

export const EXERCISE_COUNTDOWN_S = 3;
/** Consecutive analysed frames with the framing right before the countdown starts. */
const GOOD_FRAMES = 10;

export interface PlayerSet {
  id: string;
  exercise: Exercise;
  dose: Dose;
  /** frame width / height the set is measured with (the saved set's recount uses the same) */
  frameAspect: number;
  setNumber: number;
}
/** Saving, as the caller's transport reports it. */
export type SaveStatus = { phase: "saving" | "saved" | "failed"; pending?: number; message?: string };
export type PlayerState = Omit<ExerciseStateMsg, "setId">;

export function ExercisePlayer({ set, stream, sink, stopped, save, onState, onSample, savedText = "Set saved. Rest now; your therapist will guide you on.", className = "" }: {
  set: PlayerSet;
  stream: MediaStream | null;
  /** where the set's samples go (t in ms since the set started); null: nothing is saved */
  sink: SampleSink | null;
  /** the set was ended (the therapist pressed stop, or the caller decided): counting stops */
  stopped: boolean;
  save?: SaveStatus | null;
  /** every change of what the patient sees */
  onState?: (s: PlayerState) => void;
  /** every analysed sample: `t` of the capture clock, and whether it belongs to the set (recorded) */
  onSample?: (s: PoseSample, inSet: boolean, capturedAt: number) => void;
  /** what the patient reads once the set is saved (the visit's wording by default; home practice has its own) */
  savedText?: string;
  className?: string;
}) {
  const ex = set.exercise;
  const live = useMemo(() => new LiveSet(ex, set.dose, set.frameAspect, sink), [set.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const [phase, setPhase] = useState<ExercisePhase>("instructions");
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  const [count, setCount] = useState(EXERCISE_COUNTDOWN_S);
  const [view, setView] = useState<LiveView>(() => live.view());
  const [framing, setFraming] = useState<string[]>([]);
  const [canForce, setCanForce] = useState(false);
  const [sound, setSound] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const speaker = useRef(new Speaker());
  speaker.current.enabled = sound;
  const t0 = useRef(0);
  const good = useRef(0);
  const stoppedRef = useRef(stopped);
  stoppedRef.current = stopped;
  const runningRef = useRef(false);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  useVideoSource(video, stream, true);

  // Counts and cues, spoken.
  useEffect(() => live.onEvents((evs) => {
    for (const e of evs) {
      if (e.type === "rep-counted") speaker.current.now(live.exercise.tracker?.sides === "alternating" ? `${spokenNumber(e.count)} ${e.side ?? ""}` : spokenNumber(e.total));
      else if (e.type === "cue") speaker.current.queue(e.text);
      else if (e.type === "hold-complete" || e.type === "target-reached") speaker.current.queue("Well done.");
    }
  }), [live]);
  useEffect(() => () => speaker.current.stop(), []);

  // Instructions spoken once when sound is turned on before the set.
  useEffect(() => {
    if (sound && (phase === "instructions" || phase === "framing")) speaker.current.queue(`${ex.title}. ${ex.cue}`);
  }, [sound]); // eslint-disable-line react-hooks/exhaustive-deps

  // The therapist (or caller) ended the set.
  useEffect(() => {
    if (!stopped) return;
    live.finish();
    setView(live.view());
    setPhase("saving");
    speaker.current.stop();
  }, [stopped, live]);
  const shown: ExercisePhase = save && (phase === "saving" || stopped) ? save.phase : phase;

  // Countdown, then the set.
  useEffect(() => {
    if (phase !== "countdown") return;
    let n = EXERCISE_COUNTDOWN_S;
    setCount(n);
    speaker.current.now(spokenNumber(n));
    const timer = setInterval(() => {
      n--;
      setCount(n);
      if (n > 0) speaker.current.now(spokenNumber(n));
      else {
        clearInterval(timer);
        speaker.current.now(`Go. ${ex.cue}`);
        t0.current = performance.now();
        setPhase("active");
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [phase]); // eslint-disable-line react-hooks/exhaustive-deps

  const measuring = phase === "instructions" || phase === "framing" || phase === "countdown" || phase === "active";
  const pose = usePoseTracker(video, {
    enabled: measuring && !stopped && !live.selfReported,
    wantView: ex.camera.view === "side" ? "sagittal" : "frontal",
    mirrored: true,
    render: phase !== "active",
    source: stream,
    onUpdate: (u) => {
      const ph = phaseRef.current;
      const f = u.result.frame;
      if (ph === "instructions") setPhase("framing"); // frames are being analysed: the framing check can speak
      if (ph === "framing" || ph === "instructions") {
        const j = measureJointAngles({ t: f.t, image: f.image ?? [], aspect: f.width && f.height ? f.width / f.height : set.frameAspect });
        const r = checkFraming(ex, j);
        const msgs = r.items.map((i) => i.message);
        setFraming((old) => (old.join("|") === msgs.join("|") ? old : msgs));
        setCanForce(r.ok);
        good.current = r.ok && !r.items.length ? good.current + 1 : 0;
        // the countdown starts on a running stream (the model chosen), or after twice the frames if the choice takes long
        const running = u.stats.state === "running" || runningRef.current;
        if ((good.current >= GOOD_FRAMES && running) || good.current >= 2 * GOOD_FRAMES) {
          good.current = -Infinity;
          setPhase("countdown");
        }
      }
      const s = u.result.sample;
      if (!s) return;
      const inSet = ph === "active" && !stoppedRef.current;
      const capturedAt = Math.round(performance.timeOrigin + s.t);
      if (inSet) {
        live.push({ ...s, t: Math.max(0, Math.round(s.t - t0.current)) });
        const v = live.view();
        setView((old) => (sameView(old, v) ? old : v));
      }
      onSample?.(inSet ? { ...s, t: Math.max(0, Math.round(s.t - t0.current)) } : s, inSet, capturedAt);
    },
  });
  runningRef.current = pose.stats?.state === "running";

  // Report what the patient sees (the visit relays it to the therapist).
  const state: PlayerState = {
    phase: shown, ...(shown === "countdown" ? { countdown: count } : {}), counts: view.counts, target: view.target, heldS: view.heldS, holdTargetS: view.holdTargetS,
    reason: view.reason, cue: view.cue, current: view.current, reps: view.reps, faults: view.faults, complete: view.complete || confirmed,
    ...(shown === "framing" || shown === "instructions" ? { framing } : {}), samples: view.samples,
    ...(save?.pending !== undefined ? { pendingChunks: save.pending } : {}), ...(save?.message ? { error: save.message.slice(0, 500) } : {}),
  };
  const stateKey = JSON.stringify(state);
  const onStateRef = useRef(onState);
  onStateRef.current = onState;
  useEffect(() => onStateRef.current?.(JSON.parse(stateKey) as PlayerState), [stateKey]);

  const vw = video?.videoWidth || 640, vh = video?.videoHeight || 480;
  const sided = view.perSide;
  const hold = ex.tracker?.kind === "hold" || (ex.tracker?.kind === "reps" && ex.tracker.holdAtTarget);
  const before = shown === "instructions" || shown === "framing" || shown === "countdown";
  return (
    <section aria-label={`Exercise: ${ex.title}`} data-testid="exercise-player" data-phase={shown} data-count={view.counts.total} data-samples={view.samples}
      className={`grid min-h-0 flex-1 gap-3 rounded-lg border border-brand-100 bg-white p-3 shadow-sm md:grid-cols-[minmax(0,1fr)_minmax(20rem,30rem)] ${className}`}>
      <div className="relative min-h-[40vh] overflow-hidden rounded-md bg-slate-900 md:min-h-0">
        <video ref={setVideo} muted playsInline autoPlay aria-label="Your camera, as the counter sees it" className="absolute inset-0 h-full w-full -scale-x-100 object-contain" />
        {before && <SkeletonOverlay landmarks={pose.result?.frame.image ?? null} width={vw} height={vh} mirrored className="pointer-events-none absolute inset-0 h-full w-full" />}
        {shown === "countdown" && <p className="absolute inset-0 flex items-center justify-center text-[10rem] font-bold text-white drop-shadow-lg" data-testid="exercise-countdown">{count}</p>}
      </div>
      <div className="flex min-h-0 flex-col gap-3 overflow-y-auto">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <h2 className="text-2xl font-semibold">{ex.title}</h2>
            <p className="text-sm text-slate-600">Set {set.setNumber}{set.dose.sets > 1 && ` of ${set.dose.sets}`}</p>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4" checked={sound} onChange={(e) => setSound(e.target.checked)} data-testid="exercise-sound" /> Sound: count and cues aloud
          </label>
        </div>

        {(shown === "active" || shown === "saving" || shown === "saved" || shown === "failed") && !live.selfReported && (
          <div className="rounded-lg bg-slate-900 px-4 py-3 text-white" aria-live="polite">
            {ex.tracker?.kind === "reps" && (
              sided ? (
                <div className="flex justify-around text-center">
                  {(["left", "right"] as const).map((s) => (
                    <p key={s}><span className="block text-sm uppercase tracking-wide text-slate-300">{s}</span>
                      <span className="text-7xl font-bold tabular-nums" data-testid={`exercise-count-${s}`}>{view.counts[s]}</span>
                      {view.target !== null && <span className="text-3xl text-slate-300"> / {view.target}</span>}</p>
                  ))}
                </div>
              ) : (
                <p className="text-center"><span className="text-8xl font-bold tabular-nums" data-testid="exercise-count">{view.counts.total}</span>
                  {view.target !== null && <span className="text-4xl text-slate-300"> / {view.target}</span>}</p>
              )
            )}
            {hold && view.heldS !== null && (
              <p className="text-center text-3xl font-semibold tabular-nums" data-testid="exercise-hold">Hold {view.heldS.toFixed(0)} s{view.holdTargetS !== null && ` / ${view.holdTargetS} s`}</p>
            )}
            {view.complete && shown === "active" && <p className="mt-1 text-center text-xl font-semibold text-emerald-300" data-testid="exercise-complete">✓ Done — well done!</p>}
          </div>
        )}
        {shown === "active" && view.cue && <p className="rounded-md bg-amber-100 px-3 py-2 text-2xl font-semibold text-amber-900" role="status" data-testid="exercise-cue">{view.cue}</p>}
        {shown === "active" && !view.cue && view.reason && <p className="rounded-md bg-slate-100 px-3 py-2 text-lg text-slate-800" data-testid="exercise-reason">{view.reason}</p>}
        {shown === "saving" && <p className="text-sm text-slate-600">Saving your set… {save?.pending ? `(${save.pending} part${save.pending === 1 ? "" : "s"} to send)` : ""}</p>}
        {shown === "saved" && <p className="rounded-md bg-emerald-50 px-3 py-2 text-lg font-medium text-emerald-800" data-testid="exercise-saved">{savedText}</p>}
        {shown === "failed" && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">Part of this set could not be saved{save?.message ? `: ${save.message}` : ""}.</p>}

        {live.selfReported && (shown === "instructions" || shown === "framing" || shown === "active") && (
          <div className="rounded-md bg-sky-50 px-3 py-2 text-sky-900">
            <p className="font-medium">The camera cannot measure this exercise. Do your set, then confirm it.</p>
            {shown !== "active" ? (
              <button type="button" className="mt-2 rounded-md bg-brand-600 px-4 py-2 text-lg font-medium text-white" onClick={() => setPhase("countdown")}>Start</button>
            ) : (
              <button type="button" className="mt-2 rounded-md bg-brand-600 px-4 py-2 text-lg font-medium text-white disabled:opacity-50" disabled={confirmed} onClick={() => setConfirmed(true)} data-testid="exercise-confirm">
                {confirmed ? "✓ Confirmed" : "I have done this set"}
              </button>
            )}
          </div>
        )}

        {before && !live.selfReported && (
          <div aria-live="polite" data-testid="exercise-framing">
            <p className="text-sm font-medium text-slate-800">{ex.camera.note}</p>
            {ex.camera.height === "floor" && <p className="text-sm font-semibold text-amber-800">This exercise is on the floor: put the camera low (on the floor or a low stool) and side-on to you.</p>}
            {shown === "instructions" && <p className="text-sm text-slate-500">Starting the camera check…</p>}
            {shown === "framing" && (framing.length ? (
              <ul className="mt-1 space-y-1">{framing.map((m) => <li key={m} className="rounded bg-amber-50 px-2 py-1 text-base text-amber-900">{m}</li>)}</ul>
            ) : <p className="mt-1 rounded bg-emerald-50 px-2 py-1 text-base text-emerald-900">Good: hold still, the countdown starts.</p>)}
            {shown === "framing" && canForce && framing.length > 0 && (
              <button type="button" className="mt-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm" onClick={() => { good.current = -Infinity; setPhase("countdown"); }}>Start anyway</button>
            )}
          </div>
        )}
        {(before || live.selfReported) && (
          <div className="grid gap-3 lg:grid-cols-2">
            <DemoAnimation demo={ex.demo} title={ex.title} />
            <ol className="list-decimal space-y-1 pl-6 text-base text-slate-800">{ex.instructions.map((i) => <li key={i}>{i}</li>)}</ol>
          </div>
        )}
        {before && ex.contraindications.length > 0 && (
          <ul className="text-xs text-slate-600">{ex.contraindications.map((c) => <li key={c}>⚠ {c}</li>)}</ul>
        )}
      </div>
    </section>
  );
}

function sameView(a: LiveView, b: LiveView) {
  return a.counts.total === b.counts.total && a.counts.left === b.counts.left && a.counts.right === b.counts.right && a.heldS === b.heldS && a.cue === b.cue
    && a.reason === b.reason && a.complete === b.complete && a.faults.length === b.faults.length && a.reps.length === b.reps.length
    && (a.current === null) === (b.current === null) && Math.abs((a.current ?? 0) - (b.current ?? 0)) < 1 && Math.floor(a.samples / 15) === Math.floor(b.samples / 15);
}
