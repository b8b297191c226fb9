"use client";
// The patient's home page behind the HOME link (no sign-in; phone and laptop): today's exercises with instructions
// and demonstration, camera-guided practice through the visit's exercise player (same counting, timers and form
// cues; samples saved loss-free through the one Recorder) or self-report, pain before/after, effort and how it
// went, and this week's adherence in an encouraging tone. Nothing waits for the network: the session, its sets and
// the finish are kept on the device first (app/_lib/home/session-store.ts, the recording buffer) and sent in order by
// app/_lib/home/sync.ts whenever there is a connection. Every sentence comes from ../strings.ts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ExercisePlayer, type PlayerSet, type PlayerState, type SaveStatus } from "../../_components/exercise/ExercisePlayer";
import { DemoAnimation } from "../../_components/exercise/DemoAnimation";
import { PainScale } from "../../_components/pain-scale";
import { Alert, Button, Card, Spinner, TextArea } from "../../_components/ui";
import { localSessionStore, newClientId, updateSession, type LocalSession, type LocalSet } from "../../_lib/home/session-store";
import { HomeSync, type Waiting } from "../../_lib/home/sync";
import { engineDose } from "../../_lib/exercise/dose";
import { keepPoseRuntimeOffline, type PoseOffline } from "../../_lib/pose/offline";
import { browserKV, Recorder } from "../../_lib/recording/recorder";
import { sendResultOf, useRecordingTransport } from "../../_lib/recording/transport";
import { downloadBase64 } from "../../_lib/trial-export";
import { describeError, useTRPC, useTRPCClient, type RouterOutputs } from "../../_lib/trpc";
import { HOW_IT_WENT, type SelfReportedExercise } from "../../_shared/care/home-session";
import { latestExercise } from "../../_shared/exercises/catalogue";
import type { ExerciseDose } from "../../_shared/recording/schemas";
import { HOME } from "../strings";

type Today = Extract<RouterOutputs["home"]["today"], { ok: true }>;
type TodayExercise = NonNullable<Today["program"]>["exercises"][number];

export function HomePractice({ token }: { token: string }) {
  const trpc = useTRPC();
  const today = useQuery(trpc.home.today.queryOptions({ token }, { refetchOnWindowFocus: false, retry: 1 }));
  if (today.isLoading) return <Shell><Spinner label={HOME.loading} /></Shell>;
  if (today.error || !today.data) return <Shell><Alert title={HOME.loadFailed} /></Shell>;
  if (!today.data.ok) return <Shell><Alert tone={today.data.problem === "episode-closed" ? "blue" : "red"} title={HOME.linkProblemTitle}><span data-testid="home-link-problem">{today.data.message}</span></Alert></Shell>;
  return <Practice token={token} data={today.data} />;
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-6xl flex-col gap-3 p-3 md:p-4">
      <h1 className="text-2xl font-semibold text-brand-800">{HOME.pageTitle}</h1>
      {children}
    </main>
  );
}

function useOnline() {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const on = () => setOnline(true), off = () => setOnline(false);
    setOnline(navigator.onLine);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  return online;
}

