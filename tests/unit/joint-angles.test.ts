import assert from "node:assert/strict";
import { test } from "node:test";
import { toPixels, toWorld } from "@/app/_shared/pose/geometry";
import {
  anteriorOf, armRaiseOf, bodyLineOf, classifyPosition, elbowFlexionOf, elevationFromDown, footLiftOf, headFlexionOf, hipFlexionOf,
  interiorAngle, kneeFlexionOf, landmarksFromSample, legRaiseOf, measureJointAngles, PELVIS_WIDTH_TO_TRUNK, PELVIS_WIDTH_TO_TRUNK_V2, pelvicRotationOf,
  pelvicRotationWorld, thighFloorAngleOf, trunkFloorAngleOf,
} from "@/app/_shared/pose/joint-angles";
import { LANDMARK_COUNT, LM, type Landmark } from "@/app/_shared/pose/landmarks";
import { packSamples, unpackSamples, type PoseSample } from "@/app/_shared/pose/sample";
import { emptyMeasures, MEASURES } from "@/app/_shared/pose/measures";
import { getExercise } from "@/app/_shared/exercises/catalogue";
import { demoPoseAt, renderPose } from "@/app/_shared/exercises/skeleton";

const W = 640, H = 480;
const D = Math.PI / 180;
type Px = [number, number];
/** Landmarks from image pixel positions (y down); landmarks not given sit at the centre, unseen. */
function lms(px: Map<number, Px>, vis = 0.98): Landmark[] {
  return Array.from({ length: LANDMARK_COUNT }, (_, i) => {
    const p = px.get(i);
    return p ? { x: p[0] / W, y: p[1] / H, z: 0, visibility: vis } : { x: 0.5, y: 0.5, z: 0, visibility: 0.05 };
  });
}
const pix = (l: Landmark[]) => toPixels(l, W, H);
const near = (a: number | null | undefined, b: number, tol = 0.05, msg = "") =>
  assert.ok(typeof a === "number" && Math.abs(a - b) <= tol, `${msg} expected ${b} ± ${tol}, got ${a}`);
/** point at distance r from p in image direction deg (0 = straight down the image, + toward the image right) */
const from = (p: Px, deg: number, r: number): Px => [p[0] + r * Math.sin(deg * D), p[1] + r * Math.cos(deg * D)];

/** A standing side-on subject facing the image right (or left), with given hip and knee flexion. */
function standing(o: { facing?: 1 | -1; hipDeg?: number; kneeDeg?: number; side?: "both" | "L" } = {}): Map<number, Px> {
  const f = o.facing ?? 1;
  const hip: Px = [320, 240];
  const sh: Px = [320, 100];
  const knee = from(hip, f * (o.hipDeg ?? 0), 100);
  const ankle = from(knee, f * ((o.hipDeg ?? 0) - (o.kneeDeg ?? 0)), 100);
  const m = new Map<number, Px>();
  for (const [a, b, p] of [[LM.leftShoulder, LM.rightShoulder, sh], [LM.leftHip, LM.rightHip, hip], [LM.leftKnee, LM.rightKnee, knee], [LM.leftAnkle, LM.rightAnkle, ankle]] as const) {
    m.set(a, [p[0] + 1, p[1]]);
    m.set(b, [p[0] - 1, p[1]]);
  }
  m.set(LM.leftHeel, [ankle[0] - f * 8, ankle[1] + 8]);
  m.set(LM.rightHeel, [ankle[0] - f * 8, ankle[1] + 8]);
  m.set(LM.leftFootIndex, [ankle[0] + f * 25, ankle[1] + 10]);
  m.set(LM.rightFootIndex, [ankle[0] + f * 25, ankle[1] + 10]);
  m.set(LM.leftEar, [320, 65]);
  m.set(LM.rightEar, [320, 65]);
  m.set(LM.nose, [320 + f * 14, 68]);
  return m;
}

test("geometry: interior angle and elevation from straight down", () => {
  const p = pix(lms(new Map([[0, [100, 100]], [1, [200, 100]], [2, [200, 0]]])));
  near(interiorAngle(p[0]!, p[1]!, p[2]!), 90, 1e-9);
  near(elevationFromDown(p[1]!, p[2]!), 180, 1e-9, "up");
  near(elevationFromDown(p[2]!, p[1]!), 0, 1e-9, "down");
  near(elevationFromDown(p[0]!, p[1]!), 90, 1e-9, "horizontal");
});

