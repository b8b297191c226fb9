"use client";
// The therapist's side of a guided assessment: pick a protocol, watch the patient's streamed angles
// (skeleton over the remote video, the angle in large type, a 10 s chart with the normal band and
// each repetition's peak, signal quality), stop / discard / redo, record pain and a note.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { PROTOCOLS, protocolByKey, type Protocol } from "../../_shared/assessments/catalogue";
import { NS } from "../../_shared/assessments/live";
import { detectReps, type TrialSummary } from "../../_shared/assessments/summary";
import type { Landmark } from "../../_shared/pose/landmarks";
import { MEASURE_INFO } from "../../_shared/pose/measures";
import { LiveFeed, markLiveShown, withheldNote } from "../../_lib/assessment/live-feed";
import type { VisitCall } from "../../_lib/realtime/call";
import { useTrialPriority } from "../../_lib/realtime/priority";
import { useRelayReceiver } from "../../_lib/realtime/relay-receiver";
import { describeError, useTRPC } from "../../_lib/trpc";
import { drawSkeleton } from "../pose/SkeletonOverlay";
import { LiveAngleChart } from "../review/angle-chart";
import { PainScale } from "../pain-scale";
import { Alert, Badge, Button } from "../ui";

/** The live feed of the patient's frames and trial state for this call (one per call; see live-feed.ts). */
export function useLiveFeed(call: VisitCall | null): LiveFeed {
  return useRelayReceiver(call, () => new LiveFeed());
}

/**
 * How often the read-out (angle in large type, signal quality, the 10 s chart) is redrawn. The skeleton over the video
 * follows every frame; the numbers and the chart need not: on a machine without GPU compositing every redraw of the
 * panel is composited on the CPU, and a number that changes 15 times a second cannot be read anyway.
 */
export const READOUT_HZ = 5;

/** Re-renders the caller at most READOUT_HZ times a second while frames arrive (LiveFeed.every). */
function useLiveReadout(feed: LiveFeed): number {
  const every = useMemo(() => feed.every(1000 / READOUT_HZ), [feed]);
  const version = useSyncExternalStore(every.subscribe, every.snapshot, () => 0);
  useLayoutEffect(() => markLiveShown(), [version]);
  return version;
}

/** A frame older than this (ms) is no longer drawn: the patient's stream has stopped. */
const STALE_MS = 1000;

/**
 * The streamed skeleton, laid over the patient's video (place inside the video's positioned box). Drawn straight on
 * its canvas for every frame (once per animation frame in which frames arrived), without a React render, and marks the
 * frame shown; cleared and hidden when the stream stops, so an empty layer is not composited over the video.
 */
export function LiveSkeleton({ feed, width, height }: { feed: LiveFeed; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext("2d");
    if (!c || !ctx) return;
    c.width = width;
    c.height = height;
    let stale: ReturnType<typeof setTimeout> | undefined;
    const draw = () => {
      const latest = feed.latest;
      const lm = latest && Date.now() - latest.receivedAt < STALE_MS ? latest.sample.landmarks : null;
      const landmarks = lm ? (Array.from({ length: lm.length / 3 }, (_, i) => ({ x: lm[3 * i]!, y: lm[3 * i + 1]!, z: 0, visibility: lm[3 * i + 2]! })) as Landmark[]) : null;
      drawSkeleton(ctx, landmarks, width, height);
      const visibility = landmarks ? "visible" : "hidden";
      if (c.style.visibility !== visibility) c.style.visibility = visibility;
      markLiveShown();
      clearTimeout(stale);
      if (landmarks) stale = setTimeout(draw, STALE_MS);
    };
    draw();
    const unsubscribe = feed.subscribeFrames(draw);
    return () => {
      unsubscribe();
      clearTimeout(stale);
    };
  }, [feed, width, height]);
  return <canvas ref={ref} aria-hidden data-testid="live-skeleton" className="pointer-events-none absolute inset-0 h-full w-full object-contain" />;
}

