import assert from "node:assert/strict";
import { test } from "node:test";
import { prescriptionOn, programModel } from "../../app/_shared/care/program";
import { doseText, saveProgramInput, scheduleText } from "../../app/_shared/care/program-api";
import { EDUCATION_CARDS, PROGRAM_TEMPLATES, educationCardByRef, educationRefs, programFromTemplate, templateByRef } from "../../app/_shared/care/program-templates";
import { addDays } from "../../app/_shared/care/questionnaires";
import { latestExercise } from "../../app/_shared/exercises/catalogue";

test("the four templates are versioned, valid programs of catalogue exercises with phases and cards", () => {
  assert.deepEqual(PROGRAM_TEMPLATES.map((t) => `${t.key}@${t.version}`), ["acute@1", "subacute@1", "chronic@1", "extension-preference@1"]);
  for (const t of PROGRAM_TEMPLATES) {
    const m = programFromTemplate(t, { startDate: "2026-03-02", timeZone: "America/New_York" });
    assert.ok(programModel.safeParse(m).success, t.key);
    assert.ok(m.items.every((i) => latestExercise(i.exerciseKey)), t.key);
    assert.ok(t.phases.length >= 2, `${t.key} has phases`);
    assert.ok(t.education.length >= 2 && t.education.every((r) => educationCardByRef(r)), t.key);
    // the Monday of every week has something prescribed
    for (let w = 0; w < t.weeks; w++) assert.ok(prescriptionOn(m, addDays("2026-03-02", w * 7))!.exercises.length > 0, `${t.key} week ${w + 1}`);
  }
  // the stabilisation progression of the subacute template: static, dynamic, functional
  const sub = programFromTemplate(templateByRef("subacute")!, { startDate: "2026-03-02", timeZone: "UTC" });
  const keys = (d: string) => prescriptionOn(sub, d)!.exercises.map((e) => e.exerciseKey);
  assert.ok(keys("2026-03-02").includes("abdominal-drawing-in"));
  assert.ok(!keys("2026-03-16").includes("abdominal-drawing-in") && keys("2026-03-16").includes("bird-dog"));
  assert.ok(keys("2026-03-30").includes("sit-to-stand"));
  assert.equal(prescriptionOn(sub, "2026-03-30")!.phase!.key, "functional");
  assert.equal(templateByRef("subacute@9"), undefined);
});

test("education cards: the five topics, short plain text, each with its source", () => {
  assert.deepEqual(EDUCATION_CARDS.map((c) => c.key), ["staying-active", "lifting", "desk-posture", "pain-coping", "heat-ice"]);
  for (const c of EDUCATION_CARDS) {
    assert.ok(c.points.every((p) => p.length <= 200) && c.summary.length <= 200);
    assert.match(c.source, /Clinical reference/);
  }
  assert.equal(educationRefs.safeParse(["lifting@1", "heat-ice@1"]).success, true);
  assert.equal(educationRefs.safeParse(["lifting@1", "lifting@1"]).success, false, "each card once");
  assert.equal(educationRefs.safeParse(["yoga@1"]).success, false);
});

test("dose and schedule in words; the save input refuses unknown templates", () => {
  assert.equal(doseText({ sets: 2, reps: 10, holdS: 6 }), "2 sets × 10, hold 6 s");
  assert.equal(doseText({ sets: 1, reps: null, holdS: 30, perSide: true }), "1 set × hold 30 s, each side");
  assert.equal(scheduleText([5, 1, 3], 1), "Mon, Wed, Fri · once a day");
  assert.equal(scheduleText([1, 2, 3, 4, 5, 6, 7], 3), "Every day · 3 times a day");
  const model = programFromTemplate(templateByRef("acute")!, { startDate: "2026-03-02", timeZone: "UTC" });
  assert.equal(saveProgramInput.safeParse({ episodeId: "e1", baseProgramId: null, templateKey: "acute@1", model, education: [] }).success, true);
  assert.equal(saveProgramInput.safeParse({ episodeId: "e1", baseProgramId: null, templateKey: "nope@1", model, education: [] }).success, false);
});
