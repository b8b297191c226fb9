import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXERCISES, getExercise, type Exercise } from "@/app/_shared/exercises/catalogue";
import { CueScheduler, FORM_RULE_SETS, formRuleSet, HoldSecondJudge, judgeRep, RepCueState } from "@/app/_shared/exercises/form";
import { FormRuleSchema, type FormRule, type HoldSpec, type RepSpec } from "@/app/_shared/exercises/spec";
import { createTracker, type MeasurementFrame, type TrackerEvent } from "@/app/_shared/exercises/trackers";
import { insideOf, peakOf, repSet, restOf, series, type Key, type RepShape, type Values } from "./exercise-series";


function run(ex: Exercise, frames: MeasurementFrame[]) {
  const tr = createTracker(ex.tracker!, ex.dose, formRuleSet(ex.tracker!.form));
  const events: TrackerEvent[] = [];
  for (const f of frames) events.push(...tr.push(f));
  events.push(...tr.finish());
  return { events, tr, of: <T extends TrackerEvent["type"]>(type: T) => events.filter((e): e is Extract<TrackerEvent, { type: T }> => e.type === type) };
}

const faulty = (r: FormRule) => (r.op === ">" ? r.value + 8 : r.value - 8);
const good = (r: FormRule) => (r.aggregate === "range" ? 1 : r.op === ">" ? r.clear - 8 : r.clear + 8);
const between = (r: FormRule) => (r.value + r.clear) / 2;

test("every form rule set parses, and every set is used by an exercise", () => {
  assert.ok(FORM_RULE_SETS.length >= 8);
  for (const s of FORM_RULE_SETS) {
    assert.ok(EXERCISES.some((e) => e.tracker?.form === s.key), `${s.key} is used`);
    assert.equal(new Set(s.rules.map((r) => r.key)).size, s.rules.length, `${s.key}: unique rule keys`);
  }
  // the brief's named faults are all there
  const have = new Set(FORM_RULE_SETS.flatMap((s) => s.rules.map((r) => `${s.key}/${r.key}`)));
  for (const k of ["squat/trunk-forward", "squat/shallow", "sit-to-stand/trunk-forward", "hinge/back-rounding", "bridge/hips-not-neutral", "bridge/hips-dropping", "plank/hips-sagging", "plank/hips-piking", "bird-dog/pelvis-rotating", "bird-dog/trunk-tilting", "press-up/pelvis-lifting", "standing-extension/knees-bending"]) {
    assert.ok(have.has(k), k);
  }
  assert.throws(() => FormRuleSchema.parse({ key: "x-y", label: "bad rule", cue: "do it", scope: "rep", measure: "kneeFlexion", aggregate: "atPeak", op: ">", value: 10, clear: 20 }), /clear must lie on the good side/);
});

