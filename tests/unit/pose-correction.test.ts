// Issue 15: the corrections from the trunk's image angle to the clinical angle (app/_shared/pose/correction.ts) and
// the smoothing's lag, on synthetic landmarks of known angles: a 3D stick figure projected through a level camera that
// stands off the ideal view by a known angle.
import assert from "node:assert/strict";
import test from "node:test";
import { imageTrunkAngle } from "@/app/_shared/pose/angles";
import { biasAt, MODEL_BIAS, removeBias, unforeshorten, type ViewBias } from "@/app/_shared/pose/correction";
import { OneEuroFilter } from "@/app/_shared/pose/filter";
import { toPixels } from "@/app/_shared/pose/geometry";
import { LANDMARK_COUNT, LM, type Landmark, type PoseFrame } from "@/app/_shared/pose/landmarks";
import { PoseProcessor, worldView, worldYaw } from "@/app/_shared/pose/processor";
import { toWorld } from "@/app/_shared/pose/geometry";

const D = Math.PI / 180;
type V = [number, number, number];
const add = (a: V, b: V, k = 1): V => [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]];

/**
 * A standing figure bending forward by flexionDeg (a pure hip hinge in its sagittal plane) or sideways by
 * lateralDeg (toward its right), seen by a level orthographic camera. view "side": the subject faces the image right
 * with its plane turned offAxisDeg away from the image plane; view "front": it faces the camera, turned offAxisDeg.
 * Camera coordinates: X image right, Y up, Z toward the camera. Returns image and world landmarks like MediaPipe's.
 */
function figure(o: { view: "side" | "front"; offAxisDeg: number; flexionDeg?: number; lateralDeg?: number; t?: number }): PoseFrame {
  const a = o.offAxisDeg * D;
  // the subject's forward, left and up directions in camera coordinates
  const fwd: V = o.view === "side" ? [Math.cos(a), 0, Math.sin(a)] : [Math.sin(a), 0, Math.cos(a)];
  const left: V = o.view === "side" ? [Math.sin(a), 0, -Math.cos(a)] : [Math.cos(a), 0, -Math.sin(a)];
  const up: V = [0, 1, 0];
  const th = (o.flexionDeg ?? 0) * D, la = (o.lateralDeg ?? 0) * D;
  const hip: V = [0, 0.9, 0];
  // trunk direction: forward by flexion, toward the subject's right (-left) by the side bend
  const trunk: V = add(add([0, 0, 0], up, Math.cos(th) * Math.cos(la)), add(fwd.map((c) => c * Math.sin(th)) as V, left, -Math.sin(la)));
  const sh = add(hip, trunk, 0.5);
  const P = new Map<number, V>();
  const pair = (l: number, r: number, c: V, half: number) => {
    P.set(l, add(c, left, half));
    P.set(r, add(c, left, -half));
  };
  pair(LM.leftHip, LM.rightHip, hip, 0.15);
  pair(LM.leftShoulder, LM.rightShoulder, sh, 0.18);
  pair(LM.leftKnee, LM.rightKnee, [0, 0.5, 0], 0.1);
  pair(LM.leftAnkle, LM.rightAnkle, [0, 0.08, 0], 0.1);
  pair(LM.leftHeel, LM.rightHeel, add([0, 0.03, 0], fwd, -0.05), 0.1);
  pair(LM.leftFootIndex, LM.rightFootIndex, add([0, 0.02, 0], fwd, 0.15), 0.1);
  const head = add(sh, trunk, 0.2);
  pair(LM.leftEar, LM.rightEar, head, 0.07);
  P.set(LM.nose, add(head, fwd, 0.1));
  const image: Landmark[] = [], world: Landmark[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const p = P.get(i) ?? sh;
    image.push({ x: (320 + 250 * p[0]) / 640, y: (240 - 250 * (p[1] - 0.9)) / 480, z: 0, visibility: 0.99, presence: 0.99 });
    world.push({ x: p[0], y: -(p[1] - 0.9), z: -p[2], visibility: 0.99, presence: 0.99 });
  }
  return { t: o.t ?? 0, width: 640, height: 480, image, world };
}

/** Runs a processor over `n` frames of the same pose (past the settling frames) and returns the last result. */
function steady(proc: PoseProcessor, make: (t: number) => PoseFrame, n = 8) {
  let r = proc.process(make(0));
  for (let i = 1; i < n; i++) r = proc.process(make(i * 50));
  return r;
}

