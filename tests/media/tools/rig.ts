// Browser side of the exercise-clip generator (bundled by generate.ts with esbuild, run in headless Chromium with
// SwiftShader WebGL). It loads the BCN_Epileptic rig (assimp test model, converted to glTF at generation time), poses it
// segment by segment from absolute segment angles (see pose.ts), keeps an anchor point and planted limbs in place, renders
// the frame with the frame-index code, and measures the truth on the posed rig: joint angles from the actual bone world
// positions, and the 33 MediaPipe-equivalent landmarks projected through the camera.
import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { type Axis, CHANNELS, type FrameMeasure, MP_LANDMARKS, type Pose, type SceneSpec, type Segment } from "./pose";

const W = 640, H = 480;
const D2R = Math.PI / 180, R2D = 180 / Math.PI;

const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
renderer.setSize(W, H);
renderer.outputColorSpace = THREE.SRGBColorSpace;
renderer.shadowMap.enabled = true;
renderer.shadowMap.type = THREE.PCFSoftShadowMap;
document.body.appendChild(renderer.domElement);
const out = document.createElement("canvas");
out.width = W;
out.height = H;
const ctx = out.getContext("2d")!;

const scene = new THREE.Scene();
scene.background = new THREE.Color(0xdcd8d0);
const hemi = new THREE.HemisphereLight(0xffffff, 0x8a8070, 1.5);
const sun = new THREE.DirectionalLight(0xffffff, 1.7);
sun.castShadow = true;
sun.shadow.mapSize.set(1024, 1024);
Object.assign(sun.shadow.camera, { left: -2.5, right: 2.5, top: 2.5, bottom: -2.5, near: 0.1, far: 15 });
const fill = new THREE.DirectionalLight(0xffffff, 0);
scene.add(hemi, sun, sun.target, fill, fill.target);
const floor = new THREE.Mesh(new THREE.PlaneGeometry(30, 30), new THREE.MeshLambertMaterial({ color: 0xb4ada1 }));
floor.rotation.x = -Math.PI / 2;
floor.receiveShadow = true;
scene.add(floor);
// a back wall far behind, so that low cameras do not see a horizon of empty background
const wall = new THREE.Mesh(new THREE.PlaneGeometry(30, 10), new THREE.MeshLambertMaterial({ color: 0xdcd8d0 }));
scene.add(wall);
const chair = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial({ color: 0x8b5a2b, roughness: 0.9 }));
chair.castShadow = chair.receiveShadow = true;
const mat = new THREE.Mesh(new THREE.BoxGeometry(0.7, 0.004, 2.0), new THREE.MeshLambertMaterial({ color: 0x4f7f6a }));
mat.receiveShadow = true;
const camera = new THREE.PerspectiveCamera(40, W / H, 0.05, 60);

const COLORS: Record<string, number> = { Torso: 0x2f5d9e, Legs: 0x2b2f3a, Head: 0xd2a07c };
const gltf = await new GLTFLoader().loadAsync("/model/bcn.glb");
const model = gltf.scene;
scene.add(model);
const bones: Record<string, THREE.Bone> = {};
const meshes: Record<string, THREE.SkinnedMesh> = {};
model.traverse((o) => {
  if ((o as THREE.Bone).isBone) bones[o.name] = o as THREE.Bone;
  if ((o as THREE.SkinnedMesh).isSkinnedMesh) {
    const m = o as THREE.SkinnedMesh;
    m.castShadow = true;
    m.frustumCulled = false;
    m.material = new THREE.MeshStandardMaterial({ color: COLORS[m.name] ?? 0x999999, roughness: 0.8, metalness: 0 });
    meshes[m.name] = m;
  }
});
const bone = (n: string) => {
  const b = bones[n];
  if (!b) throw new Error(`rig has no bone ${n}`);
  return b;
};
model.updateMatrixWorld(true);
const restLocal = new Map<THREE.Bone, THREE.Quaternion>();
for (const b of Object.values(bones)) restLocal.set(b, b.quaternion.clone());
const restModelPos = model.position.clone();

