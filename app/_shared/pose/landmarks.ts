// BlazePose / MediaPipe PoseLandmarker landmark model: 33 points. "Left"/"right" are the SUBJECT's left/right
// (for an un-mirrored camera frame). Image landmarks are normalised to the frame: x in [0,1] left->right of the
// frame width, y in [0,1] top->bottom of the frame height (so one unit of x is NOT one unit of y unless the frame is
// square: multiply by width/height before measuring angles). World landmarks are metres, origin at the hip centre,
// x to the image right, y DOWN, z away from the camera.

export const LM = {
  nose: 0,
  leftEyeInner: 1,
  leftEye: 2,
  leftEyeOuter: 3,
  rightEyeInner: 4,
  rightEye: 5,
  rightEyeOuter: 6,
  leftEar: 7,
  rightEar: 8,
  mouthLeft: 9,
  mouthRight: 10,
  leftShoulder: 11,
  rightShoulder: 12,
  leftElbow: 13,
  rightElbow: 14,
  leftWrist: 15,
  rightWrist: 16,
  leftPinky: 17,
  rightPinky: 18,
  leftIndex: 19,
  rightIndex: 20,
  leftThumb: 21,
  rightThumb: 22,
  leftHip: 23,
  rightHip: 24,
  leftKnee: 25,
  rightKnee: 26,
  leftAnkle: 27,
  rightAnkle: 28,
  leftHeel: 29,
  rightHeel: 30,
  leftFootIndex: 31,
  rightFootIndex: 32,
} as const;

export type LandmarkName = keyof typeof LM;
export const LANDMARK_COUNT = 33;
export const LANDMARK_NAMES: readonly LandmarkName[] = (Object.keys(LM) as LandmarkName[]).sort((a, b) => LM[a] - LM[b]);

/** One landmark as MediaPipe returns it. visibility/presence are in [0,1] (missing = unknown, treated as 1). */
export interface Landmark {
  x: number;
  y: number;
  z: number;
  visibility?: number;
  presence?: number;
}

/** One analysed camera frame: what the pose runtime hands to the measurement code. */
export interface PoseFrame {
  /** capture time, ms (monotonic, e.g. performance.now() or ms since the session started) */
  t: number;
  /** frame size in pixels: needed to correct the aspect ratio of image landmarks */
  width: number;
  height: number;
  /** 33 normalised image landmarks, or null when no person was detected */
  image: Landmark[] | null;
  /** 33 world landmarks (metres), or null */
  world: Landmark[] | null;
  /** mean luma of the frame 0..255, when the runtime measured it (for the light guidance) */
  meanLuma?: number;
  /** the landmark model that produced the landmarks ("lite" | "full" | "heavy"): its bias is removed (correction.ts) */
  model?: string;
}

/** Skeleton edges for drawing (pairs of landmark indices). */
export const POSE_CONNECTIONS: ReadonlyArray<readonly [number, number]> = [
  [LM.leftShoulder, LM.rightShoulder],
  [LM.leftShoulder, LM.leftElbow],
  [LM.leftElbow, LM.leftWrist],
  [LM.rightShoulder, LM.rightElbow],
  [LM.rightElbow, LM.rightWrist],
  [LM.leftShoulder, LM.leftHip],
  [LM.rightShoulder, LM.rightHip],
  [LM.leftHip, LM.rightHip],
  [LM.leftHip, LM.leftKnee],
  [LM.leftKnee, LM.leftAnkle],
  [LM.leftAnkle, LM.leftHeel],
  [LM.leftHeel, LM.leftFootIndex],
  [LM.leftAnkle, LM.leftFootIndex],
  [LM.rightHip, LM.rightKnee],
  [LM.rightKnee, LM.rightAnkle],
  [LM.rightAnkle, LM.rightHeel],
  [LM.rightHeel, LM.rightFootIndex],
  [LM.rightAnkle, LM.rightFootIndex],
  [LM.nose, LM.leftEye],
  [LM.nose, LM.rightEye],
  [LM.leftEye, LM.leftEar],
  [LM.rightEye, LM.rightEar],
  [LM.mouthLeft, LM.mouthRight],
];

/** Visibility of a landmark, treating "unknown" as fully visible. Uses min(visibility, presence). */
export function seen(l: Landmark | undefined): number {
  if (!l) return 0;
  const v = l.visibility ?? 1;
  const p = l.presence ?? 1;
  return Math.min(v, p);
}
