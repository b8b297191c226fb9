"use client";
// The therapist's side of a guided exercise set in the visit: pick an exercise (searchable, grouped like the
// catalogue) and its dose, start / stop the set, follow the patient's count, hold and form cues live (the patient's
// browser counts; its state arrives over the relay), the angle chart with each repetition and fault marked, correct
// the count (a repetition not counted, one added; kept beside the automatic count), then pain, effort (Borg CR10) and
// a note, a rest timer and the next set or exercise. Above the library: the patient's program (ProgramPlan), whose
// next exercise is offered first, with its prescribed dose, whenever the picker opens (until the therapist picks
// something else), and whose dose can be saved back to the program from here.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { type Exercise, exerciseRef, exercisesByGroup, getExercise, searchExercises } from "../../_shared/exercises/catalogue";
import { EXERCISE_MEASURE_INFO, landmarksFromSample, measureJointAngles, type ExerciseMeasure } from "../../_shared/pose/joint-angles";
import type { PoseSample } from "../../_shared/pose/sample";
import { EXERCISE_NS, type ExerciseStateMsg } from "../../_shared/protocol";
import type { ExerciseDose } from "../../_shared/recording/schemas";
import type { LiveFeed } from "../../_lib/assessment/live-feed";
import { defaultDoseForm, type DoseForm, doseProblem, engineDose, recordingDose } from "../../_lib/exercise/dose";
import { ExerciseFeed } from "../../_lib/exercise/feed";
import type { VisitCall } from "../../_lib/realtime/call";
import { useRelayReceiver } from "../../_lib/realtime/relay-receiver";
import { describeError, useTRPC } from "../../_lib/trpc";
import { PainScale } from "../pain-scale";
import { ProgramPlan, type PlanExercise } from "./ProgramPlan";
import { LiveAngleChart } from "../review/angle-chart";
import { Alert, Badge, Button } from "../ui";

/** The exercise state of this call's patient (one per call). */
export function useExerciseFeed(call: VisitCall | null): ExerciseFeed {
  return useRelayReceiver(call, () => new ExerciseFeed());
}
export const useExerciseState = (feed: ExerciseFeed) => useSyncExternalStore(feed.subscribe, feed.get, () => null);

/** The primary measure a set's chart and read-out follow. */
export function primaryOf(ex: Exercise): ExerciseMeasure | null {
  const t = ex.tracker;
  return t?.kind === "reps" ? t.machines[0]!.primary : t?.kind === "hold" ? t.zones[0]!.conditions[0]!.measure : null;
}
const sign = (ex: Exercise) => (ex.tracker?.kind === "reps" ? ex.tracker.machines[0]!.direction : 1);

export type Correction = { action: "remove"; rep: number } | { action: "add"; atMs: number };
/** The therapist's count from the automatic one and the corrections. */
export function correctedCount(automatic: number, corrections: readonly Correction[]): number {
  const removed = new Set(corrections.filter((c) => c.action === "remove").map((c) => (c as { rep: number }).rep)).size;
  return Math.max(0, automatic - removed + corrections.filter((c) => c.action === "add").length);
}