const SEG_BONE: Record<Segment, string> = {
  pelvis: "B_Root_Pelvis_L",
  trunk: "B_Spine4",
  thighL: "B_Hip_Left",
  thighR: "B_Hip_Right",
  shankL: "B_Knee_Left",
  shankR: "B_Knee_Right",
  footL: "B_Ankle_Left",
  footR: "B_Ankle_Right",
  upperArmL: "B_UpperArm_Left",
  upperArmR: "B_UpperArm_Right",
  forearmL: "B_ForeArm_Left",
  forearmR: "B_ForeArm_Right",
};
const SPINE = ["B_Spine1", "B_Spine2", "B_Spine3", "B_Spine4"];
/** cumulative share of the pelvis -> chest rotation reached at each spine bone (lumbar-weighted) */
const SPINE_SHARE = [0.4, 0.7, 0.9, 1.0];
const NECK = "B_Neck";
const wq = (b: THREE.Object3D) => b.getWorldQuaternion(new THREE.Quaternion());
const wp = (b: THREE.Object3D) => b.getWorldPosition(new THREE.Vector3());
const restWorldQ = new Map<string, THREE.Quaternion>();
for (const n of [...Object.values(SEG_BONE), ...SPINE, NECK, "B_Hand_Left", "B_Hand_Right"]) restWorldQ.set(n, wq(bone(n)));

// ---------------------------------------------------------------- landmarks
type LmSource = { kind: "bone"; bone: THREE.Bone } | { kind: "offset"; bone: THREE.Bone; local: THREE.Vector3 } | { kind: "vertex"; mesh: THREE.SkinnedMesh; index: number };
function vertices(mesh: THREE.SkinnedMesh): THREE.Vector3[] {
  const n = mesh.geometry.attributes.position!.count, v: THREE.Vector3[] = [];
  for (let i = 0; i < n; i++) v.push(mesh.getVertexPosition(i, new THREE.Vector3()).applyMatrix4(mesh.matrixWorld));
  return v;
}
function pickVertex(mesh: THREE.SkinnedMesh, filter: (p: THREE.Vector3) => boolean, score: (p: THREE.Vector3) => number): LmSource {
  const vs = vertices(mesh);
  let best = -1, bestS = -Infinity;
  vs.forEach((p, i) => {
    if (!filter(p)) return;
    const s = score(p);
    if (s > bestS) { bestS = s; best = i; }
  });
  if (best < 0) throw new Error(`no vertex for a landmark on ${mesh.name}`);
  return { kind: "vertex", mesh, index: best };
}
const offset = (b: string, world: THREE.Vector3): LmSource => ({ kind: "offset", bone: bone(b), local: bone(b).worldToLocal(world.clone()) });
const LM_SRC: LmSource[] = (() => {
  const head = meshes.Head!, legs = meshes.Legs!;
  const eyeL = wp(bone("B_Eye_Left")), eyeR = wp(bone("B_Eye_Right")), mouthL = wp(bone("B_MouthCorner_Left"));
  const src: Record<string, LmSource> = {};
  src.nose = pickVertex(head, (p) => p.y < eyeL.y - 0.01 && p.y > mouthL.y + 0.01 && Math.abs(p.x) < 0.012, (p) => p.z);
  const eyeAxis = eyeL.clone().sub(eyeR).normalize(); // toward the subject's left
  src.leftEye = { kind: "bone", bone: bone("B_Eye_Left") };
  src.rightEye = { kind: "bone", bone: bone("B_Eye_Right") };
  src.leftEyeInner = offset("B_Neck", eyeL.clone().addScaledVector(eyeAxis, -0.016));
  src.leftEyeOuter = offset("B_Neck", eyeL.clone().addScaledVector(eyeAxis, 0.017));
  src.rightEyeInner = offset("B_Neck", eyeR.clone().addScaledVector(eyeAxis, 0.016));
  src.rightEyeOuter = offset("B_Neck", eyeR.clone().addScaledVector(eyeAxis, -0.017));
  // ears: the head's outermost surface points at eye height, behind the eyes
  const earBand = (p: THREE.Vector3) => Math.abs(p.y - (eyeL.y - 0.02)) < 0.02 && p.z < eyeL.z - 0.06;
  src.leftEar = pickVertex(head, earBand, (p) => p.x);
  src.rightEar = pickVertex(head, earBand, (p) => -p.x);
  src.mouthLeft = { kind: "bone", bone: bone("B_MouthCorner_Left") };
  src.mouthRight = { kind: "bone", bone: bone("B_MouthCorner_Right") };
  for (const [side, S] of [["left", "Left"], ["right", "Right"]] as const) {
    src[`${side}Shoulder`] = { kind: "bone", bone: bone(`B_UpperArm_${S}`) };
    src[`${side}Elbow`] = { kind: "bone", bone: bone(`B_ForeArm_${S}`) };
    src[`${side}Wrist`] = { kind: "bone", bone: bone(`B_Hand_${S}`) };
    src[`${side}Thumb`] = { kind: "bone", bone: bone(`B_Thumb2_${S}`) };
    // the model's hand is a mitten: index and pinky knuckles sit either side of the finger root
    const hand = wp(bone(`B_Hand_${S}`)), f1 = wp(bone(`B_Finger1_${S}`)), th = wp(bone(`B_Thumb1_${S}`));
    const axis = f1.clone().sub(hand).normalize();
    const lat = th.clone().sub(f1);
    lat.addScaledVector(axis, -lat.dot(axis)).normalize();
    src[`${side}Index`] = offset(`B_Hand_${S}`, f1.clone().addScaledVector(lat, 0.02));
    src[`${side}Pinky`] = offset(`B_Hand_${S}`, f1.clone().addScaledVector(lat, -0.035));
    src[`${side}Hip`] = { kind: "bone", bone: bone(`B_Hip_${S}`) };
    src[`${side}Knee`] = { kind: "bone", bone: bone(`B_Knee_${S}`) };
    src[`${side}Ankle`] = { kind: "bone", bone: bone(`B_Ankle_${S}`) };
    const ank = wp(bone(`B_Ankle_${S}`));
    const foot = (p: THREE.Vector3) => Math.abs(p.x - ank.x) < 0.06 && p.y < ank.y;
    src[`${side}Heel`] = pickVertex(legs, (p) => foot(p) && p.y < ank.y - 0.03, (p) => -p.z - 0.3 * p.y);
    src[`${side}FootIndex`] = pickVertex(legs, foot, (p) => p.z);
  }
  return MP_LANDMARKS.map((n) => {
    const s = src[n];
    if (!s) throw new Error(`landmark ${n} has no source`);
    return s;
  });
})();
function landmarkWorld(): THREE.Vector3[] {
  return LM_SRC.map((s) => {
    if (s.kind === "bone") return wp(s.bone);
    if (s.kind === "offset") return s.bone.localToWorld(s.local.clone());
    return s.mesh.getVertexPosition(s.index, new THREE.Vector3()).applyMatrix4(s.mesh.matrixWorld);
  });
}
const LMI = Object.fromEntries(MP_LANDMARKS.map((n, i) => [n, i])) as Record<(typeof MP_LANDMARKS)[number], number>;

