// Pose channels of the exercise-clip generator, shared by the Node side (timeline, truth events) and the browser
// side (the three.js rig). A pose is a flat map channel -> degrees, so that poses interpolate channel by channel.
//
// Every segment channel is an ABSOLUTE rotation of that body segment away from its orientation in the rig's upright
// standing rest pose, expressed in the subject's own frame (x = subject's left, y = up, z = subject's front):
//   *.pitch  rotation about the left-right axis. Trunk: + moves the shoulders forward (flexion). Limbs (thigh, shank,
//            foot, upper arm, forearm): + moves the distal end forward (thigh 90 = horizontal forward, -90 = straight
//            back; upper arm 180 = overhead). Because the values are absolute, a foot flat on the floor is pitch 0 in
//            any position, and a supine body is trunk -90 with legs at +90.
//   *.roll   rotation about the front-back axis. Trunk: + bends toward the subject's right. Limbs: + = abduction
//            (away from the midline) on either side.
//   *.yaw    rotation about the long (vertical) axis of the standing body. Trunk/pelvis: + turns toward the subject's
//            right.
// The pelvis carries the legs' roots and the spine base; the trunk value is the chest's (top spine bone's)
// orientation and the four spine bones share the rotation from pelvis to chest (lumbar-weighted). The head is
// relative to the chest (+ pitch = nodding forward), and the hands are relative to the forearm (hand*.pitch + = the
// fingers move forward: 90 with a vertical forearm puts the palm flat on the floor).
export const SEGMENTS = ["pelvis", "trunk", "thighL", "thighR", "shankL", "shankR", "footL", "footR", "upperArmL", "upperArmR", "forearmL", "forearmR"] as const;
export type Segment = (typeof SEGMENTS)[number];
export const AXES = ["pitch", "roll", "yaw"] as const;
export type Axis = (typeof AXES)[number];

export const CHANNELS = [...SEGMENTS.flatMap((s) => AXES.map((a) => `${s}.${a}` as const)), "head.pitch", "head.yaw", "handL.pitch", "handR.pitch"] as const;
export type Channel = (typeof CHANNELS)[number];
export type Pose = Record<Channel, number>;

export const zeroPose = (): Pose => Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Pose;

/** Limbs that the rig can keep planted (two-bone IK in the sagittal plane to where they were in the clip's first frame). */
export const PLANTABLE = ["feet", "hands"] as const;
export type Plantable = (typeof PLANTABLE)[number];

/** Points the body can be anchored by: this point keeps its first-frame horizontal position for the whole clip, while
 * the body's lowest point is kept on the floor in every frame. */
export const ANCHORS = ["ankles", "hips", "shoulders", "knees", "wrists", "toes"] as const;
export type Anchor = (typeof ANCHORS)[number];

/** MediaPipe PoseLandmarker's 33 landmarks in index order ("left" = the subject's left). */
export const MP_LANDMARKS = [
  "nose", "leftEyeInner", "leftEye", "leftEyeOuter", "rightEyeInner", "rightEye", "rightEyeOuter", "leftEar", "rightEar",
  "mouthLeft", "mouthRight", "leftShoulder", "rightShoulder", "leftElbow", "rightElbow", "leftWrist", "rightWrist",
  "leftPinky", "rightPinky", "leftIndex", "rightIndex", "leftThumb", "rightThumb", "leftHip", "rightHip", "leftKnee",
  "rightKnee", "leftAnkle", "rightAnkle", "leftHeel", "rightHeel", "leftFootIndex", "rightFootIndex",
] as const;

export interface CameraSpec {
  /** where the camera stands around the subject: 90 = side-on with the subject's RIGHT side to the camera (subject faces image right); 0 = in front; 270 (-90) = left side */
  azimuthDeg: number;
  /** horizontal distance from the look-at point, m */
  dist: number;
  /** camera height above the floor, m */
  height: number;
  /** vertical field of view, deg */
  fov: number;
  /** look-at point height, m (default: camera height, i.e. a level camera) */
  lookAtHeight?: number;
  /** shift of the look-at point along the subject's front axis, m (to frame lying bodies) */
  lookAtFront?: number;
}

export interface SceneSpec {
  camera: CameraSpec;
  anchor: Anchor;
  plant: Plantable[];
  /** a chair/box to sit on: the seat's top height and its front edge (along the subject's front axis, m, from the anchor) */
  chair?: { seatHeight: number; frontEdge: number; depth: number };
  /** a mat on the floor (floor exercises) */
  mat?: boolean;
  /** light: "default" or "bright" (more fill light for lying positions) */
  light?: "default" | "bright";
}

/** What the browser rig measures on one posed frame (degrees, metres, pixels). */
export interface FrameMeasure {
  angles: Record<string, number>;
  /** 33 landmarks: [x px, y px, depth from the camera m] */
  lm: Array<[number, number, number]>;
  /** mid-hip, mid-shoulder, mid-ankle in pixels */
  midPx: { hip: [number, number]; shoulder: [number, number]; ankle: [number, number] };
  /** applied IK / pose after constraints (for debugging) */
  ikError: number;
}