/** Over the patient's video: count and target (per side), hold timer, current angle, cue. */
export function ExerciseOverlay({ feed, exercise }: { feed: ExerciseFeed; exercise: Exercise | null }) {
  const s = useExerciseState(feed);
  if (!s || !exercise) return null;
  const sided = exercise.tracker?.kind === "reps" && exercise.tracker.sides === "alternating";
  const unit = primaryOf(exercise);
  return (
    <div className="pointer-events-none absolute right-3 top-3 flex max-w-[60%] flex-col items-end gap-1 text-white" data-testid="exercise-overlay">
      <div className="rounded-lg bg-black/65 px-3 py-2 text-right">
        {exercise.tracker?.kind === "reps" && (sided ? (
          <p className="text-3xl font-bold tabular-nums">L {s.counts.left} · R {s.counts.right}{s.target !== null && <span className="text-lg font-medium text-slate-300"> / {s.target} each</span>}</p>
        ) : (
          <p className="text-4xl font-bold tabular-nums" data-testid="overlay-count">{s.counts.total}{s.target !== null && <span className="text-xl font-medium text-slate-300"> / {s.target}</span>}</p>
        ))}
        {s.heldS !== null && <p className="text-xl font-semibold tabular-nums">Hold {s.heldS.toFixed(0)}{s.holdTargetS !== null && ` / ${s.holdTargetS}`} s</p>}
        {s.current !== null && unit && <p className="text-sm tabular-nums text-slate-200">{EXERCISE_MEASURE_INFO[unit].label} {Math.round(s.current)}°</p>}
      </div>
      {s.cue && <p className="rounded bg-amber-400/90 px-2 py-1 text-sm font-semibold text-amber-950">{s.cue}</p>}
    </div>
  );
}

const PHASE_TEXT: Record<string, string> = {
  instructions: "Patient reads the instructions", framing: "Patient is getting into position", countdown: "Countdown", active: "Set running",
  saving: "Saving on the patient's side", saved: "Saved", failed: "Saving failed", discarded: "Discarded",
};
const BORG = ["nothing at all", "very, very light", "very light", "light", "moderate", "somewhat hard", "hard", "hard+", "very hard", "very hard+", "maximal"];

type Running = { id: string; exercise: Exercise; setNumber: number; dose: ReturnType<typeof engineDose>; frameAspect: number; startedAt: number; stoppedAt: number | null };

