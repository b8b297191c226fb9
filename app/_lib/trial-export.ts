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
  downloadBlob(filename, new Blob([text], { type }));
}

/** Saves bytes sent as base64 (the PDF report) as a file. */
export function downloadBase64(filename: string, base64: string, type: string) {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  downloadBlob(filename, new Blob([bytes], { type }));
}

function downloadBlob(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
