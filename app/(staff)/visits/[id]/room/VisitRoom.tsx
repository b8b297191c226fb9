"use client";
// Therapist side of the live visit: who is waiting (admit / turn away), the patient's video large
// for assessing movement, own preview, mute / camera / device switch, connection quality, end visit.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { VISIT_STATUS_LABEL, type VisitStatus } from "../../../../_shared/domain";
import { Alert, Badge, Button, Card, PatientBanner, ReadOnlyNotice, Spinner, visitStatusTone } from "../../../../_components/ui";
import { formatName } from "../../../../_shared/format";
import { useFormat } from "../../../../_lib/clinic";
import { VideoTile } from "../../../../_components/visit/VideoTile";
import { AssessmentPanel, LiveSkeleton, useLiveFeed } from "../../../../_components/assessment/TherapistAssessment";
import { ExerciseOverlay, ExercisePanel, useExerciseFeed } from "../../../../_components/exercise/TherapistExercise";
import type { Exercise } from "../../../../_shared/exercises/catalogue";
import { DevicePickers, MediaToggles } from "../../../../_components/visit/MediaControls";
import { QualityIndicator } from "../../../../_components/visit/QualityIndicator";
import { useDevices, useLocalMedia, useVisitCall } from "../../../../_lib/realtime/hooks";
import { MEDIA_HELP } from "../../../../_lib/realtime/media";
import type { CallAuth } from "../../../../_lib/realtime/call";
import { describeError, useMe, useTRPC } from "../../../../_lib/trpc";
import { VisitGateBanner } from "../../../../_components/care/care-bits";

/** Intrinsic size of a stream's video track (the skeleton overlay letterboxes like the <video>). */
function videoSize(stream: MediaStream) {
  const st = stream.getVideoTracks()[0]?.getSettings();
  return { width: st?.width ?? 640, height: st?.height ?? 480 };
}