test("unforeshorten inverts the image angle of a plane turned away from the camera", () => {
  for (const alpha of [0, 10, 15, 25])
    for (const theta of [-20, 0, 10, 45, 80, 90]) {
      const image = Math.atan(Math.tan(theta * D) * Math.cos(alpha * D)) / D;
      const back = theta === 90 ? unforeshorten(89.999, alpha) : unforeshorten(image, alpha);
      assert.ok(Math.abs(back - theta) < 0.01, `alpha ${alpha} theta ${theta}: ${back}`);
    }
  // beyond the correctable range the factor stops growing (an oblique view is withheld, not stretched)
  assert.equal(unforeshorten(30, 60), unforeshorten(30, 30));
});

test("the stick figure's world landmarks give its yaw, and its image angle is foreshortened", () => {
  const f = figure({ view: "side", offAxisDeg: 20, flexionDeg: 45 });
  assert.ok(Math.abs(worldYaw(toWorld(f.world!)) - 70) < 0.01);
  const img = imageTrunkAngle(toPixels(f.image!, 640, 480)).value;
  assert.ok(Math.abs(img - Math.atan(Math.cos(20 * D)) / D) < 0.01, `image angle ${img}`);
});

test("processor: trunk flexion 20 deg off side-on is corrected for the view (1.8 deg low at 45 deg without it)", () => {
  for (const theta of [0, 20, 45, 70]) {
    const on = steady(new PoseProcessor({ guidance: {} }), (t) => figure({ view: "side", offAxisDeg: 20, flexionDeg: theta, t }));
    assert.equal(on.view.view, "sagittal");
    assert.ok(Math.abs(on.angles.trunkFlexion! - theta) < 0.1, `corrected ${theta}: ${on.angles.trunkFlexion}`);
  }
  const off = steady(new PoseProcessor({ guidance: {}, foreshortening: false }), (t) => figure({ view: "side", offAxisDeg: 20, flexionDeg: 45, t }));
  assert.ok(Math.abs(off.angles.trunkFlexion! - 45) > 1.5, `uncorrected reads ${off.angles.trunkFlexion}`);
  // exactly side-on nothing changes
  const side = steady(new PoseProcessor({ guidance: {} }), (t) => figure({ view: "side", offAxisDeg: 0, flexionDeg: 45, t }));
  assert.ok(Math.abs(side.angles.trunkFlexion! - 45) < 0.1);
});

test("processor: side bending 20 deg off frontal is corrected for the view; trunk flexion is not reported", () => {
  const r = steady(new PoseProcessor({ guidance: {} }), (t) => figure({ view: "front", offAxisDeg: 20, lateralDeg: 30, t }));
  assert.equal(r.view.view, "frontal");
  assert.ok(Math.abs(r.angles.lateralFlexion! - 30) < 0.3, `lateral ${r.angles.lateralFlexion}`);
  assert.equal(r.angles.trunkFlexion, null);
  const off = steady(new PoseProcessor({ guidance: {}, foreshortening: false }), (t) => figure({ view: "front", offAxisDeg: 20, lateralDeg: 30, t }));
  assert.ok(Math.abs(off.angles.lateralFlexion! - 30) > 1, `uncorrected ${off.angles.lateralFlexion}`);
});

test("removeBias inverts a line; trunk flexion: below the offset (an extension) only the offset is removed", () => {
  const line = { gain: 1.05, offsetDeg: -1.6 };
  assert.ok(Math.abs(removeBias(line.offsetDeg, line)) < 1e-9);
  assert.ok(Math.abs(removeBias(line.gain * 80 + line.offsetDeg, line) - 80) < 1e-9);
  assert.ok(Math.abs(removeBias(-10, line) - (-10 - line.offsetDeg)) < 1e-9);
  // lateral flexion bends both ways: the gain applies to both sides
  assert.ok(Math.abs(removeBias(line.gain * -20 + line.offsetDeg, line, false) - -20) < 1e-9);
  assert.equal(removeBias(12, undefined), 12);
});

