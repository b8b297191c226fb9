"use client";
// Pose lab (therapists): your own camera through the pose measurement engine — skeleton overlay, live angles,
// analysed frames per second and per-frame time, camera-placement guidance, model choice and neutral calibration.
import { useState } from "react";
import { AngleReadouts, GuidancePanel, PerfStats, SkeletonOverlay } from "@/app/_components/pose";
import { Alert, Button, Card, PageHeader, Select, Spinner } from "@/app/_components/ui";
import { useCamera, usePoseTracker } from "@/app/_lib/pose/usePoseTracker";
import type { ModelChoice } from "@/app/_lib/pose/tracker";
import { useMe } from "@/app/_lib/trpc";
import { MEASURES, type MeasureKey } from "@/app/_shared/pose/measures";
import { readiness } from "@/app/_shared/pose/readiness";

const LAB_ROLES: ReadonlyArray<string> = ["THERAPIST"];
const VIEW_MEASURES: Record<"sagittal" | "frontal" | "any", readonly MeasureKey[]> = {
  sagittal: ["trunkFlexion", "hipFlexionL", "hipFlexionR", "kneeFlexionL", "kneeFlexionR", "headForward", "sway", "trunkRotation"],
  frontal: ["lateralFlexion", "shoulderTilt", "pelvicTilt", "trunkRotation", "sway"],
  any: MEASURES,
};

export default function PoseLabPage() {
  const { me, isLoading } = useMe();
  if (isLoading || me === undefined) return <Spinner />;
  if (!me || !LAB_ROLES.includes(me.role)) {
    return (
      <>
        <PageHeader title="Pose lab" />
        <Alert tone="amber" title="Therapists only">The pose lab is available to therapists.</Alert>
      </>
    );
  }
  return <Lab />;
}

function Lab() {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [model, setModel] = useState<ModelChoice>("auto");
  const [wantView, setWantView] = useState<"sagittal" | "frontal" | "any">("sagittal");
  const [mirrored, setMirrored] = useState(true);
  const [details, setDetails] = useState(false);
  const camera = useCamera(video);
  const pose = usePoseTracker(video, { enabled: !!camera.stream, model, wantView, mirrored });
  const { result, raw, stats } = pose;
  const ready = readiness(camera.stream ? stats : null);

  return (
    <>
      <PageHeader
        title="Pose lab"
        subtitle="Check the measurement engine on your own camera. Nothing is recorded or sent anywhere."
        actions={
          camera.stream ? (
            <Button variant="secondary" onClick={camera.stop}>Stop camera</Button>
          ) : (
            <Button onClick={() => void camera.start()} busy={camera.starting}>Start camera</Button>
          )
        }
      />
      {camera.error && <Alert title="Camera">{camera.error}</Alert>}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-3">
          <div className="relative mx-auto aspect-[4/3] w-full max-w-[calc((100dvh-15rem)*4/3)] overflow-hidden rounded-lg bg-slate-900">
            <video
              ref={setVideo}
              muted
              playsInline
              autoPlay
              className="absolute inset-0 h-full w-full object-contain"
              style={mirrored ? { transform: "scaleX(-1)" } : undefined}
              aria-label="Your camera"
            />
            <SkeletonOverlay landmarks={raw?.image ?? null} width={raw?.width ?? 640} height={raw?.height ?? 480} mirrored={mirrored} />
            {!camera.stream && (
              <div className="absolute inset-0 grid place-items-center text-sm text-slate-300">Start the camera to begin.</div>
            )}
            {camera.stream && stats?.state === "loading" && (
              <div className="absolute inset-x-0 top-0 bg-slate-900/70 px-3 py-2 text-sm text-white">Loading the pose model…</div>
            )}
            {pose.calibrating && (
              <div className="absolute inset-x-0 bottom-0 bg-brand-700/85 px-3 py-2 text-sm font-medium text-white">
                Stand still and upright… {Math.round((stats?.calibrating ?? 0) * 100)}%
              </div>
            )}
          </div>
          <div className="flex flex-wrap items-end gap-3">
            <Select label="Model" value={model} onChange={(e) => setModel(e.target.value as ModelChoice)} className="min-w-52">
              <option value="auto">Automatic (warm-up)</option>
              <option value="lite">Lite (fastest)</option>
              <option value="full">Full (more accurate)</option>
            </Select>
            <Select label="Measuring" value={wantView} onChange={(e) => setWantView(e.target.value as typeof wantView)} className="min-w-64">
              <option value="sagittal">Flexion/extension (side view)</option>
              <option value="frontal">Lateral flexion (front view)</option>
              <option value="any">Everything</option>
            </Select>
            <label className="flex items-center gap-2 pb-2 text-sm">
              <input type="checkbox" checked={mirrored} onChange={(e) => setMirrored(e.target.checked)} /> Mirror preview
            </label>
            <Button variant="secondary" disabled={!camera.stream || pose.calibrating} onClick={() => void pose.calibrate(2500)}>
              Calibrate neutral (2.5 s)
            </Button>
            {pose.calibration?.ok && (
              <Button variant="secondary" onClick={pose.clearCalibration}>Clear calibration</Button>
            )}
          </div>
          {pose.calibration && (
            <p className={`text-sm ${pose.calibration.ok ? "text-emerald-700" : "text-rose-700"}`} role="status">
              {pose.calibration.ok
                ? `Calibrated: camera tilt ${pose.calibration.calibration.rollDeg.toFixed(1)}° removed from later angles (stance steadiness ±${pose.calibration.calibration.sdDeg.toFixed(1)}°).`
                : pose.calibration.message}
            </p>
          )}
        </div>
        <div className="space-y-4">
          <Card title="Is this computer ready?">
            <div role="status" aria-live="polite" data-testid="readiness" data-verdict={ready.verdict}
              className={`rounded-md px-3 py-2 text-sm font-medium ${ready.verdict === "ready" ? "bg-emerald-50 text-emerald-900" : ready.verdict === "checking" ? "bg-slate-50 text-slate-700" : "bg-amber-50 text-amber-900"}`}>
              {ready.verdict === "ready" ? "✓ " : ""}{ready.text}
              {"advice" in ready && <span className="mt-1 block font-normal">{ready.advice}</span>}
            </div>
            <button type="button" aria-expanded={details} aria-controls="perf-details" onClick={() => setDetails((d) => !d)}
              className="mt-3 text-xs font-medium text-brand-700 hover:underline">
              {details ? "Hide technical details" : "Show technical details (for developers)"}
            </button>
            <div id="perf-details" hidden={!details} className="mt-2">
              <PerfStats stats={stats} />
            </div>
          </Card>
          <Card title="Camera placement">
            <GuidancePanel guidance={result?.guidance ?? null} />
          </Card>
          <Card title="Angles">
            <AngleReadouts result={result} measures={VIEW_MEASURES[wantView]} />
            <p className="mt-2 text-xs text-slate-500">
              Changes under 5° are within measurement error. Rotation from one camera is only an estimate.
            </p>
          </Card>
        </div>
      </div>
    </>
  );
}
