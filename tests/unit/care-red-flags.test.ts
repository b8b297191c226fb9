import assert from "node:assert/strict";
import { test } from "node:test";
import {
  PATIENT_MESSAGES,
  RED_FLAG_KEYS,
  RED_FLAG_QUESTIONS,
  RED_FLAG_RULES,
  SOURCES,
  ageOn,
  evaluateIntake,
  evaluateRedFlags,
  exerciseGate,
  intakeForm,
  recordDecisionInput,
  type IntakeFormInput,
} from "../../app/_shared/care/red-flags";

const allNo = Object.fromEntries(RED_FLAG_KEYS.map((k) => [k, "no"]));
const ev = (over: Record<string, string>, age: number | null = 40, first: boolean | null = false) => evaluateRedFlags({ ...allNo, ...over }, age, first);
const rules = (e: ReturnType<typeof evaluateRedFlags>) => e.triggered.map((t) => `${t.rule}:${t.tier}`).sort();

test("catalogue: every question has a rule or is part of one; every rule cites a guideline", () => {
  const used = new Set(JSON.stringify(RED_FLAG_RULES.map((r) => r.when)).match(/"q":"([a-z_]+)"/g)!.map((m) => m.slice(5, -1)));
  for (const q of RED_FLAG_QUESTIONS) assert.ok(used.has(q.key), q.key);
  for (const r of RED_FLAG_RULES) {
    assert.ok(r.sources.length > 0 && r.sources.every((s) => s in SOURCES), r.key);
    assert.ok(r.version >= 1);
  }
  assert.equal(RED_FLAG_QUESTIONS.length, 11);
});

test("no red flags: tier NONE, exercise allowed, safety-net advice only", () => {
  const e = ev({});
  assert.equal(e.tier, "NONE");
  assert.equal(e.exerciseBlocked, false);
  assert.deepEqual(e.triggered, []);
  assert.equal(e.patientMessage, PATIENT_MESSAGES.NONE);
});

test("each emergency item alone: EMERGENCY, exercise blocked, the patient told to seek emergency care today", () => {
  for (const [q, rule] of [["bladder_bowel", "cauda_equina_bladder_bowel"], ["saddle_numbness", "cauda_equina_saddle"], ["leg_weakness", "progressive_deficit"]] as const) {
    const e = ev({ [q]: "yes" });
    assert.equal(e.tier, "EMERGENCY", q);
    assert.equal(e.exerciseBlocked, true, q);
    assert.deepEqual(rules(e), [`${rule}:EMERGENCY`]);
    assert.equal(e.triggered[0]!.ruleRef, `${rule}@1`);
    assert.deepEqual(e.triggered[0]!.because, [q]);
    assert.ok(e.triggered[0]!.sources.some((s) => s.includes("NICE NG59")), q);
    assert.match(e.patientMessage.title, /seek emergency care today/i);
  }
});

test("each urgent item alone: URGENT, alert but exercise not blocked", () => {
  for (const [q, rule] of [["cancer_history", "cancer_new_pain"], ["weight_loss", "weight_loss"], ["fever", "fever_unwell"], ["significant_trauma", "significant_trauma"]] as const) {
    const e = ev({ [q]: "yes" });
    assert.equal(e.tier, "URGENT", q);
    assert.equal(e.exerciseBlocked, false, q);
    assert.deepEqual(rules(e), [`${rule}:URGENT`]);
  }
});

test("trauma with fracture risk: minor trauma is urgent only with osteoporosis or steroids", () => {
  assert.deepEqual(rules(ev({ minor_trauma: "yes" })), []);
  assert.equal(ev({ minor_trauma: "yes" }).tier, "NONE");
  const o = ev({ minor_trauma: "yes", osteoporosis: "yes" });
  assert.equal(o.tier, "URGENT");
  assert.deepEqual(rules(o), ["osteoporosis:REVIEW", "trauma_fracture_risk:URGENT"]);
  assert.deepEqual(o.triggered.find((t) => t.rule === "trauma_fracture_risk")!.because, ["minor_trauma", "osteoporosis"]);
  assert.equal(ev({ minor_trauma: "yes", steroids: "yes" }).tier, "URGENT");
  // without trauma, osteoporosis or steroids alone are for the therapist to judge
  assert.equal(ev({ osteoporosis: "yes" }).tier, "REVIEW");
  assert.equal(ev({ steroids: "yes" }).tier, "REVIEW");
});

