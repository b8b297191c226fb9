// The versioned catalogue of the low-back-pain movement exam (data, not UI). Order follows the
// suggested telehealth lumbar exam in the clinical reference. Normal ranges cite their source; a
// protocol without a normative range says so and is compared across visits only.
import type { MeasureKey } from "../pose/measures";

export const CATALOGUE_VERSION = 1;

export type CameraView = "SAGITTAL" | "FRONTAL";
export type RepDetection =
  /** repetitions are excursions of the primary measure (times `direction`) above `threshold` degrees, ending below `threshold - hysteresis` */
  | { kind: "peaks"; threshold: number; hysteresis: number; minRepMs: number }
  /** one continuous hold (posture, walking): the summary reports mean and spread over the window */
  | { kind: "hold"; durationS: number };

export type NormalRange = { min: number; max: number; source: string; note?: string };

export type Protocol = {
  key: string;
  version: number;
  title: string;
  view: CameraView;
  /** +1: the movement increases the primary measure; -1: it decreases it (e.g. extension) */
  direction: 1 | -1;
  side: "LEFT" | "RIGHT" | null;
  primary: MeasureKey;
  measures: MeasureKey[];
  reps: number;
  detection: RepDetection;
  instructions: string[];
  /** a short sentence spoken before recording */
  spoken: string;
  normal: NormalRange | null;
  estimate?: boolean;
};

const MAGEE = "Magee, Orthopedic Physical Assessment (lumbar AROM)";
const flexTrunk: MeasureKey[] = ["trunkFlexion", "hipFlexionL", "hipFlexionR", "kneeFlexionL", "kneeFlexionR"];
const frontal: MeasureKey[] = ["lateralFlexion", "shoulderTilt", "pelvicTilt", "trunkRotation"];