// ---------------------------------------------------------------- posing
const AX = { x: new THREE.Vector3(1, 0, 0), y: new THREE.Vector3(0, 1, 0), z: new THREE.Vector3(0, 0, 1) };
const isLimb = (s: Segment) => s !== "pelvis" && s !== "trunk";
const sideSign = (s: Segment) => (s.endsWith("L") ? 1 : -1);
/** rotation of a segment from its rest orientation, in the subject frame (see pose.ts for the conventions) */
function segRotation(s: Segment, a: Record<Axis, number>): THREE.Quaternion {
  const limb = isLimb(s);
  const qp = new THREE.Quaternion().setFromAxisAngle(AX.x, (limb ? -a.pitch : a.pitch) * D2R);
  const qr = new THREE.Quaternion().setFromAxisAngle(AX.z, (limb ? sideSign(s) * a.roll : a.roll) * D2R);
  const qy = new THREE.Quaternion().setFromAxisAngle(AX.y, -a.yaw * D2R);
  return qy.multiply(qr).multiply(qp);
}
function setWorldQ(b: THREE.Bone, q: THREE.Quaternion) {
  const pq = b.parent!.getWorldQuaternion(new THREE.Quaternion());
  b.quaternion.copy(pq.invert().multiply(q));
  b.updateMatrixWorld(true);
}
const axes = (p: Pose, s: Segment) => ({ pitch: p[`${s}.pitch`], roll: p[`${s}.roll`], yaw: p[`${s}.yaw`] });
function orientSegment(s: Segment, rot: THREE.Quaternion) {
  const n = SEG_BONE[s];
  setWorldQ(bone(n), rot.clone().multiply(restWorldQ.get(n)!));
}