test("knee and elbow flexion from hand-built joints, both sides, aspect corrected", () => {
  for (const deg of [0, 30, 60, 90, 120]) {
    for (const [hip, knee, ankle] of [[LM.leftHip, LM.leftKnee, LM.leftAnkle], [LM.rightHip, LM.rightKnee, LM.rightAnkle]] as const) {
      const k: Px = [300, 250];
      const m = new Map<number, Px>([[hip, [300, 150]], [knee, k], [ankle, from(k, -deg, 110)]]);
      near(kneeFlexionOf(pix(lms(m)), hip === LM.leftHip ? "L" : "R").value, deg, 1e-6, `knee ${deg}`);
    }
    const e: Px = [300, 200];
    const arm = new Map<number, Px>([[LM.leftShoulder, [300, 100]], [LM.leftElbow, e], [LM.leftWrist, from(e, deg, 90)]]);
    near(elbowFlexionOf(pix(lms(arm)), "L").value, deg, 1e-6, `elbow ${deg}`);
  }
  // the same right angle in normalised units is not a right angle unless the aspect ratio is applied
  const k: Px = [300, 250];
  const m = new Map<number, Px>([[LM.leftHip, [300, 150]], [LM.leftKnee, k], [LM.leftAnkle, from(k, -50, 110)]]);
  const j = measureJointAngles({ t: 0, image: lms(m), aspect: W / H });
  assert.equal(j.bodySeen, false, "no shoulders: no body");
  near(kneeFlexionOf(pix(lms(m)), "L").value, 50, 1e-6);
  const squashed = toPixels(lms(m), H, H); // a wrong aspect changes the angle
  assert.ok(Math.abs(kneeFlexionOf(squashed, "L").value - 50) > 5);
});

test("hip flexion is signed by the body's front, facing either way", () => {
  for (const facing of [1, -1] as const) {
    for (const deg of [-20, 0, 30, 90]) {
      const p = pix(lms(standing({ facing, hipDeg: deg })));
      const pos = classifyPosition(p).position;
      const a = anteriorOf(p, pos, facing);
      near(hipFlexionOf(p, "L", a)?.value, deg, 1e-6, `hip ${deg} facing ${facing}`);
    }
  }
  const p = pix(lms(standing()));
  assert.equal(hipFlexionOf(p, "L", 0), null, "unknown front: no value");
  const j = measureJointAngles({ t: 0, image: lms(standing({ hipDeg: 40, kneeDeg: 30 })), aspect: W / H });
  near(j.values.hipFlexionL, 40, 0.01);
  near(j.values.kneeFlexion, 30, 0.01);
  near(j.values.trunkInclination, 0, 0.01);
  assert.equal(j.position.position, "standing");
});

test("body line: sagging hips are negative, piking positive, straight is zero", () => {
  const line = (dy: number) => {
    const m = new Map<number, Px>([[LM.leftShoulder, [100, 300]], [LM.rightShoulder, [100, 300]], [LM.leftHip, [300, 300 + dy]], [LM.rightHip, [300, 300 + dy]], [LM.leftAnkle, [540, 300]], [LM.rightAnkle, [540, 300]], [LM.leftKnee, [420, 300 + dy / 2]], [LM.rightKnee, [420, 300 + dy / 2]]]);
    return bodyLineOf(pix(lms(m)), "ankle").value;
  };
  near(line(0), 0, 1e-9);
  const expected = (dy: number) => (Math.atan(Math.abs(dy) / 200) + Math.atan(Math.abs(dy) / 240)) / D;
  near(line(30), -expected(30), 1e-6, "sag (hip lower in the image)");
  near(line(-30), expected(30), 1e-6, "pike");
  // mirrored (head on the other side) gives the same sign
  const m = new Map<number, Px>([[LM.leftShoulder, [540, 300]], [LM.rightShoulder, [540, 300]], [LM.leftHip, [300, 330]], [LM.rightHip, [300, 330]], [LM.leftAnkle, [100, 300]], [LM.rightAnkle, [100, 300]]]);
  near(bodyLineOf(pix(lms(m)), "ankle").value, -((Math.atan(30 / 240) + Math.atan(30 / 200)) / D), 1e-6);
});