test("biasAt: linear between the view nodes, constant beyond them; mirrored views for lateral flexion", () => {
  const bias: ViewBias = {
    offAxisGain: 1.5,
    nodes: [
      { offAxisDeg: -20, gain: 1.1, offsetDeg: 1 },
      { offAxisDeg: 0, gain: 1.0, offsetDeg: -1 },
      { offAxisDeg: 20, gain: 1.2, offsetDeg: -3 },
    ],
  };
  const at = (a: number) => biasAt(bias, a)!;
  assert.deepEqual(at(-40), bias.nodes[0]);
  assert.deepEqual(at(35), bias.nodes[2]);
  assert.ok(Math.abs(at(-10).gain - 1.05) < 1e-9 && Math.abs(at(-10).offsetDeg - 0) < 1e-9);
  assert.ok(Math.abs(at(5).gain - 1.05) < 1e-9 && Math.abs(at(5).offsetDeg - -1.5) < 1e-9);
  assert.ok(at(NaN).gain === 1 && at(NaN).offsetDeg === -1, "unknown view: the side-on line");
  assert.equal(biasAt(undefined, 10), undefined);
  // mirror: nodes for a camera toward the subject's right; from the left the offset changes sign; 0 from the front
  const lat: ViewBias = { offAxisGain: 1, mirror: true, nodes: [{ offAxisDeg: 10, gain: 1.02, offsetDeg: 0.8 }, { offAxisDeg: 30, gain: 1.06, offsetDeg: 1.6 }] };
  const l = (a: number) => biasAt(lat, a)!;
  assert.ok(Math.abs(l(20).offsetDeg - 1.2) < 1e-9 && Math.abs(l(20).gain - 1.04) < 1e-9);
  assert.ok(Math.abs(l(-20).offsetDeg - -1.2) < 1e-9 && Math.abs(l(-20).gain - 1.04) < 1e-9);
  assert.ok(Math.abs(l(0).offsetDeg) < 1e-9 && Math.abs(l(5).offsetDeg - 0.4) < 1e-9 && Math.abs(l(-5).offsetDeg - -0.4) < 1e-9);
});

test("worldView: the sign of the view from the world landmarks (front/back side-on, right/left from the front)", () => {
  const side = (off: number) => steady(new PoseProcessor({ guidance: {} }), (t) => figure({ view: "side", offAxisDeg: off, flexionDeg: 30, t }));
  const front = (off: number) => steady(new PoseProcessor({ guidance: {} }), (t) => figure({ view: "front", offAxisDeg: off, lateralDeg: 10, t }));
  // the stick figure turned toward the camera side-on shows its front; from the front turned so its right side is nearer
  assert.ok(Math.abs(side(20).variants.offAxisDeg! - 20) < 0.1, `${side(20).variants.offAxisDeg}`);
  assert.ok(Math.abs(side(-20).variants.offAxisDeg! - -20) < 0.1, `${side(-20).variants.offAxisDeg}`);
  assert.ok(Math.abs(front(20).variants.offAxisDeg! - 20) < 0.1, `${front(20).variants.offAxisDeg}`);
  assert.ok(Math.abs(front(-20).variants.offAxisDeg! - -20) < 0.1, `${front(-20).variants.offAxisDeg}`);
  const v = worldView(toWorld(figure({ view: "side", offAxisDeg: 20, flexionDeg: 0 }).world!))!;
  assert.ok(v.front > 0 && Math.abs(v.yawDeg - 70) < 0.01);
  // the foreshortening is inverted either way
  assert.ok(Math.abs(side(-20).angles.trunkFlexion! - 30) < 0.1);
  assert.ok(Math.abs(front(-20).angles.lateralFlexion! - 10) < 0.3);
});

