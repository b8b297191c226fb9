import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXERCISES, getExercise, type Exercise } from "@/app/_shared/exercises/catalogue";
import { formRuleSet } from "@/app/_shared/exercises/form";
import type { Dose, HoldSpec, RepSpec } from "@/app/_shared/exercises/spec";
import { createTracker, type MeasurementFrame, type TrackerEvent } from "@/app/_shared/exercises/trackers";
import { insideOf, outsideOf, peakOf, repKeys, repSet, restOf, restValues, series, type Key, type RepShape } from "./exercise-series";

// "clean" carries a hundredth of a degree of noise: real pose output always moves a little, and a feed whose numbers
// stay bit-identical for longer than stallResetS is treated as frozen (tested below).
const CLEAN = 0.01;

function run(ex: Exercise, frames: MeasurementFrame[], dose: Partial<Dose> = {}, form = true) {
  const d = { ...ex.dose, ...dose };
  const tr = createTracker(ex.tracker!, d, form ? formRuleSet(ex.tracker!.form) : null);
  const events: TrackerEvent[] = [];
  for (const f of frames) events.push(...tr.push(f));
  events.push(...tr.finish());
  return { events, snap: tr.snapshot(), tr, of: <T extends TrackerEvent["type"]>(type: T) => events.filter((e): e is Extract<TrackerEvent, { type: T }> => e.type === type) };
}

const repExercises = EXERCISES.filter((e) => e.tracker?.kind === "reps");
const holdExercises = EXERCISES.filter((e) => e.tracker?.kind === "hold");

/** The machines a set of this exercise runs, in the order a patient would do them. */
function order(ex: Exercise, side: "left" | "right" = "right") {
  const spec = ex.tracker as RepSpec;
  return spec.sides === "chosen" ? spec.machines.filter((m) => m.side === side) : spec.machines;
}
function shapeFor(ex: Exercise, s: RepShape = {}): RepShape {
  const spec = ex.tracker as RepSpec;
  const minUpDown = Math.max(spec.minRepS, 0.6);
  return { upS: minUpDown, downS: minUpDown, holdS: spec.holdAtTarget ? (ex.dose.holdS ?? 0) + 0.6 : 0.4, restS: 0.8, ...s };
}

