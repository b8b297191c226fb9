import assert from "node:assert/strict";
import { test } from "node:test";
import {
  QUESTIONNAIRES,
  QUESTIONNAIRE_KEYS,
  answersSchema,
  availability,
  change,
  clinicTextSchema,
  defaultSchedule,
  isFillable,
  mcidThresholds,
  progress,
  painFromResponse,
  questionnaireByKey,
  questionnaireDefinition,
  score,
  submittedResponse,
  withClinicText,
  type Answers,
} from "../../app/_shared/care/questionnaires";

const def = (k: string) => questionnaireByKey(k)!;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test("catalogue: every definition passes its schema; keys, licences and wording rules hold", () => {
  assert.deepEqual(QUESTIONNAIRES.map((d) => d.key), [...QUESTIONNAIRE_KEYS]);
  for (const d of QUESTIONNAIRES) {
    assert.equal(questionnaireDefinition.safeParse(d).success, true, d.key);
    assert.ok(d.source.length > 20 && d.licence.text.length > 20, d.key);
    assert.equal(isFillable(d), d.licence.wording === "INCLUDED", d.key);
  }
  assert.equal(def("rmdq").items.length, 24);
  assert.equal(def("startback").items.length, 9);
  assert.equal(def("odi").items.length, 10);
  // ODI: licence required, off by default, wording never shipped
  const odi = def("odi");
  assert.equal(odi.licence.kind, "LICENCE_REQUIRED");
  assert.equal(odi.licence.enabledByDefault, false);
  assert.ok(odi.items.every((i) => i.text === null && i.type === "choice" && i.options.every((o) => o.label === null)));
  // STarT Back is free only for non-commercial use: its item wording is supplied by the clinic
  assert.equal(def("startback").licence.wording, "CLINIC_SUPPLIED");
  assert.ok(def("startback").items.every((i) => i.text === null));
  // MCIDs from the notes
  assert.deepEqual([def("nprs").mcid!.points, def("nprs").mcid!.percent], [2, 0.3]);
  assert.equal(def("rmdq").mcid!.points, 5);
  assert.deepEqual([def("odi").mcid!.points, def("odi").mcid!.percent], [10, 0.3]);
  assert.equal(def("psfs").mcid!.points, 2);
  assert.equal(def("peg").mcid, null);
  assert.equal(def("psfs").higherIsBetter, true);
});

test("a broken definition is refused by the schema (scoring naming an unknown item, licence-required on by default)", () => {
  const nprs = def("nprs");
  assert.equal(questionnaireDefinition.safeParse({ ...nprs, scoring: { ...nprs.scoring, items: ["current", "nope"] } }).success, false);
  const odi = def("odi");
  assert.equal(questionnaireDefinition.safeParse({ ...odi, licence: { ...odi.licence, enabledByDefault: true } }).success, false);
  assert.equal(questionnaireDefinition.safeParse({ ...odi, items: odi.items.map((i) => ({ ...i, text: "shipped" })) }).success, false);
});

test("NPRS: mean of current, best and worst; all three needed; bands", () => {
  const r = score(def("nprs"), { current: 5, best: 3, worst: 8 });
  assert.equal(r.score, 5.3);
  assert.deepEqual(r.subscores, { current: 5, best: 3, worst: 8 });
  assert.equal(r.band!.key, "moderate");
  assert.equal(r.completeness.computable, true);
  const part = score(def("nprs"), { current: 7, worst: null });
  assert.equal(part.score, null);
  assert.equal(part.band, null);
  assert.deepEqual(part.completeness.missing, ["best", "worst"]);
  assert.equal(part.subscores.current, 7);
  assert.match(part.completeness.reason!, /3 of 3/);
  assert.equal(score(def("nprs"), { current: 0, best: 0, worst: 0 }).band!.key, "none");
  assert.equal(score(def("nprs"), { current: 10, best: 7, worst: 10 }).band!.key, "severe");
  // a value of the wrong type is not a score (never thrown, treated as unanswered)
  assert.equal(score(def("nprs"), { current: "7" as unknown as number, best: 2, worst: 3 }).score, null);
  assert.equal(score(def("nprs"), { current: 11, best: 2, worst: 3 }).score, null);
  // the current rating is also a pain report (for the alerts), even when the score is not computable
  assert.equal(painFromResponse(def("nprs"), { current: 8 }), 8);
  assert.equal(painFromResponse(def("nprs"), { best: 2 }), null);
  assert.equal(painFromResponse(def("rmdq"), { q1: true }), null);
});