test("judge-level items: night pain; age under 20 or over 50 with a first episode", () => {
  assert.deepEqual(rules(ev({ night_pain: "yes" })), ["night_pain:REVIEW"]);
  assert.deepEqual(rules(ev({}, 55, true)), ["age_first_episode:REVIEW"]);
  assert.deepEqual(rules(ev({}, 17, true)), ["age_first_episode:REVIEW"]);
  assert.deepEqual(rules(ev({}, 50, true)), [], "50 is not over 50");
  assert.deepEqual(rules(ev({}, 20, true)), [], "20 is not under 20");
  assert.deepEqual(rules(ev({}, 55, false)), [], "not a first episode");
  assert.deepEqual(rules(ev({}, null, true)), [], "age not known");
  assert.deepEqual(rules(ev({}, 55, null)), [], "first episode not known");
});

test("combinations: two judge-level flags make an urgent review; the highest tier wins and is listed first", () => {
  const c = ev({ night_pain: "yes" }, 62, true);
  assert.equal(c.tier, "URGENT");
  assert.deepEqual(rules(c), ["age_first_episode:REVIEW", "combination:URGENT", "night_pain:REVIEW"]);
  assert.deepEqual(c.triggered.find((t) => t.rule === "combination")!.because.sort(), ["age_first_episode", "night_pain"]);
  const m = ev({ saddle_numbness: "yes", cancer_history: "yes", night_pain: "yes" });
  assert.equal(m.tier, "EMERGENCY");
  assert.equal(m.triggered[0]!.tier, "EMERGENCY");
  assert.deepEqual(m.triggered.map((t) => t.tier), ["EMERGENCY", "URGENT", "REVIEW"]);
  assert.equal(m.exerciseBlocked, true);
  assert.equal(m.patientMessage, PATIENT_MESSAGES.EMERGENCY);
  assert.equal(ev({ fever: "yes", weight_loss: "yes" }).triggered.length, 2);
});

test("'not sure' is asked about rather than ignored; missing or malformed answers count as not sure", () => {
  const u = ev({ bladder_bowel: "unsure" });
  assert.equal(u.tier, "URGENT");
  assert.equal(u.exerciseBlocked, false);
  assert.equal(u.triggered[0]!.unsure, true);
  assert.match(u.triggered[0]!.reason, /^Not sure/);
  assert.equal(ev({ cancer_history: "unsure" }).tier, "REVIEW");
  assert.equal(ev({ minor_trauma: "yes", osteoporosis: "unsure" }).triggered.some((t) => t.rule === "trauma_fracture_risk" && t.tier === "REVIEW" && t.unsure), true);
  // a "yes" beats a "not sure" for the same rule
  assert.equal(ev({ leg_weakness: "yes", bladder_bowel: "unsure" }).tier, "EMERGENCY");
  const missing = evaluateRedFlags({ ...allNo, saddle_numbness: undefined, fever: 3 }, 40, false);
  assert.deepEqual(missing.unanswered, ["saddle_numbness", "fever"]);
  assert.equal(missing.tier, "URGENT");
  // garbage never throws
  for (const junk of [null, undefined, "yes", 42, [], { bladder_bowel: { $gt: "" } }]) assert.equal(evaluateRedFlags(junk, Number.NaN, null).tier, "URGENT");
});

test("patient words advise and never diagnose", () => {
  const banned = /cauda|equina|cancer|tumou?r|malignan|metasta|fracture|infection|syndrome|diagnos/i;
  for (const m of Object.values(PATIENT_MESSAGES)) for (const line of [m.title, ...m.body]) assert.doesNotMatch(line, banned, line);
  for (const q of RED_FLAG_QUESTIONS) assert.doesNotMatch(q.text, /cauda|equina|syndrome|metasta|malignan/i, q.key);
  assert.ok(PATIENT_MESSAGES.EMERGENCY.body.some((l) => /emergency department|emergency number/.test(l)));
});

