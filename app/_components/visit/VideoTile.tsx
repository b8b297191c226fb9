"use client";
import { useEffect, useRef } from "react";
import { videoOnly } from "../../_lib/realtime/media";

/** A <video> showing a MediaStream, with a label and an overlay message (camera off, reconnecting…). */
export function VideoTile({
  stream, label, muted = false, mirror = false, overlay, className = "", testId, fit = "contain",
}: {
  stream: MediaStream | null;
  label: string;
  muted?: boolean;
  mirror?: boolean;
  overlay?: string | null;
  className?: string;
  testId?: string;
  fit?: "contain" | "cover";
}) {
  const ref = useRef<HTMLVideoElement>(null);
  // A muted tile (a self-view) plays no sound: it gets the video tracks only (see videoOnly), so it runs no audio renderer.
  const shown = stream && muted ? videoOnly(stream) : stream;
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== shown) v.srcObject = shown;
    if (shown) void v.play().catch(() => {});
  }, [shown]);
  // Let go of the stream when the tile goes: a detached <video> keeps its player (and audio renderer) until collected.
  useEffect(() => {
    const v = ref.current;
    return () => {
      if (v) v.srcObject = null;
    };
  }, []);
  return (
    <figure className={`relative overflow-hidden rounded-lg bg-slate-900 ${className}`}>
      <video
        ref={ref}
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