test("trunk and thigh to the floor, pelvic rotation, raise heights, foot lift, head flexion", () => {
  const hip: Px = [300, 300];
  const sh = from(hip, 180 - 60, 200); // 30 deg above horizontal toward the image right
  const m = new Map<number, Px>([[LM.leftHip, hip], [LM.rightHip, hip], [LM.leftShoulder, sh], [LM.rightShoulder, sh], [LM.leftKnee, [120, 300]], [LM.rightKnee, [120, 300]]]);
  near(trunkFloorAngleOf(pix(lms(m))).value, 30, 1e-6);
  near(thighFloorAngleOf(pix(lms(m))).value, 0, 1e-6);
  m.set(LM.leftKnee, from(hip, -90 + 12, 150)); // knee lower than the hip: the hip lifted 12 deg
  m.set(LM.rightKnee, from(hip, -90 + 12, 150));
  near(thighFloorAngleOf(pix(lms(m))).value, 12, 1e-6);

  // pelvic rotation: trunk horizontal 200 px, right hip higher by sin(20 deg) of the expected pelvis width
  const w = PELVIS_WIDTH_TO_TRUNK * 200;
  const q = new Map<number, Px>([[LM.leftHip, [300, 300]], [LM.rightHip, [300, 300 - w * Math.sin(20 * D)]], [LM.leftShoulder, [500, 300]], [LM.rightShoulder, [500, 300 - w * Math.sin(20 * D)]]]);
  near(pelvicRotationOf(pix(lms(q))).value, 20, 0.3);
  // joint angles 2's width (pelvicRotation, kept for bird-dog@1/@2): the same 20 deg roll of a real-width pelvis reads less
  near(pelvicRotationOf(pix(lms(q)), PELVIS_WIDTH_TO_TRUNK_V2).value, Math.asin((PELVIS_WIDTH_TO_TRUNK * Math.sin(20 * D)) / PELVIS_WIDTH_TO_TRUNK_V2) / D, 0.3);
  assert.ok(PELVIS_WIDTH_TO_TRUNK >= 0.3 && PELVIS_WIDTH_TO_TRUNK <= 0.4, "hip-joint width / trunk of real bodies");
  q.set(LM.rightHip, [300, 300]);
  near(pelvicRotationOf(pix(lms(q))).value, 0, 1e-6);
  // world: right hip 10 cm higher over 20 cm width (y down in MediaPipe world coordinates)
  const world = Array.from({ length: LANDMARK_COUNT }, () => ({ x: 0, y: 0, z: 0, visibility: 1 }));
  world[LM.leftHip] = { x: 0.1, y: 0, z: 0, visibility: 1 };
  world[LM.rightHip] = { x: -0.1, y: -0.1, z: 0, visibility: 1 };
  near(pelvicRotationWorld(toWorld(world)), Math.atan2(0.1, 0.2) / D, 1e-9);

  const s: Px = [300, 200];
  for (const [deg, want] of [[0, 0], [90, 90], [180, 180], [135, 135]] as const) {
    const a = new Map<number, Px>([[LM.rightShoulder, s], [LM.rightWrist, from(s, deg, 120)], [LM.rightHip, s], [LM.rightKnee, from(s, -deg, 100)]]);
    near(armRaiseOf(pix(lms(a)), "R").value, want, 1e-6, `arm ${deg}`);
    near(legRaiseOf(pix(lms(a)), "R").value, want, 1e-6, `leg ${deg}`);
  }
  const feet = new Map<number, Px>([[LM.leftHip, [340, 240]], [LM.rightHip, [300, 240]], [LM.leftAnkle, [340, 420]], [LM.rightAnkle, [300, 440]]]);
  near(footLiftOf(pix(lms(feet)), "L").value, 20 / 200, 1e-6);
  near(footLiftOf(pix(lms(feet)), "R").value, -20 / 180, 1e-6, "in lengths of the standing (left) leg");

  // on all fours facing the image right, the head dropping 40 deg below the trunk line is +40 (flexion)
  const hp: Px = [200, 250], shp: Px = [400, 250];
  const ear = from(shp, 90 - 40, 60);
  const quad = new Map<number, Px>([[LM.leftHip, hp], [LM.rightHip, hp], [LM.leftShoulder, shp], [LM.rightShoulder, shp], [LM.leftEar, ear], [LM.rightEar, ear]]);
  const pq = pix(lms(quad));
  near(headFlexionOf(pq, anteriorOf(pq, "quadruped", 0))?.value, 40, 1e-6);
  near(headFlexionOf(pq, anteriorOf(pq, "supine", 0))?.value, -40, 1e-6, "the same picture read as lying on the back is extension");
});

test("position classifier on rendered poses of every starting position", () => {
  const at = (key: string, tS = 0) => {
    const ex = getExercise(key)!;
    return renderPose(demoPoseAt(ex.demo, tS), ex.demo.view, ex.demo.anchor);
  };
  const cases: [string, number, string][] = [
    ["squat", 0, "standing"], ["sit-to-stand", 0, "sitting"], ["hip-flexor-stretch", 0, "kneeling"], ["bridge", 0, "supine"],
    ["hamstring-stretch", 0, "supine"], ["prone-press-up", 0, "prone"], ["plank", 1.5, "prone"], ["bird-dog", 0, "quadruped"],
    ["bird-dog", 3, "quadruped"], ["side-plank", 1.5, "side-lying"], ["standing-knee-lift", 2, "standing"], ["single-leg-stance", 2, "standing"],
  ];
  for (const [key, t, want] of cases) {
    const p = toPixels(at(key, t), 4 / 3 * 1000, 1000);
    assert.equal(classifyPosition(p).position, want, `${key} at ${t}s: ${classifyPosition(p).reason}`);
  }
  // a deep hip hinge has hanging thighs but the knees are far above the floor: not all fours
  const hinge = toPixels(at("hip-hinge", 1.5), 4 / 3 * 1000, 1000);
  assert.notEqual(classifyPosition(hinge).position, "quadruped");
});