let SPEC: SceneSpec | null = null;
let anchorTarget: THREE.Vector3 | null = null;
const plantTargets: Partial<Record<"footL" | "footR" | "handL" | "handR", THREE.Vector3>> = {};

function anchorPoint(): THREE.Vector3 {
  const L = landmarkWorld();
  const mid = (a: number, b: number) => L[a]!.clone().add(L[b]!).multiplyScalar(0.5);
  switch (SPEC!.anchor) {
    case "ankles": return mid(LMI.leftAnkle, LMI.rightAnkle);
    case "hips": return mid(LMI.leftHip, LMI.rightHip);
    case "shoulders": return mid(LMI.leftShoulder, LMI.rightShoulder);
    case "knees": return mid(LMI.leftKnee, LMI.rightKnee);
    case "wrists": return mid(LMI.leftWrist, LMI.rightWrist);
    case "toes": return mid(LMI.leftFootIndex, LMI.rightFootIndex);
  }
}
function lowestPoint(): number {
  let y = Infinity;
  for (const m of Object.values(meshes)) {
    const n = m.geometry.attributes.position!.count, v = new THREE.Vector3();
    for (let i = 0; i < n; i++) y = Math.min(y, m.getVertexPosition(i, v).applyMatrix4(m.matrixWorld).y);
  }
  return y;
}
/** direction pitch of a vector in the sagittal (y-z) plane, from straight down, + toward the front */
const dirPitch = (v: THREE.Vector3) => Math.atan2(v.z, -v.y) * R2D;

/** two-bone IK in the sagittal plane: sets the two segments' pitch so that the limb's end reaches `target` */
function solveLimb(p: Pose, upper: Segment, lower: Segment, root: number, mid: number, end: number, target: THREE.Vector3, bend: 1 | -1) {
  // projected (y-z) segment lengths: a rotation about x keeps each segment's x extent
  const L0 = landmarkWorld();
  const seg1 = L0[mid]!.clone().sub(L0[root]!), seg2 = L0[end]!.clone().sub(L0[mid]!);
  const l1 = Math.hypot(seg1.y, seg1.z), l2 = Math.hypot(seg2.y, seg2.z);
  const d = target.clone().sub(L0[root]!);
  const dist = Math.min(l1 + l2 - 1e-4, Math.max(Math.abs(l1 - l2) + 1e-4, Math.hypot(d.y, d.z)));
  const base = dirPitch(d);
  const alpha = Math.acos(Math.min(1, Math.max(-1, (l1 * l1 + dist * dist - l2 * l2) / (2 * l1 * dist)))) * R2D;
  const want1 = base + bend * alpha;
  // the knee/elbow position, then the lower segment's direction to the target
  const m = L0[root]!.clone().add(new THREE.Vector3(0, -Math.cos(want1 * D2R) * l1, Math.sin(want1 * D2R) * l1));
  const want2 = dirPitch(target.clone().sub(m));
  // the pitch channel adds to the segment's current direction pitch: shift by the difference
  p[`${upper}.pitch`] += want1 - dirPitch(seg1);
  p[`${lower}.pitch`] += want2 - dirPitch(seg2);
}

function applyPose(p: Pose) {
  for (const [b, q] of restLocal) b.quaternion.copy(q);
  model.position.copy(restModelPos);
  model.updateMatrixWorld(true);
  const rp = segRotation("pelvis", axes(p, "pelvis"));
  const rc = segRotation("trunk", axes(p, "trunk"));
  orientSegment("pelvis", rp);
  SPINE.forEach((n, k) => setWorldQ(bone(n), rp.clone().slerp(rc, SPINE_SHARE[k]!).multiply(restWorldQ.get(n)!)));
  const rh = new THREE.Quaternion().setFromAxisAngle(AX.x, p["head.pitch"] * D2R).premultiply(new THREE.Quaternion().setFromAxisAngle(AX.y, -p["head.yaw"] * D2R));
  setWorldQ(bone(NECK), rc.clone().multiply(rh).multiply(restWorldQ.get(NECK)!));
  for (const s of ["upperArmL", "forearmL", "upperArmR", "forearmR", "thighL", "shankL", "footL", "thighR", "shankR", "footR"] as const) {
    orientSegment(s, segRotation(s, axes(p, s)));
  }
  for (const [k, s, n] of [["handL.pitch", "forearmL", "B_Hand_Left"], ["handR.pitch", "forearmR", "B_Hand_Right"]] as const) {
    const rel = new THREE.Quaternion().setFromAxisAngle(AX.x, -p[k] * D2R);
    setWorldQ(bone(n), segRotation(s, axes(p, s)).multiply(rel).multiply(restWorldQ.get(n)!));
  }
}