describe("every repetition spec in the catalogue", () => {
  for (const ex of repExercises) {
    const spec = ex.tracker as RepSpec;
    const pos = spec.positions[0]!;
    const machines = order(ex);
    const perMachine = 4;
    const shapes = Array.from({ length: perMachine * machines.length }, () => shapeFor(ex));

    test(`${ex.key}: clean, noisy with spikes, and dropped frames all count ${perMachine} per side`, () => {
      for (const [name, o] of [["clean", { noise: CLEAN }], ["noisy", { noise: 2, spikeEvery: 17, spike: 35, seed: 7 }], ["dropped frames", { noise: 1, dropEvery: 3, seed: 3 }]] as const) {
        const r = run(ex, series(repSet(spec, machines, shapes), { ...o, position: pos }), { side: "right" });
        for (const m of machines) {
          const n = m.side ? r.snap.counts[m.side] : r.snap.counts.none;
          assert.equal(n, perMachine, `${ex.key} ${name}: side ${m.side}: ${JSON.stringify(r.of("rep-rejected").map((e) => e.reason))}`);
        }
        assert.equal(r.of("rep-rejected").length, 0, `${name}: nothing rejected`);
        const rep = r.of("rep-counted")[0]!.rep;
        assert.ok(Math.abs(rep.peakDeg - peakOf(machines[0]!)) <= 3 + (o.noise ?? 0), `${name}: peak ${rep.peakDeg} vs ${peakOf(machines[0]!)}`);
        assert.ok(Math.abs(rep.romDeg - Math.abs(peakOf(machines[0]!) - restOf(machines[0]!))) <= 4 + 2 * (o.noise ?? 0), `${name}: ROM ${rep.romDeg}`);
      }
    });

    test(`${ex.key}: partial repetitions are rejected with a reason and not counted`, () => {
      const m = machines[0]!;
      const partial = (m.start + m.target) / 2;
      if (m.direction * (m.target - m.start) < 4) return; // no room for a partial between start and target
      const keys = repSet(spec, [m], [shapeFor(ex), shapeFor(ex, { peak: partial }), shapeFor(ex)]);
      const r = run(ex, series(keys, { noise: 0.5, position: pos }), { side: m.side ?? null });
      const rej = r.of("rep-rejected");
      assert.equal(rej.length, 1);
      assert.equal(rej[0]!.code, "not-far-enough");
      assert.match(rej[0]!.reason, /Not far enough/);
      assert.equal(r.snap.counts.total, 2);
    });

    test(`${ex.key}: varying speed counts every repetition; too quick ones are rejected`, () => {
      const m = machines[0]!;
      const base = shapeFor(ex);
      const keys = repSet(spec, [m], [{ ...base, upS: base.upS! * 3, downS: base.downS! * 3 }, base, { ...base, upS: base.upS! * 1.5, downS: base.downS! * 2 }]);
      const r = run(ex, series(keys, { noise: 0.5, position: pos }), { side: m.side ?? null });
      assert.equal(r.snap.counts.total, 3);
      const tempo = r.of("rep-counted").map((e) => e.rep.tempo.totalS);
      assert.ok(tempo[0]! > tempo[1]!, `slow rep is longer: ${tempo}`);
      if (!spec.holdAtTarget) {
        const quick = repSet(spec, [m], [{ upS: spec.minRepS / 5, downS: spec.minRepS / 5, holdS: 0.12, restS: 1 }]);
        const rq = run(ex, series(quick, { noise: CLEAN, hz: 30, position: pos }), { side: m.side ?? null });
        assert.equal(rq.snap.counts.total, 0);
        assert.equal(rq.of("rep-rejected")[0]?.code, "too-quick");
      }
    });

    test(`${ex.key}: a stall mid-repetition resets the phase; counting resumes only from rest`, () => {
      const m = machines[0]!;
      const sh = shapeFor(ex, { restS: 2.5 });
      const frames = series(repSet(spec, [m], [sh, sh, sh, sh]), { noise: 0.5, position: pos });
      // the camera stops for 3 s from just before the second repetition's peak
      const [, end1] = repKeys(spec, m, 1000, sh);
      const cutFrom = end1 + sh.upS! * 1000 - 100;
      const r = run(ex, frames.filter((f) => f.t < cutFrom || f.t > cutFrom + 3000), { side: m.side ?? null });
      const reset = r.of("phase-reset");
      assert.equal(reset.length, 1, "one reset");
      assert.match(reset[0]!.reason, /Tracking was lost for 3/);
      assert.deepEqual(r.of("rep-rejected").map((e) => e.code), ["tracking-lost"]);
      assert.deepEqual(r.of("rep-counted").map((e) => e.rep.index), [1, 2, 3], "repetitions 1, 3 and 4 count");
      assert.ok(r.of("rep-counted")[1]!.rep.startMs > cutFrom + 3000);
    });
  }
});