test("PEG: mean of three items; one missing gives no score", () => {
  assert.equal(score(def("peg"), { pain: 6, enjoyment: 5, activity: 7 }).score, 6);
  assert.equal(score(def("peg"), { pain: 6, enjoyment: 4, activity: 4 }).score, 4.7);
  assert.equal(score(def("peg"), { pain: 6, enjoyment: 5 }).score, null);
});

test("PSFS: mean of rated activities, at least 3 rated; unrated activities are left out", () => {
  const acts = (...s: (number | null)[]) => ({ activities: s.map((score, i) => ({ name: `activity ${i}`, score })) });
  assert.equal(score(def("psfs"), acts(2, 3, 4)).score, 3);
  assert.equal(score(def("psfs"), acts(2, 3, 4, 6, null)).score, 3.8);
  const few = score(def("psfs"), acts(2, null, 4));
  assert.equal(few.score, null);
  assert.deepEqual(few.completeness.missing, ["activities[1]"]);
  assert.equal(score(def("psfs"), {}).score, null);
  assert.deepEqual(score(def("psfs"), acts(1, 2, 3)).subscores, { "activity 0": 1, "activity 1": 2, "activity 2": 3 });
});

test("RMDQ: count of ticked sentences; an unticked or absent sentence is 'no', never missing", () => {
  const all: Answers = Object.fromEntries(range(24).map((i) => [`q${i + 1}`, true]));
  assert.equal(score(def("rmdq"), all).score, 24);
  assert.equal(score(def("rmdq"), { q1: true, q5: true, q24: true, q2: false }).score, 3);
  const none = score(def("rmdq"), {});
  assert.equal(none.score, 0);
  assert.equal(none.completeness.computable, true);
  assert.equal(def("rmdq").items[0]!.text, "I stay at home most of the time because of my back.");
  assert.equal(def("rmdq").items[23]!.text, "I stay in bed most of the time because of my back.");
});

test("STarT Back: total <= 3 low; total >= 4 with psychosocial <= 3 medium; psychosocial >= 4 high; bothersomeness counts at very much / extremely", () => {
  const sb = def("startback");
  const base = { leg_pain: "disagree", shoulder_neck: "disagree", walk_short: "disagree", dress_slowly: "disagree", fear: "disagree", worry: "disagree", catastrophising: "disagree", enjoyment: "disagree", bothersome: "not_at_all" };
  const sc = (over: Record<string, string>) => score(sb, { ...base, ...over });
  assert.equal(sc({}).band!.key, "low");
  // 3 physical + moderately bothersome (0): total 3 → low
  let r = sc({ leg_pain: "agree", shoulder_neck: "agree", walk_short: "agree", bothersome: "moderately" });
  assert.deepEqual([r.score, r.subscores.psychosocial, r.band!.key], [3, 0, "low"]);
  // 4 physical: total 4, subscale 0 → medium
  r = sc({ leg_pain: "agree", shoulder_neck: "agree", walk_short: "agree", dress_slowly: "agree" });
  assert.deepEqual([r.score, r.subscores.psychosocial, r.band!.key], [4, 0, "medium"]);
  // 1 physical + 3 psychosocial: total 4, subscale 3 → medium
  r = sc({ leg_pain: "agree", fear: "agree", worry: "agree", catastrophising: "agree" });
  assert.deepEqual([r.score, r.subscores.psychosocial, r.band!.key], [4, 3, "medium"]);
  // 3 psychosocial + "very much" bothersome: subscale 4 → high
  r = sc({ fear: "agree", worry: "agree", enjoyment: "agree", bothersome: "very_much" });
  assert.deepEqual([r.score, r.subscores.psychosocial, r.band!.key], [4, 4, "high"]);
  assert.equal(sc({ fear: "agree", worry: "agree", enjoyment: "agree", bothersome: "extremely" }).band!.key, "high");
  assert.equal(sc({ fear: "agree", worry: "agree", enjoyment: "agree", bothersome: "moderately" }).band!.key, "low");
  // everything agreed: 9 / 5 → high
  r = score(sb, Object.fromEntries(Object.keys(base).map((k) => [k, k === "bothersome" ? "extremely" : "agree"])));
  assert.deepEqual([r.score, r.subscores.psychosocial, r.band!.key], [9, 5, "high"]);
});

