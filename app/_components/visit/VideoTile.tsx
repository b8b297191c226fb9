"use client";
import { useState } from "react";
import { useVideoSource } from "../../_lib/realtime/hooks";

/** A <video> showing a MediaStream, with a label and an overlay message (camera off, reconnecting…). */
export function VideoTile({
  stream, label, muted = false, mirror = false, overlay, className = "", testId, fit = "contain", rounded = true,
}: {
  stream: MediaStream | null;
  label: string;
  muted?: boolean;
  mirror?: boolean;
  overlay?: string | null;
  className?: string;
  testId?: string;
  fit?: "contain" | "cover";
  /**
   * Rounded corners (default). A rounded clip over a video and the layers above it costs the compositor a second
   * render pass over the whole picture for every frame where it composites on the CPU (no GPU: in bench:stream the
   * therapist's compositor took 0.32-0.41 cores with the rounded stage, 0.10-0.13 without); the therapist's large live
   * picture is square for that reason.
   */
  rounded?: boolean;
}) {
  const [el, setEl] = useState<HTMLVideoElement | null>(null);
  // A muted tile is a self-view: it plays no sound, so it gets the camera alone.
  useVideoSource(el, stream, muted);
  return (
    <figure className={`relative overflow-hidden ${rounded ? "rounded-lg" : ""} bg-slate-900 ${className}`}>
      <video
        ref={setEl}
        data-testid={testId}
        autoPlay
        playsInline
        muted={muted}
        aria-label={label}
        className={`h-full w-full ${fit === "cover" ? "object-cover" : "object-contain"} ${mirror ? "-scale-x-100" : ""}`}
      />
      <figcaption className="absolute bottom-2 left-2 rounded bg-black/60 px-2 py-0.5 text-xs font-medium text-white">{label}</figcaption>
      {overlay && (
        <div className="absolute inset-0 flex items-center justify-center bg-slate-900/70 p-4 text-center text-sm font-medium text-white" role="status">
          {overlay}
        </div>
      )}
    </figure>
  );
}