function place(p: Pose, first: boolean): number {
  applyPose(p);
  if (first) {
    // frame 0: the lowest point of the body on the floor, the anchor over the world origin
    const a = anchorPoint();
    model.position.x -= a.x;
    model.position.z -= a.z;
    model.position.y -= lowestPoint();
    model.updateMatrixWorld(true);
    anchorTarget = anchorPoint();
    const L = landmarkWorld();
    for (const k of Object.keys(plantTargets)) delete plantTargets[k as keyof typeof plantTargets];
    if (SPEC!.plant.includes("feet")) { plantTargets.footL = L[LMI.leftAnkle]!; plantTargets.footR = L[LMI.rightAnkle]!; }
    if (SPEC!.plant.includes("hands")) { plantTargets.handL = L[LMI.leftWrist]!; plantTargets.handR = L[LMI.rightWrist]!; }
    return 0;
  }
  // the anchor keeps its first-frame horizontal position; the body's lowest point stays on the floor (contact)
  const shift = () => {
    const a = anchorPoint();
    model.position.x += anchorTarget!.x - a.x;
    model.position.z += anchorTarget!.z - a.z;
    model.updateMatrixWorld(true);
    model.position.y -= lowestPoint();
    model.updateMatrixWorld(true);
  };
  shift();
  if (!Object.keys(plantTargets).length) return 0;
  const q = { ...p };
  for (const s of ["thighL", "shankL", "thighR", "shankR", "upperArmL", "forearmL", "upperArmR", "forearmR"] as const) {
    const planted = s.startsWith("thigh") || s.startsWith("shank") ? plantTargets[s.endsWith("L") ? "footL" : "footR"] : plantTargets[s.endsWith("L") ? "handL" : "handR"];
    if (planted) { q[`${s}.roll`] = 0; q[`${s}.yaw`] = 0; }
  }
  // two passes: the first applies roll/yaw = 0, the second refines (the pitch change is exact in the y-z plane)
  for (let pass = 0; pass < 2; pass++) {
    if (plantTargets.footL) solveLimb(q, "thighL", "shankL", LMI.leftHip, LMI.leftKnee, LMI.leftAnkle, plantTargets.footL, 1);
    if (plantTargets.footR) solveLimb(q, "thighR", "shankR", LMI.rightHip, LMI.rightKnee, LMI.rightAnkle, plantTargets.footR, 1);
    if (plantTargets.handL) solveLimb(q, "upperArmL", "forearmL", LMI.leftShoulder, LMI.leftElbow, LMI.leftWrist, plantTargets.handL, -1);
    if (plantTargets.handR) solveLimb(q, "upperArmR", "forearmR", LMI.rightShoulder, LMI.rightElbow, LMI.rightWrist, plantTargets.handR, -1);
    applyPose(q);
    shift();
  }
  const L = landmarkWorld();
  let err = 0;
  const check = (t: THREE.Vector3 | undefined, i: number) => { if (t) err = Math.max(err, t.distanceTo(L[i]!)); };
  check(plantTargets.footL, LMI.leftAnkle);
  check(plantTargets.footR, LMI.rightAnkle);
  check(plantTargets.handL, LMI.leftWrist);
  check(plantTargets.handR, LMI.rightWrist);
  return err;
}

// ---------------------------------------------------------------- measuring
function project(v: THREE.Vector3): [number, number, number] {
  const c = v.clone().project(camera);
  const depth = v.clone().applyMatrix4(camera.matrixWorldInverse).z;
  return [((c.x + 1) / 2) * W, ((1 - c.y) / 2) * H, -depth];
}
/** signed angle from a to b in the sagittal plane (u = front z, v = up y); + = b rotated toward the front/up (counter-clockwise) */
function sagAngle(a: THREE.Vector3, b: THREE.Vector3): number {
  return Math.atan2(a.z * b.y - a.y * b.z, a.z * b.z + a.y * b.y) * R2D;
}
const angle3 = (a: THREE.Vector3, b: THREE.Vector3) => a.angleTo(b) * R2D;
const elev = (v: THREE.Vector3) => Math.asin(Math.max(-1, Math.min(1, v.y / v.length()))) * R2D;

