// Red-flag screening of the intake as versioned data, and the intake form's schema. Isomorphic: the
// patient sees the advice the moment they submit (computed in the browser), and the server stores its
// own evaluation of the stored answers, which is the record.
//
// Tiers (issue 17; shared/notes/outcomes-and-red-flags.md):
//   EMERGENCY: suspected cauda equina or progressive neurological deficit: the patient is told plainly to
//              seek emergency care today, the therapist gets an urgent alert, and exercise is blocked for
//              the episode until a therapist records a decision.
//   URGENT:    possible serious pathology (cancer history with new pain, weight loss, fever/unwell, trauma
//              with fracture risk): alert and a banner on the record.
//   REVIEW:    shown for the therapist to judge (single flags have high false-positive rates; guidelines
//              ask for judgement of the combination).
// Patient-facing words advise and never diagnose: no condition is named to the patient.
import { z } from "zod";
import { isoDate } from "../domain";

export const RED_FLAG_VERSION = 1;
export const INTAKE_FORM_VERSION = 1;

export const TIERS = ["EMERGENCY", "URGENT", "REVIEW", "NONE"] as const;
export type Tier = (typeof TIERS)[number];
/** Higher is more serious. */
export const TIER_RANK: Record<Tier, number> = { NONE: 0, REVIEW: 1, URGENT: 2, EMERGENCY: 3 };
export const TIER_LABEL: Record<Tier, string> = { EMERGENCY: "Emergency (same day)", URGENT: "Urgent review", REVIEW: "For the therapist to judge", NONE: "No red flags" };
const maxTier = (a: Tier, b: Tier): Tier => (TIER_RANK[a] >= TIER_RANK[b] ? a : b);

export const SOURCES = {
  NICE: "NICE NG59, Low back pain and sciatica in over 16s: assessment and management (2016, updated 2020)",
  ACP: "ACP/APS guideline: Chou et al. 2007, Diagnosis and treatment of low back pain, Ann Intern Med 147(7)",
  IFOMPT: "IFOMPT international framework for red flags for potential serious spinal pathologies: Finucane et al. 2020, JOSPT 50(7)",
} as const;
export type SourceKey = keyof typeof SOURCES;

export const RED_FLAG_ANSWERS = ["yes", "no", "unsure"] as const;
export type RedFlagAnswer = (typeof RED_FLAG_ANSWERS)[number];

export type RedFlagQuestion = {
  key: string;
  /** asked of the patient, in plain words */
  text: string;
  /** the flag in clinical words, for the therapist */
  staffLabel: string;
  /** the tier when the patient is not sure (asked today rather than ignored) */
  unsureTier: Tier;
};

export const RED_FLAG_QUESTIONS: readonly RedFlagQuestion[] = Object.freeze([
  { key: "bladder_bowel", text: "Since your back pain started, have you had any new difficulty passing urine, or any leaking of urine or loss of control of your bowels?", staffLabel: "New bladder or bowel dysfunction (retention, incontinence)", unsureTier: "URGENT" },
  { key: "saddle_numbness", text: "Do you have any new numbness or tingling around your bottom, your genitals or your inner thighs?", staffLabel: "Saddle anaesthesia", unsureTier: "URGENT" },
  { key: "leg_weakness", text: "Is weakness in one or both of your legs getting worse, or has your walking become unsteady or clumsy?", staffLabel: "Progressive leg weakness or gait disturbance", unsureTier: "URGENT" },
  { key: "fever", text: "Since the pain started, have you had a fever or chills, or felt generally unwell?", staffLabel: "Fever or systemically unwell", unsureTier: "REVIEW" },
  { key: "weight_loss", text: "Have you lost weight recently without trying to?", staffLabel: "Unexplained weight loss", unsureTier: "REVIEW" },
  { key: "cancer_history", text: "Have you ever been told you have cancer, or been treated for cancer?", staffLabel: "History of cancer (with a new episode of back pain)", unsureTier: "REVIEW" },
  { key: "significant_trauma", text: "Did the pain start after a serious injury, such as a fall from a height or a road accident?", staffLabel: "Significant trauma", unsureTier: "REVIEW" },
  { key: "minor_trauma", text: "Did the pain start after a minor fall, knock or strain?", staffLabel: "Minor trauma", unsureTier: "REVIEW" },
  { key: "osteoporosis", text: "Have you been told you have osteoporosis (thin or weak bones)?", staffLabel: "Osteoporosis", unsureTier: "REVIEW" },
  { key: "steroids", text: "Have you taken steroid tablets (for example prednisolone) for more than 3 months?", staffLabel: "Long-term corticosteroid use", unsureTier: "REVIEW" },
  { key: "night_pain", text: "Is your pain there all the time, including at night when you lie still?", staffLabel: "Constant or night pain not eased by rest", unsureTier: "REVIEW" },
] satisfies RedFlagQuestion[]);
export const RED_FLAG_KEYS = RED_FLAG_QUESTIONS.map((q) => q.key) as [string, ...string[]];

