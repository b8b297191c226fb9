import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CATALOGUE_VERSION, EXERCISE_KEYS, EXERCISES, ExerciseSchema, exercisesByGroup, exerciseRef, getExercise, GROUPS, latestExercise, searchExercises, type Exercise,
} from "@/app/_shared/exercises/catalogue";
import { checkFraming } from "@/app/_shared/exercises/framing";
import { demoLandmarksAt, demoPoseAt, DemoSchema, renderPose } from "@/app/_shared/exercises/skeleton";
import { ExerciseSession } from "@/app/_shared/exercises/summary";
import { frameFromJointAngles } from "@/app/_shared/exercises/trackers";
import { EXERCISE_MEASURES, measureJointAngles } from "@/app/_shared/pose/joint-angles";
import { LANDMARK_COUNT } from "@/app/_shared/pose/landmarks";
import { rng } from "./exercise-series";

test("the library: at least 20 exercises covering every group and every stabilisation stage", () => {
  assert.equal(CATALOGUE_VERSION, 3);
  assert.ok(EXERCISES.length >= 20, `${EXERCISES.length} exercises`);
  for (const g of GROUPS) assert.ok(EXERCISES.some((e) => e.group === g), `group ${g}`);
  for (const s of ["static", "dynamic", "functional"] as const) assert.ok(EXERCISES.some((e) => e.group === "stabilization" && e.stage === s), `stage ${s}`);
  for (const p of ["standing", "sitting", "supine", "prone", "quadruped", "side-lying", "kneeling"] as const) assert.ok(EXERCISES.some((e) => e.position === p), `position ${p}`);
});

test("every key@version is unique, and every easier/harder link resolves", () => {
  const refs = EXERCISES.map(exerciseRef);
  assert.equal(new Set(refs).size, refs.length);
  for (const e of EXERCISES) {
    for (const link of [e.easier, e.harder]) {
      if (link === null) continue;
      assert.ok(latestExercise(link), `${e.key} -> ${link}`);
      assert.notEqual(link, e.key);
    }
  }
  // the progressions the issue names
  assert.equal(getExercise("bridge")!.harder, "single-leg-bridge");
  assert.equal(getExercise("plank-knees")!.harder, "plank");
  assert.equal(getExercise("plank")!.easier, "plank-knees");
});

test("every exercise that is not self-reported has a tracker spec whose measures and positions exist", () => {
  for (const e of EXERCISES) {
    assert.equal(e.selfReported, e.tracker === null, e.key);
    if (!e.tracker) continue;
    assert.ok(e.tracker.positions.includes(e.position), e.key);
    const measures = e.tracker.kind === "reps" ? e.tracker.machines.flatMap((m) => [m.primary, ...m.requires.map((q) => q.measure)]) : e.tracker.zones.flatMap((z) => z.conditions.map((c) => c.measure));
    for (const m of measures) assert.ok((EXERCISE_MEASURES as readonly string[]).includes(m), `${e.key}: ${m}`);
  }
  for (const k of ["abdominal-drawing-in", "pelvic-floor"]) {
    const e = getExercise(k)!;
    assert.equal(e.selfReported, true, k);
    assert.ok(e.instructions.some((i) => /confirm/i.test(i)), `${k} tells the patient to confirm`);
  }
});

test("floor exercises need the camera low; each exercise says where to put the camera", () => {
  for (const e of EXERCISES) {
    if (["supine", "prone", "quadruped", "side-lying", "kneeling"].includes(e.position)) assert.equal(e.camera.height, "floor", e.key);
    assert.ok(e.camera.distanceM.min <= e.camera.distanceM.max);
    assert.ok(e.cue.length <= 100 && e.instructions.length >= 2);
  }
  assert.equal(getExercise("bridge")!.camera.view, "side");
  assert.equal(getExercise("side-plank")!.camera.view, "front");
});