export const PROTOCOLS: Protocol[] = [
  {
    key: "posture", version: 1, title: "Standing posture", view: "SAGITTAL", direction: 1, side: null,
    primary: "trunkFlexion", measures: ["trunkFlexion", "headForward", "sway", "kneeFlexionL", "kneeFlexionR"],
    reps: 1, detection: { kind: "hold", durationS: 10 },
    instructions: ["Stand side-on to the camera, your right side facing it.", "Stand relaxed, arms by your sides, looking straight ahead.", "Stay still until the recording ends (10 seconds)."],
    spoken: "Stand relaxed and still, looking straight ahead.",
    normal: null,
  },
  {
    key: "trunk-flexion", version: 1, title: "Trunk flexion (bend forward)", view: "SAGITTAL", direction: 1, side: null,
    primary: "trunkFlexion", measures: flexTrunk, reps: 3, detection: { kind: "peaks", threshold: 20, hysteresis: 8, minRepMs: 800 },
    instructions: ["Stand side-on to the camera, feet hip-width apart, knees straight.", "Slowly bend forward as far as is comfortable, letting your arms hang.", "Come back up slowly. Repeat 3 times. Stop if pain increases sharply."],
    spoken: "Slowly bend forward as far as is comfortable, then come back up. Three times.",
    normal: { min: 90, max: 120, source: "Laird et al. 2019 (whole-trunk hip-to-shoulder line; ~111° without LBP, ~93° with LBP; indicative)" },
  },
  {
    key: "trunk-extension", version: 1, title: "Trunk extension (bend backward)", view: "SAGITTAL", direction: -1, side: null,
    primary: "trunkFlexion", measures: flexTrunk, reps: 3, detection: { kind: "peaks", threshold: 8, hysteresis: 4, minRepMs: 800 },
    instructions: ["Stand side-on to the camera, hands on your hips.", "Slowly lean backward as far as is comfortable, keeping your knees straight.", "Come back to upright. Repeat 3 times."],
    spoken: "Hands on your hips. Slowly lean backward, then come back up. Three times.",
    normal: { min: 20, max: 35, source: MAGEE },
  },
  {
    key: "lateral-flexion-left", version: 1, title: "Lateral flexion left", view: "FRONTAL", direction: -1, side: "LEFT",
    primary: "lateralFlexion", measures: frontal, reps: 3, detection: { kind: "peaks", threshold: 8, hysteresis: 4, minRepMs: 800 },
    instructions: ["Face the camera, feet hip-width apart.", "Slide your left hand down the side of your left leg as far as is comfortable, without leaning forward.", "Come back to upright. Repeat 3 times."],
    spoken: "Face the camera. Slide your left hand down your left leg, then come back up. Three times.",
    normal: { min: 15, max: 30, source: MAGEE },
  },
  {
    key: "lateral-flexion-right", version: 1, title: "Lateral flexion right", view: "FRONTAL", direction: 1, side: "RIGHT",
    primary: "lateralFlexion", measures: frontal, reps: 3, detection: { kind: "peaks", threshold: 8, hysteresis: 4, minRepMs: 800 },
    instructions: ["Face the camera, feet hip-width apart.", "Slide your right hand down the side of your right leg as far as is comfortable, without leaning forward.", "Come back to upright. Repeat 3 times."],
    spoken: "Face the camera. Slide your right hand down your right leg, then come back up. Three times.",
    normal: { min: 15, max: 30, source: MAGEE },
  },
  {
    key: "rotation-left", version: 1, title: "Rotation left (estimate)", view: "FRONTAL", direction: -1, side: "LEFT",
    primary: "trunkRotation", measures: ["trunkRotation", "lateralFlexion"], reps: 3, detection: { kind: "peaks", threshold: 6, hysteresis: 3, minRepMs: 800 },
    instructions: ["Face the camera, arms crossed over your chest.", "Keep your hips facing forward and turn your shoulders to the left as far as is comfortable.", "Return to the middle. Repeat 3 times."],
    spoken: "Arms crossed. Turn your shoulders to the left, then back to the middle. Three times.",
    normal: { min: 10, max: 35, source: `${MAGEE}, with thoracic contribution`, note: "Rotation from one camera is an estimate" },
    estimate: true,
  },
  {
    key: "rotation-right", version: 1, title: "Rotation right (estimate)", view: "FRONTAL", direction: 1, side: "RIGHT",
    primary: "trunkRotation", measures: ["trunkRotation", "lateralFlexion"], reps: 3, detection: { kind: "peaks", threshold: 6, hysteresis: 3, minRepMs: 800 },
    instructions: ["Face the camera, arms crossed over your chest.", "Keep your hips facing forward and turn your shoulders to the right as far as is comfortable.", "Return to the middle. Repeat 3 times."],
    spoken: "Arms crossed. Turn your shoulders to the right, then back to the middle. Three times.",
    normal: { min: 10, max: 35, source: `${MAGEE}, with thoracic contribution`, note: "Rotation from one camera is an estimate" },
    estimate: true,
  },
  {
    key: "squat", version: 1, title: "Squat", view: "SAGITTAL", direction: 1, side: null,
    primary: "kneeFlexionR", measures: ["kneeFlexionR", "kneeFlexionL", "hipFlexionR", "hipFlexionL", "trunkFlexion"],
    reps: 3, detection: { kind: "peaks", threshold: 30, hysteresis: 10, minRepMs: 800 },
    instructions: ["Stand side-on to the camera, feet shoulder-width apart, arms forward.", "Squat down as if sitting on a chair, as far as is comfortable, heels on the floor.", "Stand back up. Repeat 3 times."],
    spoken: "Squat down as if sitting on a chair, then stand up. Three times.",
    normal: null,
  },
  {
    key: "gait", version: 1, title: "Walking, side-on", view: "SAGITTAL", direction: 1, side: null,
    primary: "trunkFlexion", measures: ["trunkFlexion", "hipFlexionL", "hipFlexionR", "kneeFlexionL", "kneeFlexionR"],
    reps: 1, detection: { kind: "hold", durationS: 10 },
    instructions: ["Make room to walk a few steps across the camera's view.", "Walk slowly side-on past the camera and back, at your normal pace.", "Keep walking until the recording ends (10 seconds)."],
    spoken: "Walk slowly across the room and back at your normal pace.",
    normal: null,
  },
];

export const PROTOCOL_KEYS = PROTOCOLS.map((p) => p.key) as [string, ...string[]];
export function protocolByKey(key: string): Protocol | undefined {
  return PROTOCOLS.find((p) => p.key === key);
}

/** Changes smaller than this are within the measurement error (clinical reference: MDC ~3–15°). */
export const MEASUREMENT_ERROR_DEG = 5;