describe("every per-repetition rule, on the exercises that use it", () => {
  for (const ex of EXERCISES.filter((e) => e.tracker?.kind === "reps" && e.tracker.form)) {
    const spec = ex.tracker as RepSpec;
    const set = formRuleSet(spec.form)!;
    const m = spec.sides === "chosen" ? spec.machines.find((x) => x.side === (ex.dose.side ?? "left"))! : spec.machines[0]!;
    const pos = spec.positions[0]!;
    for (const rule of set.rules.filter((r) => r.scope === "rep")) {
      test(`${ex.key} / ${rule.key}: flags the faulty repetition only, cues it, clears with hysteresis`, () => {
        const isPrimary = rule.measure === m.primary;
        // a faulty value for a rule on the primary measure must still count as a repetition: between target and value
        const bad = isPrimary ? (rule.value + m.target) / 2 : faulty(rule);
        // the primary's peak satisfies every other rule on the primary measure
        const others = set.rules.filter((x) => x.scope === "rep" && x.measure === m.primary && x.key !== rule.key);
        const peakOk = others.length ? good(others[0]!) : peakOf(m);
        const shape = (v: number): RepShape => ({ upS: Math.max(spec.minRepS, 1), downS: Math.max(spec.minRepS, 1), holdS: spec.holdAtTarget ? (ex.dose.holdS ?? 0) + 0.6 : 0.5, restS: 1, peak: isPrimary ? v : peakOk });
        const values = [good(rule), bad, between(rule), good(rule)];
        const keys = repSet(spec, [m], values.map(shape));
        const repWindows: [number, number][] = [];
        for (let i = 0; i < values.length; i++) repWindows.push([keys[1 + i * 5]!.t, keys[1 + i * 5 + 3]!.t]);
        // the rule's measure (when it is not the primary) moves with the repetition: its rest value at rest, the
        // chosen value at the peak
        const rest = rule.aggregate === "range" ? 0 : good(rule);
        const x0 = m.start, x1 = peakOk; // from the start threshold, so a range is seen whole inside the repetition
        const frames = series(keys, { noise: 0.3, position: pos }).map((f) => {
          if (isPrimary) return f;
          const i = repWindows.findIndex(([a, b]) => f.t >= a && f.t <= b);
          const p = Math.max(0, Math.min(1, ((f.values[m.primary] as number) - x0) / (x1 - x0)));
          const v = { ...f.values, [rule.measure]: i < 0 ? rest : rest + (values[i]! - rest) * p } as MeasurementFrame["values"];
          return { ...f, values: v };
        });
        const r = run(ex, frames);
        const reps = r.of("rep-counted").map((e) => e.rep);
        assert.equal(reps.length, 4, JSON.stringify(r.of("rep-rejected").map((e) => e.reason)));
        assert.deepEqual(reps.map((x) => x.faults.includes(rule.key)), [false, true, false, false], `${rule.key} per repetition`);
        const faults = r.of("fault").filter((e) => e.rule === rule.key);
        assert.equal(faults.length, 1);
        assert.equal(faults[0]!.repIndex, 2);
        assert.ok(r.of("cue").some((e) => e.key === rule.key && e.text === rule.cue), "the cue is spoken");
        const cleared = r.of("fault-cleared").filter((e) => e.rule === rule.key);
        assert.equal(cleared.length, 1, "cleared once");
        assert.ok(cleared[0]!.t >= repWindows[3]![0], "not by the in-between repetition, only by the good one");
      });
    }
  }
});