test("STarT Back with missing items: classified only when every completion agrees", () => {
  const sb = def("startback");
  // 4 psychosocial agreements: high whatever the rest says
  const high = score(sb, { fear: "agree", worry: "agree", catastrophising: "agree", enjoyment: "agree" });
  assert.equal(high.band!.key, "high");
  assert.equal(high.score, null);
  assert.equal(high.completeness.computable, true);
  assert.equal(high.completeness.missing.length, 5);
  // 8 answered disagree, bothersomeness missing: total at most 1 → low
  const low = score(sb, { leg_pain: "disagree", shoulder_neck: "disagree", walk_short: "disagree", dress_slowly: "disagree", fear: "disagree", worry: "disagree", catastrophising: "disagree", enjoyment: "disagree" });
  assert.equal(low.band!.key, "low");
  // 3 agreed, one missing: low or medium depending on it → not classified
  const open = score(sb, { leg_pain: "agree", shoulder_neck: "agree", walk_short: "agree", fear: "disagree", worry: "disagree", catastrophising: "disagree", enjoyment: "disagree", bothersome: "slightly" });
  assert.equal(open.band, null);
  assert.equal(open.completeness.computable, false);
  assert.deepEqual(open.completeness.missing, ["dress_slowly"]);
  assert.equal(score(sb, {}).band, null);
});

test("ODI: sum / (5 × answered) × 100; up to 2 sections may be missing; bands", () => {
  const odi = def("odi");
  const ks = odi.items.map((i) => i.key);
  const all = (s: number) => Object.fromEntries(ks.map((k) => [k, `s${s}`]));
  assert.equal(score(odi, all(0)).score, 0);
  assert.equal(score(odi, all(5)).score, 100);
  const mixed = Object.fromEntries(ks.map((k, i) => [k, `s${i % 3}`])); // 0,1,2,0,1,2,0,1,2,0 = 9
  assert.equal(score(odi, mixed).score, 18);
  assert.equal(score(odi, mixed).band!.key, "minimal");
  // sex life skipped: 9 sections, sum 2×9 = 18 → 18/45 = 40 %
  const nine = { ...all(2), sex_life: null };
  assert.equal(score(odi, nine).score, 40);
  assert.equal(score(odi, nine).band!.key, "moderate");
  assert.deepEqual(score(odi, nine).completeness.missing, ["sex_life"]);
  // 8 answered is still scored; 7 is not
  const eight = { ...all(3), sex_life: null, travelling: null };
  assert.equal(score(odi, eight).score, 60);
  assert.equal(score(odi, eight).band!.key, "severe");
  const seven = { ...eight, lifting: null };
  assert.equal(score(odi, seven).score, null);
  assert.equal(score(odi, seven).completeness.computable, false);
  // band edges: 21 % is moderate, 20 % minimal, 61 crippled, 81 bed-bound
  assert.equal(score(odi, { ...all(1) }).band!.key, "minimal"); // 20
  assert.equal(score(odi, { ...all(4), pain_intensity: "s5", personal_care: "s5" }).band!.key, "bed_bound"); // 84
  assert.equal(score(odi, { ...all(3), pain_intensity: "s4" }).band!.key, "crippled"); // 62
});

