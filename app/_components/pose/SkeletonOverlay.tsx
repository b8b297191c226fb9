"use client";
import { useEffect, useRef } from "react";
import { type Landmark, POSE_CONNECTIONS, seen } from "@/app/_shared/pose/landmarks";

/**
 * Draws the pose skeleton on a canvas laid exactly over a <video> (same box, object-fit: contain). Landmarks are the
 * normalised image landmarks of the analysed frame; `mirrored` must match the video's CSS mirroring.
 */
export function SkeletonOverlay({
  landmarks,
  width,
  height,
  mirrored = false,
  minVisibility = 0.5,
  className = "",
}: {
  landmarks: Landmark[] | null;
  /** intrinsic video size */
  width: number;
  height: number;
  mirrored?: boolean;
  minVisibility?: number;
  className?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c || !width || !height) return;
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
    const ctx = c.getContext("2d");
    if (ctx) drawSkeleton(ctx, landmarks, width, height, mirrored, minVisibility);
  }, [landmarks, width, height, mirrored, minVisibility]);
  return <canvas ref={ref} aria-hidden className={`pointer-events-none absolute inset-0 h-full w-full object-contain ${className}`} />;
}

/**
 * Draws the skeleton of `landmarks` (normalised image landmarks, null = none) on a 2D context of a canvas whose pixel
 * size is `width` x `height`, clearing it first. `mirrored` flips x as a mirrored self-view does.
 */
export function drawSkeleton(ctx: CanvasRenderingContext2D, landmarks: Landmark[] | null, width: number, height: number, mirrored = false, minVisibility = 0.5) {
  ctx.clearRect(0, 0, width, height);
  if (!landmarks) return;
  const X = (l: Landmark) => (mirrored ? 1 - l.x : l.x) * width;
  const Y = (l: Landmark) => l.y * height;
  const lw = Math.max(2, width / 220);
  ctx.lineCap = "round";
  for (const [a, b] of POSE_CONNECTIONS) {
    const p = landmarks[a], q = landmarks[b];
    if (!p || !q) continue;
    const v = Math.min(seen(p), seen(q));
    ctx.strokeStyle = v >= minVisibility ? "rgba(20, 184, 166, 0.95)" : "rgba(251, 191, 36, 0.55)";
    ctx.lineWidth = lw;
    ctx.beginPath();
    ctx.moveTo(X(p), Y(p));
    ctx.lineTo(X(q), Y(q));
    ctx.stroke();
  }
  for (const l of landmarks) {
    const v = seen(l);
    ctx.fillStyle = v >= minVisibility ? "#ffffff" : "rgba(251, 191, 36, 0.7)";
    ctx.strokeStyle = "#0f766e";
    ctx.lineWidth = lw / 2;
    ctx.beginPath();
    ctx.arc(X(l), Y(l), lw * 1.3, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
  // trunk line (mid-hip -> mid-shoulder), the basis of the trunk angles
  const [ls, rs, lh, rh] = [landmarks[11], landmarks[12], landmarks[23], landmarks[24]];
  if (ls && rs && lh && rh) {
    const mx = (a: Landmark, b: Landmark) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, z: 0 });
    const s = mx(ls, rs), h = mx(lh, rh);
    ctx.strokeStyle = "rgba(244, 63, 94, 0.95)";
    ctx.lineWidth = lw * 1.4;
    ctx.beginPath();
    ctx.moveTo(X(h), Y(h));
    ctx.lineTo(X(s), Y(s));
    ctx.stroke();
  }
}