test("exercise gate: blocked after an emergency screening until a therapist clears it", () => {
  assert.equal(exerciseGate([], []).blocked, false);
  assert.equal(exerciseGate([{ id: "s1", at: "2026-03-01T10:00:00Z", tier: "URGENT" }], []).blocked, false);
  const em = [{ id: "s1", at: "2026-03-01T10:00:00Z", tier: "EMERGENCY" as const }];
  assert.deepEqual(exerciseGate(em, []), { blocked: true, screeningId: "s1", decisionId: null, reason: "Emergency red flag at screening: a therapist must record a decision before exercise" });
  assert.equal(exerciseGate(em, [{ id: "d1", at: "2026-03-01T12:00:00Z", decision: "CLEARED_TO_EXERCISE" }]).blocked, false);
  assert.equal(exerciseGate(em, [{ id: "d1", at: "2026-03-01T12:00:00Z", decision: "REFERRED_KEEP_BLOCKED" }]).blocked, true);
  // the latest decision after the latest emergency counts
  const both = [{ id: "d1", at: "2026-03-01T12:00:00Z", decision: "REFERRED_KEEP_BLOCKED" as const }, { id: "d2", at: "2026-03-05T12:00:00+02:00", decision: "CLEARED_TO_EXERCISE" as const }];
  assert.equal(exerciseGate(em, both).blocked, false);
  // a decision before a new emergency screening does not clear it
  assert.equal(exerciseGate([...em, { id: "s2", at: "2026-03-10T10:00:00Z", tier: "EMERGENCY" }], both).blocked, true);
  assert.equal(exerciseGate([...em, { id: "s2", at: "2026-03-10T10:00:00Z", tier: "EMERGENCY" }], both).screeningId, "s2");
  assert.equal(recordDecisionInput.safeParse({ decision: "CLEARED_TO_EXERCISE", note: "" }).success, false);
  assert.equal(recordDecisionInput.safeParse({ decision: "CLEARED", note: "Seen in A&E, imaging clear" }).success, false);
  assert.equal(recordDecisionInput.safeParse({ decision: "CLEARED_TO_EXERCISE", note: "Seen in A&E, imaging clear" }).success, true);
});

test("ageOn counts whole years, birthday included", () => {
  assert.equal(ageOn("1976-03-15", "2026-03-14"), 49);
  assert.equal(ageOn("1976-03-15", "2026-03-15"), 50);
  assert.equal(ageOn("2000-02-29", "2026-02-28"), 25);
  assert.equal(ageOn("2030-01-01", "2026-01-01"), null);
  assert.equal(ageOn("bad", "2026-01-01"), null);
});

const intake = (over: Partial<IntakeFormInput> = {}): IntakeFormInput => ({
  version: 1,
  onset: { duration: "1_to_6_weeks", how: "lifting", startedOn: "2026-02-10", description: "Lifting a box at work" },
  regions: ["lower_back_centre", "buttock_left"],
  leg: { spread: "below_knee", side: "left", symptoms: ["pain", "pins_and_needles"] },
  betterWith: ["walking", "heat"],
  worseWith: ["sitting", "bending"],
  previous: { episodes: "none" },
  work: { status: "working", occupation: "Warehouse", physicalDemand: "heavy", activityLevel: "active" },
  goals: ["Go back to full shifts", "Play football with my son"],
  medication: [{ name: "Ibuprofen", dose: "400 mg as needed", forBackPain: true }],
  redFlags: allNo as IntakeFormInput["redFlags"],
  ...over,
});

test("intake form: a complete form parses; the red flags of a first episode at 55 are evaluated", () => {
  const f = intakeForm.parse(intake({ redFlags: { ...allNo, saddle_numbness: "yes" } as IntakeFormInput["redFlags"] }));
  assert.equal(f.betterOther, "");
  const e = evaluateIntake(f, 55);
  assert.equal(e.tier, "EMERGENCY");
  assert.ok(e.triggered.some((t) => t.rule === "age_first_episode"));
});

test("intake form: bad input gets clear errors at the right path", () => {
  const issues = (x: unknown) => {
    const r = intakeForm.safeParse(x);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  assert.deepEqual(issues(intake({ leg: { spread: "foot" } })), ["leg.side: Say which leg"]);
  assert.deepEqual(issues(intake({ goals: [] })), ["goals: Write at least one goal in your own words"]);
  assert.deepEqual(issues(intake({ regions: [] })), ["regions: Mark where it hurts"]);
  const { fever: _, ...noFever } = allNo;
  assert.deepEqual(issues(intake({ redFlags: noFever as IntakeFormInput["redFlags"] })), ["redFlags.fever: Answer yes, no or not sure"]);
  assert.match(issues(intake({ redFlags: { ...allNo, extra: "no" } as IntakeFormInput["redFlags"] }))[0]!, /Unknown red-flag question/);
  assert.match(issues(intake({ version: 2 as 1 }))[0]!, /out of date/);
  assert.match(issues(intake({ onset: { duration: "1_to_6_weeks", how: "lifting", startedOn: "2999-01-01", description: "" } }))[0]!, /future/);
  assert.match(issues(intake({ onset: { duration: "forever" as "over_12_weeks", how: "lifting" } }))[0]!, /how long/);
  assert.match(issues(intake({ regions: ["lower_back_centre", "lower_back_centre"] }))[0]!, /once/);
  assert.match(issues({ ...intake(), unknownField: 1 })[0]!, /unknownField|Unrecognized/i);
  assert.equal(intakeForm.safeParse(null).success, false);
  assert.equal(intakeForm.safeParse("x").success, false);
});
