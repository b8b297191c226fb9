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

/**
 * Measures read from one and the same image angle (the mid-hip -> mid-shoulder line from vertical): only the view
 * says which movement that angle is. Side-on it is flexion/extension, from the front side bending; from an oblique
 * camera it is a mix of both that no single image can split, so neither is reported (reporting both gave the same
 * image angle as, say, +39.8 deg flexion and -39.8 deg lateral flexion at confidence 0.5 each).
 */
export const TRUNK_IMAGE_ANGLE: readonly MeasureKey[] = ["trunkFlexion", "lateralFlexion"];

/**
 * Why `measure` is not reported in `view`, in words for the therapist; null when the view allows it (perhaps at a
 * lower confidence, see viewFactor).
 */
export function withheldReason(measure: MeasureKey, view: View): string | null {
  const need = MEASURE_INFO[measure].view;
  if (need === "any" || view === need) return null;
  if (view === "oblique")
    return TRUNK_IMAGE_ANGLE.includes(measure)
      ? "The camera sees the patient at an angle: from there bending forward and bending sideways look the same. Side-on for flexion and extension, facing the camera for side bending."
      : null;
  if (view === "unknown") return "The camera view is not known yet.";
  return need === "sagittal" ? "Not measurable from the front: the patient should turn side-on." : "Not measurable from the side: the patient should face the camera.";
}

/** How suitable a view is for a measure (multiplies the confidence; 0 = no value at all, see withheldReason). */
export function viewFactor(measure: MeasureKey, view: View): number {
  const need = MEASURE_INFO[measure].view;
  if (need === "any") return view === "unknown" ? 0.5 : 1;
  if (view === need) return 1;
  if (withheldReason(measure, view)) return 0;
  return 0.5; // oblique: foreshortened, but no other measure reads the same angle
}

export const emptyMeasures = (): MeasureValues =>
  Object.fromEntries(MEASURES.map((k) => [k, null])) as MeasureValues;
