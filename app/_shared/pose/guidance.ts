// Camera-placement guidance computed from the landmarks (and the frame brightness when known), turned into plain
// instructions for the patient. Clinical basis: whole body in frame, camera at hip height 2-3 m away, good light;
// film flexion/extension side-on and lateral flexion from the front.
import { classifyView, type View } from "./angles";
import { toPixels } from "./geometry";
import { LM, type PoseFrame } from "./landmarks";

export type GuidanceCode =
  | "no-person"
  | "too-dark"
  | "too-bright"
  | "head-cut"
  | "feet-cut"
  | "cut-left"
  | "cut-right"
  | "too-close"
  | "too-far"
  | "turn-sideways"
  | "face-camera"
  | "poorly-seen";

export interface GuidanceItem {
  code: GuidanceCode;
  message: string;
  /** "block": no reliable measurement until fixed; "warn": measurement possible but degraded */
  severity: "block" | "warn";
}

export interface Guidance {
  ok: boolean;
  view: View;
  yawDeg: number;
  /** estimated body height as a fraction of the frame height (from segment lengths), NaN if unknown */
  bodyHeightFrac: number;
  items: GuidanceItem[];
}

export interface GuidanceOptions {
  /** the view the current measurement needs */
  wantView?: "sagittal" | "frontal" | "any";
  /** when the preview is shown mirrored (selfie view), "left"/"right" instructions are flipped accordingly */
  mirrored?: boolean;
}

const EDGE = 0.02; // fraction of the frame treated as "touching the edge"
const SEEN = 0.5;

export function computeGuidance(frame: PoseFrame, opts: GuidanceOptions = {}): Guidance {
  const items: GuidanceItem[] = [];
  const luma = frame.meanLuma;
  if (luma !== undefined && luma < 45) items.push({ code: "too-dark", message: "It is too dark. Turn on a light or face a window.", severity: "block" });
  else if (luma !== undefined && luma > 235) items.push({ code: "too-bright", message: "The picture is too bright. Move away from the window or lamp behind you.", severity: "warn" });

  const L = frame.image;
  if (!L) {
    items.unshift({ code: "no-person", message: "Step into the picture so the camera can see you.", severity: "block" });
    return { ok: false, view: "unknown", yawDeg: NaN, bodyHeightFrac: NaN, items };
  }
  const p = toPixels(L, frame.width, frame.height);
  const lm = (i: number) => L[i]!;
  const seenOk = (i: number) => (p[i]?.s ?? 0) >= SEEN;

  // Vertical extent: head (nose/eyes/ears) and feet (ankles/heels).
  const head = [LM.nose, LM.leftEye, LM.rightEye, LM.leftEar, LM.rightEar];
  const feet = [LM.leftAnkle, LM.rightAnkle, LM.leftHeel, LM.rightHeel];
  const headSeen = head.some(seenOk);
  const feetSeen = feet.some(seenOk);
  const top = Math.min(...head.map((i) => lm(i).y));
  const bottom = Math.max(...feet.map((i) => lm(i).y));
  const headCut = !headSeen || top < EDGE;
  const feetCut = !feetSeen || bottom > 1 - EDGE;
  // Body size from segment lengths (trunk + thigh + shank ~ 0.77 of body height), so it does not shrink when the
  // patient bends forward (the head drops, but side-on the segments keep their length).
  const seg = (a: number, b: number) => Math.hypot(p[a]!.x - p[b]!.x, p[a]!.y - p[b]!.y);
  const sideLen = (hip: number, knee: number, ankle: number) => seg(hip, knee) + seg(knee, ankle);
  const trunkLen = Math.hypot((p[LM.leftShoulder]!.x + p[LM.rightShoulder]!.x - p[LM.leftHip]!.x - p[LM.rightHip]!.x) / 2, (p[LM.leftShoulder]!.y + p[LM.rightShoulder]!.y - p[LM.leftHip]!.y - p[LM.rightHip]!.y) / 2);
  const legLen = Math.max(sideLen(LM.leftHip, LM.leftKnee, LM.leftAnkle), sideLen(LM.rightHip, LM.rightKnee, LM.rightAnkle));
  const bodyHeightFrac = (trunkLen + legLen) / 0.77 / frame.height;

  if (headCut && feetCut) items.push({ code: "too-close", message: "Step back so your whole body is in the picture.", severity: "block" });
  else if (headCut) items.push({ code: "head-cut", message: "Your head is cut off. Step back or tilt the camera up a little.", severity: "block" });
  else if (feetCut) items.push({ code: "feet-cut", message: "Your feet are cut off. Step back or tilt the camera down a little.", severity: "block" });
  else if (bodyHeightFrac > 0.95) items.push({ code: "too-close", message: "Step back a little.", severity: "warn" });
  else if (bodyHeightFrac < 0.4) items.push({ code: "too-far", message: "Come a little closer to the camera.", severity: bodyHeightFrac < 0.25 ? "block" : "warn" });

  // Horizontal: any key landmark at the side edges.
  const key = [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip, LM.leftAnkle, LM.rightAnkle, LM.nose];
  const xs = key.map((i) => lm(i).x);
  const cutLeft = Math.min(...xs) < EDGE; // image left
  const cutRight = Math.max(...xs) > 1 - EDGE;
  if (cutLeft !== cutRight) {
    // The person must move toward the image centre. On a mirrored preview the image left is the viewer's right.
    const towardImageRight = cutLeft;
    const screenRight = opts.mirrored ? !towardImageRight : towardImageRight;
    items.push({
      code: cutLeft ? "cut-left" : "cut-right",
      message: `Move a step to the ${screenRight ? "right" : "left"} as you see yourself on the screen, toward the middle of the picture.`,
      severity: "block",
    });
  }

  const v = classifyView(p);
  const want = opts.wantView ?? "any";
  // An oblique view blocks too: the trunk angle the measurement needs is then withheld (measures.withheldReason), since
  // from an angle bending forward and bending sideways look the same.
  const atAngle = v.view === "oblique" ? "You are at an angle to the camera. " : "";
  if (want === "sagittal" && v.view !== "sagittal" && v.view !== "unknown") {
    items.push({ code: "turn-sideways", message: `${atAngle}Turn sideways so the camera sees you from the side.`, severity: "block" });
  } else if (want === "frontal" && v.view !== "frontal" && v.view !== "unknown") {
    items.push({ code: "face-camera", message: `${atAngle}Turn to face the camera.`, severity: "block" });
  }

  const core = [LM.leftShoulder, LM.rightShoulder, LM.leftHip, LM.rightHip];
  const coreSeen = core.reduce((a, i) => a + (p[i]?.s ?? 0), 0) / core.length;
  if (coreSeen < SEEN && !items.some((i) => i.severity === "block")) {
    items.push({ code: "poorly-seen", message: "The camera cannot see you clearly. Improve the light, wear fitted clothes and stand in front of a plain wall.", severity: "block" });
  }

  return { ok: !items.some((i) => i.severity === "block"), view: v.view, yawDeg: v.yawDeg, bodyHeightFrac, items };
}