function Practice({ token, data }: { token: string; data: Today }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const online = useOnline();
  const recordings = useRecordingTransport();
  const [session, setSessionState] = useState<LocalSession | null>(null);
  const [painBefore, setPainBefore] = useState<number | null>(null);
  const [active, setActiveState] = useState<{ item: TodayExercise; n: number } | null>(null);
  const opened = useRef(0);
  const setActive = (item: TodayExercise | null) => setActiveState(item ? { item, n: ++opened.current } : null);
  const [finishedNow, setFinishedNow] = useState<{ painAfter: number | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<Waiting | null>(null);

  // The session lives on this device first (localStorage); every change is saved there before anything is sent.
  const store = useMemo(() => localSessionStore(token, setSessionState), [token]);
  useEffect(() => setSessionState(store.load()), [store]);
  const sync = useMemo(() => new HomeSync({
    token, kv: browserKV(), store, recordings, classify: sendResultOf,
    api: {
      startSession: (i) => client.home.startSession.mutate(i),
      startSet: (i) => client.home.startSet.mutate(i),
      finishSession: (i) => client.home.finishSession.mutate(i),
    },
    onRefused: (message) => setProblem(message),
    onFinished: () => void qc.invalidateQueries({ queryKey: trpc.home.today.queryKey({ token }) }),
  }), [token, store, recordings, client, qc, trpc]);
  const flush = useCallback(() => void sync.flush().finally(() => setWaiting(sync.waiting())), [sync]);
  useEffect(() => {
    flush();
    const t = setInterval(flush, 3000);
    const w = setInterval(() => setWaiting(sync.waiting()), 1000);
    window.addEventListener("online", flush);
    return () => {
      clearInterval(t);
      clearInterval(w);
      window.removeEventListener("online", flush);
    };
  }, [sync, flush]);

  // once a session runs, keep the pose runtime on the device so that a camera set can also start offline
  const tracked = (data.program?.exercises ?? []).some((e) => e.tracked);
  const [poseOffline, setPoseOffline] = useState<PoseOffline | null>(null);
  const hasSession = !!session;
  useEffect(() => {
    if (hasSession && tracked && online && poseOffline !== "ready") void keepPoseRuntimeOffline().then(setPoseOffline);
  }, [hasSession, tracked, online]); // eslint-disable-line react-hooks/exhaustive-deps

  const begin = () => {
    setProblem(null);
    setFinishedNow(null);
    store.save({ clientId: newClientId(), startedAt: new Date().toISOString(), painBefore, started: false, sets: [], selfReport: [], finish: null });
    setTimeout(flush, 0);
  };

  const p = data.program;
  const exercises = p?.exercises ?? [];
  const inSet = !!(active && session);
  const unsent = waiting?.total ?? 0;
  return (
    <Shell>
      <header className="-mt-2 flex flex-wrap items-baseline justify-between gap-x-4 text-slate-700">
        <p><span className="font-medium">{HOME.hello(data.patientFirstName)}</span> · {HOME.fromClinic(data.clinicName)}</p>
        {p?.week && <p className="text-sm">{HOME.weekOf(p.week, p.weeks)}{p.phase ? ` · ${p.phase.title}` : ""}</p>}
      </header>
      {(!online || (unsent > 0 && !inSet)) && (
        <div data-testid="home-sync" data-state={online ? "sending" : "offline"}>
          {!online ? <Alert tone="amber" title={HOME.offline}>{HOME.offlineKept}</Alert> : <p className="text-sm text-slate-600">{HOME.sending}</p>}
        </div>
      )}
      {problem && <Alert title={problem} />}
      {data.exerciseBlocked ? <Alert tone="amber" title={HOME.blocked} /> : !p ? <Alert tone="blue" title={HOME.noProgram} /> : (
        // On a phone: how to start, then today's exercises; once a session runs, the exercises come first and the
        // finish follows them; adherence and reminders last. On a laptop: the exercises left, the rest beside them.
        <div className={`grid min-h-0 flex-1 gap-3 ${inSet ? "" : "lg:grid-cols-[minmax(0,1fr)_22rem] lg:grid-rows-[auto_minmax(0,1fr)]"}`}>
          <div className={`order-2 flex min-h-0 flex-col gap-3 ${inSet ? "" : "lg:col-start-1 lg:row-span-2 lg:row-start-1"}`}>
            {active && session ? (
              <CameraSet key={active.n} token={token} item={active.item} session={session} online={online} sync={sync}
                onStarted={(set) => updateSession(store, (s) => ({ ...s, sets: [...s.sets, set] }))}
                onCounted={(clientId, counted) => updateSession(store, (s) => ({ ...s, sets: s.sets.map((x) => (x.clientId === clientId ? { ...x, counted } : x)) }))}
                onClose={() => setActive(null)}
                onDeclined={() => setActive(null)} />
            ) : (
              <Card title={HOME.exercisesTitle}>
                {!session && exercises.length > 0 && <p className="mb-1 text-sm text-slate-600">{HOME.startFirst}</p>}
                {exercises.length === 0 ? <p className="text-slate-700">{p.week ? HOME.restDay : HOME.notStarted}</p> : (
                  <ul className="divide-y divide-slate-100" data-testid="home-exercises">
                    {exercises.map((e) => (
                      <ExerciseRow key={e.exerciseKey} item={e} session={session}
                        onCamera={() => setActive(e)}
                        onSelfReport={(x) => updateSession(store, (s) => ({ ...s, selfReport: [...s.selfReport.filter((y) => y.exerciseKey !== x.exerciseKey), x] }))} />
                    ))}
                  </ul>
                )}
                {session && poseOffline && <p className="mt-2 text-xs text-slate-500" data-testid="home-offline-ready" data-state={poseOffline}>{HOME.poseOffline[poseOffline]}</p>}
              </Card>
            )}
          </div>
          <div className={`flex flex-col gap-3 ${inSet ? "hidden" : `lg:col-start-2 lg:row-start-1 ${session ? "order-3" : "order-1"}`}`} data-testid="home-session-panel">
            {!session ? (
              <Card title={HOME.startTitle}>
                {finishedNow && (
                  <div className="mb-3 space-y-2" data-testid="home-finished">
                    <Alert tone="green" title={HOME.finished} />
                    {finishedNow.painAfter !== null && finishedNow.painAfter >= 7 && <Alert tone="amber" title={HOME.highPain} />}
                  </div>
                )}
                <PainScale value={painBefore} onChange={setPainBefore} legend={HOME.painBefore} />
                <Button className="mt-3 w-full py-3 text-base" onClick={begin} disabled={exercises.length === 0} data-testid="home-start">{data.sessionsToday.length ? HOME.startAnother : HOME.start}</Button>
              </Card>
            ) : session.finish ? (
              <Card>
                <div className="space-y-2" data-testid="home-finish-queued">
                  {finishedNow && finishedNow.painAfter !== null && finishedNow.painAfter >= 7 && <Alert tone="amber" title={HOME.highPain} />}
                  <Alert tone="blue" title={online ? HOME.finishSending : HOME.finishQueued} />
                </div>
              </Card>
            ) : (
              <FinishForm disabled={!!active} onFinish={(f) => {
                setFinishedNow({ painAfter: f.painAfter });
                updateSession(store, (s) => ({ ...s, finish: { ...f, endedAt: new Date().toISOString(), sent: false } }));
                setTimeout(flush, 0);
              }} />
            )}
          </div>
          <div className={`order-4 flex flex-col gap-3 ${inSet ? "hidden" : "lg:col-start-2 lg:row-start-2"}`}>
            <AdherenceCard data={data} weekday={HOME.weekdays} />
            <ReminderCard token={token} />
          </div>
        </div>
      )}
    </Shell>
  );
}

function doseText(d: ExerciseDose) {
  return HOME.dose({ sets: d.sets, reps: d.reps, holdSeconds: d.holdSeconds, perSide: d.perSide });
}

function ExerciseRow({ item, session, onCamera, onSelfReport }: { item: TodayExercise; session: LocalSession | null; onCamera: () => void; onSelfReport: (x: SelfReportedExercise) => void }) {
  const ex = latestExercise(item.exerciseKey);
  const [open, setOpen] = useState(false);
  const [self, setSelf] = useState(false);
  const [sets, setSets] = useState(item.dose.sets);
  const [reps, setReps] = useState<number | null>(item.dose.reps ?? null);
  const [hold, setHold] = useState<number | null>(item.dose.holdSeconds ?? null);
  if (!ex) return null;
  const done = session?.sets.filter((s) => s.exerciseKey === item.exerciseKey) ?? [];
  const reported = session?.selfReport.find((s) => s.exerciseKey === item.exerciseKey);
  // no connection needed: a session started on this device takes sets and reports at once (HomeSync sends them)
  const can = !!session && !session.finish;
  return (
    <li className="py-3" data-testid={`home-exercise-${item.exerciseKey}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="text-lg font-semibold text-slate-900">{ex.title}</p>
          <p className="text-sm text-slate-600">{doseText(item.dose)}{item.timesPerDay > 1 ? ` · ${HOME.timesPerDay(item.timesPerDay)}` : ""}</p>
          {item.notes && <p className="text-sm text-slate-700">{item.notes}</p>}
          {(done.length > 0 || reported) && (
            <p className="text-sm font-medium text-emerald-700" data-testid={`home-done-${item.exerciseKey}`}>
              ✓ {done.length > 0 ? `${HOME.setsDone(done.length)}${done.some((d) => d.counted !== null) ? ` · ${HOME.counted(done.reduce((a, d) => a + (d.counted ?? 0), 0))}` : ""}` : ""}
              {reported ? `${done.length ? " · " : ""}${HOME.setsDone(reported.sets)} (${HOME.selfReason[reported.reason]})` : ""}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open}>{HOME.showHow}</Button>
          {item.tracked && <Button onClick={onCamera} disabled={!can} data-testid={`home-camera-${item.exerciseKey}`}>{done.length ? HOME.nextSet(done.length + 1) : HOME.withCamera}</Button>}
          <Button variant="secondary" onClick={() => setSelf(!self)} disabled={!can} data-testid={`home-self-${item.exerciseKey}`}>{HOME.withoutCamera}</Button>
        </div>
      </div>
      {!item.tracked && <p className="mt-1 text-sm text-sky-800">{HOME.untracked}</p>}
      {open && (
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          <DemoAnimation demo={ex.demo} title={ex.title} />
          <ol className="list-decimal space-y-1 pl-6 text-base text-slate-800">{ex.instructions.map((i) => <li key={i}>{i}</li>)}</ol>
        </div>
      )}
      {self && can && (
        <form className="mt-2 flex flex-wrap items-end gap-3 rounded-md bg-slate-50 p-2" onSubmit={(e) => {
          e.preventDefault();
          onSelfReport({ exerciseKey: item.exerciseKey, sets, reps: item.dose.reps !== undefined ? reps : null, holdS: item.dose.holdSeconds !== undefined ? hold : null, reason: item.tracked ? "DECLINED" : "UNTRACKED" });
          setSelf(false);
        }}>
          <NumberBox label={HOME.selfSets} value={sets} onChange={(v) => setSets(v ?? 0)} max={20} testId={`home-self-sets-${item.exerciseKey}`} />
          {item.dose.reps !== undefined && <NumberBox label={HOME.selfReps} value={reps} onChange={setReps} max={200} />}
          {item.dose.holdSeconds !== undefined && <NumberBox label={HOME.selfHold} value={hold} onChange={setHold} max={600} />}
          <Button type="submit" data-testid={`home-self-save-${item.exerciseKey}`}>{HOME.selfSave}</Button>
        </form>
      )}
    </li>
  );
}

function NumberBox({ label, value, onChange, max, testId }: { label: string; value: number | null; onChange: (v: number | null) => void; max: number; testId?: string }) {
  return (
    <label className="text-sm text-slate-700">
      <span className="block">{label}</span>
      <input type="number" inputMode="numeric" min={0} max={max} value={value ?? ""} data-testid={testId}
        onChange={(e) => { const n = e.target.value === "" ? null : Math.max(0, Math.min(max, Math.round(Number(e.target.value)))); onChange(Number.isFinite(n) ? n : null); }}
        className="mt-0.5 w-24 rounded-md border border-slate-300 px-2 py-1.5 text-base" />
    </label>
  );
}

/**
 * One camera-counted set: the camera, a set of the pipeline, the visit's player over it, saved by the Recorder. It needs
 * no connection to start: the set is named on this device (its clientId), recorded into the one recording buffer under
 * that name, and created on the server by HomeSync before its samples go.
 */
function CameraSet({ token, item, session, online, sync, onStarted, onCounted, onClose, onDeclined }: {
  token: string; item: TodayExercise; session: LocalSession; online: boolean; sync: HomeSync;
  onStarted: (s: LocalSet) => void; onCounted: (clientId: string, counted: number | null) => void; onClose: () => void; onDeclined: () => void;
}) {
  const ex = latestExercise(item.exerciseKey)!;
  const [setNumber] = useState(() => session.sets.filter((s) => s.exerciseKey === item.exerciseKey).length + 1);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [denied, setDenied] = useState(false);
  const [set, setSet] = useState<PlayerSet | null>(null);
  const [stopped, setStopped] = useState(false);
  const [save, setSave] = useState<SaveStatus | null>(null);
  const recorder = useRef<Recorder | null>(null);
  const countRef = useRef<number | null>(null);

  useEffect(() => {
    let s: MediaStream | null = null;
    let gone = false;
    navigator.mediaDevices?.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false }).then((m) => {
      if (gone) return m.getTracks().forEach((t) => t.stop());
      s = m;
      setStream(m);
    }, () => setDenied(true)) ?? setDenied(true);
    return () => {
      gone = true;
      s?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  useEffect(() => {
    if (!stream || set) return;
    const st = stream.getVideoTracks()[0]?.getSettings();
    const frameAspect = st?.width && st?.height ? st.width / st.height : 4 / 3;
    const local: LocalSet = {
      clientId: newClientId(), exerciseKey: item.exerciseKey, setNumber, side: null, cameraView: ex.camera.view === "side" ? "SAGITTAL" : "FRONTAL",
      frameAspect, startedAt: new Date().toISOString(), setId: null, counted: null,
    };
    onStarted(local); // kept on the device before the first sample
    recorder.current = new Recorder(browserKV(), sync.transport, local.clientId, token);
    const d = item.dose;
    setSet({ id: local.clientId, exercise: ex, dose: engineDose(ex, { sets: d.sets, reps: d.reps ?? null, holdS: d.holdSeconds ?? null, restS: d.restSeconds }), frameAspect, setNumber });
  }, [stream]); // eslint-disable-line react-hooks/exhaustive-deps

  // retry the set's chunks while it is saved (also after the network returns)
  useEffect(() => {
    const t = setInterval(() => void recorder.current?.flush(), 3000);
    return () => clearInterval(t);
  }, []);

  const onState = useCallback((s: PlayerState) => {
    countRef.current = s.counts.total;
  }, []);

  const finish = () => {
    const rec = recorder.current;
    if (!rec || !set) return;
    setStopped(true);
    setSave({ phase: "saving", pending: rec.pending() });
    // kept on the device at once: the set is done even if the network is down (the buffer sends it later)
    onCounted(set.id, countRef.current);
    void rec.stopAndDrain((pending) => setSave({ phase: "saving", pending })).then((ok) => {
      setSave(ok ? { phase: "saved" } : { phase: "failed", message: rec.errors.join("; ").slice(0, 400) });
    });
  };

  if (denied) return <Card><Alert tone="amber" title={HOME.cameraDenied} /><Button className="mt-3" onClick={onDeclined}>{HOME.backToList}</Button></Card>;
  if (!set) return <Card><p className="text-sm text-slate-600">{HOME.cameraAsk}</p><Spinner /></Card>;
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-2" data-testid="home-camera-set">
      <ExercisePlayer set={set} stream={stream} sink={recorder.current} stopped={stopped} save={save} onState={onState} savedText={HOME.setSavedRest} className="h-[75vh] lg:h-[calc(100vh-11rem)]" />
      <div className="flex flex-wrap items-center gap-2">
        {!stopped ? <Button className="py-3 text-base" onClick={finish} data-testid="home-finish-set">{HOME.finishSet}</Button>
          : <Button className="py-3 text-base" onClick={onClose} data-testid="home-back">{HOME.backToList}</Button>}
        {save && (
          <span className="text-sm text-slate-600" data-testid="home-save-state">
            {save.phase === "saved" ? HOME.saved : save.phase === "failed" ? HOME.setFailed : !online ? HOME.setKept : save.pending ? HOME.pendingSend(save.pending) : HOME.saving}
          </span>
        )}
        {!online && <span className="text-sm text-amber-800">{HOME.offline}</span>}
      </div>
    </div>
  );
}

function FinishForm({ disabled, onFinish }: { disabled: boolean; onFinish: (f: { painAfter: number | null; effort: number | null; howItWent: string | null; note: string }) => void }) {
  const [painAfter, setPainAfter] = useState<number | null>(null);
  const [effort, setEffort] = useState<number | null>(null);
  const [how, setHow] = useState<string | null>(null);
  const [note, setNote] = useState("");
  return (
    <Card title={HOME.finishTitle}>
      <div className="space-y-3" data-testid="home-finish-form">
        <div className="flex flex-wrap gap-1" role="group" aria-label={HOME.finishTitle}>
          {HOW_IT_WENT.map((h) => (
            <button key={h} type="button" aria-pressed={how === h} onClick={() => setHow(how === h ? null : h)}
              className={`rounded-md border px-2.5 py-1.5 text-sm ${how === h ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-700"}`}>{HOME.howItWent[h]}</button>
          ))}
        </div>
        <PainScale value={painAfter} onChange={setPainAfter} legend={HOME.painAfter} />
        <PainScale value={effort} onChange={setEffort} legend={HOME.effort} />
        <TextArea label={HOME.note} value={note} maxLength={1000} rows={2} onChange={(e) => setNote(e.target.value)} />
        <Button className="w-full py-3 text-base" disabled={disabled} onClick={() => onFinish({ painAfter, effort, howItWent: how, note })} data-testid="home-finish">{HOME.finish}</Button>
      </div>
    </Card>
  );
}

