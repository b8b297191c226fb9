"use client";
// Replays a trial's stored landmarks as a skeleton, with play/pause and a scrubber.
import { useEffect, useRef, useState } from "react";
import { POSE_CONNECTIONS } from "../../_shared/pose/landmarks";
import type { PoseSample } from "../../_shared/pose/sample";

export function drawSkeleton(ctx: CanvasRenderingContext2D, landmarks: readonly number[], w: number, h: number, opts: { color?: string; minVis?: number } = {}) {
  const { color = "#0f6f66", minVis = 0.4 } = opts;
  const p = (i: number) => ({ x: landmarks[3 * i]! * w, y: landmarks[3 * i + 1]! * h, vis: landmarks[3 * i + 2] ?? 0 });
  ctx.lineWidth = Math.max(2, w / 200);
  ctx.strokeStyle = color;
  ctx.lineCap = "round";
  for (const [a, b] of POSE_CONNECTIONS) {
    const A = p(a), B = p(b);
    if (A.vis < minVis || B.vis < minVis || !Number.isFinite(A.x + A.y + B.x + B.y)) continue;
    ctx.beginPath();
    ctx.moveTo(A.x, A.y);
    ctx.lineTo(B.x, B.y);
    ctx.stroke();
  }
  ctx.fillStyle = "#f59e0b";
  for (let i = 0; i < landmarks.length / 3; i++) {
    const A = p(i);
    if (A.vis < minVis || !Number.isFinite(A.x + A.y)) continue;
    ctx.beginPath();
    ctx.arc(A.x, A.y, Math.max(2.5, w / 180), 0, Math.PI * 2);
    ctx.fill();
  }
}

export function SkeletonReplay({ samples, onTime }: { samples: readonly PoseSample[]; onTime?: (t: number) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [i, setI] = useState(0);
  const [playing, setPlaying] = useState(false);
  const t0 = samples[0]?.t ?? 0;

  useEffect(() => {
    const c = canvas.current, s = samples[i];
    if (!c || !s) return;
    const ctx = c.getContext("2d")!;
    ctx.fillStyle = "#0f172a";
    ctx.fillRect(0, 0, c.width, c.height);
    drawSkeleton(ctx, s.landmarks, c.width, c.height);
    onTime?.(s.t);
  }, [i, samples, onTime]);

  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    const startWall = performance.now(), startT = samples[i]?.t ?? t0;
    const tick = () => {
      const target = startT + (performance.now() - startWall);
      let j = i;
      while (j + 1 < samples.length && samples[j + 1]!.t <= target) j++;
      setI(j);
      if (j + 1 >= samples.length) setPlaying(false);
      else raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing]);

  if (!samples.length) return <p className="text-sm text-slate-500">No samples stored.</p>;
  return (
    <div className="flex flex-col gap-2">
      <canvas ref={canvas} width={640} height={480} className="aspect-[4/3] w-full rounded-md bg-slate-900" aria-label="Skeleton replay" />
      <div className="flex items-center gap-3">
        <button type="button" onClick={() => { if (i + 1 >= samples.length) setI(0); setPlaying((p) => !p); }}
          className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white">{playing ? "Pause" : "Play"}</button>
        <label className="sr-only" htmlFor="replay-pos">Position</label>
        <input id="replay-pos" type="range" min={0} max={samples.length - 1} value={i} onChange={(e) => { setPlaying(false); setI(Number(e.target.value)); }} className="flex-1" />
        <span className="w-16 text-right font-mono text-xs">{((samples[i]!.t - t0) / 1000).toFixed(1)} s</span>
      </div>
    </div>
  );
}