describe("every per-second hold rule", () => {
  test("plank: hips sagging then piking are judged per second, cued, and counted in faulty seconds", () => {
    const ex = getExercise("plank@1")!;
    const spec = ex.tracker as HoldSpec;
    const base = Object.fromEntries(spec.zones[0]!.conditions.map((c) => [c.measure, insideOf(c)])) as Values;
    base.bodyLine = 0;
    const keys: Key[] = [
      { t: 0, v: base }, { t: 5000, v: base },
      { t: 5100, v: { ...base, bodyLine: -17 } }, { t: 9100, v: { ...base, bodyLine: -17 } },
      { t: 9200, v: base }, { t: 14000, v: base },
      { t: 14100, v: { ...base, bodyLine: 21 } }, { t: 17100, v: { ...base, bodyLine: 21 } },
      { t: 17200, v: base }, { t: 21000, v: base },
    ];
    const r = run(ex, series(keys, { noise: 0.8, position: "prone" }));
    assert.equal(r.of("hold-paused").length, 0, "the faults stay inside the held position");
    assert.deepEqual(r.of("fault").map((e) => e.rule), ["hips-sagging", "hips-piking"]);
    assert.deepEqual(r.of("fault-cleared").map((e) => e.rule), ["hips-sagging", "hips-piking"]);
    assert.deepEqual(r.of("cue").map((e) => e.key), ["hips-sagging", "hips-piking"]);
    const secs = r.tr.faultySeconds();
    assert.ok(Math.abs(secs.get("hips-sagging")! - 4) <= 1, `sagging ${secs.get("hips-sagging")}`);
    assert.ok(Math.abs(secs.get("hips-piking")! - 3) <= 1, `piking ${secs.get("hips-piking")}`);
  });

  test("plank-knees and side-plank: sagging hips are flagged per second", () => {
    for (const [key, measure, pos] of [["plank-knees@1", "bodyLineKnee", "prone"], ["side-plank@1", "bodyLine", "side-lying"]] as const) {
      const ex = getExercise(key)!;
      const spec = ex.tracker as HoldSpec;
      const base = Object.fromEntries(spec.zones[0]!.conditions.map((c) => [c.measure, insideOf(c)])) as Values;
      base[measure] = 0;
      const keys: Key[] = [{ t: 0, v: base }, { t: 4000, v: base }, { t: 4100, v: { ...base, [measure]: -17 } }, { t: 9000, v: { ...base, [measure]: -17 } }];
      const r = run(ex, series(keys, { noise: 0.8, position: pos }));
      assert.deepEqual(r.of("fault").map((e) => e.rule), ["hips-sagging"], key);
      assert.equal(r.of("cue").filter((e) => e.key === "hips-sagging").length, 1, `${key}: a persisting fault is not repeated within 10 s`);
    }
  });

  test("a value wavering between the fault and clear thresholds does not flicker", () => {
    const ex = getExercise("plank@1")!;
    const spec = ex.tracker as HoldSpec;
    const base = Object.fromEntries(spec.zones[0]!.conditions.map((c) => [c.measure, insideOf(c)])) as Values;
    const keys: Key[] = [{ t: 0, v: { ...base, bodyLine: 0 } }, { t: 2000, v: { ...base, bodyLine: -16 } }];
    for (let i = 0; i < 10; i++) keys.push({ t: 3000 + i * 1000, v: { ...base, bodyLine: i % 2 ? -13.5 : -8.5 } });
    const r = run(ex, series(keys, { noise: 0.2, position: "prone" }));
    assert.equal(r.of("fault").length, 1);
    assert.equal(r.of("fault-cleared").length, 0);
  });

  test("bridge: hips dropping during a held repetition is attached to that repetition", () => {
    const ex = getExercise("bridge@1")!;
    const spec = ex.tracker as RepSpec;
    const m = spec.machines[0]!;
    const keys: Key[] = [
      { t: 0, v: { bodyLineKnee: restOf(m) } },
      // rep 1: up to -2 and held there 7 s
      { t: 1000, v: { bodyLineKnee: restOf(m) } }, { t: 2000, v: { bodyLineKnee: -2 } }, { t: 9000, v: { bodyLineKnee: -2 } }, { t: 10000, v: { bodyLineKnee: restOf(m) } },
      // rep 2: up to -2 for 3 s, then sinking to -14 (still inside the hold zone) for 4 s
      { t: 11000, v: { bodyLineKnee: restOf(m) } }, { t: 12000, v: { bodyLineKnee: -2 } }, { t: 15000, v: { bodyLineKnee: -2 } }, { t: 15300, v: { bodyLineKnee: -14 } }, { t: 19000, v: { bodyLineKnee: -14 } }, { t: 20000, v: { bodyLineKnee: restOf(m) } },
      { t: 21000, v: { bodyLineKnee: restOf(m) } },
    ];
    const r = run(ex, series(keys, { noise: 0.5, position: "supine" }));
    const reps = r.of("rep-counted").map((e) => e.rep);
    assert.equal(reps.length, 2, JSON.stringify(r.of("rep-rejected")));
    assert.deepEqual(reps.map((x) => x.faults), [[], ["hips-dropping"]]);
    assert.equal(r.of("fault").filter((e) => e.rule === "hips-dropping").length, 1);
    assert.ok(peakOf(m) > m.target);
  });
});

