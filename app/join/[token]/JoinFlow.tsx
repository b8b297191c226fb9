"use client";
// Patient side of the live visit: link check → pre-call check (camera, microphone, support) →
// name + consent → waiting room → call. A reload during the visit goes straight back in.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Alert, Button, Card, Field, Spinner } from "../../_components/ui";
import { formatDateTime, zoneName } from "../../_shared/format";
import { VideoTile } from "../../_components/visit/VideoTile";
import { PatientAssessment } from "../../_components/assessment/PatientAssessment";
import { VisitExercise } from "./VisitExercise";
import { DevicePickers, MediaToggles, MicMeter } from "../../_components/visit/MediaControls";
import { useTRPC } from "../../_lib/trpc";
import { JoinIntakeCard } from "../../_components/care/join-intake-card";
import { useAudioLevel, useDevices, useLocalMedia, useVisitCall } from "../../_lib/realtime/hooks";
import { MEDIA_HELP, type DeviceChoice } from "../../_lib/realtime/media";
import type { CallAuth } from "../../_lib/realtime/call";

type Saved = { name: string; consent: true; cameraId?: string; micId?: string };
const storeKey = (token: string) => `pv-join:${token.slice(0, 16)}`;
function loadSaved(token: string): Saved | null {
  try {
    const raw = sessionStorage.getItem(storeKey(token));
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

export function JoinFlow({ token }: { token: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.live.joinInfo.queryOptions({ token }, { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 }));
  const [saved, setSaved] = useState<Saved | null | undefined>(undefined);
  useEffect(() => setSaved(loadSaved(token)), [token]);

  if (info.isLoading || saved === undefined) return <Shell><Spinner label="Checking your visit link…" /></Shell>;
  if (info.error || !info.data) return <Shell><Alert title="We could not check your link">Please check your internet connection and reload this page.</Alert></Shell>;
  if (!info.data.ok) return <Shell><Alert tone={info.data.reason === "ENDED" ? "blue" : "red"} title="This link cannot be used">{info.data.message}</Alert></Shell>;
  const v = info.data.visit;
  const resume = saved && (v.status === "WAITING" || v.status === "IN_PROGRESS") ? saved : null;
  return <Visit token={token} visit={v} resume={resume} />;
}

type VisitInfo = { scheduledAt: Date; durationMin: number; status: string; therapistName: string; clinicName: string; clinicTimeZone: string; suggestedName: string; visit: string };

function Visit({ token, visit, resume }: { token: string; visit: VisitInfo; resume: Saved | null }) {
  const [joined, setJoined] = useState<Saved | null>(resume);
  const [attempt, setAttempt] = useState(0);
  const [assessingTrial, setAssessing] = useState(false);
  const [exercising, setExercising] = useState(false);
  // an assessment or an exercise set fills the window with the patient's own view (they stand 2–3 m back)
  const assessing = assessingTrial || exercising;
  const media = useLocalMedia(resume ? { cameraId: resume.cameraId, micId: resume.micId } : {});
  const auth = useMemo<CallAuth | null>(
    () => (joined && media.stream ? { role: "patient", token, name: joined.name, consent: true, visit: visit.visit } : null),
    // `attempt` starts a fresh connection after being turned away or replaced.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [joined, !!media.stream, token, attempt],
  );
  const { call, snap } = useVisitCall(auth, attempt);
  useEffect(() => {
    if (call && media.stream) call.setLocalStream(media.stream);
  }, [call, media.stream]);

  const join = (name: string) => {
    const s: Saved = { name, consent: true, ...media.choice };
    sessionStorage.setItem(storeKey(token), JSON.stringify(s));
    setJoined(s);
  };
  const setDevices = (c: DeviceChoice) => {
    media.setChoice(c);
    if (joined) sessionStorage.setItem(storeKey(token), JSON.stringify({ ...joined, ...c }));
  };

  if (!joined || (!media.stream && !resume)) return <PreCall token={token} visit={visit} media={media} onDevices={setDevices} onJoin={join} />;
  if (!media.stream) return <Shell><MediaProblemAlert media={media} /></Shell>;
  if (!snap) return <Shell><Spinner label="Connecting…" /></Shell>;

  const final = snap.phase;
  if (final === "failed")
    return <Shell><Alert title="You cannot join this visit">{snap.error?.message}</Alert></Shell>;
  if (final === "ended") {
    sessionStorage.removeItem(storeKey(token));
    return <Shell><Alert tone="green" title="Your visit has ended">Thank you! You can close this window.</Alert></Shell>;
  }
  if (final === "declined" || final === "replaced")
    return (
      <Shell>
        <Alert tone="amber" title={final === "declined" ? "Your therapist could not admit you" : "This visit is open somewhere else"}>{snap.message}</Alert>
        <Button className="mt-4" onClick={() => setAttempt((a) => a + 1)}>{final === "declined" ? "Try again" : "Use this window"}</Button>
      </Shell>
    );

  const therapist = snap.room?.therapist;
  const status =
    snap.phase === "reconnecting" || snap.phase === "connecting"
      ? (snap.error?.code === "SERVER_BUSY" ? snap.error.message : "Reconnecting…")
      : snap.phase === "waiting"
        ? `You are in the waiting room. ${visit.therapistName} will admit you soon.`
        : therapist?.presence === "reconnecting" || (snap.everConnected && snap.linkState !== "connected")
          ? "Your therapist's connection dropped. Reconnecting…"
          : snap.linkState === "connected"
            ? `You are in your visit with ${visit.therapistName}.`
            : `Connecting to ${visit.therapistName}…`;

  return (
    // During an assessment the page is the patient's own framed view, the status and the instructions, filling the
    // window (they stand 2–3 m away: no scrolling); the therapist's video shrinks to a corner picture.
    <main className={`mx-auto flex flex-col gap-3 p-3 ${assessing ? "h-dvh max-w-[1600px]" : "min-h-screen max-w-6xl"}`}
      data-testid="patient-call" data-phase={snap.phase} data-link-state={snap.linkState} data-assessing={assessing || undefined} data-exercising={exercising || undefined}>
      <header className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-lg font-semibold">Visit with {visit.therapistName}</h1>
          <p className="text-xs text-slate-600">{visit.clinicName}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <p role="status" aria-live="polite" className="rounded-md bg-slate-100 px-3 py-1.5 text-sm font-medium text-slate-800" data-testid="patient-status">{status}</p>
          {assessing && <MediaToggles media={snap.media} onChange={(m) => call?.setMedia(m)} />}
        </div>
      </header>
      {snap.phase === "waiting" ? (
        <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
          <VideoTile stream={media.stream} label="You" muted mirror className="aspect-video" />
          <Card title="Waiting room">
            <p className="text-sm text-slate-700">Please stay on this page. Your therapist can see that you are here and will let you in shortly.</p>
            <p className="mt-3 text-sm text-slate-600">While you wait: stand 2–3 m from the camera so your whole body fits, with the camera at about hip height and good light.</p>
          </Card>
        </div>
      ) : (
        <div className={assessing ? "fixed bottom-4 right-4 z-20 w-56 shadow-xl ring-2 ring-white" : "relative flex-1"} data-testid="therapist-tile">
          <VideoTile stream={snap.remoteStream} label={visit.therapistName} testId="remote-video" className={assessing ? "aspect-video w-full" : "h-[70vh] w-full"}
            overlay={therapist && !therapist.media.video ? "Your therapist's camera is off" : !snap.remoteStream ? "Connecting video…" : null} />
          {/* During an assessment the patient's self-view is in the assessment panel: no second picture here. */}
          {!assessing && <VideoTile stream={media.stream} label="You" muted mirror testId="local-video" className="absolute bottom-3 right-3 aspect-video w-1/4 min-w-40 shadow-lg ring-2 ring-white" />}
          {therapist && !therapist.media.audio && <p className="absolute left-3 top-3 rounded bg-black/60 px-2 py-1 text-xs text-white">Therapist muted</p>}
        </div>
      )}
      {call && snap.phase !== "waiting" && <PatientAssessment call={call} stream={media.stream} token={token} onSelfView={setAssessing} />}
      {call && snap.phase !== "waiting" && <VisitExercise call={call} stream={media.stream} token={token} onActive={setExercising} />}
      {!assessing && <MediaToggles media={snap.media} onChange={(m) => call?.setMedia(m)} />}
    </main>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="mb-4 text-xl font-semibold">PoseVisit</h1>
      {children}
    </main>
  );
}

type Media = ReturnType<typeof useLocalMedia>;

function MediaProblemAlert({ media }: { media: Media }) {
  if (!media.problem) return <Spinner label="Starting your camera…" />;
  const h = MEDIA_HELP[media.problem];
  return (
    <div className="space-y-3" data-testid="media-problem" data-problem={media.problem}>
      <Alert title={h.title}>{h.help}</Alert>
      {media.problem !== "unsupported" && media.problem !== "insecure" && <Button onClick={media.retry}>Try again</Button>}
    </div>
  );
}

function PreCall({ token, visit, media, onDevices, onJoin }: { token: string; visit: VisitInfo; media: Media; onDevices: (c: DeviceChoice) => void; onJoin: (name: string) => void }) {
  const devices = useDevices(media.stream);
  const level = useAudioLevel(media.stream);
  const [name, setName] = useState(visit.suggestedName);
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; consent?: string }>({});
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    const errs = { name: n ? (n.length > 100 ? "Name is too long" : undefined) : "Please enter your name", consent: consent ? undefined : "Please agree to continue" };
    setErrors(errs);
    if (!errs.name && !errs.consent && media.stream) onJoin(n);
  };
  return (
    <main className="mx-auto max-w-4xl p-4 sm:p-6">
      <h1 className="text-2xl font-semibold tracking-tight">Your video visit</h1>
      <p className="mt-1 text-sm text-slate-600">
        With {visit.therapistName} · {visit.clinicName} · {formatDateTime(visit.scheduledAt, visit.clinicTimeZone)} {zoneName(visit.clinicTimeZone, visit.scheduledAt)} ({visit.durationMin} min)
      </p>
      <JoinIntakeCard token={token} />
      <div className="mt-5 grid gap-5 md:grid-cols-2">
        <Card title="1. Check your camera and microphone">
          {media.stream ? (
            <div className="space-y-3">
              <VideoTile stream={media.stream} label="Camera preview" muted mirror className="aspect-video" testId="preview" />
              <MicMeter level={level} />
              <p className="text-xs text-slate-500">Say something: the bar should move.</p>
              <DevicePickers cameras={devices.cameras} mics={devices.mics} cameraId={media.stream.getVideoTracks()[0]?.getSettings().deviceId ?? media.choice.cameraId}
                micId={media.stream.getAudioTracks()[0]?.getSettings().deviceId ?? media.choice.micId} onChange={onDevices} disabled={media.busy} />
            </div>
          ) : (
            <MediaProblemAlert media={media} />
          )}
        </Card>
        <Card title="2. Confirm and join">
          <form onSubmit={submit} className="space-y-4" noValidate>
            <Field label="Your name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={100} error={errors.name} required />
            <div>
              <label className="flex items-start gap-2 text-sm text-slate-700">
                <input type="checkbox" className="mt-1 size-4" checked={consent} onChange={(e) => setConsent(e.target.checked)} aria-invalid={!!errors.consent || undefined}
                  aria-describedby={errors.consent ? "consent-err" : undefined} />
                <span>I agree that my therapist may measure my movements (joint angles from the video) during this visit. The video itself is not recorded.</span>
              </label>
              {errors.consent && <p id="consent-err" role="alert" className="mt-1 text-xs font-medium text-red-700">{errors.consent}</p>}
            </div>
            <Button type="submit" disabled={!media.stream} className="w-full">Join the waiting room</Button>
            {!media.stream && <p className="text-xs text-slate-500">Your camera needs to work before you can join.</p>}
          </form>
        </Card>
      </div>
    </main>
  );
}
