"use client";
// The exercise's demonstration: its keyframes (app/_shared/exercises/skeleton.ts) animated as the same skeleton the
// patient sees over their own picture. No video hosting: a few poses interpolated in the browser.
import { useEffect, useRef } from "react";
import { type Demo, demoLandmarksAt } from "../../_shared/exercises/skeleton";
import { drawSkeleton } from "../review/skeleton-replay";

export function DemoAnimation({ demo, title, className = "" }: { demo: Demo; title: string; className?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const reduce = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    const aspect = c.width / c.height;
    let raf = 0;
    const t0 = performance.now();
    const draw = () => {
      const tS = reduce ? 0 : (performance.now() - t0) / 1000;
      ctx.fillStyle = "#f8fafc";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.strokeStyle = "#cbd5e1";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(0, c.height * 0.93);
      ctx.lineTo(c.width, c.height * 0.93);
      ctx.stroke();
      const lm = demoLandmarksAt(demo, tS, { aspect, scale: demo.view === "side" ? 0.72 : 0.78, floorY: 0.92 });
      drawSkeleton(ctx, lm.flatMap((l) => [l.x, l.y, l.visibility ?? 1]), c.width, c.height, { minVis: 0.3 });
      if (!reduce) raf = requestAnimationFrame(draw);
    };
    draw();
    return () => cancelAnimationFrame(raf);
  }, [demo]);
  return <canvas ref={ref} width={480} height={320} role="img" aria-label={`Demonstration: ${title}`} data-testid="exercise-demo" className={`w-full rounded-md border border-slate-200 bg-slate-50 ${className}`} />;
}