export function VisitRoom({ visitId }: { visitId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const f = useFormat();
  const readOnly = me?.role === "CLINICIAN";
  const info = useQuery(trpc.live.room.queryOptions({ visitId }, { refetchOnWindowFocus: false, enabled: !!me && !readOnly }));
  const media = useLocalMedia();
  const devices = useDevices(media.stream);
  const [generation, setGeneration] = useState(0);
  const auth = useMemo<CallAuth | null>(() => (info.data && info.data.status !== "ENDED" && info.data.status !== "CANCELLED" ? { role: "therapist", visitId } : null), [info.data, visitId]);
  const { call, snap } = useVisitCall(auth, generation);
  const feed = useLiveFeed(call);
  const exFeed = useExerciseFeed(call);
  const [tab, setTab] = useState<"assessment" | "exercise">("assessment");
  const [exercise, setExercise] = useState<Exercise | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  // Only the assigned therapist joins; anyone else of the clinic takes the visit over explicitly.
  const takeOver = useMutation(
    trpc.visits.takeOver.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries();
        setGeneration((g) => g + 1);
      },
    }),
  );

  // The therapist may have no camera: once we know, join receive-only rather than wait.
  useEffect(() => {
    if (call && (media.stream || media.problem)) call.setLocalStream(media.stream);
  }, [call, media.stream, media.problem]);
  useEffect(() => {
    if (snap?.phase === "ended") void qc.invalidateQueries();
  }, [snap?.phase, qc]);

  if (readOnly)
    return (
      <div className="mx-auto max-w-xl p-4">
        <ReadOnlyNotice what="run or join live visits" />
        <Link href={`/visits/${visitId}`} className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Back to the visit</Link>
      </div>
    );
  if (!me || info.isLoading) return <Spinner label="Opening the visit room…" />;
  if (info.error) return <Alert title="This visit room cannot be opened">{describeError(info.error).message}</Alert>;
  const v = info.data!;
  const patientLabel = formatName(v.patient);
  if (v.status === "ENDED" || v.status === "CANCELLED" || snap?.phase === "ended")
    return (
      <div className="mx-auto max-w-xl p-4">
        <Alert tone="blue" title={v.status === "CANCELLED" ? "This visit was cancelled" : "This visit has ended"}>
          <PatientBanner patient={v.patient} />
          {v.startedAt && <p>Started {f.dateTime(v.startedAt)}{v.endedAt && <>, ended {f.dateTime(v.endedAt)}</>}.</p>}
        </Alert>
        <Link href={`/visits/${visitId}`} className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Back to the visit</Link>
      </div>
    );

  const room = snap?.room ?? null;
  const patient = room?.patient ?? null;
  const status = (room?.status ?? v.status) as VisitStatus;
  const act = async (name: string, f: () => Promise<{ ok: boolean; message?: string }>) => {
    setBusy(name);
    setActionError(null);
    const r = await f();
    setBusy(null);
    if (!r.ok) setActionError(r.message ?? "That did not work");
  };

  const liveLine =
    snap?.error?.code === "SERVER_BUSY" && (snap.phase === "connecting" || snap.phase === "reconnecting")
      ? snap.error.message
      : !snap || snap.phase === "connecting"
      ? "Connecting to the visit room…"
      : snap.phase === "reconnecting"
        ? "Connection to the server lost. Reconnecting…"
        : snap.phase === "failed" || snap.phase === "replaced"
          ? (snap.error?.message ?? snap.message ?? "Disconnected")
          : !patient
            ? "Waiting for the patient to join."
            : patient.presence === "reconnecting"
              ? `${patient.name}: reconnecting…`
              : status === "WAITING"
                ? `${patient.name} is waiting to be admitted.`
                : snap.linkState === "connected"
                  ? `In the visit with ${patient.name}.`
                  : snap.everConnected
                    ? `${patient.name}: reconnecting…`
                    : `Connecting to ${patient.name}…`;
  const remoteOverlay =
    !patient || status !== "IN_PROGRESS"
      ? "The patient's video appears here once admitted."
      : patient.presence === "reconnecting" || (snap?.everConnected && snap.linkState !== "connected")
        ? "Reconnecting…"
        : !patient.media.video
          ? "The patient's camera is off"
          : !snap?.remoteStream
            ? "Connecting video…"
            : null;

  const quality = snap?.quality ?? null;
  // the patient's camera's width / height, as received (exercise angles need it); 4:3 until the first frames are measured
  const frameAspect = quality?.width && quality.height ? quality.width / quality.height : 4 / 3;
  const live = !!call && status === "IN_PROGRESS";
  const endVisit = !confirmEnd ? (
    <Button variant="danger" onClick={() => setConfirmEnd(true)} disabled={!snap || snap.phase === "connecting"}>End visit</Button>
  ) : (
    <span className="flex items-center gap-2">
      <span className="text-sm">End the visit for both of you?</span>
      <Button variant="danger" busy={busy === "end"} onClick={() => call && act("end", () => call.end() as Promise<{ ok: boolean; message?: string }>)}>Yes, end visit</Button>
      <Button variant="secondary" onClick={() => setConfirmEnd(false)}>Cancel</Button>
    </span>
  );

  // One screen, no scrolling (a 1366×768 or 1440×900 laptop): the patient's video as large as the window allows, with the
  // skeleton and the exercise count over it; beside it the live panel (assessment or exercise: angle, count, chart, cues)
  // and the call controls; devices and connection details fold away.
  return (
    <div className="flex h-[calc(100dvh-4.75rem)] min-h-[34rem] flex-col gap-2" data-testid="visit-room" data-phase={snap?.phase ?? "loading"} data-link-state={snap?.linkState ?? "none"}>
      <header className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-1">
        <div className="min-w-0">
          <h1 className="truncate text-lg font-semibold leading-tight">{patientLabel}</h1>
          <p className="truncate text-xs text-slate-500">
            <PatientBanner patient={v.patient} className="inline text-xs" /> · {f.dateTime(v.scheduledAt)} · {v.durationMin} min{v.reason && <> · {v.reason}</>}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <span data-testid="room-status"><Badge tone={visitStatusTone[status] ?? "gray"}>{VISIT_STATUS_LABEL[status] ?? status}</Badge></span>
          <p role="status" aria-live="polite" className="text-sm font-medium text-slate-700" data-testid="room-live">{liveLine}</p>
        </div>
      </header>
      <VisitGateBanner visitId={visitId} />

      {patient && status === "WAITING" && (
        <Card className="border-amber-300 bg-amber-50">
          <div className="flex flex-wrap items-center justify-between gap-3" data-testid="waiting-patient">
            <div>
              <p className="font-medium">{patient.name} is in the waiting room{patient.presence === "reconnecting" ? " (reconnecting…)" : ""}</p>
              {patient.consentAt && <p className="text-xs text-slate-600">Consented to movement measurement at {f.dateTime(patient.consentAt)}</p>}
            </div>
            <div className="flex gap-2">
              <Button busy={busy === "admit"} onClick={() => call && act("admit", () => call.admit() as Promise<{ ok: boolean; message?: string }>)}>Admit {patient.name}</Button>
              <Button variant="secondary" busy={busy === "decline"} onClick={() => call && act("decline", () => call.decline() as Promise<{ ok: boolean; message?: string }>)}>Turn away</Button>
            </div>
          </div>
        </Card>
      )}
      {actionError && <Alert>{actionError}</Alert>}
      {snap?.phase === "failed" && snap.error?.code === "NOT_ASSIGNED" ? (
        <Alert tone="amber" title="Another therapist has this visit">
          <p>{snap.error.message}</p>
          <p className="mt-1">Taking it over makes you its therapist. The therapist who has it now is told at once, and the hand-over is recorded in the audit trail.</p>
          {takeOver.error && <p className="mt-1 font-medium">{describeError(takeOver.error).message}</p>}
          <Button className="mt-2" busy={takeOver.isPending} onClick={() => takeOver.mutate({ visitId })} data-testid="take-over">Take over the visit</Button>
        </Alert>
      ) : (snap?.phase === "replaced" || snap?.phase === "failed") && (
        <Alert tone="amber" title="This window is no longer connected to the visit">
          {snap.message ?? snap.error?.message}
          {snap.phase === "replaced" && <Button className="ml-3" variant="secondary" onClick={() => setGeneration((g) => g + 1)}>Use this window</Button>}
        </Alert>
      )}

      <div className="grid min-h-0 flex-1 gap-2 md:grid-cols-[minmax(0,1fr)_24rem] xl:grid-cols-[minmax(0,1fr)_28rem]">
        {/* square corners: a rounded clip over the live video, the skeleton and the self-view makes the compositor draw
            the whole stage twice for every frame where it runs on the CPU (VideoTile's `rounded`) */}
        <div className="relative min-h-[16rem] overflow-hidden bg-slate-900" data-testid="video-stage">
          <div className="absolute inset-0">
            <VideoTile stream={snap?.remoteStream ?? null} label={patient?.name ?? "Patient"} testId="remote-video" overlay={remoteOverlay} rounded={false} className="h-full w-full" />
          </div>
          {status === "IN_PROGRESS" && snap?.remoteStream && (
            <LiveSkeleton feed={feed} {...videoSize(snap.remoteStream)} />
          )}
          {tab === "exercise" && <ExerciseOverlay feed={exFeed} exercise={exercise} />}
          {patient && status === "IN_PROGRESS" && !patient.media.audio && (
            <p className="absolute left-3 top-3 rounded bg-black/60 px-2 py-1 text-xs text-white" data-testid="patient-muted">Patient muted</p>
          )}
          {patient && status === "IN_PROGRESS" && !patient.media.video && (
            <p className="absolute left-3 top-10 rounded bg-black/60 px-2 py-1 text-xs text-white" data-testid="patient-camera-off">Patient camera off</p>
          )}
          {/* the therapist's own picture: small, bottom right, clear of the patient's name label (bottom left) */}
          <div className="absolute bottom-2 right-2 w-36 xl:w-44">
            <VideoTile stream={media.stream} label="You" muted mirror testId="local-video" fit="cover"
              overlay={media.problem ? "No camera" : snap && !snap.media.video ? "Camera off" : null}
              className="aspect-video w-full shadow-lg ring-2 ring-white" />
          </div>
        </div>
        <aside className="flex min-h-0 flex-col gap-2">
          {live && (
            <div className="flex min-h-0 flex-1 flex-col gap-2 overflow-y-auto rounded-lg border border-slate-200 bg-white p-2 shadow-sm" data-testid="live-panel">
              <div role="tablist" aria-label="What to run" className="flex gap-1 rounded-md bg-slate-100 p-0.5 text-sm">
                {(["assessment", "exercise"] as const).map((t) => (
                  <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)} data-testid={`tab-${t}`}
                    className={`flex-1 rounded px-2 py-1 font-medium ${tab === t ? "bg-white text-brand-700 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}>
                    {t === "assessment" ? "Assessment" : "Exercises"}
                  </button>
                ))}
              </div>
              <div className={tab === "assessment" ? "contents" : "hidden"}><AssessmentPanel call={call} visitId={visitId} feed={feed} /></div>
              <div className={tab === "exercise" ? "contents" : "hidden"}><ExercisePanel call={call} visitId={visitId} feed={feed} exFeed={exFeed} frameAspect={frameAspect} onExercise={setExercise} /></div>
            </div>
          )}
          <div className="flex flex-wrap items-center gap-2">
            {snap && <MediaToggles media={snap.media} onChange={(m) => call?.setMedia(m)} />}
            {endVisit}
          </div>
          {/* During a live visit the side panel's space belongs to the assessment or exercise: a camera problem is then one
              line in the summary below, its help and "Try again" inside it (at 1366x768 the full notice pushed "Stop and
              save" below the panel's fold). Before the patient is in, the notice is shown whole. */}
          {media.problem && !live && <Alert tone="amber" title={MEDIA_HELP[media.problem].title}>{MEDIA_HELP[media.problem].help}</Alert>}
          <details className={`rounded-lg border border-slate-200 bg-white text-sm ${live ? "" : "flex-1"}`} open={!live}>
            <summary className="cursor-pointer px-3 py-1.5 font-medium text-slate-700">
              Connection, camera and microphone
              {media.problem && live && <span className="font-normal text-amber-800"> · {MEDIA_HELP[media.problem].title}</span>}
            </summary>
            <div className="space-y-3 p-3 pt-1">
              {media.problem && live && <p className="text-amber-900">{MEDIA_HELP[media.problem].help}</p>}
              <QualityIndicator q={quality} linkState={snap?.linkState ?? "none"} />
              <DevicePickers cameras={devices.cameras} mics={devices.mics}
                cameraId={media.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? media.choice.cameraId}
                micId={media.stream?.getAudioTracks()[0]?.getSettings().deviceId ?? media.choice.micId}
                onChange={media.setChoice} disabled={media.busy} />
              {media.problem && <Button variant="secondary" onClick={media.retry}>Try again</Button>}
            </div>
          </details>
        </aside>
      </div>
    </div>
  );
}
