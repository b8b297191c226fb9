// Alert rules as versioned data, evaluated as pure functions over an episode's event list. The server
// appends events (red-flag screening, pain reports, scored questionnaires, and later home-practice
// events), re-runs `evaluateAlerts` over the episode's events and upserts the result by `dedupeKey`:
// the same events always give the same alerts with the same keys, in the same order, so re-running is
// idempotent and a new event either extends an existing alert (more evidence) or makes a new one.
//
// Dedupe keys name the episode, the rule key (not its version: a new version of a rule re-evaluating
// the same events updates the same alert) and the event that opened the alert. A "run" rule (pain ≥ 7,
// pain rising, a questionnaire worse by its MCID) opens one alert when the condition starts to hold and
// adds each further event while it keeps holding; once it stops holding, the next time it holds is a
// new alert.
import { z } from "zod";
import { change, questionnaireByKey, type QuestionnaireDefinition } from "./questionnaires";
import { TIERS, type Tier } from "./red-flags";

/** 2: issue 19 adds home-pain-rise, missed-sessions (now enabled) and form-faults-rising. 3: home-pain-rise@2. */
export const ALERT_RULES_VERSION = 3;

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export const PAIN_SOURCES = ["INTAKE", "VISIT", "QUESTIONNAIRE", "HOME_SESSION"] as const;
export type PainSource = (typeof PAIN_SOURCES)[number];
export const PAIN_SOURCE_LABEL: Record<PainSource, string> = { INTAKE: "intake", VISIT: "visit", QUESTIONNAIRE: "questionnaire", HOME_SESSION: "home session" };

const eventId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_:.-]+$/, "Invalid event id");
const at = z.iso.datetime({ offset: true, error: "An ISO date-time" });
const base = { id: eventId, at };

export const careEvent = z.discriminatedUnion("type", [
  z.strictObject({
    ...base,
    type: z.literal("redflag.screened"),
    /** red-flag catalogue version that produced the tier */
    version: z.number().int().positive(),
    tier: z.enum(TIERS),
    triggered: z.array(z.strictObject({ rule: z.string().max(80), tier: z.enum(TIERS), reason: z.string().max(500) })).max(50),
  }),
  z.strictObject({
    ...base,
    type: z.literal("pain.reported"),
    value: z.number().min(0).max(10),
    source: z.enum(PAIN_SOURCES),
    /** when in the source the pain was rated, e.g. "now", "before", "after" */
    context: z.string().max(40).optional(),
    /** the row it came from (visit set, response, home session) */
    refId: z.string().max(64).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("questionnaire.scored"),
    instrument: z.string().max(40),
    version: z.number().int().positive(),
    /** null: not computable (missing items) */
    score: z.number().finite().nullable(),
    responseId: z.string().max(64),
  }),
  // Room for the home-practice issue (19): events it appends; its rules are added to ALERT_RULES.
  z.strictObject({
    ...base,
    type: z.literal("home.session"),
    sessionId: z.string().max(64),
    /** the patient's local calendar date of the session */
    localDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    completed: z.boolean(),
    formFaults: z.number().int().min(0).max(100_000).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("home.missed"),
    /** the patient's local calendar date of the missed prescribed session(s) */
    localDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sessions: z.number().int().min(1).max(20),
  }),
  z.strictObject({
    ...base,
    type: z.literal("exercise.flare"),
    exerciseKey: z.string().max(64),
    painBefore: z.number().min(0).max(10).nullable(),
    painAfter: z.number().min(0).max(10),
  }),
]);
export type CareEvent = z.infer<typeof careEvent>;
type EventOf<T extends CareEvent["type"]> = Extract<CareEvent, { type: T }>;