test("model bias: a frame names its model; its line for the view is removed in the image, then the view's foreshortening", () => {
  const lite = MODEL_BIAS.trunkFlexion.lite!;
  const make = (model: string | undefined, off: number, flexionDeg: number) => (t: number) => ({ ...figure({ view: "side", offAxisDeg: off, flexionDeg, t }), model });
  for (const off of [0, 15, -20])
    for (const theta of [0, 45, 80]) {
      const image = Math.atan(Math.tan(theta * D) * Math.cos(off * D)) / D;
      const a = lite.offAxisGain * off;
      const want = unforeshorten(removeBias(image, biasAt(lite, a)), a);
      const got = steady(new PoseProcessor({ guidance: {} }), make("lite", off, theta)).angles.trunkFlexion!;
      assert.ok(Math.abs(got - want) < 0.1, `lite, ${off} deg off, ${theta} deg: ${got} vs ${want}`);
      // no model named (or the bias off): geometry only
      const plain = steady(new PoseProcessor({ guidance: {} }), make(undefined, off, theta)).angles.trunkFlexion!;
      assert.ok(Math.abs(plain - theta) < 0.1, `no model ${plain}`);
      const off2 = steady(new PoseProcessor({ guidance: {}, modelBias: false }), make("lite", off, theta)).angles.trunkFlexion!;
      assert.ok(Math.abs(off2 - theta) < 0.1, `bias off ${off2}`);
    }
  // lateral flexion from a camera 20 deg toward the subject's right, full model
  const full = MODEL_BIAS.lateralFlexion.full;
  if (full) {
    const r = steady(new PoseProcessor({ guidance: {} }), (t) => ({ ...figure({ view: "front", offAxisDeg: 20, lateralDeg: 25, t }), model: "full" }));
    const image = Math.atan(Math.tan(25 * D) * Math.cos(20 * D)) / D;
    const a = full.offAxisGain * 20;
    const want = unforeshorten(removeBias(image, biasAt(full, a), false), a);
    assert.ok(Math.abs(r.angles.lateralFlexion! - want) < 0.3, `lateral ${r.angles.lateralFlexion} vs ${want}`);
  }
});

test("MODEL_BIAS is plausible data, never fitted on the off-axis clips the benchmark judges it on", () => {
  assert.equal(MODEL_BIAS.version, 2);
  assert.ok(MODEL_BIAS.fittedOn.length >= 1);
  for (const clip of MODEL_BIAS.fittedOn) assert.doesNotMatch(clip, /^offaxis_/, clip);
  for (const measure of ["trunkFlexion", "lateralFlexion"] as const)
    for (const [model, b] of Object.entries(MODEL_BIAS[measure])) {
      assert.ok(b && b.nodes.length >= 1, `${measure} ${model}`);
      assert.ok(b.offAxisGain >= 0.5 && b.offAxisGain <= 3, `${measure} ${model} offAxisGain ${b.offAxisGain}`);
      for (let i = 0; i < b.nodes.length; i++) {
        const n = b.nodes[i]!;
        if (i) assert.ok(n.offAxisDeg > b.nodes[i - 1]!.offAxisDeg, "nodes sorted by view");
        assert.ok(n.gain > 0.85 && n.gain < 1.25 && Math.abs(n.offsetDeg) < 6, `${measure} ${model} ${JSON.stringify(n)}`);
      }
    }
});

test("smoothing: during a 45 deg/s bend sampled at 20 Hz the shown angle lags the truth by under 1 deg", () => {
  const f = new OneEuroFilter();
  let worst = 0;
  for (let i = 0; i <= 40; i++) {
    const t = i * 50;
    const truth = 45 * (t / 1000);
    const y = f.filter(truth, t);
    if (t >= 500) worst = Math.max(worst, Math.abs(y - truth)); // after the speed estimate has risen
  }
  assert.ok(worst < 1, `lag error ${worst.toFixed(2)} deg`); // 0.05 (the old beta) lags 2.3 deg here
});

test("start-up: with weak facing evidence (a deep bend: toes just ahead of the heels, the face hidden) trunk flexion shows right after the settling frames", () => {
  // MediaPipe's first frames of a subject found mid-bend: facing score about 0.33. Averaged with the 0 of "no
  // evidence", the facing stayed unknown (no trunk flexion) for 4 more frames after the 2 settling ones.
  const weak = (t: number): PoseFrame => {
    const f = figure({ view: "side", offAxisDeg: 0, flexionDeg: 80, t });
    const heelL = f.image![LM.leftHeel]!, heelR = f.image![LM.rightHeel]!;
    const scale = 0.5 * 250; // the figure's trunk length in pixels
    for (const [toe, heel] of [[LM.leftFootIndex, heelL], [LM.rightFootIndex, heelR]] as const) f.image![toe] = { ...heel, x: heel.x + (0.05 * scale) / 640 };
    f.image![LM.nose] = { ...f.image![LM.nose]!, visibility: 0.1 };
    return f;
  };
  const proc = new PoseProcessor({ guidance: {} });
  const shown: Array<number | null> = [];
  for (let i = 0; i < 6; i++) shown.push(proc.process(weak(i * 50)).angles.trunkFlexion);
  assert.deepEqual(shown.slice(0, 2), [null, null], "the 2 settling frames show nothing");
  assert.ok(shown.slice(2).every((v) => v !== null && Math.abs(v - 80) < 0.5), `from the third frame on: ${JSON.stringify(shown)}`);
});

