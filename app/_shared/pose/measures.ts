// The measures PoseVisit reports, in a fixed order (this order is also the binary sample layout).
import type { View } from "./angles";

export const MEASURES = [
  "trunkFlexion",
  "lateralFlexion",
  "trunkRotation",
  "hipFlexionL",
  "hipFlexionR",
  "kneeFlexionL",
  "kneeFlexionR",
  "headForward",
  "shoulderTilt",
  "pelvicTilt",
  "sway",
] as const;
export type MeasureKey = (typeof MEASURES)[number];
export type MeasureValues = Record<MeasureKey, number | null>;

export interface MeasureInfo {
  label: string;
  /** what + means */
  positive: string;
  /** the view the measure needs; "any" = both */
  view: "sagittal" | "frontal" | "any";
  /** from one camera this is only an estimate */
  estimate?: boolean;
  unit: "deg";
}

export const MEASURE_INFO: Record<MeasureKey, MeasureInfo> = {
  trunkFlexion: { label: "Trunk flexion", positive: "forward", view: "sagittal", unit: "deg" },
  lateralFlexion: { label: "Lateral flexion", positive: "to the right", view: "frontal", unit: "deg" },
  trunkRotation: { label: "Trunk rotation", positive: "to the right", view: "any", estimate: true, unit: "deg" },
  hipFlexionL: { label: "Hip flexion L", positive: "flexion", view: "sagittal", unit: "deg" },
  hipFlexionR: { label: "Hip flexion R", positive: "flexion", view: "sagittal", unit: "deg" },
  kneeFlexionL: { label: "Knee flexion L", positive: "flexion", view: "sagittal", unit: "deg" },
  kneeFlexionR: { label: "Knee flexion R", positive: "flexion", view: "sagittal", unit: "deg" },
  headForward: { label: "Head forward", positive: "ear ahead of shoulder", view: "sagittal", unit: "deg" },
  shoulderTilt: { label: "Shoulder tilt", positive: "right lower", view: "frontal", unit: "deg" },
  pelvicTilt: { label: "Pelvic tilt (frontal)", positive: "right lower", view: "frontal", unit: "deg" },
  sway: { label: "Standing sway (SD, 5 s)", positive: "more sway", view: "any", unit: "deg" },
};

/** How suitable a view is for a measure (multiplies the confidence; 0 = no value at all). */
export function viewFactor(measure: MeasureKey, view: View): number {
  const need = MEASURE_INFO[measure].view;
  if (need === "any") return view === "unknown" ? 0.5 : 1;
  if (view === need) return 1;
  if (view === "oblique") return 0.5;
  return 0;
}

export const emptyMeasures = (): MeasureValues =>
  Object.fromEntries(MEASURES.map((k) => [k, null])) as MeasureValues;