function measure(ikError: number, lowest: number): FrameMeasure {
  const L = landmarkWorld();
  const g = (n: (typeof MP_LANDMARKS)[number]) => L[LMI[n]]!;
  const mid = (a: THREE.Vector3, b: THREE.Vector3) => a.clone().add(b).multiplyScalar(0.5);
  const hip = mid(g("leftHip"), g("rightHip")), sh = mid(g("leftShoulder"), g("rightShoulder")), ank = mid(g("leftAnkle"), g("rightAnkle"));
  const t = sh.clone().sub(hip);
  const a: Record<string, number> = {};
  a.trunkFlexionDeg = Math.atan2(t.z, t.y) * R2D;
  a.trunkToFloorDeg = elev(t);
  a.lateralFlexionDeg = Math.asin(Math.max(-1, Math.min(1, -t.x / t.length()))) * R2D;
  a.trunkAngle3dDeg = angle3(t, AX.y);
  for (const [S, side] of [["L", "left"], ["R", "right"]] as const) {
    const s = g(`${side}Shoulder`), hp = g(`${side}Hip`), k = g(`${side}Knee`), an = g(`${side}Ankle`), e = g(`${side}Elbow`), w = g(`${side}Wrist`);
    a[`hipFlexion${S}`] = sagAngle(hp.clone().sub(s), k.clone().sub(hp));
    a[`kneeFlexion${S}`] = angle3(k.clone().sub(hp), an.clone().sub(k));
    a[`elbowFlexion${S}`] = angle3(e.clone().sub(s), w.clone().sub(e));
    a[`shoulderFlexion${S}`] = sagAngle(hp.clone().sub(s), e.clone().sub(s));
    a[`shoulderAngle3d${S}`] = angle3(hp.clone().sub(s), e.clone().sub(s));
    a[`armRaise${S}`] = elev(w.clone().sub(s));
    a[`legRaise${S}`] = elev(an.clone().sub(hp));
    a[`wristHeightM${S}`] = w.y;
    a[`ankleHeightM${S}`] = an.y;
  }
  // shoulder-hip-ankle body line: 180 = straight; the signed sag is + when the hips are below the shoulder-ankle line
  a.bodyLineDeg = angle3(sh.clone().sub(hip), ank.clone().sub(hip));
  const line = ank.clone().sub(sh), u = hip.clone().sub(sh).dot(line) / line.lengthSq();
  const onLine = sh.clone().addScaledVector(line, u);
  a.bodyLineSagDeg = (180 - a.bodyLineDeg) * (hip.y < onLine.y ? 1 : -1);
  a.hipHeightM = hip.y;
  const hl = g("leftHip").clone().sub(g("rightHip")), sl = g("leftShoulder").clone().sub(g("rightShoulder"));
  a.pelvicRotationDeg = -elev(hl); // hip line vs the floor plane, + = right hip higher
  a.shoulderLineTiltDeg = -elev(sl);
  a.pelvisYawDeg = Math.atan2(hl.z, hl.x) * R2D; // hip line about the vertical, + = pelvis turned to the subject's right
  a.floorClearanceM = lowest;
  const lm = L.map(project);
  const hp2 = project(hip), sh2 = project(sh), an2 = project(ank);
  a.imageTrunkAngleDeg = Math.atan2(sh2[0] - hp2[0], -(sh2[1] - hp2[1])) * R2D;
  return { angles: a, lm, midPx: { hip: [hp2[0], hp2[1]], shoulder: [sh2[0], sh2[1]], ankle: [an2[0], an2[1]] }, ikError };
}