test("gating: each withheld measure says why", () => {
  // standing, seen from the front: knee flexion needs a side view
  const front = new Map<number, Px>([[LM.leftShoulder, [370, 100]], [LM.rightShoulder, [270, 100]], [LM.leftHip, [350, 240]], [LM.rightHip, [290, 240]], [LM.leftKnee, [350, 340]], [LM.rightKnee, [290, 340]], [LM.leftAnkle, [350, 440]], [LM.rightAnkle, [290, 440]], [LM.nose, [320, 60]], [LM.leftEar, [335, 60]], [LM.rightEar, [305, 60]]]);
  const jf = measureJointAngles({ t: 0, image: lms(front), aspect: W / H });
  assert.equal(jf.view.view, "frontal");
  assert.equal(jf.values.kneeFlexionL, null);
  assert.equal(jf.withheld.kneeFlexionL?.code, "wrong-view");
  assert.match(jf.withheld.kneeFlexionL!.message, /side-on/);
  near(jf.values.lateralLean, 0, 0.01);
  assert.ok(jf.values.footLiftL !== null, "foot lift works from the front");

  // lying on the back: trunk inclination (an upright measure) is withheld for the position
  const ex = getExercise("bridge")!;
  const j = measureJointAngles({ t: 0, image: renderPose(ex.demo.keyframes[0]!.pose, "side", "ankle"), aspect: 4 / 3 });
  assert.equal(j.position.position, "supine");
  assert.equal(j.withheld.trunkInclination?.code, "wrong-position");
  near(j.values.bodyLineKnee, -45, 0.5);
  assert.equal(j.anterior !== 0, true);

  // a hidden knee withholds what needs it; a knee outside the picture says so
  const hidden = lms(standing({ kneeDeg: 20 }));
  hidden[LM.leftKnee] = { ...hidden[LM.leftKnee]!, visibility: 0.1 };
  hidden[LM.rightKnee] = { ...hidden[LM.rightKnee]!, visibility: 0.1 };
  const jh = measureJointAngles({ t: 0, image: hidden, aspect: W / H });
  assert.equal(jh.values.kneeFlexionL, null);
  assert.equal(jh.withheld.kneeFlexionL?.code, "not-seen");
  const out = lms(standing({ kneeDeg: 20 }));
  out[LM.leftAnkle] = { ...out[LM.leftAnkle]!, y: 1.1 };
  const jo = measureJointAngles({ t: 0, image: out, aspect: W / H });
  assert.equal(jo.withheld.kneeFlexionL?.code, "out-of-frame");
  assert.ok(jo.framing.cut.includes("bottom"));

  // no body at all: everything withheld, nothing invented
  const none = measureJointAngles({ t: 0, image: lms(new Map()), aspect: W / H });
  assert.equal(none.bodySeen, false);
  assert.ok(Object.values(none.values).every((v) => v === null));
  assert.equal(none.withheld.bodyLine?.code, "no-body");
  // malformed aspect falls back instead of producing NaN
  const bad = measureJointAngles({ t: 0, image: lms(standing({ kneeDeg: 45 })), aspect: Number.NaN });
  assert.ok(Object.values(bad.values).every((v) => v === null || Number.isFinite(v)));
});

test("angles recomputed from a stored (packed) sample match the live ones", () => {
  const image = lms(standing({ hipDeg: 35, kneeDeg: 50 }));
  const live = measureJointAngles({ t: 10, image, aspect: W / H });
  const sample: PoseSample = {
    t: 10, view: "sagittal", confidence: 0.9, angles: emptyMeasures(), conf: Object.fromEntries(MEASURES.map((k) => [k, 0])) as PoseSample["conf"],
    landmarks: image.flatMap((l) => [l.x, l.y, l.visibility ?? 1]),
  };
  const stored = unpackSamples(packSamples([sample]))[0]!;
  const again = measureJointAngles({ t: 10, image: landmarksFromSample(stored.landmarks), aspect: W / H });
  for (const k of Object.keys(live.values) as (keyof typeof live.values)[]) {
    const a = live.values[k], b = again.values[k];
    assert.equal(a === null, b === null, k);
    if (a !== null && b !== null) near(b, a, 0.05, k);
  }
});