describe("every hold spec in the catalogue", () => {
  for (const ex of holdExercises) {
    const spec = ex.tracker as HoldSpec;
    const pos = spec.positions[0]!;
    const zone = spec.zones.find((z) => z.side === "right") ?? spec.zones[0]!;
    const inside = Object.fromEntries(zone.conditions.map((c) => [c.measure, insideOf(c)]));
    const target = ex.dose.holdS!;

    test(`${ex.key}: runs while held, pauses with the condition's reason, credits only held time`, () => {
      const c0 = zone.conditions[0]!;
      const out = { ...inside, [c0.measure]: outsideOf(c0) };
      const t1 = 1000 + (target / 2) * 1000;
      const keys: Key[] = [
        { t: 0, v: inside }, { t: t1, v: inside },
        { t: t1 + 200, v: out }, { t: t1 + 3200, v: out },
        { t: t1 + 3400, v: inside }, { t: t1 + 3400 + (target / 2 + 1.5) * 1000, v: inside },
      ];
      const r = run(ex, series(keys, { noise: 0.8, seed: 5, position: pos }), { side: "right" });
      const paused = r.of("hold-paused");
      assert.equal(paused.length, 1, JSON.stringify(paused));
      assert.equal(paused[0]!.code, c0.code);
      assert.equal(paused[0]!.reason, c0.reason);
      assert.equal(r.of("hold-running").length, 2);
      assert.equal(r.of("hold-complete").length, 1);
      const held = Object.values(r.snap.heldS)[0]!;
      const expected = (t1 + 100) / 1000 + (target / 2 + 1.5) + 0.1;
      assert.ok(Math.abs(held - expected) <= 0.6, `held ${held} s, expected about ${expected}`);
      assert.ok(r.of("cue").some((e) => e.key === `pause:${c0.code}`), "the pause is cued");
      assert.ok(r.of("hold-progress").length >= Math.floor(target) - 1);
    });

    test(`${ex.key}: withheld measures hold the timer, a long loss pauses it, the wrong position never starts it`, () => {
      const c0 = zone.conditions[0]!;
      const frames = series([{ t: 0, v: inside }, { t: 12000, v: inside }], { noise: 0.8, seed: 9, position: pos });
      const blind = frames.map((f) => (f.t > 3000 && f.t < 3800) || (f.t > 6000 && f.t < 9500)
        ? { ...f, values: { ...f.values, [c0.measure]: null }, withheld: { [c0.measure]: { code: "not-seen", message: "The hips are not seen." } } }
        : f);
      const r = run(ex, blind, { side: "right" });
      const paused = r.of("hold-paused");
      assert.equal(paused.length, 1, "the short loss does not pause, the long one does");
      assert.equal(paused[0]!.code, "not-visible");
      assert.equal(paused[0]!.reason, "The hips are not seen.");
      const held = Object.values(r.snap.heldS)[0]!;
      assert.ok(held < 12 - 3.5 - 0.6 + 0.4 && held > 12 - 3.5 - 0.8 - 1.5, `held ${held}`);

      const wrong = run(ex, series([{ t: 0, v: inside }, { t: 5000, v: inside }], { noise: 0.8, position: pos === "standing" ? "supine" : "standing" }), { side: "right" });
      assert.equal(wrong.of("hold-running").length, 0);
      assert.match(wrong.snap.reason ?? "", /Get into the position/);
    });
  }
});