function AdherenceCard({ data, weekday }: { data: Today; weekday: readonly string[] }) {
  const a = data.adherence;
  if (!a) return null;
  const w = a.thisWeek;
  const todayRow = a.days.find((d) => d.date === data.today);
  // the week so far, plus what today still holds (today is never "missed" before it is over)
  const planned = (w?.plannedSessions ?? 0) + (todayRow ? Math.max(0, todayRow.plannedSessions - todayRow.doneSessions) : 0);
  const tone: Record<string, string> = { done: "bg-emerald-500 text-white", partial: "bg-emerald-200 text-emerald-900", missed: "bg-slate-200 text-slate-600", rest: "bg-white text-slate-400 ring-1 ring-slate-200", today: "bg-white text-brand-700 ring-2 ring-brand-500", upcoming: "bg-white text-slate-500 ring-1 ring-slate-200" };
  return (
    <Card title={HOME.weekTitle}>
      <div data-testid="home-adherence">
        {w && <p className="font-medium text-slate-800">{HOME.weekDone(w.doneSessions, planned)}</p>}
        <ol className="mt-2 grid grid-cols-7 gap-1 text-center text-xs">
          {a.days.map((d) => (
            <li key={d.date} title={HOME.dayStatus[d.status]} aria-label={`${weekday[(new Date(`${d.date}T12:00:00Z`).getUTCDay() + 6) % 7]}: ${HOME.dayStatus[d.status]}`}
              className={`rounded-md px-1 py-1.5 ${tone[d.status] ?? ""}`}>{weekday[(new Date(`${d.date}T12:00:00Z`).getUTCDay() + 6) % 7]}</li>
          ))}
        </ol>
        {data.sessionsToday.some((s) => s.status === "COMPLETED") && <p className="mt-2 text-sm text-emerald-700">{HOME.sessionsToday(data.sessionsToday.filter((s) => s.status === "COMPLETED").length)}</p>}
        {a.currentStreak > 0 && <p className="mt-1 text-sm text-slate-700">{HOME.streak(a.currentStreak)}</p>}
        <p className="mt-1 text-sm text-slate-700">{HOME.encourage(w?.doneSessions ?? 0, planned)}</p>
      </div>
    </Card>
  );
}