// ---------------------------------------------------------------- frame code and debug overlay
/** frame index as 8 squares of 12x12 px at x = 540 + 12 b, y = 464..475, MSB first, white = 1, on a black strip */
function drawCode(i: number) {
  ctx.fillStyle = "#000";
  ctx.fillRect(538, 462, 100, 16);
  for (let b = 0; b < 8; b++) {
    ctx.fillStyle = (i >> (7 - b)) & 1 ? "#fff" : "#000";
    ctx.fillRect(540 + 12 * b, 464, 12, 12);
  }
}
const BONES_2D: Array<[number, number]> = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24], [23, 25], [25, 27], [27, 29], [27, 31], [24, 26], [26, 28], [28, 30], [28, 32], [15, 19], [15, 17], [15, 21], [16, 20], [16, 18], [16, 22], [0, 2], [0, 5], [2, 7], [5, 8], [9, 10]];
function drawOverlay(m: FrameMeasure) {
  ctx.lineWidth = 1.5;
  for (const [a, b] of BONES_2D) {
    const left = MP_LANDMARKS[a]!.startsWith("left") || MP_LANDMARKS[b]!.startsWith("left");
    ctx.strokeStyle = left ? "#ff3030" : "#30e030";
    ctx.beginPath();
    ctx.moveTo(m.lm[a]![0], m.lm[a]![1]);
    ctx.lineTo(m.lm[b]![0], m.lm[b]![1]);
    ctx.stroke();
  }
  m.lm.forEach(([x, y], i) => {
    ctx.fillStyle = i === 0 ? "#ffff00" : MP_LANDMARKS[i]!.startsWith("left") ? "#ff0000" : "#00ff00";
    ctx.fillRect(x - 2, y - 2, 4, 4);
  });
  ctx.fillStyle = "#ff00ff";
  for (const p of [m.midPx.hip, m.midPx.shoulder]) ctx.fillRect(p[0] - 3, p[1] - 3, 6, 6);
}

// ---------------------------------------------------------------- API used by generate.ts
declare global {
  interface Window {
    RIG: {
      setup(spec: SceneSpec, firstPose: Pose): { bodyCenter: [number, number, number] };
      frame(i: number, pose: Pose, opts?: { overlay?: boolean; code?: boolean }): { png: string; m: FrameMeasure };
    };
    RIG_READY: boolean;
  }
}
window.RIG = {
  setup(spec, firstPose) {
    SPEC = spec;
    for (const c of CHANNELS) if (!Number.isFinite(firstPose[c])) throw new Error(`pose channel ${c} missing`);
    place(firstPose, true);
    const box = new THREE.Box3().setFromObject(model, true);
    const center = box.getCenter(new THREE.Vector3());
    const cam = spec.camera;
    const az = cam.azimuthDeg * D2R;
    const look = new THREE.Vector3(center.x, cam.lookAtHeight ?? cam.height, center.z + (cam.lookAtFront ?? 0));
    camera.fov = cam.fov;
    camera.position.set(look.x - Math.sin(az) * cam.dist, cam.height, look.z + Math.cos(az) * cam.dist);
    camera.lookAt(look);
    camera.updateProjectionMatrix();
    camera.updateMatrixWorld(true);
    // the wall: 6 m behind the subject, facing the camera
    const back = look.clone().sub(camera.position).setY(0).normalize();
    wall.position.copy(look.clone().addScaledVector(back, 6)).setY(5);
    wall.lookAt(camera.position.x, 5, camera.position.z);
    // key light from above-front of the camera, shadows on the floor
    sun.position.copy(camera.position.clone().add(new THREE.Vector3(0, 4, 0)).addScaledVector(back, -1).add(new THREE.Vector3(1.5, 0, 0)));
    sun.target.position.copy(center);
    const bright = spec.light === "bright";
    hemi.intensity = bright ? 2.1 : 1.5;
    fill.intensity = bright ? 0.8 : 0;
    fill.position.copy(camera.position).setY(cam.height + 0.5);
    fill.target.position.copy(center);
    scene.remove(chair, mat);
    if (spec.chair) {
      const c = spec.chair;
      chair.scale.set(0.46, c.seatHeight, c.depth);
      chair.position.set(anchorTarget!.x, c.seatHeight / 2, anchorTarget!.z + c.frontEdge - c.depth / 2);
      scene.add(chair);
    }
    if (spec.mat) {
      mat.position.set(center.x, 0.001, center.z);
      scene.add(mat);
    }
    return { bodyCenter: [center.x, center.y, center.z] };
  },
  frame(i, pose, opts = {}) {
    const ikError = place(pose, false);
    const m = measure(ikError, lowestPoint());
    renderer.render(scene, camera);
    ctx.drawImage(renderer.domElement, 0, 0);
    if (opts.overlay) drawOverlay(m);
    if (opts.code !== false) drawCode(i);
    return { png: out.toDataURL("image/png"), m };
  },
};
window.RIG_READY = true;