/** The angle in large type, signal quality and the 10 s chart: the only part of the panel that follows the frames (READOUT_HZ). */
function LiveReadout({ feed, protocol, recording }: { feed: LiveFeed; protocol: Protocol; recording: boolean }) {
  useLiveReadout(feed);
  const samples = feed.trialSamples;
  const points = useMemo(() => samples.map((s) => ({ t: s.t, v: s.angles[protocol.primary] })), [samples, samples.length, protocol.primary]); // eslint-disable-line react-hooks/exhaustive-deps
  const reps = useMemo(() => (protocol.detection.kind === "peaks" ? detectReps({ t: points.map((x) => x.t), v: points.map((x) => x.v), c: [] }, protocol.direction, protocol.detection) : []), [points, protocol]);
  const latest = feed.latest;
  const current = latest?.sample.angles[protocol.primary] ?? null;
  const conf = latest?.sample.conf[protocol.primary] ?? 0;
  const fresh = latest && Date.now() - latest.receivedAt < 1500;
  const latency = feed.latencyMs();
  // the view cannot give this measure (e.g. an oblique camera for trunk flexion): say why instead of a number
  const withheld = fresh ? withheldNote(latest, protocol.primary) : null;
  // Once the asked-for repetitions are in, say so (and stop counting "4/3" silently).
  const repsDone = protocol.detection.kind === "peaks" && reps.length >= protocol.reps;
  return (
    <>
      {recording && repsDone && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-semibold text-emerald-900" data-testid="reps-done">
          ✓ All {protocol.reps} repetitions done{reps.length > protocol.reps && ` (${reps.length} detected)`}: press Stop and save.
        </p>
      )}
      <div className="flex items-end justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500">{protocol.title}</p>
          <p className="text-5xl font-bold tabular-nums text-slate-900" aria-live="off" data-testid="live-angle">
            {fresh && current !== null ? `${Math.round(protocol.direction * current)}°` : "—"}
          </p>
          <p className="text-xs text-slate-500">{MEASURE_INFO[protocol.primary].label}{protocol.estimate && " (estimate)"}</p>
          {withheld && <p className="max-w-xs text-xs text-amber-800" data-testid="live-withheld">Not shown: {withheld}</p>}
        </div>
        <dl className="grid grid-cols-2 gap-x-3 text-right text-xs text-slate-600" aria-label="Signal quality">
          <dt>tracking</dt><dd className={conf < 0.5 ? "font-semibold text-amber-700" : ""}>{fresh ? `${Math.round(conf * 100)}%` : "no signal"}</dd>
          <dt>rate</dt><dd data-testid="live-rate">{feed.rateHz().toFixed(0)} Hz</dd>
          <dt>delay</dt><dd>{latency !== null ? `${latency} ms` : "—"}</dd>
          <dt>reps</dt><dd data-testid="live-reps" className={repsDone ? "font-semibold text-emerald-700" : ""}>{repsDone ? `✓ ${protocol.reps}/${protocol.reps} done` : `${reps.length}/${protocol.reps}`}</dd>
        </dl>
      </div>
      <LiveAngleChart points={points} windowMs={10_000} reps={reps} normal={protocol.normal} direction={protocol.direction} height={180} label={`${protocol.title}, last 10 s`} />
    </>
  );
}

const PHASE_TEXT: Record<string, string> = {
  framing: "Patient is getting into position", countdown: "Countdown", recording: "Recording", saving: "Saving on the patient's side",
  saved: "Saved", failed: "Saving failed", discarded: "Discarded",
};