describe("robustness", () => {
  const squat = getExercise("squat@1")!;
  const spec = squat.tracker as RepSpec;
  const m = spec.machines[0]!;
  const keys = repSet(spec, [m], Array.from({ length: 5 }, () => ({ upS: 1.2, downS: 1.2, holdS: 0.3, restS: 0.8 })));

  test("duplicate and out-of-order timestamps are ignored and change nothing", () => {
    const frames = series(keys, { noise: 1, seed: 2, position: "standing" });
    const messy: MeasurementFrame[] = [];
    frames.forEach((f, i) => {
      messy.push(f);
      if (i % 7 === 0) messy.push({ ...f, values: { kneeFlexion: 150 } }); // duplicate t, wild value
      if (i % 11 === 0 && i > 2) messy.push({ ...frames[i - 2]!, values: { kneeFlexion: 0 } }); // late frame
      if (i === 20) messy.push({ ...f, t: Number.NaN });
    });
    const a = run(squat, frames), b = run(squat, messy);
    assert.equal(b.snap.counts.total, 5);
    assert.deepEqual(b.of("rep-counted").map((e) => e.rep), a.of("rep-counted").map((e) => e.rep));
    assert.ok(b.snap.frames.ignored >= Math.floor(frames.length / 7));
  });

  test("a frozen feed (bit-identical frames) longer than stallResetS resets the phase", () => {
    const frames = series(keys, { noise: 1, seed: 4, position: "standing" });
    // freeze: from the middle of repetition 2 on, 3 s of the same frame repeated with advancing timestamps
    const i0 = frames.findIndex((f) => f.t > 1000 + 3300 + 1100);
    const frozen = frames.map((f, i) => (i > i0 && f.t < frames[i0]!.t + 3000 ? { ...f, values: { ...frames[i0]!.values } } : f));
    const r = run(squat, frozen);
    assert.ok(r.snap.frames.frozen > 30);
    assert.equal(r.of("phase-reset").length, 1);
    assert.ok(r.snap.counts.total < 5 && r.snap.counts.total >= 3);
  });

  test("the wrong starting position holds counting until the patient is in position", () => {
    const frames = series(keys, { noise: 1, position: "standing" });
    const firstRepEnd = 1000 + 3500;
    const r = run(squat, frames.map((f) => (f.t < firstRepEnd ? { ...f, position: "supine" as const } : f)));
    assert.equal(r.snap.counts.total, 4);
  });

  test("a measure withheld briefly mid-repetition holds the state; the repetition still counts", () => {
    const frames = series(keys, { noise: 1, position: "standing" });
    const holes = frames.map((f) => (f.t % 3300 > 1500 && f.t % 3300 < 2100 ? { ...f, values: { kneeFlexion: null }, withheld: { kneeFlexion: { code: "not-seen", message: "knee hidden" } } } : f));
    assert.equal(run(squat, holes).snap.counts.total, 5);
    // low confidence counts as missing, not as a value
    const lowConf = frames.map((f, i) => (i % 2 ? { ...f, values: { kneeFlexion: 150 }, conf: { kneeFlexion: 0.1 } } : f));
    assert.equal(run(squat, lowConf).snap.counts.total, 5);
  });

  test("finish(): a repetition at its target when the set ends counts; one short of it is rejected", () => {
    const [k1] = repKeys(spec, m, 1000, { upS: 1.5, holdS: 5, downS: 1, restS: 0 });
    const held = series([{ t: 0, v: restValues(spec) }, ...k1.slice(0, 3)], { noise: 0.5, position: "standing" });
    const r = run(squat, held);
    assert.equal(r.snap.counts.total, 1);
    assert.equal(r.of("rep-counted")[0]!.rep.endMs, held[held.length - 1]!.t);
    const [k2] = repKeys(spec, m, 1000, { upS: 1.5, holdS: 5, downS: 1, restS: 0, peak: (m.start + m.target) / 2 });
    const r2 = run(squat, series([{ t: 0, v: restValues(spec) }, ...k2.slice(0, 3)], { noise: 0.5, position: "standing" }));
    assert.equal(r2.snap.counts.total, 0);
    assert.equal(r2.of("rep-rejected")[0]!.code, "set-ended");
  });

  test("tempo: up, hold and down phases are measured from the thresholds and the peak plateau", () => {
    const k = repSet(spec, [m], [{ upS: 2, holdS: 1, downS: 3, restS: 1 }]);
    const r = run(squat, series(k, { noise: CLEAN, hz: 30, position: "standing" }));
    const t = r.of("rep-counted")[0]!.rep.tempo;
    // start (35) and end (22) thresholds cut into the ramps from rest (10) to the peak (63)
    const upExp = 2 * (1 - (35 - 10) / 53) - 2 * (5 / 53);
    assert.ok(Math.abs(t.upS - upExp) < 0.12, `up ${t.upS} vs ${upExp}`);
    assert.ok(Math.abs(t.holdS - (1 + 2 * (5 / 53) + 3 * (5 / 53))) < 0.12, `hold ${t.holdS}`);
    assert.ok(Math.abs(t.downS - (3 * ((63 - 5 - 22) / 53))) < 0.12, `down ${t.downS}`);
    assert.ok(Math.abs(t.totalS - (t.upS + t.holdS + t.downS)) < 0.02);
  });
});