test("MCID decisions in both directions (points either way; 30 % only for improvement); PSFS higher is better", () => {
  const nprs = def("nprs");
  assert.deepEqual(change(nprs, 6, 4), { instrument: "nprs", baseline: 6, now: 4, delta: -2, relative: 0.3333, direction: "improved", important: true, by: ["points", "percent"], threshold: "MCID 2 points or 30 % improvement" });
  assert.equal(change(nprs, 6, 8)!.direction, "worsened");
  assert.equal(change(nprs, 6, 8)!.important, true);
  assert.equal(change(nprs, 6, 7)!.important, false);
  // 3 → 2 is 1.0 point but 33 % better: important by the relative criterion
  assert.deepEqual([change(nprs, 3, 2)!.important, change(nprs, 3, 2)!.by], [true, ["percent"]]);
  // 3 → 4 is 33 % worse but the relative criterion is an improvement threshold: not important
  assert.equal(change(nprs, 3, 4)!.important, false);
  assert.equal(change(nprs, 5, 5)!.direction, "unchanged");
  assert.equal(change(nprs, 5, 5)!.important, false);
  // floating point: 7.0 - 5.2 = 1.8 is not 2; 5.3 - 3.3 is 2
  assert.equal(change(nprs, 5.2, 7)!.important, false);
  assert.equal(change(nprs, 3.3, 5.3)!.important, true);
  // RMDQ 5, ODI 10 or 30 %
  assert.equal(change(def("rmdq"), 12, 7)!.important, true);
  assert.equal(change(def("rmdq"), 12, 8)!.important, true); // 33 % improvement
  assert.equal(change(def("rmdq"), 12, 16)!.important, false);
  assert.equal(change(def("rmdq"), 12, 17)!.important, true);
  assert.equal(change(def("odi"), 40, 31)!.important, false);
  assert.equal(change(def("odi"), 40, 30)!.important, true);
  assert.equal(change(def("odi"), 20, 14)!.important, true); // 6 points = 30 %
  assert.equal(change(def("odi"), 20, 29)!.important, false);
  // PSFS: up is better
  const psfs = def("psfs");
  assert.deepEqual([change(psfs, 3, 5)!.direction, change(psfs, 3, 5)!.important], ["improved", true]);
  assert.deepEqual([change(psfs, 5, 3)!.direction, change(psfs, 5, 3)!.important], ["worsened", true]);
  assert.equal(change(psfs, 5, 6.5)!.important, false);
  // no MCID: the change is shown without a verdict; no score: no change
  assert.equal(change(def("peg"), 6, 2)!.important, null);
  assert.equal(change(nprs, null, 4), null);
  assert.equal(change(nprs, score(nprs, { current: 5 }), score(nprs, { current: 2, best: 1, worst: 3 })), null);
  // baseline 0: no relative change, points still decide
  assert.deepEqual([change(nprs, 0, 3)!.relative, change(nprs, 0, 3)!.important], [null, true]);
});

