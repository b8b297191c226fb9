import assert from "node:assert/strict";
import { test } from "node:test";
import {
  adherence,
  daysBetween,
  doseInWeek,
  endOfLocalDay,
  exercisesInWeek,
  localDate,
  missedSessionEvents,
  prescriptionOn,
  programEndDate,
  programModel,
  programWeekAt,
  programWeekOf,
  weekdayOf,
  withDoseFromWeek,
  type DoneSession,
  type ProgramModelInput,
} from "../../app/_shared/care/program";
import { evaluateAlerts, MISSED_SESSIONS_RULE, ALERT_RULES } from "../../app/_shared/care/alerts";

// 2026-03-02 is a Monday
const sixWeeks = (over: Partial<ProgramModelInput> = {}): ProgramModelInput => ({
  startDate: "2026-03-02",
  weeks: 6,
  timeZone: "Europe/Berlin",
  phases: [
    { key: "static", title: "Static stabilisation", fromWeek: 1, toWeek: 2 },
    { key: "dynamic", title: "Dynamic stabilisation", fromWeek: 3, toWeek: 4 },
    { key: "functional", title: "Functional", fromWeek: 5, toWeek: 6 },
  ],
  items: [
    { exerciseKey: "prone-press-up", dose: { sets: 1, reps: 10, holdS: 2 }, timesPerDay: 3, daysPerWeek: 7 },
    { exerciseKey: "bird-dog", dose: { sets: 1, reps: 10, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 3, progression: [{ fromWeek: 3, dose: { sets: 2 } }, { fromWeek: 5, dose: { holdS: 10 } }] },
    { exerciseKey: "hamstring-stretch", dose: { sets: 3, reps: null, holdS: 30, perSide: true }, timesPerDay: 1, daysPerWeek: 2, weekdays: [2, 6], toWeek: 4 },
  ],
  ...over,
});

test("calendar helpers: weekdays, day differences, local dates across zones", () => {
  assert.equal(weekdayOf("2026-03-02"), 1);
  assert.equal(weekdayOf("2026-03-08"), 7);
  assert.equal(daysBetween("2026-03-28", "2026-03-30"), 2); // across the EU spring change
  assert.equal(daysBetween("2026-12-31", "2027-01-01"), 1);
  // the same instant is a different day in Tokyo, London and Los Angeles
  const t = "2026-06-30T23:30:00Z";
  assert.deepEqual([localDate(t, "Asia/Tokyo"), localDate(t, "Europe/London"), localDate(t, "America/Los_Angeles"), localDate(t, "Asia/Kolkata")], ["2026-07-01", "2026-07-01", "2026-06-30", "2026-07-01"]);
  assert.equal(localDate("2026-06-30T18:29:00Z", "Asia/Kolkata"), "2026-06-30");
  assert.equal(localDate("2026-06-30T18:30:00Z", "Asia/Kolkata"), "2026-07-01");
});

test("program model: validated dosing, weeks, phases and progressions", () => {
  const p = programModel.parse(sixWeeks());
  assert.equal(programEndDate(p), "2026-04-12");
  assert.equal(programWeekOf(p, "2026-03-01"), null);
  assert.equal(programWeekOf(p, "2026-03-02"), 1);
  assert.equal(programWeekOf(p, "2026-03-15"), 2);
  assert.equal(programWeekOf(p, "2026-04-12"), 6);
  assert.equal(programWeekOf(p, "2026-04-13"), null);
  const bird = p.items[1]!;
  assert.deepEqual(doseInWeek(bird, 1), { sets: 1, reps: 10, holdS: 5, perSide: true });
  assert.deepEqual(doseInWeek(bird, 4), { sets: 2, reps: 10, holdS: 5, perSide: true });
  assert.deepEqual(doseInWeek(bird, 6), { sets: 2, reps: 10, holdS: 10, perSide: true });

  const bad = (over: Partial<ProgramModelInput>) => {
    const r = programModel.safeParse(sixWeeks(over));
    assert.equal(r.success, false, JSON.stringify(over));
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  const item = sixWeeks().items[0]!;
  assert.match(bad({ timeZone: "Mars/Olympus" })[0]!, /Unknown time zone/);
  assert.match(bad({ startDate: "2026-02-30" })[0]!, /Not a real date/);
  assert.match(bad({ items: [] })[0]!, /at least one exercise/);
  assert.match(bad({ items: [{ ...item, dose: { sets: 1, reps: null, holdS: null } }] })[0]!, /repetitions, a hold time, or both/);
  assert.match(bad({ items: [{ ...item, daysPerWeek: 3, weekdays: [1, 2] }] })[0]!, /Pick 3 weekdays/);
  assert.match(bad({ items: [{ ...item, daysPerWeek: 2, weekdays: [1, 1] }] })[0]!, /Each weekday once/);
  assert.match(bad({ items: [{ ...item, timesPerDay: 0 }] })[0]!, /At least once a day/);
  assert.match(bad({ items: [{ ...item, daysPerWeek: 8 }] })[0]!, /At most 7 days/);
  assert.match(bad({ items: [{ ...item, fromWeek: 7 }] })[0]!, /6 weeks/);
  assert.match(bad({ items: [{ ...item, progression: [{ fromWeek: 1, dose: { reps: 12 } }] }] })[0]!, /progression/);
  assert.match(bad({ items: [{ ...item, progression: [{ fromWeek: 4, dose: { reps: 12 } }, { fromWeek: 3, dose: { reps: 14 } }] }] })[0]!, /week order/);
  assert.match(bad({ phases: [{ key: "a", title: "A", fromWeek: 1, toWeek: 3 }, { key: "b", title: "B", fromWeek: 3, toWeek: 6 }] })[0]!, /overlap/);
  assert.match(bad({ items: [{ ...item, exerciseKey: "../etc" }] })[0]!, /Unknown exercise/);
});

test("prescription per day: weekdays (default spread or chosen), times per day, phases, progressions, repetitions", () => {
  const p = programModel.parse(sixWeeks());
  const mon = prescriptionOn(p, "2026-03-02")!; // Monday: press-ups 3×/day, bird dog (Mon/Wed/Fri)
  assert.deepEqual(mon.exercises.map((e) => e.exerciseKey), ["prone-press-up", "bird-dog"]);
  assert.equal(mon.sessions, 3);
  assert.equal(mon.reps, 10 * 3 + 1 * 10 * 2);
  assert.equal(mon.phase!.key, "static");
  const tue = prescriptionOn(p, "2026-03-03")!; // Tuesday: press-ups + hamstring (Tue/Sat): 3 holds × 2 sides
  assert.deepEqual(tue.exercises.map((e) => [e.exerciseKey, e.reps]), [["prone-press-up", 30], ["hamstring-stretch", 6]]);
  const wk3 = prescriptionOn(p, "2026-03-16")!; // week 3 Monday: bird dog progressed to 2 sets
  assert.equal(wk3.phase!.key, "dynamic");
  assert.equal(wk3.exercises.find((e) => e.exerciseKey === "bird-dog")!.reps, 40);
  const wk5tue = prescriptionOn(p, "2026-03-31")!; // hamstring stretch ended with week 4
  assert.deepEqual(wk5tue.exercises.map((e) => e.exerciseKey), ["prone-press-up"]);
  assert.equal(prescriptionOn(p, "2026-04-13"), null);
  // a rest day: only a 3-day exercise on Mon/Wed/Fri
  const rest = programModel.parse(sixWeeks({ items: [sixWeeks().items[1]!] }));
  assert.equal(prescriptionOn(rest, "2026-03-03")!.sessions, 0);
});

const session = (id: string, at: string, exercises: DoneSession["exercises"]): DoneSession => ({ id, at, exercises });

test("adherence: planned vs done per day and week, percent, missed days; today is not missed before it ends", () => {
  // one exercise twice a day on Mon/Wed/Fri, 2 weeks, Berlin
  const p = programModel.parse({ startDate: "2026-03-02", weeks: 2, timeZone: "Europe/Berlin", items: [{ exerciseKey: "glute-bridge", dose: { sets: 1, reps: 10, holdS: 6 }, timesPerDay: 2, daysPerWeek: 3 }] });
  const s = [
    session("a", "2026-03-02T07:00:00Z", [{ exerciseKey: "glute-bridge", reps: 10 }]),
    session("b", "2026-03-02T18:00:00Z", [{ exerciseKey: "glute-bridge", reps: 12 }]), // more reps than prescribed: capped
    session("c", "2026-03-04T08:00:00Z", [{ exerciseKey: "glute-bridge", reps: 6 }]),
    // Friday missed; Saturday an extra session (not a planned day)
    session("d", "2026-03-07T09:00:00Z", [{ exerciseKey: "glute-bridge", reps: 10 }]),
    session("e", "2026-03-09T07:00:00Z", [{ exerciseKey: "glute-bridge", reps: 10 }]),
  ];
  const a = adherence(p, s, "2026-03-11T09:00:00Z"); // Wednesday of week 2, mid-morning
  const st = Object.fromEntries(a.days.map((d) => [d.date, d.status]));
  assert.deepEqual([st["2026-03-02"], st["2026-03-03"], st["2026-03-04"], st["2026-03-06"], st["2026-03-07"], st["2026-03-09"], st["2026-03-11"], st["2026-03-13"]], ["done", "rest", "partial", "missed", "rest", "partial", "today", "upcoming"]);
  assert.deepEqual(a.missedDays, ["2026-03-06"]);
  const [w1, w2] = a.weeks;
  // week 1: 6 planned, 4 done (the Saturday session credits the week), reps 20 + 6 + 0 of 60
  assert.deepEqual([w1!.plannedSessions, w1!.doneSessions, w1!.sessionsPercent, w1!.plannedReps, w1!.doneReps, w1!.closed], [6, 4, 66.7, 60, 26, true]);
  // week 2 so far: Monday only (today counts nothing yet)
  assert.deepEqual([w2!.plannedSessions, w2!.doneSessions, w2!.sessionsPercent, w2!.closed], [2, 1, 50, false]);
  assert.equal(a.sessionsPercent, 62.5);
  assert.equal(a.missedSessionsInARow, 1);
  // once today is done, it counts
  const later = adherence(p, [...s, session("f", "2026-03-11T10:00:00Z", [{ exerciseKey: "glute-bridge", reps: 10 }]), session("g", "2026-03-11T16:00:00Z", [{ exerciseKey: "glute-bridge", reps: 10 }])], "2026-03-11T17:00:00Z");
  assert.equal(later.days.find((d) => d.date === "2026-03-11")!.status, "done");
  assert.deepEqual([later.weeks[1]!.plannedSessions, later.weeks[1]!.doneSessions], [4, 3]);
  // a session outside the program is reported, not counted
  assert.deepEqual(adherence(p, [session("x", "2026-02-27T10:00:00Z", [])], "2026-03-03T10:00:00Z").outside, ["x"]);
  // no sessions before the program starts: nothing planned yet, no percent
  const before = adherence(p, [], "2026-03-01T10:00:00Z");
  assert.equal(before.sessionsPercent, null);
  assert.ok(before.days.every((d) => d.status === "upcoming"));
});

test("streaks: consecutive planned days fully done; rest days neither count nor break; an unfinished today does not break", () => {
  const p = programModel.parse({ startDate: "2026-03-02", weeks: 2, timeZone: "UTC", items: [{ exerciseKey: "cat-camel", dose: { sets: 1, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 5 }] });
  const on = (d: string) => session(`s-${d}`, `${d}T12:00:00Z`, [{ exerciseKey: "cat-camel", reps: 10 }]);
  // Mon–Wed done, Thu missed, Fri + next Mon + Tue done (weekend rest), today Wed not yet done
  const s = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-06", "2026-03-09", "2026-03-10"].map(on);
  const a = adherence(p, s, "2026-03-11T08:00:00Z");
  assert.equal(a.currentStreak, 3);
  assert.equal(a.longestStreak, 3);
  assert.equal(a.missedSessionsInARow, 0);
  const b = adherence(p, [...s, on("2026-03-11")], "2026-03-11T13:00:00Z");
  assert.equal(b.currentStreak, 4);
  assert.equal(b.longestStreak, 4);
  // nothing done for three planned days: streak 0, 3 sessions missed in a row
  const c = adherence(p, s, "2026-03-14T08:00:00Z");
  assert.equal(c.currentStreak, 0);
  assert.equal(c.missedSessionsInARow, 3);
  assert.deepEqual(c.missedDays, ["2026-03-05", "2026-03-11", "2026-03-12", "2026-03-13"]);
});

test("time zones: a late-evening session counts on the patient's local day, not the UTC one", () => {
  const mk = (tz: string) => programModel.parse({ startDate: "2026-03-02", weeks: 1, timeZone: tz, items: [{ exerciseKey: "walking", dose: { sets: 1, reps: null, holdS: 600 }, timesPerDay: 1, daysPerWeek: 7 }] });
  // 2026-03-03T02:30Z is Monday 18:30 in Los Angeles but Tuesday 11:30 in Tokyo
  const s = [session("s", "2026-03-03T02:30:00Z", [{ exerciseKey: "walking", reps: 1 }])];
  const la = adherence(mk("America/Los_Angeles"), s, "2026-03-04T20:00:00Z");
  const tokyo = adherence(mk("Asia/Tokyo"), s, "2026-03-04T20:00:00Z");
  assert.equal(la.days.find((d) => d.date === "2026-03-02")!.status, "done");
  assert.equal(la.days.find((d) => d.date === "2026-03-03")!.status, "missed");
  assert.equal(tokyo.days.find((d) => d.date === "2026-03-02")!.status, "missed");
  assert.equal(tokyo.days.find((d) => d.date === "2026-03-03")!.status, "done");
  // "today" is the patient's: 2026-03-04T20:00Z is already Thursday in Tokyo, still Wednesday in LA
  assert.deepEqual([la.today, tokyo.today], ["2026-03-04", "2026-03-05"]);
});

test("DST: days neither skip nor repeat across the spring and autumn changes; sessions near local midnight land right", () => {
  // Europe/Berlin springs forward on 2026-03-29 (a 23 h day); America/New_York falls back on 2026-11-01 (a 25 h day)
  const berlin = programModel.parse({ startDate: "2026-03-23", weeks: 2, timeZone: "Europe/Berlin", items: [{ exerciseKey: "plank", dose: { sets: 3, reps: null, holdS: 20 }, timesPerDay: 1, daysPerWeek: 7 }] });
  const a = adherence(berlin, [
    session("s1", "2026-03-28T22:30:00Z", [{ exerciseKey: "plank", reps: 3 }]), // 23:30 CET Saturday
    session("s2", "2026-03-29T22:30:00Z", [{ exerciseKey: "plank", reps: 3 }]), // 00:30 CEST Monday
  ], "2026-04-10T12:00:00Z");
  assert.equal(a.days.length, 14);
  assert.equal(new Set(a.days.map((d) => d.date)).size, 14);
  assert.deepEqual(a.days.slice(5, 8).map((d) => [d.date, d.status]), [["2026-03-28", "done"], ["2026-03-29", "missed"], ["2026-03-30", "done"]]);
  const ny = programModel.parse({ startDate: "2026-10-26", weeks: 2, timeZone: "America/New_York", items: [{ exerciseKey: "plank", dose: { sets: 3, reps: null, holdS: 20 }, timesPerDay: 1, daysPerWeek: 7 }] });
  const b = adherence(ny, [
    session("n1", "2026-11-01T03:30:00Z", [{ exerciseKey: "plank", reps: 3 }]), // 23:30 EDT Saturday 31 Oct
    session("n2", "2026-11-01T04:30:00Z", [{ exerciseKey: "plank", reps: 3 }]), // 00:30 EDT Sunday 1 Nov
    session("n3", "2026-11-02T04:30:00Z", [{ exerciseKey: "plank", reps: 3 }]), // 23:30 EST Sunday 1 Nov
  ], "2026-11-09T12:00:00Z");
  assert.deepEqual(b.days.slice(5, 8).map((d) => [d.date, d.doneSessions]), [["2026-10-31", 1], ["2026-11-01", 2], ["2026-11-02", 0]]);
  assert.equal(new Set(b.days.map((d) => d.date)).size, 14);
  // the end of a local day, found across the change
  assert.equal(endOfLocalDay("2026-11-01", "America/New_York"), "2026-11-02T04:59:59.999Z");
  assert.equal(endOfLocalDay("2026-10-31", "America/New_York"), "2026-11-01T03:59:59.999Z");
  assert.equal(endOfLocalDay("2026-03-29", "Europe/Berlin"), "2026-03-29T21:59:59.999Z");
  assert.equal(endOfLocalDay("2026-03-28", "Europe/Berlin"), "2026-03-28T22:59:59.999Z");
  assert.equal(endOfLocalDay("2026-07-01", "Asia/Kathmandu"), "2026-07-01T18:14:59.999Z");
});

test("missed days become home.missed events with stable ids, which the missed-sessions rule reads", () => {
  const p = programModel.parse({ startDate: "2026-03-02", weeks: 1, timeZone: "Europe/London", items: [{ exerciseKey: "knee-to-chest", dose: { sets: 3, reps: null, holdS: 30 }, timesPerDay: 2, daysPerWeek: 7 }] });
  const s = [session("a", "2026-03-02T08:00:00Z", [{ exerciseKey: "knee-to-chest", reps: 3 }]), session("b", "2026-03-02T19:00:00Z", [{ exerciseKey: "knee-to-chest", reps: 3 }]), session("c", "2026-03-03T08:00:00Z", [{ exerciseKey: "knee-to-chest", reps: 3 }])];
  const a = adherence(p, s, "2026-03-05T09:00:00Z");
  const ev = missedSessionEvents("prog1", a);
  assert.deepEqual(ev.map((e) => [e.id, e.localDate, e.sessions, e.at]), [["missed:prog1:2026-03-03", "2026-03-03", 1, "2026-03-03T23:59:59.999Z"], ["missed:prog1:2026-03-04", "2026-03-04", 2, "2026-03-04T23:59:59.999Z"]]);
  assert.deepEqual(missedSessionEvents("prog1", adherence(p, s, "2026-03-05T09:00:00Z")), ev, "same input, same events");
  assert.equal(a.missedSessionsInARow, 3);
  const alerts = evaluateAlerts("ep1", ev, [...ALERT_RULES, MISSED_SESSIONS_RULE]);
  assert.deepEqual(alerts.map((x) => x.dedupeKey), ["ep1:missed-sessions:missed:prog1:2026-03-03"]);
});

test("the program in a week (the visit's plan): items in force whatever the weekday, in order, with that week's dose", () => {
  const p = programModel.parse(sixWeeks());
  // week 3: all three, bird dog at its week-3 progression (2 sets); the stretch (Tue/Sat only) is listed on any day
  assert.deepEqual(exercisesInWeek(p, 3).map((e) => [e.index, e.item.exerciseKey, e.dose.sets, e.dose.holdS]), [[0, "prone-press-up", 1, 2], [1, "bird-dog", 2, 5], [2, "hamstring-stretch", 3, 30]]);
  // week 5: the stretch ended in week 4; bird dog has both progressions applied
  assert.deepEqual(exercisesInWeek(p, 5).map((e) => [e.item.exerciseKey, e.dose.sets, e.dose.holdS]), [["prone-press-up", 1, 2], ["bird-dog", 2, 10]]);
  // a Monday of week 1 prescribes no stretch, but the week's list has it
  assert.ok(!prescriptionOn(p, "2026-03-02")!.exercises.some((e) => e.exerciseKey === "hamstring-stretch"));
  assert.ok(exercisesInWeek(p, 1).some((e) => e.item.exerciseKey === "hamstring-stretch"));
  // the week of a date, also outside the program (the nearest week, and where the date lies)
  assert.deepEqual(programWeekAt(p, "2026-03-09"), { week: 2, when: "during" });
  assert.deepEqual(programWeekAt(p, "2026-02-20"), { week: 1, when: "before" });
  assert.deepEqual(programWeekAt(p, "2026-04-13"), { week: 6, when: "after" });
  assert.deepEqual(programWeekAt(p, "2026-04-12"), { week: 6, when: "during" }, "the program's last day");
});

test("a dose saved from a visit changes the program from that week on; earlier weeks keep theirs", () => {
  const p = programModel.parse(sixWeeks());
  // in the item's first week: its starting dose
  const first = programModel.parse(withDoseFromWeek(p, 0, 1, { sets: 2, reps: 12, holdS: 3 }));
  assert.deepEqual(doseInWeek(first.items[0]!, 1), { sets: 2, reps: 12, holdS: 3, perSide: false });
  // later: a progression step from that week, between the existing ones; weeks before are unchanged
  const mid = programModel.parse(withDoseFromWeek(p, 1, 4, { sets: 3, reps: 8, holdS: 5 }));
  assert.deepEqual(mid.items[1]!.progression.map((s) => s.fromWeek), [3, 4, 5]);
  assert.deepEqual([3, 4, 5].map((w) => doseInWeek(mid.items[1]!, w)).map((d) => [d.sets, d.reps, d.holdS, d.perSide]), [[2, 10, 5, true], [3, 8, 5, true], [3, 8, 10, true]]);
  // a step of that week is replaced (its note kept), not doubled
  const again = programModel.parse(withDoseFromWeek(p, 1, 3, { sets: 4, reps: 6, holdS: null }));
  assert.deepEqual(again.items[1]!.progression.map((s) => [s.fromWeek, s.dose.sets, s.dose.reps]), [[3, 4, 6], [5, undefined, undefined]]);
  assert.equal(doseInWeek(again.items[1]!, 5).holdS, 10);
  // the other items are the same objects' values
  assert.deepEqual(again.items[0], p.items[0]);
  assert.throws(() => withDoseFromWeek(p, 7, 1, { sets: 1, reps: 1, holdS: null }), /No exercise 8/);
});