describe("sides, holds at the target, requirements, full return", () => {
  test("bird dog counts each side separately and says when each side reaches its target", () => {
    const ex = getExercise("bird-dog@1")!;
    const spec = ex.tracker as RepSpec;
    const sh = { upS: 1, holdS: 5.6, downS: 1, restS: 0.5 };
    const keys = repSet(spec, [spec.machines[0]!, spec.machines[1]!], Array.from({ length: 6 }, () => sh));
    const r = run(ex, series(keys, { noise: 1.5, seed: 11, position: "quadruped" }), { reps: 3 });
    assert.deepEqual([r.snap.counts.left, r.snap.counts.right], [3, 3]);
    assert.deepEqual(r.of("target-reached").map((e) => e.side), ["left", "right"]);
    assert.deepEqual(r.of("rep-counted").map((e) => e.side), ["left", "right", "left", "right", "left", "right"]);
    assert.ok(r.of("rep-hold").filter((e) => e.side === "left").length >= 15, "hold progress each second");
    assert.ok(r.of("rep-counted").every((e) => e.rep.heldS >= 5));
  });

  test("bird dog: a held repetition released early, and one without the opposite arm, are rejected", () => {
    const ex = getExercise("bird-dog@1")!;
    const spec = ex.tracker as RepSpec;
    const L = spec.machines[0]!;
    const keys = repSet(spec, [L], [{ upS: 1, holdS: 2, downS: 1 }, { upS: 1, holdS: 5.6, downS: 1, reqPeak: [30] }, { upS: 1, holdS: 5.6, downS: 1 }]);
    const r = run(ex, series(keys, { noise: 1, position: "quadruped" }));
    assert.deepEqual(r.of("rep-rejected").map((e) => e.code), ["hold-too-short", "requirement"]);
    assert.match(r.of("rep-rejected")[0]!.reason, /Held 2(\.\d)? s of 5 s/);
    assert.match(r.of("rep-rejected")[1]!.reason, /opposite arm not raised/i);
    assert.equal(r.snap.counts.left, 1);
    // the arm not seen at all: counted, marked unverified
    const blindArm = series(repSet(spec, [L], [{ upS: 1, holdS: 5.6, downS: 1 }]), { noise: 1, position: "quadruped" }).map((f) => ({ ...f, values: { ...f.values, armRaiseR: null } }));
    const rb = run(ex, blindArm);
    assert.equal(rb.snap.counts.left, 1);
    assert.deepEqual(rb.of("rep-counted")[0]!.rep.unverified, ["opposite arm not raised high enough"]);
  });

  test("single-leg bridge counts only the side the set is for", () => {
    const ex = getExercise("single-leg-bridge@1")!;
    const spec = ex.tracker as RepSpec;
    const keys = repSet(spec, [spec.machines[1]!], Array.from({ length: 3 }, () => ({ upS: 1, holdS: 3.6, downS: 1 })));
    const right = run(ex, series(keys, { noise: 1, position: "supine" }), { side: "right" });
    assert.deepEqual(right.snap.counts, { left: 0, right: 3, none: 0, total: 3 });
  });

  test("cat-camel counts a cycle only after the return past neutral", () => {
    const ex = getExercise("cat-camel@1")!;
    const spec = ex.tracker as RepSpec;
    const mm = spec.machines[0]!;
    const camel = mm.returnTo! - 10, cat = peakOf(mm), neutral = 0;
    const keys: Key[] = [
      { t: 0, v: { headFlexion: neutral } },
      { t: 2000, v: { headFlexion: cat } }, { t: 4000, v: { headFlexion: camel } }, // full cycle
      { t: 6000, v: { headFlexion: cat } }, { t: 7500, v: { headFlexion: neutral } }, // back only to neutral
      { t: 9500, v: { headFlexion: cat } }, { t: 11500, v: { headFlexion: camel } }, // full cycle
      { t: 12500, v: { headFlexion: camel } },
    ];
    const r = run(ex, series(keys, { noise: 1, position: "quadruped" }));
    assert.equal(r.snap.counts.total, 2);
    assert.deepEqual(r.of("rep-rejected").map((e) => e.code), ["no-return"]);
  });
});