export function ExercisePanel({ call, visitId, feed, exFeed, frameAspect, onExercise }: {
  call: VisitCall;
  visitId: string;
  feed: LiveFeed;
  exFeed: ExerciseFeed;
  /** the patient's camera's width / height (from their video) */
  frameAspect: number;
  onExercise?: (ex: Exercise | null) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [query, setQuery] = useState("");
  const [key, setKey] = useState("squat");
  const exercise = getExercise(key) ?? null;
  const [dose, setDose] = useState<DoseForm | null>(exercise ? defaultDoseForm(exercise) : null);
  const [side, setSide] = useState<"left" | "right">("left");
  const [run, setRun] = useState<Running | null>(null);
  /** the program row now in the picker (its position), null for a library choice */
  const [fromPlan, setFromPlan] = useState<number | null>(null);
  /** the therapist picked something since the last set started: the plan's next no longer replaces it */
  const [touched, setTouched] = useState(false);
  const [planSaved, setPlanSaved] = useState<string | null>(null);
  const [corrections, setCorrections] = useState<Correction[]>([]);
  const [pain, setPain] = useState<number | null>(null);
  const [effort, setEffort] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const live = useExerciseState(exFeed);
  const sets = useQuery(trpc.exerciseSets.forVisit.queryOptions({ visitId }, { refetchInterval: run?.stoppedAt ? 1500 : false }));
  const onError = (e: unknown) => setError(describeError(e).message);
  const start = useMutation(trpc.exerciseSets.start.mutationOptions({ onError }));
  const stop = useMutation(trpc.exerciseSets.stop.mutationOptions({ onError }));
  const complete = useMutation(trpc.exerciseSets.complete.mutationOptions({ onError }));
  const discard = useMutation(trpc.exerciseSets.discard.mutationOptions({ onError }));
  const annotate = useMutation(trpc.exerciseSets.annotate.mutationOptions({ onError }));
  const plan = useQuery(trpc.programs.forVisit.queryOptions({ visitId }, { refetchOnWindowFocus: false }));
  const saveDose = useMutation(trpc.programs.saveVisitDose.mutationOptions({ onError }));
  const stored = sets.data?.find((s) => s.id === run?.id);
  const phase = live?.phase ?? (run ? "instructions" : null);
  const picking = !run || !!run.stoppedAt;
  const planData = plan.data?.state === "plan" ? plan.data : null;
  const planNext = planData?.exercises.find((e) => e.position === planData.next) ?? null;
  const chosenItem = fromPlan !== null && planData?.exercises.find((e) => e.position === fromPlan && e.exerciseKey === key) || null;

  // a set recorded (its samples all in) can make an exercise of the plan done: ask the server again
  const recordedSets = sets.data?.filter((s) => s.status === "COMPLETED" || s.status === "PENDING").length ?? 0;
  useEffect(() => {
    if (recordedSets) void qc.invalidateQueries({ queryKey: trpc.programs.forVisit.queryKey({ visitId }) });
  }, [recordedSets]); // eslint-disable-line react-hooks/exhaustive-deps
  // the plan's next exercise is offered first whenever the picker is open, unless the therapist chose otherwise
  useEffect(() => {
    if (picking && planNext && !touched) choosePlan(planNext);
  }, [picking, planData?.programId, planData?.next, touched]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => onExercise?.(run?.exercise ?? null), [run?.exercise, onExercise]);
  // rest timer
  useEffect(() => {
    if (!run?.stoppedAt) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [run?.stoppedAt]);

  const choose = (k: string) => {
    const ex = getExercise(k);
    if (!ex) return;
    setKey(k);
    setDose(defaultDoseForm(ex));
    setFromPlan(null);
    setTouched(true);
  };
  /** A row of the program into the picker, with its prescribed dose (editable there). */
  const choosePlan = (e: PlanExercise) => {
    if (!getExercise(e.exerciseKey)) return;
    setKey(e.exerciseKey);
    setDose(planDose(e));
    setFromPlan(e.position);
    setPlanSaved(null);
  };
  /** "Start next": the program's dose, or the picker's if the therapist changed it there. */
  const startPlan = (e: PlanExercise) => {
    const ex = getExercise(e.exerciseKey);
    if (!ex) return;
    const d = fromPlan === e.position && key === e.exerciseKey && dose ? dose : planDose(e);
    choosePlan(e);
    setDose(d);
    return begin(ex, e.setsRecorded + 1, d);
  };
  const begin = async (ex: Exercise, setNumber: number, form: DoseForm | null = dose) => {
    if (!form) return;
    const problem = doseProblem(ex, form);
    if (problem) return setError(problem);
    setError(null);
    setTouched(false);
    const d = engineDose(ex, form, side);
    feed.resetTrial();
    setCorrections([]);
    setPain(null);
    setEffort(null);
    setNote("");
    const s = await start.mutateAsync({
      visitId, exerciseKey: ex.key, exerciseVersion: ex.version, cameraView: ex.camera.view === "side" ? "SAGITTAL" : "FRONTAL",
      side: d.side === "right" ? "RIGHT" : d.side === "left" ? "LEFT" : null, setNumber, dose: recordingDose(d), frameAspect,
    });
    exFeed.follow(s.id);
    setRun({ id: s.id, exercise: ex, setNumber, dose: d, frameAspect, startedAt: Date.now(), stoppedAt: null });
    call.relay(EXERCISE_NS.control, { type: "start", setId: s.id, exercise: exerciseRef(ex), setNumber, dose: d, frameAspect });
  };
  const end = async () => {
    if (!run) return;
    call.relay(EXERCISE_NS.control, { type: "stop", setId: run.id });
    setRun({ ...run, stoppedAt: Date.now() });
    await stop.mutateAsync({ trialId: run.id });
  };
  const drop = async () => {
    if (!run) return;
    call.relay(EXERCISE_NS.control, { type: "discard", setId: run.id });
    await discard.mutateAsync({ trialId: run.id });
    exFeed.follow(null);
    setRun(null);
    feed.resetTrial();
    void qc.invalidateQueries({ queryKey: trpc.exerciseSets.forVisit.queryKey({ visitId }) });
  };
  const liveCount = live?.counts.total ?? 0;
  const automatic = stored?.status === "COMPLETED" && stored.automaticCount !== null ? stored.automaticCount : liveCount;
  const correct = async (next: Correction[]) => {
    if (!run) return;
    setCorrections(next);
    // The server derives the corrected count from its own automatic count once it has one; until then, from the live count.
    const done = stored?.status === "COMPLETED" && stored.automaticCount !== null;
    await annotate.mutateAsync({ trialId: run.id, corrections: next, ...(done ? {} : { correctedCount: next.length ? correctedCount(liveCount, next) : null }) });
    void qc.invalidateQueries({ queryKey: trpc.exerciseSets.forVisit.queryKey({ visitId }) });
  };
  // once the server has counted, the corrections are re-applied to its count (its number is the record)
  const completedNow = stored?.status === "COMPLETED";
  useEffect(() => {
    if (completedNow && run && corrections.length) void annotate.mutateAsync({ trialId: run.id, corrections }).then(() => qc.invalidateQueries({ queryKey: trpc.exerciseSets.forVisit.queryKey({ visitId }) }), onError);
  }, [completedNow]); // eslint-disable-line react-hooks/exhaustive-deps
  const saveNotes = async () => {
    if (!run) return;
    await annotate.mutateAsync({ trialId: run.id, painDuring: pain, effort, note });
    void qc.invalidateQueries({ queryKey: trpc.exerciseSets.pathKey() });
  };

  const groups = useMemo(() => {
    const found = new Set(searchExercises(query).map((e) => e.key));
    return exercisesByGroup().map((g) => ({ ...g, exercises: g.exercises.filter((e) => found.has(e.key)) })).filter((g) => g.exercises.length);
  }, [query]);
  const saved = stored?.status === "COMPLETED" || phase === "saved";
  const restLeft = run?.stoppedAt ? Math.max(0, Math.ceil(run.dose.restS - (now - run.stoppedAt) / 1000)) : null;
  const removed = new Set(corrections.flatMap((c) => (c.action === "remove" ? [c.rep] : [])));
  const added = corrections.filter((c) => c.action === "add").length;

  return (
    <section aria-label="Exercise set" className="flex min-h-0 flex-col gap-2" data-testid="exercise-panel">
      <div className="flex items-center justify-between gap-2">
        <h2 className="font-semibold">{run ? `${run.exercise.title} — set ${run.setNumber}${run.dose.sets > 1 ? ` of ${run.dose.sets}` : ""}` : "Exercise"}</h2>
        {phase && <Badge tone={phase === "active" ? "red" : phase === "saved" ? "green" : "amber"}><span data-testid="exercise-phase">{PHASE_TEXT[phase] ?? phase}</span></Badge>}
      </div>
      {error && <Alert>{error}</Alert>}

      {run && (
        <>
          {(phase === "framing" || phase === "instructions") && live?.framing && live.framing.length > 0 && (
            <ul className="text-xs text-amber-800">{live.framing.map((g) => <li key={g}>Patient sees: {g}</li>)}</ul>
          )}
          <SetReadout run={run} live={live} feed={feed} />
          {run.exercise.tracker?.kind === "reps" && (
            <div className="rounded-md border border-slate-200 p-2 text-sm" data-testid="count-correction">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p>Automatic <b data-testid="automatic-count">{automatic}</b>{stored?.status !== "COMPLETED" && " (live)"} · Your count <b data-testid="corrected-count">{corrections.length ? correctedCount(automatic, corrections) : automatic}</b>
                  {corrections.length > 0 && <span className="text-xs text-slate-500"> ({removed.size} not counted, {added} added)</span>}</p>
                <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => void correct([...corrections, { action: "add", atMs: Math.max(0, Math.round((run.stoppedAt ?? Date.now()) - run.startedAt)) }]).catch(onError)} data-testid="add-rep">+ Add a repetition</Button>
              </div>
              {!!live?.reps.length && (
                <ol className="mt-1 flex flex-wrap gap-1" aria-label="Repetitions counted">
                  {live.reps.map((r, i) => {
                    const n = i + 1, out = removed.has(n);
                    return (
                      <li key={n}>
                        <button type="button" data-testid={`rep-${n}`} aria-pressed={out} title={out ? "Count it again" : "Mark as not counted"}
                          onClick={() => void correct(out ? corrections.filter((c) => !(c.action === "remove" && c.rep === n)) : [...corrections, { action: "remove", rep: n }]).catch(onError)}
                          className={`rounded border px-1.5 py-0.5 text-xs tabular-nums ${out ? "border-slate-300 bg-slate-100 text-slate-400 line-through" : r.faults.length ? "border-red-300 bg-red-50 text-red-800" : "border-sky-300 bg-sky-50 text-sky-900"}`}>
                          {r.side ? `${r.side[0]!.toUpperCase()}${r.index}` : `#${n}`} {Math.round(Math.abs(r.peakDeg))}°{r.faults.length > 0 && " ⚠"}
                        </button>
                      </li>
                    );
                  })}
                </ol>
              )}
              <p className="mt-1 text-xs text-slate-500">Click a repetition to mark it as not counted.</p>
            </div>
          )}
          <div className="flex flex-wrap gap-2">
            {!run.stoppedAt && <Button busy={stop.isPending} onClick={() => void end().catch(onError)} data-testid="stop-set">Stop set</Button>}
            {run.stoppedAt && phase === "saving" && <Button variant="secondary" busy={complete.isPending} onClick={() => complete.mutate({ trialId: run.id })}>Save what has arrived</Button>}
            {!saved && <Button variant="secondary" busy={discard.isPending} onClick={() => void drop().catch(onError)}>{run.stoppedAt || phase === "active" ? "Discard" : "Cancel"}</Button>}
          </div>
          {run.stoppedAt && (
            <div className="space-y-2 rounded-md border border-slate-200 p-2" data-testid="after-set">
              {restLeft !== null && <p className="text-sm font-medium" data-testid="rest-timer">{restLeft > 0 ? `Rest: ${restLeft} s` : "Rest done: ready for the next set."}</p>}
              <PainScale value={pain} onChange={setPain} legend="Pain during the set (0 = none, 10 = worst)" />
              <fieldset className="min-w-0">
                <legend className="mb-1 text-sm font-medium text-slate-700">Effort, Borg CR10: <span data-testid="effort-value">{effort === null ? "not recorded" : `${effort} (${BORG[effort]})`}</span></legend>
                <div className="flex flex-wrap gap-1">
                  {BORG.map((b, n) => (
                    <button key={n} type="button" aria-pressed={effort === n} aria-label={`Effort ${n}: ${b}`} onClick={() => setEffort(effort === n ? null : n)}
                      className={`min-w-8 rounded-md border px-2 py-1 text-sm ${effort === n ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-700"}`}>{n}</button>
                  ))}
                </div>
              </fieldset>
              <label className="flex flex-col gap-1 text-sm">
                <span className="font-medium text-slate-700">Note</span>
                <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" data-testid="set-note" />
              </label>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" busy={annotate.isPending} onClick={() => void saveNotes().catch(onError)} data-testid="save-set-notes">Save pain, effort and note</Button>
                <Button busy={start.isPending} disabled={!saved} onClick={() => void begin(run.exercise, run.setNumber + 1, { sets: run.dose.sets, reps: run.dose.reps, holdS: run.dose.holdS, restS: run.dose.restS }).catch(onError)} data-testid="next-set">Next set ({run.setNumber + 1})</Button>
                {planNext && planNext.exerciseKey !== run.exercise.key && (
                  <Button variant="secondary" busy={start.isPending} disabled={!saved} onClick={() => void startPlan(planNext)?.catch(onError)} data-testid="after-set-plan-next">Next in the program: {planNext.title}</Button>
                )}
              </div>
              {stored?.status === "COMPLETED" && (
                <p className="text-sm text-emerald-900" data-testid="set-saved">Saved: {stored.automaticCount ?? "—"} counted{stored.correctedCount !== null && `, ${stored.correctedCount} after your correction`}. <Link className="underline" href={`/sets/${run.id}`} target="_blank">Open set</Link></p>
              )}
            </div>
          )}
        </>
      )}

      {picking && (
        <ProgramPlan plan={plan.data} loading={plan.isLoading} error={plan.error ? describeError(plan.error).message : null} chosen={chosenItem?.position ?? null}
          busy={start.isPending} onChoose={(e) => { choosePlan(e); setTouched(true); }} onStart={(e) => void startPlan(e)?.catch(onError)} />
      )}
      {picking && (
        <div className="space-y-2 rounded-md border border-slate-200 p-2" data-testid="exercise-picker">
          <div className="flex flex-wrap items-end gap-2">
            <label className="flex min-w-40 flex-1 flex-col gap-1 text-sm">
              <span className="font-medium text-slate-700">{run ? "Next exercise" : "Exercise"}{chosenItem && <span className="font-normal text-slate-500"> · program no. {chosenItem.position}</span>}</span>
              <input type="search" placeholder="Search: bridge, plank, McKenzie…" value={query} onChange={(e) => setQuery(e.target.value)} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" data-testid="exercise-search" />
            </label>
            <select value={key} onChange={(e) => choose(e.target.value)} aria-label="Choose the exercise" className="min-w-48 flex-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm" data-testid="exercise-select">
              {!groups.some((g) => g.exercises.some((e) => e.key === key)) && exercise && <option value={key}>{exercise.title}</option>}
              {groups.map((g) => (
                <optgroup key={g.group} label={g.title}>
                  {g.exercises.map((e) => <option key={e.key} value={e.key}>{e.title}{e.selfReported ? " (self-reported)" : ""}</option>)}
                </optgroup>
              ))}
            </select>
          </div>
          {exercise && dose && <DoseFields exercise={exercise} dose={dose} onChange={(d) => { setDose(d); setTouched(true); }} side={side} onSide={setSide} />}
          {chosenItem && planData && dose && doseDiffers(chosenItem, dose) && !doseProblem(exercise!, dose) && (
            <div className="flex flex-wrap items-center gap-2 text-xs">
              <span className="text-slate-600">Program: {chosenItem.dose.sets} × {chosenItem.dose.reps ?? `hold ${chosenItem.dose.holdS} s`}</span>
              <Button variant="secondary" className="px-2 py-1 text-xs" busy={saveDose.isPending} data-testid="save-dose-to-program"
                title="A new version of the program, with this dose from this week on (the rest between sets is not part of the program)"
                onClick={() => void saveDose.mutateAsync({ visitId, programId: planData.programId, position: chosenItem.position, dose: { sets: dose.sets, reps: dose.reps, holdS: dose.holdS } }).then((r) => {
                  setPlanSaved(`Saved to the program: version ${r.version}, from week ${r.fromWeek}.`);
                  return qc.invalidateQueries({ queryKey: trpc.programs.forVisit.queryKey({ visitId }) });
                }).catch(onError)}>
                Save this dose to the program
              </Button>
            </div>
          )}
          {planSaved && <p className="text-xs text-emerald-800" role="status" data-testid="dose-saved">{planSaved}</p>}
          {exercise && <p className="text-xs text-slate-500">{exercise.camera.note}{exercise.contraindications[0] && ` ⚠ ${exercise.contraindications[0]}`}</p>}
          <Button busy={start.isPending} disabled={!exercise} onClick={() => exercise && void begin(exercise, run && run.exercise.key === exercise.key ? run.setNumber + 1 : (chosenItem?.setsRecorded ?? 0) + 1).catch(onError)} data-testid="start-set">
            Start {run && exercise && run.exercise.key === exercise.key ? `set ${run.setNumber + 1}` : "the exercise"}
          </Button>
        </div>
      )}

      {!!sets.data?.filter((s) => s.status === "COMPLETED").length && (
        <div className="border-t border-slate-100 pt-1 text-xs text-slate-600">
          <p className="font-medium">Sets in this visit</p>
          <ul>{sets.data.filter((s) => s.status === "COMPLETED").map((s) => <li key={s.id}><Link className="hover:underline" href={`/sets/${s.id}`} target="_blank">{getExercise(s.protocolKey, s.protocolVersion)?.title ?? s.protocolKey} set {s.setNumber}: {s.automaticCount ?? "—"}{s.correctedCount !== null && ` (corrected ${s.correctedCount})`}{s.painDuring !== null && `, pain ${s.painDuring}`}{s.effort !== null && `, effort ${s.effort}`}</Link></li>)}</ul>
        </div>
      )}
    </section>
  );
}

/** A program row's dose as the picker's dose form. */
const planDose = (e: PlanExercise): DoseForm => ({ sets: e.dose.sets, reps: e.dose.reps, holdS: e.dose.holdS, restS: e.dose.restS });
/** The picker's dose is not the program's (the rest is not part of the program). */
const doseDiffers = (e: PlanExercise, d: DoseForm) => d.sets !== e.dose.sets || d.reps !== e.dose.reps || d.holdS !== e.dose.holdS;

function num(v: string): number | null {
  if (v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

function DoseFields({ exercise, dose, onChange, side, onSide }: { exercise: Exercise; dose: DoseForm; onChange: (d: DoseForm) => void; side: "left" | "right"; onSide: (s: "left" | "right") => void }) {
  const t = exercise.tracker;
  const reps = !t || t.kind === "reps";
  const hold = t?.kind === "hold" || (t?.kind === "reps" && t.holdAtTarget) || (!t && exercise.dose.holdS !== null);
  const problem = doseProblem(exercise, dose);
  const field = "w-16 rounded-md border border-slate-300 px-2 py-1 text-sm";
  return (
    <div className="flex flex-wrap items-end gap-2 text-sm" data-testid="dose">
      <label className="flex flex-col">Sets<input type="number" min={1} max={10} value={dose.sets} onChange={(e) => onChange({ ...dose, sets: num(e.target.value) ?? NaN })} className={field} /></label>
      {reps && <label className="flex flex-col">Reps{t?.kind === "reps" && t.sides === "alternating" && " / side"}<input type="number" min={1} max={100} value={dose.reps ?? ""} onChange={(e) => onChange({ ...dose, reps: num(e.target.value) })} className={field} data-testid="dose-reps" /></label>}
      {hold && <label className="flex flex-col">Hold s<input type="number" min={1} max={600} value={dose.holdS ?? ""} onChange={(e) => onChange({ ...dose, holdS: num(e.target.value) })} className={field} /></label>}
      <label className="flex flex-col">Rest s<input type="number" min={0} max={600} value={dose.restS} onChange={(e) => onChange({ ...dose, restS: num(e.target.value) ?? 0 })} className={field} /></label>
      {t?.sides === "chosen" && (
        <label className="flex flex-col">Side<select value={side} onChange={(e) => onSide(e.target.value as "left" | "right")} className="rounded-md border border-slate-300 px-2 py-1 text-sm"><option value="left">Left</option><option value="right">Right</option></select></label>
      )}
      <span className="text-xs text-slate-500">Default: {exercise.doseSource}</span>
      {problem && <p role="alert" className="w-full text-xs font-medium text-red-700">{problem}</p>}
    </div>
  );
}

/** The live read-out: count, hold, current angle, reason and cue, and the chart. Follows every streamed frame. */
function SetReadout({ run, live, feed }: { run: Running; live: ExerciseStateMsg | null; feed: LiveFeed }) {
  const version = useSyncExternalStore(feed.subscribeFrames, () => feed.version, () => 0);
  const ex = run.exercise;
  const primary = primaryOf(ex);
  const dir = sign(ex);
  const samples = feed.trialSamples;
  const points = useMemo(() => samples.map((s) => ({ t: s.t, v: primary ? measureOf(s, primary, run.frameAspect) : null })).map((p) => ({ t: p.t, v: p.v === null ? null : dir * p.v })), [version, samples, primary, run.frameAspect, dir]); // eslint-disable-line react-hooks/exhaustive-deps
  const reps = useMemo(() => (live?.reps ?? []).map((r, i) => ({ index: i + 1, startMs: r.startMs, peakMs: r.peakMs, endMs: r.endMs, peakDeg: Math.abs(r.peakDeg), timeToPeakMs: r.peakMs - r.startMs })), [live?.reps]);
  const marks = useMemo(() => (live?.faults ?? []).map((f) => ({ t: f.t, label: f.label })), [live?.faults]);
  const sided = ex.tracker?.kind === "reps" && ex.tracker.sides === "alternating";
  return (
    <div className="space-y-1" data-testid="exercise-readout">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          {ex.tracker?.kind === "reps" && (
            <p className="text-4xl font-bold tabular-nums" data-testid="live-count">
              {sided ? `L ${live?.counts.left ?? 0} · R ${live?.counts.right ?? 0}` : live?.counts.total ?? 0}
              {live?.target != null && <span className="text-lg font-medium text-slate-500"> / {live.target}{sided && " each"}</span>}
            </p>
          )}
          {live?.heldS != null && <p className="text-2xl font-semibold tabular-nums" data-testid="live-hold">Hold {live.heldS.toFixed(1)} s{live.holdTargetS != null && ` / ${live.holdTargetS} s`}</p>}
          {ex.selfReported && <p className="text-sm">Self-reported: {live?.complete ? "the patient confirmed the set" : "waiting for the patient to confirm"}</p>}
          {live?.complete && !ex.selfReported && <p className="text-sm font-semibold text-emerald-700" data-testid="set-target-reached">✓ Target reached: stop the set.</p>}
        </div>
        <div className="text-right">
          <p className="text-3xl font-bold tabular-nums" data-testid="live-exercise-angle">{live?.current != null ? `${Math.round(dir * live.current)}°` : "—"}</p>
          {primary && <p className="text-xs text-slate-500">{EXERCISE_MEASURE_INFO[primary].label}</p>}
        </div>
      </div>
      {live?.cue && <p className="rounded bg-amber-100 px-2 py-1 text-sm font-medium text-amber-900">Cue: {live.cue}</p>}
      {!live?.cue && live?.reason && <p className="text-xs text-slate-600">{live.reason}</p>}
      {primary && <LiveAngleChart points={points} windowMs={15_000} reps={reps} marks={marks} height={140} label={`${EXERCISE_MEASURE_INFO[primary].label}, last 15 s`} />}
      {!!live?.faults.length && <p className="text-xs text-red-700" data-testid="live-faults">Faults: {[...new Set(live.faults.map((f) => f.label))].join(", ")} ({live.faults.length}×)</p>}
    </div>
  );
}

const cache = new WeakMap<PoseSample, number | null>();
function measureOf(s: PoseSample, m: ExerciseMeasure, aspect: number): number | null {
  let v = cache.get(s);
  if (v === undefined) {
    v = measureJointAngles({ t: s.t, image: landmarksFromSample(s.landmarks), aspect }).values[m] ?? null;
    cache.set(s, v);
  }
  return v;
}

export type { ExerciseDose };