test("MCID lines for the chart and baseline-vs-now progress (discharge summary)", () => {
  // NPRS baseline 6: improvement line at the nearer of 2 points and 30 % (1.8) → 4.2; worsening 2 points → 8
  assert.deepEqual(mcidThresholds(def("nprs"), 6), { improved: 4.2, worsened: 8 });
  assert.deepEqual(mcidThresholds(def("nprs"), 9), { improved: 7, worsened: null }, "2 points is nearer than 30 % (2.7); 11 is off the scale");
  assert.deepEqual(mcidThresholds(def("psfs"), 4), { improved: 6, worsened: 2 });
  assert.deepEqual(mcidThresholds(def("odi"), 50), { improved: 40, worsened: 60 });
  assert.deepEqual(mcidThresholds(def("peg"), 5), { improved: null, worsened: null });
  const p = progress(def("rmdq"), [
    { at: "2026-03-15T10:00:00Z", score: 9, id: "b" },
    { at: "2026-03-01T10:00:00Z", score: 14, id: "a" },
    { at: "2026-03-20T10:00:00Z", score: null, id: "x" },
    { at: "2026-03-29T10:00:00Z", score: 6, id: "c" },
  ]);
  assert.deepEqual([p.baseline!.id, p.latest!.id], ["a", "c"]);
  assert.deepEqual([p.change!.delta, p.change!.direction, p.change!.important], [-8, "improved", true]);
  assert.deepEqual(p.series.map((x) => [x.id, x.change!.important]), [["a", false], ["b", true], ["c", true]]);
  assert.deepEqual(p.thresholds, { improved: 9.8, worsened: 19 });
  const one = progress(def("rmdq"), [{ at: "2026-03-01T10:00:00Z", score: 14 }]);
  assert.equal(one.change, null);
  assert.equal(progress(def("rmdq"), []).baseline, null);
});

test("submitted responses are validated against the definition they name", () => {
  const ok = submittedResponse.safeParse({ instrument: "nprs", version: 1, answers: { current: 4, best: 2, worst: 6 } });
  assert.equal(ok.success, true);
  const bad = (x: unknown) => {
    const r = submittedResponse.safeParse(x);
    assert.equal(r.success, false, JSON.stringify(x));
    return r.error!.issues;
  };
  assert.deepEqual(bad({ instrument: "nprs", version: 1, answers: { current: 11 } })[0]!.path, ["answers", "current"]);
  assert.match(bad({ instrument: "nprs", version: 1, answers: { current: 3, mood: 2 } })[0]!.message, /mood/);
  assert.match(bad({ instrument: "sf36", version: 1, answers: {} })[0]!.message, /Unknown questionnaire/);
  assert.match(bad({ instrument: "nprs", version: 9, answers: { current: 3 } })[0]!.message, /Unknown questionnaire/);
  assert.match(bad({ instrument: "nprs", version: 1, answers: {} })[0]!.message, /at least one/);
  bad({ instrument: "nprs", version: 1, answers: { current: 2.5 } });
  bad({ instrument: "rmdq", version: 1, answers: { q1: "yes" } });
  // nothing ticked on a checklist is a complete answer: RMDQ 0
  const zero = submittedResponse.parse({ instrument: "rmdq", version: 1, answers: {} });
  assert.equal(score(def("rmdq"), zero.answers).score, 0);
  bad({ instrument: "startback", version: 1, answers: { fear: "strongly agree" } });
  bad({ instrument: "odi", version: 1, answers: { walking: "s6" } });
  bad({ instrument: "nprs", version: 1, answers: "4" });
  bad(null);
  // PSFS: 3–5 named activities, each once
  const two = bad({ instrument: "psfs", version: 1, answers: { activities: [{ name: "a", score: 1 }, { name: "b", score: 2 }] } });
  assert.match(two[0]!.message, /at least 3/);
  bad({ instrument: "psfs", version: 1, answers: { activities: range(6).map((i) => ({ name: `a${i}`, score: 1 })) } });
  bad({ instrument: "psfs", version: 1, answers: { activities: [{ name: "Walk", score: 1 }, { name: "walk", score: 2 }, { name: "c", score: 2 }] } });
  assert.equal(submittedResponse.safeParse({ instrument: "psfs", version: 1, answers: { activities: [{ name: "Walk the dog", score: 3 }, { name: "Lift my child", score: null }, { name: "Sit through a film", score: 4 }] } }).success, true);
  // answersSchema alone, as the form uses it
  assert.equal(answersSchema(def("peg")).safeParse({ pain: 3, enjoyment: null }).success, true);
});