describe("form rules judged from the rest before the repetition (fromRest)", () => {
  // bird-dog@3: the trunk's tilt from the still rest before each repetition, past 10 deg (clear 7). The series gives
  // the trunk a camera-dependent offset at rest (+6 deg) and a tilt that builds up with the leg from the first moment.
  const ex = getExercise("bird-dog@3")!;
  const spec = ex.tracker as RepSpec;
  const [L, R] = [spec.machines[0]!, spec.machines[1]!];
  const sh = { upS: 1, holdS: 5.6, downS: 1, restS: 1.2 };
  const REST_TILT = 6;
  const repLen = (sh.upS + sh.holdS + sh.downS + sh.restS) * 1000;
  /** trunkFloorAngle per frame: the rest offset plus amps[i] x how far repetition i's leg is up (0 at rest, 1 at its peak) */
  function withTilt(frames: MeasurementFrame[], amps: number[], o: { blindRestBefore?: number } = {}): MeasurementFrame[] {
    return frames.map((f) => {
      const i = Math.floor((f.t - 1000) / repLen);
      const m = i % 2 === 0 ? L : R;
      const v = f.values[m.primary];
      const up = i >= 0 && i < amps.length && typeof v === "number" ? Math.min(1, Math.max(0, (v - restOf(m)) / (peakOf(m) - restOf(m)))) : 0;
      const tilt = REST_TILT + (amps[i] ?? 0) * up + (((f.t * 7919) % 13) / 13 - 0.5); // +-0.5 deg of deterministic noise
      // the trunk unseen during the rest before repetition `blindRestBefore`
      const blind = o.blindRestBefore !== undefined && i === o.blindRestBefore - 1 && f.t > 1000 + (i + 1) * repLen - sh.restS * 1000;
      return { ...f, values: { ...f.values, trunkFloorAngle: blind ? null : tilt } };
    });
  }
  const keys = repSet(spec, [L, R], Array.from({ length: 4 }, () => sh));

  test("a tilt of 14 deg from the rest is a fault, 8 keeps the cue up (hysteresis), 3 clears it; the offset at rest is not", () => {
    const r = run(ex, withTilt(series(keys, { noise: 1, seed: 5, position: "quadruped" }), [1, 14, 8, 3]), { reps: 2 });
    const reps = r.of("rep-counted").map((e) => e.rep);
    assert.deepEqual(reps.map((x) => `${x.side}:${x.faults.join("+")}`), ["left:", "right:trunk-tilting", "left:", "right:"]);
    const fault = r.of("fault").find((e) => e.rule === "trunk-tilting")!;
    assert.ok(fault.value > 12 && fault.value < 16, `the tilt read ${fault.value} from the rest`);
    assert.deepEqual(r.of("fault-cleared").map((e) => [e.rule, e.side]), [["trunk-tilting", "right"]], "cleared by the 3 deg repetition only");
    assert.ok(r.of("cue").some((e) => e.key === "trunk-tilting"));
  });

  test("noisy, dropped and spiking frames: the same verdicts", () => {
    const frames = withTilt(series(keys, { noise: 2, seed: 9, position: "quadruped", dropEvery: 7, spikeEvery: 11, spike: 25 }), [1, 14, 8, 3]);
    const r = run(ex, frames, { reps: 2 });
    assert.deepEqual(r.of("rep-counted").map((e) => e.rep.faults), [[], ["trunk-tilting"], [], []]);
  });

  test("the trunk unseen at rest: the repetition's own first frames stand in for the rest", () => {
    const r = run(ex, withTilt(series(keys, { noise: 1, seed: 5, position: "quadruped" }), [1, 14, 1, 1], { blindRestBefore: 1 }), { reps: 2 });
    assert.deepEqual(r.of("rep-counted").map((e) => e.rep.faults), [[], ["trunk-tilting"], [], []]);
  });

  test("a stall in the middle of a tilted repetition rejects it (tracking lost), and judges nothing", () => {
    const frames = withTilt(series(keys, { noise: 1, seed: 5, position: "quadruped" }), [1, 14, 1, 1]);
    const stalled = frames.filter((f) => !(f.t > 1000 + repLen + 2000 && f.t < 1000 + repLen + 5000));
    const r = run(ex, stalled, { reps: 2 });
    assert.ok(r.of("rep-rejected").some((e) => e.code === "tracking-lost"));
    assert.ok(!r.of("fault").some((e) => e.rule === "trunk-tilting"), "the stalled repetition is not judged");
  });

  test("bird-dog@3 does not judge the pelvis and says so; bird-dog@2 keeps its rule", () => {
    assert.deepEqual(formRuleSet("bird-dog-2")!.rules.map((x) => x.key), ["trunk-tilting"]);
    assert.match(getExercise("bird-dog@3")!.tracker!.proxyNote ?? "", /Pelvic rotation is not judged/);
    const f = formRuleSet("bird-dog")!.rules.find((x) => x.key === "pelvis-rotating")!;
    assert.deepEqual([f.measure, f.aggregate, f.value], ["pelvicRotation", "range", 14]);
    assert.equal(getExercise("bird-dog@2")!.tracker!.form, "bird-dog");
    assert.equal(getExercise("bird-dog")!.version, 3);
    // a rolling pelvis does not raise anything in v3
    const rolled = series(keys, { noise: 1, seed: 5, position: "quadruped" }).map((fr) => ({ ...fr, values: { ...fr.values, pelvicRoll: 25, pelvicRotation: 25 } }));
    assert.ok(!run(ex, rolled, { reps: 2 }).of("fault").length);
  });
});
