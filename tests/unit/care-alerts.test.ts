import assert from "node:assert/strict";
import { test } from "node:test";
import { ALERT_RULES, MISSED_SESSIONS_RULE, evaluateAlerts, parseEvents, redFlagEvent, type CareEvent } from "../../app/_shared/care/alerts";
import { RED_FLAG_KEYS, evaluateRedFlags } from "../../app/_shared/care/red-flags";

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 2, 1 + d, h)).toISOString();
const pain = (id: string, d: number, value: number, source: "INTAKE" | "VISIT" | "QUESTIONNAIRE" | "HOME_SESSION" = "QUESTIONNAIRE"): CareEvent => ({ id, at: day(d), type: "pain.reported", value, source });
const scored = (id: string, d: number, instrument: string, s: number | null): CareEvent => ({ id, at: day(d), type: "questionnaire.scored", instrument, version: 1, score: s, responseId: `r-${id}` });
const keys = (events: unknown[]) => evaluateAlerts("ep1", events).map((a) => a.dedupeKey);
const shuffle = <T,>(xs: T[], seed: number) => {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

test("rules are versioned data with unique keys", () => {
  assert.equal(new Set(ALERT_RULES.map((r) => r.key)).size, ALERT_RULES.length);
  assert.deepEqual(ALERT_RULES.map((r) => `${r.key}@${r.version}`), ["red-flag@1", "pain-high@1", "pain-rise@1", "questionnaire-worse@1", "home-pain-rise@2", "missed-sessions@1", "form-faults-rising@1"]);
});

test("red flag: emergency and urgent screenings alert; judge-level and none do not", () => {
  const allNo = Object.fromEntries(RED_FLAG_KEYS.map((k) => [k, "no"]));
  const em = redFlagEvent("rf1", day(0), evaluateRedFlags({ ...allNo, bladder_bowel: "yes" }, 40, false));
  const ur = redFlagEvent("rf2", day(1), evaluateRedFlags({ ...allNo, weight_loss: "yes" }, 40, false));
  const rv = redFlagEvent("rf3", day(2), evaluateRedFlags({ ...allNo, night_pain: "yes" }, 40, false));
  const none = redFlagEvent("rf4", day(3), evaluateRedFlags(allNo, 40, false));
  const alerts = evaluateAlerts("ep1", [em, ur, rv, none]);
  assert.deepEqual(alerts.map((a) => [a.rule, a.severity, a.dedupeKey, a.evidence]), [
    ["red-flag@1", "EMERGENCY", "ep1:red-flag:rf1", ["rf1"]],
    ["red-flag@1", "URGENT", "ep1:red-flag:rf2", ["rf2"]],
  ]);
  assert.match(alerts[0]!.message, /bladder or bowel/i);
  assert.match(alerts[0]!.message, /blocked/);
  assert.match(alerts[1]!.message, /weight loss/i);
});

test("pain >= 7 reported anywhere: one alert per run at or above 7, from any source", () => {
  const ev = [pain("p1", 0, 5, "INTAKE"), pain("p2", 1, 7, "HOME_SESSION"), pain("p3", 2, 8, "VISIT"), pain("p4", 3, 4), pain("p5", 4, 9, "QUESTIONNAIRE"), pain("p6", 5, 6.9, "HOME_SESSION")];
  const high = evaluateAlerts("ep1", ev).filter((a) => a.ruleKey === "pain-high");
  assert.deepEqual(high.map((a) => [a.dedupeKey, a.severity, a.evidence]), [["ep1:pain-high:p2", "URGENT", ["p2", "p3"]], ["ep1:pain-high:p5", "URGENT", ["p5"]]]);
  assert.match(high[0]!.message, /Pain 7\/10 reported \(home session\); 2 reports at or above 7, highest 8\/10/);
  assert.equal(high[0]!.openedAt, day(1));
  assert.equal(high[0]!.lastAt, day(2));
  assert.deepEqual(evaluateAlerts("ep1", [pain("a", 0, 6.9)]), []);
});

test("pain rising >= 2 over the baseline (the first clinical report); home sessions are not this rule's sources", () => {
  const ev = [pain("b", 0, 3, "INTAKE"), pain("x1", 3, 4.5), pain("x2", 5, 5, "VISIT"), pain("x3", 7, 6, "QUESTIONNAIRE"), pain("x4", 9, 4.9), pain("x5", 11, 5.5, "VISIT"), pain("h", 12, 6, "HOME_SESSION")];
  const rise = evaluateAlerts("ep1", ev).filter((a) => a.ruleKey === "pain-rise");
  assert.deepEqual(rise.map((a) => [a.dedupeKey, a.evidence]), [["ep1:pain-rise:x2", ["b", "x2", "x3"]], ["ep1:pain-rise:x5", ["b", "x5"]]]);
  assert.match(rise[0]!.message, /up 3 points over the baseline \(3 → 6\/10/);
  assert.equal(rise[0]!.severity, "REVIEW");
  // falling pain, or a rise under 2 points, or no baseline: nothing
  assert.deepEqual(evaluateAlerts("ep1", [pain("b", 0, 6), pain("c", 1, 2), pain("d", 2, 7.9)]).filter((a) => a.ruleKey === "pain-rise"), []);
  assert.deepEqual(evaluateAlerts("ep1", [pain("h1", 0, 2, "HOME_SESSION"), pain("h2", 1, 6, "HOME_SESSION")]).filter((a) => a.ruleKey === "pain-rise"), []);
});

test("questionnaire worse by its MCID against the instrument's first score; higher-is-better handled; no MCID, no alert", () => {
  const ev = [
    scored("r0", 0, "rmdq", 8), scored("r1", 14, "rmdq", 12), scored("r2", 28, "rmdq", 13), scored("r3", 35, "rmdq", 15),
    scored("f0", 0, "psfs", 6), scored("f1", 14, "psfs", 7), scored("f2", 28, "psfs", 4),
    scored("g0", 0, "peg", 2), scored("g1", 14, "peg", 9),
    scored("o0", 0, "odi", null), scored("o1", 14, "odi", 20), scored("o2", 28, "odi", 31),
    scored("n0", 0, "nprs", 3), scored("n1", 14, "nprs", 4.3),
  ];
  const worse = evaluateAlerts("ep1", ev).filter((a) => a.ruleKey === "questionnaire-worse");
  // same opening day: ordered by dedupe key
  assert.deepEqual(worse.map((a) => [a.dedupeKey, a.evidence]), [
    ["ep1:questionnaire-worse:f2", ["f0", "f2"]],
    ["ep1:questionnaire-worse:o2", ["o1", "o2"]],
    ["ep1:questionnaire-worse:r2", ["r0", "r2", "r3"]],
  ]);
  assert.match(worse[2]!.message, /RMDQ worse by 7 \(8 → 15\/24/);
  assert.match(worse[0]!.message, /PSFS worse by 2 \(6 → 4\/10; higher is better\)/);
  // an unknown instrument is ignored, not thrown
  assert.deepEqual(evaluateAlerts("ep1", [scored("u0", 0, "sf36", 10), scored("u1", 1, "sf36", 90)]), []);
});

test("idempotent and order-independent: the same events give the same alerts, whatever the order; duplicates count once", () => {
  const ev: CareEvent[] = [
    pain("b", 0, 3, "INTAKE"), pain("p1", 2, 7, "HOME_SESSION"), pain("p2", 2, 8, "VISIT"), pain("p3", 4, 2), pain("p4", 6, 7.5),
    scored("r0", 0, "rmdq", 6), scored("r1", 14, "rmdq", 12),
    { id: "rf", at: day(0), type: "redflag.screened", version: 1, tier: "URGENT", triggered: [{ rule: "fever_unwell", tier: "URGENT", reason: "Fever" }] },
  ];
  const once = evaluateAlerts("ep1", ev);
  assert.ok(once.length >= 5);
  for (let seed = 1; seed <= 5; seed++) assert.deepEqual(evaluateAlerts("ep1", shuffle(ev, seed)), once);
  assert.deepEqual(evaluateAlerts("ep1", [...ev, ...ev.slice(0, 3)]), once);
  assert.equal(new Set(once.map((a) => a.dedupeKey)).size, once.length, "dedupe keys are unique");
  // events at the same instant are ordered by id, so the run's anchor does not depend on input order
  const tie = [pain("zz", 1, 8), pain("aa", 1, 9)];
  assert.deepEqual(keys(tie), keys([...tie].reverse()));
  assert.deepEqual(keys(tie), ["ep1:pain-high:aa"]);
});

test("new events extend an open alert (same key, more evidence) or open a new one", () => {
  const first = [pain("b", 0, 4, "INTAKE"), pain("p1", 1, 8)];
  const a1 = evaluateAlerts("ep1", first).find((a) => a.ruleKey === "pain-high")!;
  const more = evaluateAlerts("ep1", [...first, pain("p2", 2, 7)]).find((a) => a.ruleKey === "pain-high")!;
  assert.equal(more.dedupeKey, a1.dedupeKey);
  assert.deepEqual(more.evidence, ["p1", "p2"]);
  const later = evaluateAlerts("ep1", [...first, pain("p2", 2, 7), pain("p3", 3, 3), pain("p4", 4, 7)]).filter((a) => a.ruleKey === "pain-high");
  assert.deepEqual(later.map((a) => a.dedupeKey), [a1.dedupeKey, "ep1:pain-high:p4"]);
  // the rule's version is not in the key, so a new version updates the same alert
  const v2 = ALERT_RULES.map((r) => (r.key === "pain-high" ? { ...r, version: 2 } : r));
  const a2 = evaluateAlerts("ep1", first, v2).find((a) => a.ruleKey === "pain-high")!;
  assert.equal(a2.dedupeKey, a1.dedupeKey);
  assert.equal(a2.rule, "pain-high@2");
  // another episode, other keys
  assert.notEqual(evaluateAlerts("ep2", first)[0]!.dedupeKey, a1.dedupeKey);
});

test("malformed events are skipped and reported, never thrown", () => {
  const junk = [null, 3, "x", { id: "a", at: "yesterday", type: "pain.reported", value: 8, source: "VISIT" }, { id: "b", at: day(0), type: "pain.reported", value: 11, source: "VISIT" }, { id: "c", at: day(0), type: "boom" }, { id: "d", at: day(0), type: "pain.reported", value: 8, source: "PHONE" }, { id: "../e", at: day(0), type: "pain.reported", value: 8, source: "VISIT" }];
  const good = pain("ok", 1, 9, "VISIT");
  const { events, rejected } = parseEvents([...junk, good]);
  assert.deepEqual(events.map((e) => e.id), ["ok"]);
  assert.deepEqual(rejected.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.match(rejected[3]!.message, /^at: /);
  assert.deepEqual(keys([...junk, good]), ["ep1:pain-high:ok"]);
  assert.deepEqual(parseEvents("nope").rejected, [{ index: -1, message: "Events must be a list" }]);
  assert.deepEqual(evaluateAlerts("ep1", []), []);
});

test("room for home practice: the missed-sessions rule counts prescribed sessions missed in a row", () => {
  const missed = (id: string, d: number, sessions: number): CareEvent => ({ id, at: day(d, 23), type: "home.missed", localDate: day(d).slice(0, 10), sessions });
  const done = (id: string, d: number): CareEvent => ({ id, at: day(d, 18), type: "home.session", sessionId: id, localDate: day(d).slice(0, 10), completed: true });
  const rules = [...ALERT_RULES, MISSED_SESSIONS_RULE];
  const ev = [missed("m1", 1, 1), missed("m2", 2, 1), done("s1", 3), missed("m3", 4, 2), missed("m4", 5, 1), missed("m5", 6, 1)];
  const out = evaluateAlerts("ep1", ev, rules).filter((a) => a.ruleKey === "missed-sessions");
  assert.deepEqual(out.map((a) => [a.dedupeKey, a.evidence]), [["ep1:missed-sessions:m3", ["m3", "m4", "m5"]]]);
  assert.match(out[0]!.message, /4 prescribed home sessions missed in a row/);
  assert.deepEqual(evaluateAlerts("ep1", ev), evaluateAlerts("ep1", ev, rules), "issue 19 enabled it; a rule listed twice is evaluated once");
  assert.equal(evaluateAlerts("ep1", ev).filter((a) => a.ruleKey === "missed-sessions").length, 1);
});

test("home pain rising 2+ over the first home-session report: a REVIEW run; visit and intake reports do not count for it", () => {
  const home = (id: string, d: number, v: number) => pain(id, d, v, "HOME_SESSION");
  const ev = [pain("i1", 0, 2, "INTAKE"), home("h1", 1, 3), home("h2", 2, 4), home("h3", 3, 5), home("h4", 4, 6), home("h5", 5, 4), home("h6", 6, 5), pain("v1", 6, 9, "VISIT")];
  const out = evaluateAlerts("ep1", ev).filter((a) => a.ruleKey === "home-pain-rise");
  assert.deepEqual(out.map((a) => [a.dedupeKey, a.severity, a.evidence]), [
    ["ep1:home-pain-rise:h3", "REVIEW", ["h1", "h3", "h4"]],
    ["ep1:home-pain-rise:h6", "REVIEW", ["h1", "h6"]],
  ]);
  assert.match(out[0]!.message, /up 3 points over the baseline \(3 → 6\/10; home session\)/);
  // a rise of 1.5 does not; nothing without a home report
  assert.equal(evaluateAlerts("ep1", [home("a", 1, 3), home("b", 2, 4.5)]).filter((a) => a.ruleKey === "home-pain-rise").length, 0);
  assert.equal(evaluateAlerts("ep1", [pain("x", 1, 1, "VISIT"), pain("y", 2, 6, "VISIT")]).filter((a) => a.ruleKey === "home-pain-rise").length, 0);
  // v2 compares like with like across sessions: before with before, after with after, never within one session
  const at = (id: string, d: number, v: number, context: "before" | "after", refId: string): CareEvent => ({ ...home(id, d, v), context, refId } as CareEvent);
  const rise = (events: CareEvent[]) => evaluateAlerts("ep1", events).filter((a) => a.ruleKey === "home-pain-rise").map((a) => a.evidence);
  assert.deepEqual(rise([at("s1b", 1, 3, "before", "s1"), at("s1a", 1, 8, "after", "s1")]), [], "3 before → 8 after in one session");
  assert.deepEqual(rise([at("s1b", 1, 3, "before", "s1"), at("s1a", 1, 4, "after", "s1"), at("s2b", 2, 5, "before", "s2"), at("s2a", 2, 5, "after", "s2")]), [["s1b", "s2b"]], "before rose 3 → 5 across sessions; after 4 → 5 did not");
  assert.deepEqual(rise([at("s1b", 1, 2, "before", "s1"), at("s1a", 1, 3, "after", "s1"), at("s2b", 2, 2, "before", "s2"), at("s2a", 2, 6, "after", "s2")]), [["s1a", "s2a"]], "after rose 3 → 6 across sessions");
  assert.match(evaluateAlerts("ep1", [at("s1b", 1, 3, "before", "s1"), at("s2b", 2, 6, "before", "s2")]).find((a) => a.ruleKey === "home-pain-rise")!.message, /3 → 6\/10; home session, before the session/);
  // pain 8 in a home session is pain-high (URGENT)
  assert.deepEqual(evaluateAlerts("ep1", [home("p8", 1, 8)]).map((a) => [a.ruleKey, a.severity]), [["pain-high", "URGENT"]]);
});

test("form faults rising over a week of home sessions", () => {
  const s = (id: string, d: number, faults: number | undefined, completed = true): CareEvent => ({ id, at: day(d, 18), type: "home.session", sessionId: id, localDate: day(d).slice(0, 10), completed, ...(faults === undefined ? {} : { formFaults: faults }) });
  const faults = (events: CareEvent[]) => evaluateAlerts("ep1", events).filter((a) => a.ruleKey === "form-faults-rising");
  // steady faults: nothing
  assert.equal(faults([s("a", 0, 3), s("b", 1, 3), s("c", 2, 4), s("d", 3, 3)]).length, 0);
  // two sessions are too few, however steep
  assert.equal(faults([s("a", 0, 0), s("b", 1, 9)]).length, 0);
  // rising in a week: 1, 2 | 5, 6 → opens at the third session (window a,b,c: 1 → 5), grows while it holds
  const rising = [s("a", 0, 1), s("b", 1, 2), s("c", 2, 5), s("d", 3, 6)];
  const out = faults(rising);
  assert.deepEqual(out.map((a) => [a.dedupeKey, a.severity, a.evidence]), [["ep1:form-faults-rising:c", "REVIEW", ["a", "b", "c", "d"]]]);
  assert.match(out[0]!.message, /rising over 7 days \(mean 1\.5 → 5\.5 across 4 sessions\)/);
  // sessions more than 7 days apart are not one week's trend
  assert.equal(faults([s("a", 0, 0), s("b", 8, 3), s("c", 16, 6)]).length, 0);
  // open (not completed) sessions and sessions without a count are ignored
  assert.equal(faults([s("a", 0, 1), s("b", 1, 9, false), s("c", 2, undefined), s("d", 3, 1)]).length, 0);
  // order of the input does not matter
  assert.deepEqual(evaluateAlerts("ep1", shuffle(rising, 7)), evaluateAlerts("ep1", rising));
  // it settles (window c,d,e,f: 5,6 | 2,1): the run ends; a new rise later is a new alert
  const later = [...rising, s("e", 4, 2), s("f", 5, 1), s("g", 20, 1), s("h", 21, 1), s("i", 22, 4)];
  assert.deepEqual(faults(later).map((a) => a.dedupeKey), ["ep1:form-faults-rising:c", "ep1:form-faults-rising:i"]);
});