type Cond =
  | { q: string }
  | { all: Cond[] }
  | { any: Cond[] }
  /** age under `under` or over `over`, with a first episode of back pain */
  | { ageFirstEpisode: { under: number; over: number } };

export type RedFlagRule = {
  key: string;
  version: number;
  tier: Tier;
  when: Cond;
  /** for the therapist: why this matters */
  reason: string;
  sources: SourceKey[];
};

export const RED_FLAG_RULES: readonly RedFlagRule[] = Object.freeze([
  { key: "cauda_equina_bladder_bowel", version: 1, tier: "EMERGENCY", when: { q: "bladder_bowel" }, reason: "New bladder or bowel dysfunction: suspected cauda equina syndrome; same-day emergency referral", sources: ["NICE", "IFOMPT", "ACP"] },
  { key: "cauda_equina_saddle", version: 1, tier: "EMERGENCY", when: { q: "saddle_numbness" }, reason: "Saddle anaesthesia: suspected cauda equina syndrome; same-day emergency referral", sources: ["NICE", "IFOMPT", "ACP"] },
  { key: "progressive_deficit", version: 1, tier: "EMERGENCY", when: { q: "leg_weakness" }, reason: "Progressive leg weakness or gait disturbance: progressive neurological deficit; same-day emergency referral", sources: ["NICE", "IFOMPT", "ACP"] },
  { key: "cancer_new_pain", version: 1, tier: "URGENT", when: { q: "cancer_history" }, reason: "History of cancer with a new episode of back pain: possible metastatic disease; urgent review", sources: ["NICE", "IFOMPT", "ACP"] },
  { key: "weight_loss", version: 1, tier: "URGENT", when: { q: "weight_loss" }, reason: "Unexplained weight loss: possible malignancy; urgent review", sources: ["IFOMPT", "ACP"] },
  { key: "fever_unwell", version: 1, tier: "URGENT", when: { q: "fever" }, reason: "Fever or feeling systemically unwell: possible spinal infection; urgent review (same day with severe pain, immunosuppression or IV drug use)", sources: ["IFOMPT", "ACP"] },
  { key: "significant_trauma", version: 1, tier: "URGENT", when: { q: "significant_trauma" }, reason: "Significant trauma: possible vertebral fracture; urgent review", sources: ["IFOMPT", "ACP"] },
  {
    key: "trauma_fracture_risk", version: 1, tier: "URGENT",
    when: { all: [{ q: "minor_trauma" }, { any: [{ q: "osteoporosis" }, { q: "steroids" }] }] },
    reason: "Minor trauma with osteoporosis or long-term steroid use: possible fragility fracture; urgent review", sources: ["IFOMPT", "ACP"],
  },
  { key: "osteoporosis", version: 1, tier: "REVIEW", when: { q: "osteoporosis" }, reason: "Osteoporosis: fracture risk; judge with the history", sources: ["IFOMPT"] },
  { key: "steroids", version: 1, tier: "REVIEW", when: { q: "steroids" }, reason: "Long-term corticosteroid use: fracture and infection risk; judge with the history", sources: ["IFOMPT", "ACP"] },
  { key: "night_pain", version: 1, tier: "REVIEW", when: { q: "night_pain" }, reason: "Constant or night pain not eased by rest: non-mechanical pain; judge with the other findings", sources: ["IFOMPT", "NICE"] },
  { key: "age_first_episode", version: 1, tier: "REVIEW", when: { ageFirstEpisode: { under: 20, over: 50 } }, reason: "First episode of back pain under 20 or over 50: judge with the other findings (some pathways use over 60)", sources: ["IFOMPT", "ACP"] },
] satisfies RedFlagRule[]);

/** Several judge-level flags together make an urgent review (a combination, not one flag, raises suspicion). */
export const COMBINATION_RULE = {
  key: "combination",
  version: 1,
  tier: "URGENT" as Tier,
  atLeast: 2,
  of: ["osteoporosis", "steroids", "night_pain", "age_first_episode"],
  reason: "Several flags together (guidelines ask for judgement of the combination): urgent review",
  sources: ["IFOMPT", "NICE"] as SourceKey[],
};