test("default doses lie in the clinical reference's dosing table", () => {
  // the table in the clinical reference ("Home exercise dosing (typical starting points)")
  const ref: Record<string, (e: Exercise) => boolean> = {
    "prone-press-up": (e) => e.dose.reps === 10 && e.dose.holdS! >= 1 && e.dose.holdS! <= 2 && e.dose.perDay >= 3,
    "bird-dog": (e) => e.dose.reps === 10 && e.dose.perSide && e.dose.holdS! >= 3 && e.dose.holdS! <= 10,
    bridge: (e) => e.dose.reps! >= 8 && e.dose.reps! <= 12 && e.dose.holdS! >= 5 && e.dose.holdS! <= 7,
    "dead-bug": (e) => e.dose.reps! >= 8 && e.dose.reps! <= 10 && e.dose.perSide,
    "hamstring-stretch": (e) => e.dose.sets === 3 && e.dose.holdS === 30 && e.dose.perSide,
    "hip-flexor-stretch": (e) => e.dose.sets === 3 && e.dose.holdS === 30 && e.dose.perSide,
    "knee-to-chest": (e) => e.dose.sets === 3 && e.dose.holdS! >= 20 && e.dose.holdS! <= 30,
    "double-knee-to-chest": (e) => e.dose.sets === 3 && e.dose.holdS! >= 20 && e.dose.holdS! <= 30,
    "cat-camel": (e) => e.dose.reps === 10,
    plank: (e) => e.dose.sets === 3 && e.dose.holdS! >= 10 && e.dose.holdS! <= 30,
    "plank-knees": (e) => e.dose.sets === 3 && e.dose.holdS! >= 10 && e.dose.holdS! <= 30,
    "side-plank": (e) => e.dose.sets === 3 && e.dose.holdS! >= 10 && e.dose.holdS! <= 30,
    walking: (e) => e.dose.minutes! >= 10 && e.dose.minutes! <= 30 && e.dose.perDay >= 1,
  };
  for (const [k, ok] of Object.entries(ref)) {
    const e = getExercise(k)!;
    assert.ok(ok(e), `${k}: ${JSON.stringify(e.dose)}`);
    assert.match(e.doseSource, /Clinical reference/, k);
  }
  for (const e of EXERCISES) assert.ok(e.doseSource.length > 5, e.key);
});

test("contraindication notes where relevant: McKenzie extension warns about peripheralisation", () => {
  for (const e of EXERCISES.filter((x) => x.group === "mckenzie")) assert.ok(e.contraindications.some((c) => /peripheralis/.test(c)), e.key);
  assert.ok(getExercise("plank")!.contraindications.some((c) => /breath/.test(c)));
});

test("the schema refuses inconsistent entries with clear messages", () => {
  const good = getExercise("bridge@1")!;
  const bad = (patch: Partial<Exercise>) => ExerciseSchema.safeParse({ ...good, ...patch });
  assert.match(JSON.stringify(bad({ selfReported: true }).error?.issues), /self-reported exercises have no tracker/);
  assert.match(JSON.stringify(bad({ camera: { ...good.camera, height: "hip" } }).error?.issues), /floor exercises need the camera low/);
  assert.match(JSON.stringify(bad({ key: "Bad Key" }).error?.issues), /lower-case key/);
  assert.match(JSON.stringify(bad({ dose: { ...good.dose, holdS: null } }).error?.issues), /held repetitions need holdS/);
  const machine = good.tracker!.kind === "reps" ? good.tracker!.machines[0]! : null;
  assert.match(JSON.stringify(bad({ tracker: { ...good.tracker!, machines: [{ ...machine!, end: machine!.start }] } as Exercise["tracker"] }).error?.issues), /hysteresis/);
});

test("lookups by key@version, key and version, latest; unknown and malformed names give nothing", () => {
  assert.equal(getExercise("bridge@1")?.key, "bridge");
  assert.equal(getExercise("bridge", 1)?.key, "bridge");
  assert.equal(getExercise("bridge")?.version, 2, "the latest version");
  assert.equal(getExercise("bridge@2")?.tracker?.form, "bridge-2");
  assert.equal(getExercise("bridge@1")?.tracker?.form, "bridge", "the published version stays as it was");
  assert.equal(getExercise("bridge@3"), undefined);
  assert.equal(getExercise("nope@1"), undefined);
  assert.equal(getExercise("bridge@x"), undefined);
  assert.equal(getExercise(""), undefined);
});

test("search for the therapist's picker: prefixes of words in the title, keywords and group; grouped listing", () => {
  assert.equal(searchExercises("knee ch")[0]?.key, "knee-to-chest");
  assert.deepEqual(searchExercises("PLANK").map((e) => e.key).slice(0, 3).sort(), ["plank", "plank-knees", "side-plank"]);
  assert.equal(searchExercises("mckenzie").length, 3);
  assert.ok(searchExercises("balance").some((e) => e.key === "single-leg-stance"));
  assert.deepEqual(searchExercises("bridge", { group: "core" }).map((e) => e.key), ["bridge", "single-leg-bridge", "side-plank"], "title matches before the keyword 'side bridge'");
  assert.equal(searchExercises("zzz").length, 0);
  assert.equal(searchExercises("   ").length, EXERCISE_KEYS.length, "the latest version of each exercise");
  assert.ok(!searchExercises("", { includeSelfReported: false }).some((e) => e.selfReported));
  const groups = exercisesByGroup();
  assert.deepEqual(groups.map((g) => g.group), [...GROUPS]);
  assert.equal(groups.reduce((a, g) => a + g.exercises.length, 0), EXERCISE_KEYS.length);
});

