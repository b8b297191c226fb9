// CSV export of a trial's samples: one row per stored sample, every measure and landmark.
import { MEASURES } from "../_shared/pose/measures";
import { LANDMARK_NAMES } from "../_shared/pose/landmarks";
import type { PoseSample } from "../_shared/pose/sample";

export function samplesToCsv(samples: readonly PoseSample[]): string {
  const head = ["t_ms", "view", "confidence", ...MEASURES.flatMap((m) => [`${m}_deg`, `${m}_conf`]), ...LANDMARK_NAMES.flatMap((n) => [`${n}_x`, `${n}_y`, `${n}_vis`])];
  const num = (v: number | null | undefined, d: number) => (v === null || v === undefined || !Number.isFinite(v) ? "" : v.toFixed(d));
  const rows = samples.map((s) =>
    [
      String(Math.round(s.t)), s.view, num(s.confidence, 3),
      ...MEASURES.flatMap((m) => [num(s.angles[m], 2), num(s.conf[m], 3)]),
      ...s.landmarks.map((v, i) => num(v, i % 3 === 2 ? 3 : 5)),
    ].join(","),
  );
  return [head.join(","), ...rows].join("\r\n") + "\r\n";
}

export function downloadText(filename: string, text: string, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
