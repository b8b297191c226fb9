"use client";
import type { MediaState } from "../../_shared/protocol";
import { Select } from "../ui";

export function MicMeter({ level, label = "Microphone level" }: { level: number; label?: string }) {
  const pct = Math.round(level * 100);
  return (
    <div className="flex items-center gap-2">
      <span className="text-xs text-slate-600">{label}</span>
      <div role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-2 w-40 overflow-hidden rounded bg-slate-200">
        <div className={`h-full transition-[width] duration-75 ${pct > 8 ? "bg-emerald-500" : "bg-slate-400"}`} style={{ width: `${Math.max(2, pct)}%` }} />
      </div>
    </div>
  );
}

export function DevicePickers({
  cameras, mics, cameraId, micId, onChange, disabled,
}: {
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
  cameraId?: string;
  micId?: string;
  onChange: (c: { cameraId?: string; micId?: string }) => void;
  disabled?: boolean;
}) {
  return (
    // Two columns only where the box is wide enough for device names (a container query, not the window width):
    // in the visit room's narrow side panel they stack, so "fake_device_0" is not cut to "fake_devic".
    <div className="@container">
      <div className="grid gap-3 @md:grid-cols-2">
        <Select label="Camera" value={cameraId ?? ""} disabled={disabled || !cameras.length} onChange={(e) => onChange({ cameraId: e.target.value || undefined, micId })}>
          {!cameras.length && <option value="">No camera found</option>}
          {cameras.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>{d.label || `Camera ${i + 1}`}</option>
          ))}
        </Select>
        <Select label="Microphone" value={micId ?? ""} disabled={disabled || !mics.length} onChange={(e) => onChange({ cameraId, micId: e.target.value || undefined })}>
          {!mics.length && <option value="">No microphone found</option>}
          {mics.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>{d.label || `Microphone ${i + 1}`}</option>
          ))}
        </Select>
      </div>
    </div>
  );
}

/** Mute / camera toggles: real toggle buttons (aria-pressed), keyboard-reachable. */
export function MediaToggles({ media, onChange, children }: { media: MediaState; onChange: (m: Partial<MediaState>) => void; children?: React.ReactNode }) {
  const btn = (on: boolean) =>
    `rounded-full px-4 py-2 text-sm font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 ${on ? "bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50" : "bg-red-600 text-white hover:bg-red-700"}`;
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Call controls">
      <button type="button" className={btn(media.audio)} aria-pressed={!media.audio} onClick={() => onChange({ audio: !media.audio })}>
        {media.audio ? "Mute" : "Unmute"}
      </button>
      <button type="button" className={btn(media.video)} aria-pressed={!media.video} onClick={() => onChange({ video: !media.video })}>
        {media.video ? "Turn camera off" : "Turn camera on"}
      </button>
      {children}
    </div>
  );
}