describe("judges and the cue scheduler as pure logic", () => {
  test("judgeRep aggregates: atPeak, max, range, and the primary's own peak", () => {
    const frames = [0, 100, 200, 300, 400].map((t, i) => ({ t, values: { trunkInclination: [10, 20, 50, 30, 10][i]!, pelvicRotation: [2, 4, 18, 6, 3][i]!, kneeFlexion: [20, 60, 90, 60, 20][i]! } }));
    const set = formRuleSet("squat")!;
    const v = judgeRep(set.rules, frames, { t: 200, measure: "kneeFlexion", value: 90 });
    assert.deepEqual(v.map((x) => [x.rule, x.value, x.present]), [["trunk-forward", 50, true], ["shallow", 90, false]]);
    const bd = formRuleSet("bird-dog")!;
    const w = judgeRep(bd.rules, frames, { t: 200, measure: "kneeFlexion", value: 90 });
    assert.deepEqual(w.map((x) => [x.rule, x.value, x.present]), [["pelvis-rotating", 16, true], ["trunk-tilting", null, false]]);
    const cs = new RepCueState();
    assert.deepEqual(cs.update(set.rules, v), { raised: ["trunk-forward"], cleared: [] });
    assert.deepEqual(cs.update(set.rules, [{ rule: "trunk-forward", value: 41, present: false }]), { raised: [], cleared: [] }, "between clear and value: stays raised");
    assert.deepEqual(cs.update(set.rules, [{ rule: "trunk-forward", value: 30, present: false }]), { raised: [], cleared: ["trunk-forward"] });
  });

  test("judgeRep fromRest: the largest deviation either way from the rest before the repetition, or from its first frames", () => {
    const rule = formRuleSet("bird-dog-2")!.rules.find((r) => r.key === "trunk-tilting")!;
    assert.deepEqual([rule.measure, rule.aggregate, rule.value, rule.clear], ["trunkFloorAngle", "fromRest", 10, 7]);
    const frames = [0, 100, 200, 300, 400, 500].map((t, i) => ({ t, values: { trunkFloorAngle: [9, 12, 17, 18, 12, 9][i]!, legRaiseL: [40, 60, 80, 80, 60, 40][i]! } }));
    const peak = { t: 300, measure: "legRaiseL" as const, value: 80 };
    // rest 6 (a camera offset): 12 deg of roll from it
    assert.deepEqual(judgeRep([rule], frames, peak, { trunkFloorAngle: 6 }).map((v) => [v.value, v.present]), [[12, true]]);
    // the other way: a rest of 25 -> 16 deg
    assert.deepEqual(judgeRep([rule], frames, peak, { trunkFloorAngle: 25 }).map((v) => [v.value, v.present]), [[16, true]]);
    // no rest seen: the median of the first three frames (12) stands in -> 6, not a fault ("range" would say 9)
    assert.deepEqual(judgeRep([rule], frames, peak).map((v) => [v.value, v.present]), [[6, false]]);
    // the measure never seen in the repetition: no verdict
    assert.deepEqual(judgeRep([rule], frames.map((f) => ({ t: f.t, values: { legRaiseL: f.values.legRaiseL } })), peak, { trunkFloorAngle: 6 }).map((v) => [v.value, v.present]), [[null, false]]);
    assert.throws(() => FormRuleSchema.parse({ ...rule, scope: "hold" }), /aggregate does not fit the scope/);
  });

  test("HoldSecondJudge needs minSeconds faulty seconds in a row", () => {
    const rule = FormRuleSchema.parse({ key: "sag", label: "Hips sagging", cue: "Lift your hips", scope: "hold", measure: "bodyLine", aggregate: "mean", op: "<", value: -10, clear: -5, minSeconds: 2 });
    const j = new HoldSecondJudge([rule]);
    const started: number[] = [];
    const at = (t: number, v: number) => j.push(t, { bodyLine: v }).started.forEach(() => started.push(t));
    for (let t = 0; t < 1000; t += 100) at(t, -15); // faulty second 1
    for (let t = 1000; t < 2000; t += 100) at(t, 0); // good second 2 breaks the streak
    for (let t = 2000; t < 4100; t += 100) at(t, -15); // faulty seconds 3 and 4
    assert.deepEqual(started, [4000]);
    assert.equal(j.faultySeconds.get("sag"), 3);
  });

  test("CueScheduler: at most one cue every 4 s, the same cue at most every 10 s", () => {
    const s = new CueScheduler();
    assert.equal(s.offer(0, "a"), true);
    assert.equal(s.offer(2000, "b"), false, "too soon after any cue");
    assert.equal(s.offer(5000, "a"), false, "too soon for the same cue");
    assert.equal(s.offer(5000, "b"), true);
    assert.equal(s.offer(9500, "a"), false, "the same cue 9.5 s later");
    assert.equal(s.offer(10000, "a"), true);
    assert.equal(s.offer(12000, "b"), false);
  });
});