/** The reminder choice (days, time, email) and the printable handout, through home-program's link procedures. */
function ReminderCard({ token }: { token: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const q = useQuery(trpc.programs.homeReminder.queryOptions({ token }, { refetchOnWindowFocus: false, retry: 1 }));
  const save = useMutation(trpc.programs.setHomeReminder.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.programs.homeReminder.queryKey({ token }) }) }));
  const [form, setForm] = useState<{ weekdays: number[]; time: string; email: string; enabled: boolean } | null>(null);
  const [pdfBusy, setPdfBusy] = useState(false);
  const [pdfError, setPdfError] = useState<string | null>(null);
  useEffect(() => {
    if (q.data && !form) setForm(q.data.setting ? { ...q.data.setting } : { weekdays: [1, 3, 5], time: "18:00", email: q.data.suggestedEmail ?? "", enabled: false });
  }, [q.data, form]);
  const handout = async () => {
    setPdfBusy(true);
    setPdfError(null);
    try {
      const r = await client.programs.homeHandout.query({ token });
      downloadBase64(r.filename, r.base64, r.contentType);
    } catch (e) {
      setPdfError(describeError(e).message);
    } finally {
      setPdfBusy(false);
    }
  };
  return (
    <Card title={HOME.reminderTitle}>
      {!form ? <Spinner /> : (
        <form className="space-y-2 text-sm" data-testid="home-reminder" onSubmit={(e) => { e.preventDefault(); save.mutate({ token, ...form }); }}>
          <label className="flex items-center gap-2"><input type="checkbox" className="size-4" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> {HOME.reminderEnable}</label>
          <div className="flex flex-wrap gap-1" role="group" aria-label={HOME.reminderDays}>
            {HOME.weekdays.map((d, i) => {
              const on = form.weekdays.includes(i + 1);
              return <button key={d} type="button" aria-pressed={on} onClick={() => setForm({ ...form, weekdays: on ? form.weekdays.filter((x) => x !== i + 1) : [...form.weekdays, i + 1].sort() })}
                className={`rounded-md border px-2 py-1 ${on ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-700"}`}>{d}</button>;
            })}
          </div>
          <div className="flex flex-wrap items-end gap-2">
            <label>{HOME.reminderTime}<input type="time" value={form.time} onChange={(e) => setForm({ ...form, time: e.target.value })} className="mt-0.5 block rounded-md border border-slate-300 px-2 py-1" /></label>
            <label className="min-w-0 flex-1">{HOME.reminderEmail}<input type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} className="mt-0.5 block w-full rounded-md border border-slate-300 px-2 py-1" /></label>
          </div>
          {save.error && <p role="alert" className="text-red-700">{describeError(save.error).message}</p>}
          {save.isSuccess && <p className="text-emerald-700">{HOME.reminderSaved}</p>}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="secondary" busy={save.isPending}>{HOME.reminderSave}</Button>
            <Button variant="ghost" onClick={handout} busy={pdfBusy} data-testid="home-handout">{HOME.handout}</Button>
          </div>
          {pdfError && <p role="alert" className="text-red-700">{pdfError}</p>}
        </form>
      )}
    </Card>
  );
}