/** Validates stored or incoming events one by one: a malformed event is reported, never thrown. */
export function parseEvents(input: unknown): { events: CareEvent[]; rejected: { index: number; message: string }[] } {
  const list = Array.isArray(input) ? input : [];
  const events: CareEvent[] = [];
  const rejected: { index: number; message: string }[] = [];
  list.forEach((e, index) => {
    const r = careEvent.safeParse(e);
    if (r.success) events.push(r.data);
    else rejected.push({ index, message: r.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; ") });
  });
  if (!Array.isArray(input)) rejected.push({ index: -1, message: "Events must be a list" });
  return { events, rejected };
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

export const SEVERITIES = ["EMERGENCY", "URGENT", "REVIEW"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_RANK: Record<Severity, number> = { REVIEW: 1, URGENT: 2, EMERGENCY: 3 };

export type AlertRule =
  | { key: string; version: number; kind: "redFlag"; title: string; severityByTier: Partial<Record<Tier, Severity>>; source: string }
  | { key: string; version: number; kind: "painAtLeast"; title: string; threshold: number; sources: PainSource[]; severity: Severity; source: string }
  | {
      key: string; version: number; kind: "painRise"; title: string; points: number; sources: PainSource[]; severity: Severity; source: string;
      /**
       * Compare like with like: each report only with the first report of the same context ("before", "after") from
       * another row (refId), so a rise within one home session (3 before → 8 after: the exercise's response, which
       * pain-high judges) is not "pain rising across sessions".
       */
      sameMoment?: boolean;
    }
  | { key: string; version: number; kind: "questionnaireWorse"; title: string; severity: Severity; source: string }
  | { key: string; version: number; kind: "missedInARow"; title: string; sessions: number; severity: Severity; source: string }
  /**
   * Form faults rising over a week: at a completed home session with a fault count, look at the sessions with fault
   * counts in the `windowDays` before it (itself included); with at least `minSessions` of them, the condition holds
   * when the mean faults of the later half exceed those of the earlier half by at least `minRise` per session (odd
   * counts: the middle session belongs to neither half).
   */
  | { key: string; version: number; kind: "faultsRising"; title: string; windowDays: number; minSessions: number; minRise: number; severity: Severity; source: string };

const TIERS_NOTE = "Clinical reference: remote-monitoring tiers seen in practice (pain ≥ 7/10 or a red flag = urgent; pain rising 2+ points or missed sessions = review)";



/**
 * For the home-practice issue (19): "3 prescribed sessions missed in a row" over `home.missed` events
 * (from program.ts's missed-session detection); in ALERT_RULES since issue 19's scheduler appends them.
 */
export const MISSED_SESSIONS_RULE: AlertRule = { key: "missed-sessions", version: 1, kind: "missedInARow", title: "Home sessions missed", sessions: 3, severity: "REVIEW", source: TIERS_NOTE };

/**
 * Issue 19: pain rising 2+ points across home sessions. v2: the baseline is the first home session's report of the
 * same moment (before with before, after with after), and reports of that same session never count (v1 compared every
 * report with the first one, so a single session rated 3 before and 8 after opened it).
 */
export const HOME_PAIN_RISE_RULE: AlertRule = { key: "home-pain-rise", version: 2, kind: "painRise", title: "Pain rising across home sessions", points: 2, sources: ["HOME_SESSION"], sameMoment: true, severity: "REVIEW", source: `${TIERS_NOTE}; NPRS MCID 2 points (Ostelo 2008)` };
/** Issue 19: form faults rising over a week of home sessions (the exercise engine's fault counts per session). */
export const FORM_FAULTS_RULE: AlertRule = { key: "form-faults-rising", version: 1, kind: "faultsRising", title: "Form faults rising at home", windowDays: 7, minSessions: 3, minRise: 2, severity: "REVIEW", source: "Home practice form cues (exercises/form.ts fault rules); a rising fault count over a week suggests the dose or the technique needs review" };

export const ALERT_RULES: readonly AlertRule[] = Object.freeze([
  { key: "red-flag", version: 1, kind: "redFlag", title: "Red flag at screening", severityByTier: { EMERGENCY: "EMERGENCY", URGENT: "URGENT" }, source: "Red-flag tiers (red-flags.ts; NICE NG59, IFOMPT framework)" },
  { key: "pain-high", version: 1, kind: "painAtLeast", title: "Pain 7/10 or more", threshold: 7, sources: [...PAIN_SOURCES], severity: "URGENT", source: TIERS_NOTE },
  { key: "pain-rise", version: 1, kind: "painRise", title: "Pain rising over the baseline", points: 2, sources: ["INTAKE", "VISIT", "QUESTIONNAIRE"], severity: "REVIEW", source: `${TIERS_NOTE}; NPRS MCID 2 points (Ostelo 2008)` },
  { key: "questionnaire-worse", version: 1, kind: "questionnaireWorse", title: "Questionnaire worse by its MCID", severity: "REVIEW", source: "MCIDs of the questionnaire definitions (questionnaires.ts)" },
  HOME_PAIN_RISE_RULE,
  MISSED_SESSIONS_RULE,
  FORM_FAULTS_RULE,
] satisfies AlertRule[]);

export type Alert = {
  /** `ruleKey@version` */
  rule: string;
  ruleKey: string;
  ruleVersion: number;
  severity: Severity;
  /** stable across re-runs over the same (or more) events: the server upserts by it */
  dedupeKey: string;
  title: string;
  message: string;
  /** ids of the events that make the alert, oldest first (the baseline first where there is one) */
  evidence: string[];
  /** time of the event that opened the alert, and of the latest evidence */
  openedAt: string;
  lastAt: string;
};

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

const time = (e: { at: string }) => Date.parse(e.at);
/** Events in a total order: by instant, then by id (so equal times never depend on input order). */
export function orderEvents<T extends { at: string; id: string }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

type Ctx = { episodeId: string; events: CareEvent[] };
const ofType = <T extends CareEvent["type"]>(c: Ctx, t: T) => c.events.filter((e): e is EventOf<T> => e.type === t);

function alertOf(rule: AlertRule, severity: Severity, anchor: string, evidence: CareEvent[], message: string, c: Ctx): Alert {
  return {
    rule: `${rule.key}@${rule.version}`,
    ruleKey: rule.key,
    ruleVersion: rule.version,
    severity,
    dedupeKey: `${c.episodeId}:${rule.key}:${anchor}`,
    title: rule.title,
    message,
    evidence: evidence.map((e) => e.id),
    openedAt: evidence.find((e) => e.id === anchor)?.at ?? evidence[0]!.at,
    lastAt: evidence[evidence.length - 1]!.at,
  };
}

/** Splits an ordered list into maximal runs of consecutive items for which `holds` is true. */
function runs<T>(xs: readonly T[], holds: (x: T) => boolean): T[][] {
  const out: T[][] = [];
  let cur: T[] | null = null;
  for (const x of xs) {
    if (holds(x)) (cur ??= (out.push([]), out[out.length - 1]!)).push(x);
    else cur = null;
  }
  return out;
}

function evaluateRule(rule: AlertRule, c: Ctx): Alert[] {
  switch (rule.kind) {
    case "redFlag":
      // one alert per screening at an alerting tier (a new screening is a new report)
      return ofType(c, "redflag.screened").flatMap((e) => {
        const severity = rule.severityByTier[e.tier];
        if (!severity) return [];
        const reasons = e.triggered.filter((t) => t.tier === e.tier).map((t) => t.reason);
        const lead = e.tier === "EMERGENCY" ? "Emergency red flag at screening; the patient was advised to seek emergency care today and exercise is blocked until you record a decision" : "Urgent red-flag review";
        return [alertOf(rule, severity, e.id, [e], `${lead}: ${reasons.join("; ") || "see the screening"}`, c)];
      });
    case "painAtLeast": {
      const pain = ofType(c, "pain.reported").filter((e) => rule.sources.includes(e.source));
      return runs(pain, (e) => e.value >= rule.threshold).map((run) => {
        const first = run[0]!, peak = Math.max(...run.map((e) => e.value));
        const more = run.length > 1 ? `; ${run.length} reports at or above ${rule.threshold}, highest ${fmt(peak)}/10` : "";
        return alertOf(rule, rule.severity, first.id, run, `Pain ${fmt(first.value)}/10 reported (${PAIN_SOURCE_LABEL[first.source]})${more}`, c);
      });
    }
    case "painRise": {
      const pain = ofType(c, "pain.reported").filter((e) => rule.sources.includes(e.source));
      const series = rule.sameMoment ? [...new Set(pain.map((e) => e.context ?? ""))].map((m) => pain.filter((e) => (e.context ?? "") === m)) : [pain];
      return series.flatMap((list) => {
        const baseline = list[0];
        if (!baseline) return [];
        const later = rule.sameMoment ? list.slice(1).filter((e) => e.refId === undefined || e.refId !== baseline.refId) : list.slice(1);
        const moment = rule.sameMoment && baseline.context ? `, ${baseline.context} the session` : "";
        return runs(later, (e) => e.value - baseline.value + 1e-9 >= rule.points).map((run) => {
          const first = run[0]!, peak = Math.max(...run.map((e) => e.value));
          return alertOf(rule, rule.severity, first.id, [baseline, ...run],
            `Pain up ${fmt(peak - baseline.value)} points over the baseline (${fmt(baseline.value)} → ${fmt(peak)}/10; ${PAIN_SOURCE_LABEL[first.source]}${moment})`, c);
        });
      });
    }
    case "questionnaireWorse": {
      const scored = ofType(c, "questionnaire.scored").filter((e) => e.score !== null);
      const out: Alert[] = [];
      for (const instrument of [...new Set(scored.map((e) => e.instrument))].sort()) {
        const list = scored.filter((e) => e.instrument === instrument);
        const baseline = list[0]!;
        const verdict = (e: EventOf<"questionnaire.scored">) => {
          const def: QuestionnaireDefinition | undefined = questionnaireByKey(e.instrument, e.version) ?? questionnaireByKey(e.instrument);
          return def ? { def, ch: change(def, baseline.score, e.score) } : null;
        };
        for (const run of runs(list.slice(1), (e) => { const v = verdict(e); return !!v?.ch && v.ch.direction === "worsened" && v.ch.important === true; })) {
          const last = run[run.length - 1]!;
          const { def, ch } = verdict(last)!;
          out.push(alertOf(rule, rule.severity, run[0]!.id, [baseline, ...run],
            `${def.short} worse by ${fmt(Math.abs(ch!.delta))} (${fmt(ch!.baseline)} → ${fmt(ch!.now)}${def.unit}; ${def.higherIsBetter ? "higher is better" : "higher is worse"}), at least its MCID of ${fmt(def.mcid!.points ?? 0)} points`, c));
        }
      }
      return out;
    }
    case "missedInARow": {
      // consecutive prescribed sessions missed, ended by a completed session
      const seq = c.events.filter((e): e is EventOf<"home.missed"> | EventOf<"home.session"> => e.type === "home.missed" || (e.type === "home.session" && e.completed));
      const out: Alert[] = [];
      let cur: EventOf<"home.missed">[] = [];
      let count = 0;
      const flush = () => {
        if (count >= rule.sessions) out.push(alertOf(rule, rule.severity, cur[0]!.id, cur, `${count} prescribed home sessions missed in a row (since ${cur[0]!.localDate})`, c));
        cur = [];
        count = 0;
      };
      for (const e of seq) {
        if (e.type === "home.session") flush();
        else {
          cur.push(e);
          count += e.sessions;
        }
      }
      flush();
      return out;
    }
    case "faultsRising": {
      const sessions = ofType(c, "home.session").filter((e) => e.completed && e.formFaults !== undefined);
      const windowMs = rule.windowDays * 86_400_000;
      const windowOf = (e: EventOf<"home.session">) => sessions.filter((x) => time(x) <= time(e) && time(x) > time(e) - windowMs);
      const rising = (e: EventOf<"home.session">) => {
        const w = windowOf(e);
        if (w.length < rule.minSessions) return null;
        const half = Math.floor(w.length / 2);
        const mean = (xs: EventOf<"home.session">[]) => xs.reduce((a, x) => a + x.formFaults!, 0) / xs.length;
        const early = mean(w.slice(0, half)), late = mean(w.slice(w.length - half));
        return late - early + 1e-9 >= rule.minRise ? { w, early, late } : null;
      };
      return runs(sessions, (e) => rising(e) !== null).map((run) => {
        const first = rising(run[0]!)!, last = rising(run[run.length - 1]!)!;
        const evidence = orderEvents([...new Map([...first.w, ...run].map((e) => [e.id, e])).values()]);
        return alertOf(rule, rule.severity, run[0]!.id, evidence,
          `Form faults per home session rising over ${rule.windowDays} days (mean ${fmt(last.early)} → ${fmt(last.late)} across ${last.w.length} sessions)`, c);
      });
    }
  }
}

/**
 * All alerts of an episode's events under `rules`. Events are validated first (malformed ones are
 * skipped, see `parseEvents` to report them), put in a total order, and evaluated by each rule.
 * Deterministic: the output depends only on the set of events, not on their order in the input.
 */
export function evaluateAlerts(episodeId: string, events: readonly unknown[], rules: readonly AlertRule[] = ALERT_RULES): Alert[] {
  const { events: valid } = parseEvents(events);
  // the same event twice (a retried append) counts once
  const unique = [...new Map(orderEvents(valid).map((e) => [e.id, e])).values()];
  const c: Ctx = { episodeId, events: orderEvents(unique) };
  // a rule listed twice (e.g. [...ALERT_RULES, MISSED_SESSIONS_RULE]) is evaluated once; the last entry wins
  const byKey = [...new Map(rules.map((r) => [r.key, r])).values()];
  return byKey
    .flatMap((r) => evaluateRule(r, c))
    .sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt) || (a.dedupeKey < b.dedupeKey ? -1 : a.dedupeKey > b.dedupeKey ? 1 : 0));
}

/** The alerting part of a red-flag evaluation, as the event the server appends. */
export function redFlagEvent(id: string, atIso: string, evaluation: { version: number; tier: Tier; triggered: { rule: string; tier: Tier; reason: string }[] }): EventOf<"redflag.screened"> {
  return { id, at: atIso, type: "redflag.screened", version: evaluation.version, tier: evaluation.tier, triggered: evaluation.triggered.map((t) => ({ rule: t.rule, tier: t.tier, reason: t.reason })) };
}
