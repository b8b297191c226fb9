// The framing check before a set: is the whole body in the picture, does the camera see the patient from the side
// (or the front) as the exercise needs, is the patient in the starting position, and for floor exercises is the camera
// low enough. Pure: a function of the exercise's camera data and one frame's JointAngles.
import type { JointAngles, Position } from "../pose/joint-angles";
import type { Exercise } from "./catalogue";

export type FramingCode = "no-body" | "cut-top" | "cut-bottom" | "cut-left" | "cut-right" | "turn-side-on" | "face-camera" | "position" | "camera-high" | "camera-tilted";
export interface FramingItem {
  code: FramingCode;
  message: string;
  /** "block": the set cannot start; "warn": it can, but measurement suffers */
  severity: "block" | "warn";
}
export interface FramingResult {
  ok: boolean;
  items: FramingItem[];
}

export const POSITION_WORDS: Record<Position, string> = {
  standing: "Stand up",
  sitting: "Sit on a chair",
  kneeling: "Kneel down",
  supine: "Lie on your back",
  prone: "Lie face down",
  quadruped: "Get onto your hands and knees",
  "side-lying": "Lie on your side",
};

const FLOOR: readonly Position[] = ["supine", "prone", "quadruped", "side-lying", "kneeling"];

export function checkFraming(ex: Exercise, j: JointAngles): FramingResult {
  const items: FramingItem[] = [];
  if (!j.bodySeen) {
    items.push({ code: "no-body", message: FLOOR.includes(ex.position) ? "The camera cannot see you: put it on the floor, 2–3 m away, and get into the picture." : "Step into the picture so the camera can see you.", severity: "block" });
    return { ok: false, items };
  }
  const cutWords = { top: "Your head is cut off at the top", bottom: "Your feet are cut off at the bottom", left: "You are cut off at the left", right: "You are cut off at the right" } as const;
  for (const c of j.framing.cut) {
    const far = FLOOR.includes(ex.position) ? " Move the camera further away so your whole body, head to feet, is in the picture." : " Step back so your whole body is in the picture.";
    items.push({ code: `cut-${c}`, message: `${cutWords[c]}.${far}`, severity: "block" });
  }
  const v = j.view.view;
  if (ex.camera.view === "side" && v !== "sagittal" && v !== "unknown") {
    items.push({
      code: "turn-side-on",
      message: FLOOR.includes(ex.position) ? "The camera must see you from the side: place it level with your hips, at your side." : "Turn sideways so the camera sees you from the side.",
      severity: v === "frontal" ? "block" : "warn",
    });
  } else if (ex.camera.view === "front" && v !== "frontal" && v !== "unknown") {
    items.push({ code: "face-camera", message: "Face the camera.", severity: v === "sagittal" ? "block" : "warn" });
  }
  const allowed = ex.tracker?.positions ?? [ex.position];
  const pos = j.position.position;
  if (!pos || !allowed.includes(pos)) items.push({ code: "position", message: `${POSITION_WORDS[ex.position]} to start.`, severity: "block" });
  if (ex.camera.height === "floor" && pos && FLOOR.includes(pos) && pos !== "kneeling") {
    // Lying seen from a low side camera, the near and far shoulders and hips overlap; from above they separate.
    if (ex.camera.view === "side" && j.framing.widthRatio > 0.45) {
      items.push({ code: "camera-high", message: "Put the camera lower, at floor level: from above it sees across your body.", severity: "warn" });
    }
    if (pos !== "side-lying" && j.framing.trunkFromHorizontal > 25 && pos !== "prone") {
      items.push({ code: "camera-tilted", message: "The picture looks tilted: stand the camera level.", severity: "warn" });
    }
  }
  return { ok: !items.some((i) => i.severity === "block"), items };
}