describe("demonstration keyframes", () => {
  test("every demo validates, interpolates between keyframes and loops", () => {
    for (const e of EXERCISES) {
      assert.ok(DemoSchema.safeParse(e.demo).success, e.key);
      const lm = demoLandmarksAt(e.demo, 0.3);
      assert.equal(lm.length, LANDMARK_COUNT);
      assert.ok(lm.every((l) => l.x > -0.1 && l.x < 1.1 && l.y > -0.1 && l.y < 1.1), `${e.key} stays in the picture`);
    }
    const d = getExercise("squat")!.demo;
    const a = d.keyframes[0]!, b = d.keyframes[1]!;
    const mid = demoPoseAt(d, (a.atS + b.atS) / 2);
    assert.ok(Math.abs(mid.thighL - (a.pose.thighL + b.pose.thighL) / 2) < 1e-9);
    const period = d.keyframes[d.keyframes.length - 1]!.atS;
    const p1 = demoPoseAt(d, 0.7), p2 = demoPoseAt(d, 0.7 + period);
    for (const k of Object.keys(p1) as (keyof typeof p1)[]) assert.ok(Math.abs(p1[k]! - p2[k]!) < 1e-9, k);
  });

  test("the first frame of every tracked exercise's demo passes its own framing check", () => {
    for (const e of EXERCISES.filter((x) => x.tracker)) {
      const j = measureJointAngles({ t: 0, image: demoLandmarksAt(e.demo, 0), aspect: 4 / 3 });
      const f = checkFraming(e, j);
      assert.ok(f.ok, `${e.key}: ${JSON.stringify(f.items)}`);
    }
    // a floor exercise filmed from the feet end (frontal) and a standing patient for a supine exercise are refused
    const bridge = getExercise("bridge")!;
    const standing = measureJointAngles({ t: 0, image: demoLandmarksAt(getExercise("squat")!.demo, 0), aspect: 4 / 3 });
    const f = checkFraming(bridge, standing);
    assert.equal(f.ok, false);
    assert.ok(f.items.some((i) => i.code === "position" && /Lie on your back/.test(i.message)));
    const front = measureJointAngles({ t: 0, image: renderPose(demoPoseAt(getExercise("single-leg-stance")!.demo, 0), "front", "ankle"), aspect: 4 / 3 });
    assert.ok(checkFraming(getExercise("squat")!, front).items.some((i) => i.code === "turn-side-on" && i.severity === "block"));
    const cut = measureJointAngles({ t: 0, image: demoLandmarksAt(bridge.demo, 0, { anchorX: 0.1 }), aspect: 4 / 3 });
    assert.ok(checkFraming(bridge, cut).items.some((i) => i.code === "cut-left"));
  });

  test("every tracked exercise's demo, played through landmarks -> joint angles -> its own tracker, counts or holds", () => {
    for (const e of EXERCISES.filter((x) => x.tracker)) {
      const period = e.demo.keyframes[e.demo.keyframes.length - 1]!.atS;
      const loops = e.tracker!.kind === "reps" ? 2 : 1;
      const side = e.key === "hip-flexor-stretch" ? "left" : e.tracker!.sides === "chosen" ? "left" : null;
      const s = new ExerciseSession(e, { ...e.dose, side });
      const rand = rng(13);
      for (let t = 0; t <= period * loops * 1000; t += 66) {
        const lm = demoLandmarksAt(e.demo, t / 1000).map((l) => ({ ...l, x: l.x + (rand() - 0.5) * 0.0015, y: l.y + (rand() - 0.5) * 0.0015 }));
        s.pushFrame(frameFromJointAngles(measureJointAngles({ t, image: lm, aspect: 4 / 3 })));
      }
      s.finish();
      const r = s.result();
      if (e.tracker!.kind === "reps") {
        const perSide = e.tracker!.sides === "alternating" ? 2 : 1;
        assert.equal(r.counts.total, loops * perSide, `${e.key}: ${JSON.stringify(r.counts)} ${JSON.stringify(r.rejected)}`);
      } else {
        const held = Object.values(r.hold!.heldS)[0]!;
        assert.ok(held >= period - 3, `${e.key}: held ${held} of a ${period} s demo; pauses ${JSON.stringify(r.hold!.pauses)}`);
      }
    }
  });
});