export const PATIENT_MESSAGES: Record<Tier, { title: string; body: string[] }> = {
  EMERGENCY: {
    title: "Please seek emergency care today",
    body: [
      "Some of your answers describe symptoms that a doctor needs to check today, not later.",
      "Please go to an emergency department now, or call your local emergency number.",
      "Do not start your back exercises until your therapist has spoken with you. Your therapist has been told.",
    ],
  },
  URGENT: {
    title: "Your therapist will contact you soon",
    body: [
      "Thank you. Some of your answers need a closer look, so your therapist will get in touch with you soon.",
      "If you have new difficulty passing urine or controlling your bladder or bowels, numbness around your bottom or genitals, or your legs get weaker, seek emergency care straight away.",
    ],
  },
  REVIEW: {
    title: "Thank you",
    body: [
      "Your therapist will go through your answers with you.",
      "If you have new difficulty passing urine or controlling your bladder or bowels, numbness around your bottom or genitals, or your legs get weaker, seek emergency care straight away.",
    ],
  },
  NONE: {
    title: "Thank you",
    body: [
      "Your therapist will go through your answers with you.",
      "If you have new difficulty passing urine or controlling your bladder or bowels, numbness around your bottom or genitals, or your legs get weaker, seek emergency care straight away.",
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

export const redFlagAnswers = z.strictObject(
  Object.fromEntries(RED_FLAG_KEYS.map((k) => [k, z.enum(RED_FLAG_ANSWERS, { error: "Answer yes, no or not sure" })])) as Record<string, z.ZodEnum<{ yes: "yes"; no: "no"; unsure: "unsure" }>>,
  { error: (iss) => (iss.code === "unrecognized_keys" ? "Unknown red-flag question" : "Answer every question") },
);
export type RedFlagAnswers = Record<string, RedFlagAnswer>;

export type TriggeredFlag = {
  rule: string;
  /** `rule@version` */
  ruleRef: string;
  tier: Tier;
  reason: string;
  sources: string[];
  /** the questions (or facts) that made it fire */
  because: string[];
  /** fired from a "not sure" answer rather than a "yes" */
  unsure: boolean;
};

export type RedFlagEvaluation = {
  version: number;
  tier: Tier;
  triggered: TriggeredFlag[];
  /** what the patient is told, on the spot */
  patientMessage: { title: string; body: string[] };
  /** exercise is blocked for the episode until a therapist records a decision */
  exerciseBlocked: boolean;
  /** red-flag questions with no valid answer (treated as "not sure") */
  unanswered: string[];
};

function holds(c: Cond, yes: (k: string) => boolean, ctx: { age: number | null; firstEpisode: boolean | null }): string[] | null {
  if ("q" in c) return yes(c.q) ? [c.q] : null;
  if ("all" in c) {
    const parts = c.all.map((x) => holds(x, yes, ctx));
    return parts.every((p) => p !== null) ? parts.flat() as string[] : null;
  }
  if ("any" in c) {
    const parts = c.any.map((x) => holds(x, yes, ctx)).filter((p): p is string[] => p !== null);
    return parts.length ? parts.flat() : null;
  }
  const { under, over } = c.ageFirstEpisode;
  if (ctx.age === null || ctx.firstEpisode !== true) return null;
  return ctx.age < under || ctx.age > over ? [`age ${ctx.age}`, "first episode"] : null;
}

/**
 * Evaluates the red-flag answers. Unknown or malformed answers never throw: a question without a valid
 * answer counts as "not sure" (asked again rather than ignored). `patientAge` in whole years (null: not
 * known), `firstEpisode` from the intake's previous-episodes answer (null: not known).
 */
export function evaluateRedFlags(answers: unknown, patientAge: number | null, firstEpisode: boolean | null): RedFlagEvaluation {
  const raw = (answers && typeof answers === "object" ? answers : {}) as Record<string, unknown>;
  const a: RedFlagAnswers = {};
  const unanswered: string[] = [];
  for (const k of RED_FLAG_KEYS) {
    const v = raw[k];
    if (v === "yes" || v === "no" || v === "unsure") a[k] = v;
    else {
      a[k] = "unsure";
      unanswered.push(k);
    }
  }
  const age = typeof patientAge === "number" && Number.isFinite(patientAge) && patientAge >= 0 && patientAge < 130 ? Math.floor(patientAge) : null;
  const ctx = { age, firstEpisode: typeof firstEpisode === "boolean" ? firstEpisode : null };
  const triggered: TriggeredFlag[] = [];
  const fire = (r: { key: string; version: number; tier: Tier; reason: string; sources: SourceKey[] }, because: string[], unsure: boolean) =>
    triggered.push({ rule: r.key, ruleRef: `${r.key}@${r.version}`, tier: r.tier, reason: r.reason, sources: r.sources.map((s) => SOURCES[s]), because, unsure });

  for (const r of RED_FLAG_RULES) {
    const yes = holds(r.when, (k) => a[k] === "yes", ctx);
    if (yes) {
      fire(r, yes, false);
      continue;
    }
    // "not sure": the rule would fire if the unsure answers were yes; its tier is the questions' unsureTier
    const maybe = holds(r.when, (k) => a[k] === "yes" || a[k] === "unsure", ctx);
    if (!maybe) continue;
    const unsureQs = maybe.filter((k) => a[k] === "unsure");
    const tier = unsureQs.reduce<Tier>((t, k) => maxTier(t, RED_FLAG_QUESTIONS.find((q) => q.key === k)!.unsureTier), "NONE");
    const capped = TIER_RANK[tier] > TIER_RANK[r.tier] ? r.tier : tier; // never above the rule itself
    if (capped === "NONE") continue;
    fire({ ...r, tier: capped, reason: `Not sure: ${r.reason} (ask the patient)` }, maybe, true);
  }
  const comboHits = triggered.filter((t) => !t.unsure && COMBINATION_RULE.of.includes(t.rule));
  if (comboHits.length >= COMBINATION_RULE.atLeast) fire(COMBINATION_RULE, comboHits.map((t) => t.rule), false);

  triggered.sort((x, y) => TIER_RANK[y.tier] - TIER_RANK[x.tier]);
  const tier = triggered.reduce<Tier>((t, x) => maxTier(t, x.tier), "NONE");
  return { version: RED_FLAG_VERSION, tier, triggered, patientMessage: PATIENT_MESSAGES[tier], exerciseBlocked: tier === "EMERGENCY", unanswered };
}

/** Whole years between a date of birth and a day (both "YYYY-MM-DD"). */
export function ageOn(dateOfBirth: string, on: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth), d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  if (!b || !d) return null;
  let age = Number(d[1]) - Number(b[1]);
  if (Number(d[2]) * 100 + Number(d[3]) < Number(b[2]) * 100 + Number(b[3])) age -= 1;
  return age >= 0 ? age : null;
}

// ---------------------------------------------------------------------------------------------
// The exercise gate: blocked after an emergency screening until a therapist records a decision
// ---------------------------------------------------------------------------------------------

export const DECISIONS = ["CLEARED_TO_EXERCISE", "REFERRED_KEEP_BLOCKED"] as const;
export type Decision = (typeof DECISIONS)[number];
export const recordDecisionInput = z.strictObject({
  decision: z.enum(DECISIONS, { error: "Choose a decision" }),
  note: z.string().trim().min(3, "Say what was decided and why").max(2000, "At most 2000 characters"),
});

export type GateScreening = { id: string; at: string; tier: Tier };
export type GateDecision = { id: string; at: string; decision: Decision };
export type ExerciseGate = { blocked: boolean; screeningId: string | null; decisionId: string | null; reason: string | null };

/**
 * Exercise is blocked while the latest EMERGENCY screening of the episode has no later decision that
 * clears it. Times are ISO instants (compared as instants); equal times order the decision after the
 * screening it answers.
 */
export function exerciseGate(screenings: readonly GateScreening[], decisions: readonly GateDecision[]): ExerciseGate {
  const t = (s: string) => Date.parse(s);
  const emergencies = screenings.filter((s) => s.tier === "EMERGENCY" && Number.isFinite(t(s.at))).sort((a, b) => t(a.at) - t(b.at) || a.id.localeCompare(b.id));
  const last = emergencies[emergencies.length - 1];
  if (!last) return { blocked: false, screeningId: null, decisionId: null, reason: null };
  const after = decisions.filter((d) => Number.isFinite(t(d.at)) && t(d.at) >= t(last.at)).sort((a, b) => t(a.at) - t(b.at) || a.id.localeCompare(b.id));
  const latest = after[after.length - 1];
  if (latest?.decision === "CLEARED_TO_EXERCISE") return { blocked: false, screeningId: last.id, decisionId: latest.id, reason: null };
  return {
    blocked: true,
    screeningId: last.id,
    decisionId: latest?.id ?? null,
    reason: latest ? "A therapist decided to keep exercise blocked (referred)" : "Emergency red flag at screening: a therapist must record a decision before exercise",
  };
}

// ---------------------------------------------------------------------------------------------
// The intake form (the patient fills it in before the first visit)
// ---------------------------------------------------------------------------------------------

export const BODY_REGIONS = ["lower_back_centre", "lower_back_left", "lower_back_right", "buttock_left", "buttock_right", "upper_back", "neck", "hip_left", "hip_right"] as const;
export const LEG_SPREAD = ["none", "buttock_thigh", "below_knee", "foot"] as const;
export const LEG_SIDES = ["left", "right", "both"] as const;
export const LEG_SYMPTOMS = ["pain", "numbness", "pins_and_needles", "weakness"] as const;
export const ONSET_HOW = ["gradual", "sudden", "lifting", "injury", "after_activity", "unknown"] as const;
export const DURATION = ["under_1_week", "1_to_6_weeks", "6_to_12_weeks", "over_12_weeks"] as const;
export const FACTORS = ["sitting", "standing", "walking", "lying", "bending", "lifting", "twisting", "coughing_sneezing", "morning", "evening", "rest", "movement", "heat", "medication"] as const;
export const PREVIOUS_EPISODES = ["none", "one", "several", "ongoing"] as const;
export const WORK_STATUS = ["working", "modified_duties", "off_work", "not_working", "retired", "student", "homemaker"] as const;
export const PHYSICAL_DEMAND = ["sedentary", "light", "moderate", "heavy"] as const;
export const ACTIVITY_LEVEL = ["inactive", "some", "active", "very_active"] as const;

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`).default("");
const choice = <T extends readonly [string, ...string[]]>(v: T, msg: string) => z.enum(v, { error: msg });

export const intakeForm = z
  .strictObject({
    version: z.literal(INTAKE_FORM_VERSION, { error: "This form is out of date; reload the page" }),
    onset: z.strictObject({
      duration: choice(DURATION, "Say how long you have had this pain"),
      startedOn: isoDate.optional(),
      how: choice(ONSET_HOW, "Say how the pain started"),
      description: text(1000),
    }),
    regions: z.array(choice(BODY_REGIONS, "Unknown body region")).min(1, "Mark where it hurts").max(BODY_REGIONS.length).refine((r) => new Set(r).size === r.length, "Each region once"),
    leg: z.strictObject({
      spread: choice(LEG_SPREAD, "Say whether the pain spreads into your leg"),
      side: choice(LEG_SIDES, "Say which leg").nullable().default(null),
      symptoms: z.array(choice(LEG_SYMPTOMS, "Unknown leg symptom")).max(LEG_SYMPTOMS.length).default([]),
    }),
    betterWith: z.array(choice(FACTORS, "Unknown factor")).max(FACTORS.length).default([]),
    worseWith: z.array(choice(FACTORS, "Unknown factor")).max(FACTORS.length).default([]),
    betterOther: text(500),
    worseOther: text(500),
    previous: z.strictObject({ episodes: choice(PREVIOUS_EPISODES, "Say whether you have had back pain before"), details: text(1000) }),
    work: z.strictObject({
      status: choice(WORK_STATUS, "Say what your work situation is"),
      occupation: text(200),
      physicalDemand: choice(PHYSICAL_DEMAND, "Say how physical your work or day is").optional(),
      activityLevel: choice(ACTIVITY_LEVEL, "Say how active you are"),
    }),
    goals: z.array(z.string().trim().min(1, "Write a goal or remove it").max(300, "At most 300 characters")).min(1, "Write at least one goal in your own words").max(5, "At most 5 goals"),
    medication: z
      .array(z.strictObject({ name: z.string().trim().min(1, "Name the medicine").max(120, "At most 120 characters"), dose: text(120), forBackPain: z.boolean().default(false) }))
      .max(30, "At most 30 medicines")
      .default([]),
    redFlags: redFlagAnswers,
  })
  .superRefine((f, ctx) => {
    if (f.leg.spread !== "none" && f.leg.side === null) ctx.addIssue({ code: "custom", path: ["leg", "side"], message: "Say which leg" });
    if (f.onset.startedOn && Date.parse(`${f.onset.startedOn}T00:00:00Z`) > Date.now() + 36 * 3600_000) ctx.addIssue({ code: "custom", path: ["onset", "startedOn"], message: "The start cannot be in the future" });
  });
export type IntakeForm = z.output<typeof intakeForm>;
export type IntakeFormInput = z.input<typeof intakeForm>;

/** A first episode of back pain, from the intake's previous-episodes answer. */
export const isFirstEpisode = (f: Pick<IntakeForm, "previous">): boolean => f.previous.episodes === "none";

/** Evaluates a validated intake for a patient of the given age. */
export function evaluateIntake(f: IntakeForm, patientAge: number | null): RedFlagEvaluation {
  return evaluateRedFlags(f.redFlags, patientAge, isFirstEpisode(f));
}