export function AssessmentPanel({ call, visitId, feed }: { call: VisitCall; visitId: string; feed: LiveFeed }) {
  const liveState = useSyncExternalStore(feed.subscribeState, () => feed.state, () => null);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [protocolKey, setProtocolKey] = useState(PROTOCOLS[1]!.key);
  const [trial, setTrial] = useState<{ id: string; protocol: Protocol } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pain, setPain] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const trials = useQuery(trpc.trials.forVisit.queryOptions({ visitId }, { refetchInterval: trial ? 2000 : false }));
  const onError = (e: unknown) => setError(describeError(e).message);
  const start = useMutation(trpc.trials.start.mutationOptions({ onError }));
  const stop = useMutation(trpc.trials.stop.mutationOptions({ onError }));
  const complete = useMutation(trpc.trials.complete.mutationOptions({ onError }));
  const discard = useMutation(trpc.trials.discard.mutationOptions({ onError }));
  const annotate = useMutation(trpc.trials.annotate.mutationOptions({ onError }));
  const stored = trials.data?.find((t) => t.id === trial?.id);
  const phase = liveState && liveState.trialId === trial?.id ? liveState.phase : trial ? "framing" : null;
  // while the patient records, this side's video to the patient is sent small and slow (priority.ts)
  useTrialPriority(call, phase === "recording");

  const begin = async (key: string) => {
    setError(null);
    feed.resetTrial();
    setPain(null);
    setNote("");
    const t = await start.mutateAsync({ visitId, protocolKey: key as never });
    setTrial({ id: t.id, protocol: protocolByKey(key)! });
    call.relay(NS.control, { type: "start", trialId: t.id, protocolKey: key });
  };
  const end = async () => {
    if (!trial) return;
    call.relay(NS.control, { type: "stop", trialId: trial.id });
    await stop.mutateAsync({ trialId: trial.id });
  };
  const drop = async () => {
    if (!trial) return;
    call.relay(NS.control, { type: "discard", trialId: trial.id });
    await discard.mutateAsync({ trialId: trial.id });
    setTrial(null);
    feed.resetTrial();
    void qc.invalidateQueries({ queryKey: trpc.trials.forVisit.queryKey({ visitId }) });
  };
  const saveNotes = async () => {
    if (!trial) return;
    await annotate.mutateAsync({ trialId: trial.id, painDuring: pain, note });
    void qc.invalidateQueries({ queryKey: trpc.trials.pathKey() });
  };

  const summary = stored?.status === "COMPLETED" ? (stored.summary as TrialSummary | null) : null;
  const saved = stored?.status === "COMPLETED" || phase === "saved";
  const recorded = saved || phase === "recording" || phase === "saving" || phase === "failed";

  return (
    <section aria-label="Movement assessment" className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <div className="flex items-center justify-between gap-2">
        <h2 className="font-semibold">Movement assessment</h2>
        {phase && <Badge tone={phase === "recording" ? "red" : phase === "saved" ? "green" : "amber"}><span data-testid="assessment-phase">{PHASE_TEXT[phase] ?? phase}</span></Badge>}
      </div>
      {error && <Alert>{error}</Alert>}
      {!trial || stored?.status === "COMPLETED" || stored?.status === "DISCARDED" ? (
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-1 flex-col gap-1 text-sm">
            <span className="font-medium text-slate-700">Protocol</span>
            <select value={protocolKey} onChange={(e) => setProtocolKey(e.target.value)} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
              {PROTOCOLS.map((x) => <option key={x.key} value={x.key}>{x.title} — {x.view === "SAGITTAL" ? "side-on" : "facing camera"}</option>)}
            </select>
          </label>
          <Button busy={start.isPending} onClick={() => void begin(protocolKey).catch(onError)}>Start assessment</Button>
        </div>
      ) : null}

      {trial && (
        <>
          {phase === "framing" && liveState?.guidance && liveState.guidance.length > 0 && (
            <ul className="text-xs text-amber-800">{liveState.guidance.map((g) => <li key={g}>Patient sees: {g}</li>)}</ul>
          )}
          <LiveReadout feed={feed} protocol={trial.protocol} recording={phase === "recording"} />
          <div className="flex flex-wrap gap-2">
            {stored?.status !== "COMPLETED" && <Button variant="primary" busy={stop.isPending} disabled={phase !== "recording"} onClick={() => void end().catch(onError)}>Stop and save</Button>}
            {phase === "saving" && <Button variant="secondary" busy={complete.isPending} onClick={() => complete.mutate({ trialId: trial.id })}>Save what has arrived</Button>}
            {/* Discard: only while nothing is saved. Redo: only once something was recorded (before that there is
                nothing to redo); after a save, "Record again" keeps the saved trial and starts a new one. */}
            {!saved && <Button variant="secondary" busy={discard.isPending} onClick={() => void drop().catch(onError)}>{recorded ? "Discard" : "Cancel"}</Button>}
            {recorded && !saved && <Button variant="secondary" onClick={() => void drop().then(() => begin(trial.protocol.key)).catch(onError)}>Redo</Button>}
            {stored?.status === "COMPLETED" && <Button variant="secondary" busy={start.isPending} onClick={() => void begin(trial.protocol.key).catch(onError)}>Record again</Button>}
          </div>
          <div className="grid gap-2 xl:grid-cols-[auto_1fr]">
            <PainScale value={pain} onChange={setPain} />
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium text-slate-700">Note</span>
              <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
            </label>
          </div>
          <Button variant="secondary" busy={annotate.isPending} onClick={() => void saveNotes().catch(onError)}>Save pain and note</Button>
          {summary && (
            <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="trial-saved">
              Saved: best {summary.bestDeg ?? "—"}° over {summary.reps.length} repetition(s){summary.vsNormal && `, ${summary.vsNormal} normal`}.{" "}
              <Link className="underline" href={`/trials/${trial.id}`} target="_blank">Open trial</Link>
            </p>
          )}
        </>
      )}
      {!!trials.data?.filter((t) => t.status === "COMPLETED").length && (
        <div className="border-t border-slate-100 pt-2 text-xs text-slate-600">
          <p className="font-medium">Recorded in this visit</p>
          <ul>{trials.data.filter((t) => t.status === "COMPLETED").map((t) => <li key={t.id}>{protocolByKey(t.protocolKey)?.title}: best {(t.summary as TrialSummary | null)?.bestDeg ?? "—"}°</li>)}</ul>
        </div>
      )}
    </section>
  );
}