test("view hold: from the front, the view estimates are held during a side bend (the model's drift no longer makes it oblique or moves the off-axis angle)", () => {
  // What lite does 20 deg off frontal (issue 15 round 4): bent, its shoulder points close in (the image yaw from the
  // body's apparent width rises past 35 deg: "oblique", withheld) and its world landmarks turn further (the off-axis
  // angle, and with it the view's correction, grows). The camera has not moved: both are drift of a bent trunk.
  const drift = (f: PoseFrame): PoseFrame => {
    const im = f.image!, ls = im[LM.leftShoulder]!, rs = im[LM.rightShoulder]!;
    const mx = (ls.x + rs.x) / 2;
    im[LM.leftShoulder] = { ...ls, x: mx + 0.35 * (ls.x - mx) };
    im[LM.rightShoulder] = { ...rs, x: mx + 0.35 * (rs.x - mx) };
    const d = 15 * D;
    f.world = f.world!.map((l) => ({ ...l, x: l.x * Math.cos(d) + l.z * Math.sin(d), z: -l.x * Math.sin(d) + l.z * Math.cos(d) }));
    return f;
  };
  const run = (proc: PoseProcessor) => {
    let t = 0;
    let r = proc.process(figure({ view: "front", offAxisDeg: 20, t }));
    for (let i = 0; i < 10; i++) r = proc.process(figure({ view: "front", offAxisDeg: 20, t: (t += 50) }));
    const standingOff = r.variants.offAxisDeg!;
    assert.equal(r.view.view, "frontal");
    for (let i = 0; i < 10; i++) r = proc.process(drift(figure({ view: "front", offAxisDeg: 20, lateralDeg: 25, t: (t += 50) })));
    return { r, standingOff };
  };
  const held = run(new PoseProcessor({ guidance: {} }));
  assert.equal(held.r.view.view, "frontal");
  assert.ok(held.r.angles.lateralFlexion !== null, `withheld: ${JSON.stringify(held.r.withheld)}`);
  assert.ok(Math.abs(held.r.variants.offAxisDeg! - held.standingOff) < 0.01, `off-axis ${held.r.variants.offAxisDeg} vs ${held.standingOff} standing`);
  // without the hold (as before round 4) the same frames are oblique: no side bend shown
  const followed = run(new PoseProcessor({ guidance: {}, viewHoldDeg: Infinity }));
  assert.equal(followed.r.view.view, "oblique");
  assert.equal(followed.r.angles.lateralFlexion, null);
});

test("view hold: released when the trunk is upright again (a turn to side-on is followed), and never side-on", () => {
  const proc = new PoseProcessor({ guidance: {} });
  let t = 0, r = proc.process(figure({ view: "front", offAxisDeg: 10, t }));
  for (let i = 0; i < 6; i++) r = proc.process(figure({ view: "front", offAxisDeg: 10, lateralDeg: 20, t: (t += 50) }));
  assert.equal(r.view.view, "frontal");
  for (let i = 0; i < 15; i++) r = proc.process(figure({ view: "side", offAxisDeg: 0, t: (t += 50) }));
  assert.equal(r.view.view, "sagittal", "upright again, the view follows the body");
  // side-on the estimates follow the body during a forward bend, as before
  const a = new PoseProcessor({ guidance: {} }), b = new PoseProcessor({ guidance: {}, viewHoldDeg: Infinity });
  for (let i = 0; i < 12; i++) {
    const f = () => figure({ view: "side", offAxisDeg: i < 6 ? 5 : 20, flexionDeg: i < 6 ? 0 : 60, t: i * 50 });
    const ra = a.process(f()), rb = b.process(f());
    assert.equal(ra.variants.offAxisDeg, rb.variants.offAxisDeg);
    assert.equal(ra.angles.trunkFlexion, rb.angles.trunkFlexion);
  }
});