test("licensed wording: the clinic supplies every item's text, validated; availability per clinic", () => {
  const odi = def("odi");
  const text = {
    instrument: "odi",
    version: 1,
    items: Object.fromEntries(odi.items.map((i) => [i.key, { text: `${i.topic} (clinic's licensed copy)`, options: Object.fromEntries(range(6).map((s) => [`s${s}`, `statement ${s}`])) }])),
  };
  const filled = withClinicText(odi, text);
  assert.equal(isFillable(filled), true);
  assert.equal(isFillable(odi), false, "the shipped definition is untouched");
  assert.equal(score(filled, { walking: "s2", sitting: "s3", standing: "s1", lifting: "s0", sleeping: "s0", social_life: "s1", travelling: "s2", pain_intensity: "s3" }).score, 30);
  // missing an item or an option label is refused
  const { walking: _, ...lessItems } = text.items;
  assert.equal(clinicTextSchema(odi).safeParse({ ...text, items: lessItems }).success, false);
  assert.equal(clinicTextSchema(odi).safeParse({ ...text, items: { ...text.items, walking: { text: "Walking" } } }).success, false);
  assert.throws(() => withClinicText(odi, { ...text, instrument: "rmdq" }));

  assert.deepEqual(availability(def("nprs")), { available: true, reasons: [] });
  assert.equal(availability(def("nprs"), { disabled: ["nprs"] }).available, false);
  assert.equal(availability(odi).available, false);
  assert.equal(availability(odi, { enabled: ["odi"] }).reasons.length, 2);
  assert.equal(availability(odi, { enabled: ["odi"], licenceConfirmed: ["odi"] }).available, false);
  assert.deepEqual(availability(odi, { enabled: ["odi"], licenceConfirmed: ["odi"], textSupplied: ["odi"] }), { available: true, reasons: [] });
  assert.equal(availability(def("startback")).available, false);
  assert.equal(availability(def("startback"), { textSupplied: ["startback"] }).available, true);
});

test("default schedule: intake, every 2 weeks, discharge; date arithmetic ignores DST", () => {
  const six = defaultSchedule({ startDate: "2026-03-20", plannedWeeks: 6 });
  assert.deepEqual(six.map((o) => [o.key, o.due]), [["intake", "2026-03-20"], ["week-2", "2026-04-03"], ["week-4", "2026-04-17"], ["discharge", "2026-05-01"]]);
  assert.ok(six[0]!.instruments.includes("startback") && !six[1]!.instruments.includes("startback"));
  // 4 weeks: week 4 is the discharge itself
  assert.deepEqual(defaultSchedule({ startDate: "2026-10-20", plannedWeeks: 4 }).map((o) => [o.kind, o.due]), [["INTAKE", "2026-10-20"], ["REVIEW", "2026-11-03"], ["DISCHARGE", "2026-11-17"]]);
  // 5 weeks: week 4 is 7 days before discharge, kept; with a 10-day minimum gap it is folded in
  assert.equal(defaultSchedule({ startDate: "2026-01-05", plannedWeeks: 5 }).length, 4);
  assert.equal(defaultSchedule({ startDate: "2026-01-05", plannedWeeks: 5, minGapDays: 10 }).length, 3);
  // across a year end and a leap day
  assert.equal(defaultSchedule({ startDate: "2027-12-20", plannedWeeks: 2 })[1]!.due, "2028-01-03");
  assert.equal(defaultSchedule({ startDate: "2028-02-15", plannedWeeks: 2 })[1]!.due, "2028-02-29");
  assert.throws(() => defaultSchedule({ startDate: "2026-02-30", plannedWeeks: 4 }));
  assert.throws(() => defaultSchedule({ startDate: "2026-03-01", plannedWeeks: 0 }));
});
