// Outcome questionnaires as versioned data, with their scoring, missing-item rules, interpretation
// bands, minimal clinically important differences (MCID) and licences. Isomorphic: the patient's
// form validates with the same schema the server does, and the score shown live is the score the
// server stores (the server's is the record). Facts and sources: shared/notes/outcomes-and-red-flags.md.
//
// A stored response names `instrument@version`; a definition is never edited in place: a change of
// wording, options or scoring is a new version (see README.md in this folder).
import { z } from "zod";

export const QUESTIONNAIRE_CATALOGUE_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// The shape of a definition (validated with zod at module load, so a bad edit fails every test)
// ---------------------------------------------------------------------------------------------

const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "keys are lower-case words");
/** null: the wording is licensed and the clinic supplies it (see `withClinicText`). */
const wording = z.string().min(1).max(600).nullable();

const scaleItem = z.strictObject({
  type: z.literal("scale"),
  key,
  topic: z.string().min(1).max(120),
  text: wording,
  min: z.number().int(),
  max: z.number().int(),
  anchors: z.strictObject({ min: z.string().min(1).max(80), max: z.string().min(1).max(80) }),
});
const choiceItem = z.strictObject({
  type: z.literal("choice"),
  key,
  topic: z.string().min(1).max(120),
  text: wording,
  options: z
    .array(z.strictObject({ value: key, label: z.string().min(1).max(300).nullable(), score: z.number().int().min(0).max(100) }))
    .min(2)
    .max(10),
});
/** A checklist sentence: ticked or not; an unticked sentence scores 0 (it is never "missing"). */
const tickItem = z.strictObject({ type: z.literal("tick"), key, topic: z.string().min(1).max(120), text: wording });
/** Patient-named activities, each rated on a scale (PSFS). */
const activitiesItem = z.strictObject({
  type: z.literal("activities"),
  key,
  topic: z.string().min(1).max(120),
  text: wording,
  minCount: z.number().int().min(1),
  maxCount: z.number().int().min(1),
  min: z.number().int(),
  max: z.number().int(),
  anchors: z.strictObject({ min: z.string().min(1).max(80), max: z.string().min(1).max(80) }),
});
export const questionnaireItem = z.discriminatedUnion("type", [scaleItem, choiceItem, tickItem, activitiesItem]);
export type QuestionnaireItem = z.infer<typeof questionnaireItem>;

export const scoringRule = z.discriminatedUnion("kind", [
  /** mean of the items; not computable with fewer than `minAnswered` answered */
  z.strictObject({ kind: z.literal("mean"), items: z.array(key).min(1), minAnswered: z.number().int().min(1), decimals: z.number().int().min(0).max(2) }),
  /** number of ticked checklist items */
  z.strictObject({ kind: z.literal("count"), items: z.array(key).min(1) }),
  /** mean of the rated activities; not computable with fewer than `minRated` rated */
  z.strictObject({ kind: z.literal("activitiesMean"), item: key, minRated: z.number().int().min(1), decimals: z.number().int().min(0).max(2) }),
  /** sum / (itemMax × answered) × 100; not computable with fewer than `minAnswered` answered (ODI) */
  z.strictObject({ kind: z.literal("percentOfMax"), items: z.array(key).min(1), itemMax: z.number().int().min(1), minAnswered: z.number().int().min(1), decimals: z.number().int().min(0).max(2) }),
  /**
   * STarT Back: total = sum of all items (0–9), psychosocial subscale = sum of `subscale` (0–5).
   * total ≤ lowMaxTotal → low; else subscale ≥ highMinSubscale → high; else medium.
   */
  z.strictObject({ kind: z.literal("startBack"), items: z.array(key).min(1), subscale: z.array(key).min(1), lowMaxTotal: z.number().int(), highMinSubscale: z.number().int() }),
]);
export type ScoringRule = z.infer<typeof scoringRule>;

const band = z.strictObject({ key, label: z.string().min(1).max(80), min: z.number(), max: z.number() });

export const mcidRule = z.strictObject({
  /** an absolute change of at least this many points is clinically important (either direction) */
  points: z.number().positive().nullable(),
  /** a relative change of at least this fraction of the baseline is clinically important, in `percentDirections` */
  percent: z.number().positive().max(1).nullable(),
  percentDirections: z.array(z.enum(["improved", "worsened"])),
  /** per single item (PSFS: one activity), shown beside the item; not used for the total */
  singleItemPoints: z.number().positive().nullable(),
  source: z.string().min(5).max(400),
});
export type McidRule = z.infer<typeof mcidRule>;

export const LICENCE_KINDS = ["FREE", "NO_STATEMENT", "FREE_NON_COMMERCIAL", "LICENCE_REQUIRED"] as const;
export const licence = z.strictObject({
  kind: z.enum(LICENCE_KINDS),
  /** what the licence allows, in plain words, shown to admins when they enable the instrument */
  text: z.string().min(10).max(1000),
  holder: z.string().min(2).max(200),
  url: z.string().max(200).nullable(),
  /** INCLUDED: PoseVisit ships the exact wording; CLINIC_SUPPLIED: the clinic enters its licensed copy */
  wording: z.enum(["INCLUDED", "CLINIC_SUPPLIED"]),
  enabledByDefault: z.boolean(),
  /** the clinic must record that it holds a licence before it can enable it */
  requiresConfirmation: z.boolean(),
});
export type Licence = z.infer<typeof licence>;

export const questionnaireDefinition = z
  .strictObject({
    key,
    version: z.number().int().positive(),
    title: z.string().min(2).max(120),
    short: z.string().min(2).max(20),
    /** what it measures, for the staff UI */
    construct: z.string().min(2).max(200),
    recall: z.string().min(2).max(60),
    instructions: wording,
    items: z.array(questionnaireItem).min(1).max(60),
    scoring: scoringRule,
    range: z.strictObject({ min: z.number(), max: z.number() }),
    higherIsBetter: z.boolean(),
    unit: z.string().max(20),
    bands: z.array(band),
    bandSource: z.string().max(400).nullable(),
    mcid: mcidRule.nullable(),
    /** how unanswered items are treated, in plain words (the rule itself is `scoring`) */
    missingRule: z.string().min(10).max(600),
    /** the item whose answer is also a pain report for the alert rules (NPRS: current pain) */
    painItem: key.nullable(),
    licence,
    source: z.string().min(5).max(600),
  })
  .superRefine((d, ctx) => {
    const keys = d.items.map((i) => i.key);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: "custom", message: `${d.key}: duplicate item keys` });
    const refs = "items" in d.scoring ? d.scoring.items : [d.scoring.item];
    for (const k of [...refs, ...(d.scoring.kind === "startBack" ? d.scoring.subscale : []), ...(d.painItem ? [d.painItem] : [])])
      if (!keys.includes(k)) ctx.addIssue({ code: "custom", message: `${d.key}: scoring names unknown item ${k}` });
    for (const i of d.items) {
      if ((i.type === "scale" || i.type === "activities") && i.min >= i.max) ctx.addIssue({ code: "custom", message: `${d.key}.${i.key}: min >= max` });
      if (i.type === "activities" && i.minCount > i.maxCount) ctx.addIssue({ code: "custom", message: `${d.key}.${i.key}: minCount > maxCount` });
      if (i.type === "choice" && new Set(i.options.map((o) => o.value)).size !== i.options.length) ctx.addIssue({ code: "custom", message: `${d.key}.${i.key}: duplicate option values` });
      if (d.licence.wording === "INCLUDED" && i.text === null) ctx.addIssue({ code: "custom", message: `${d.key}.${i.key}: wording is INCLUDED but the item has no text` });
      if (d.licence.wording === "CLINIC_SUPPLIED" && i.text !== null) ctx.addIssue({ code: "custom", message: `${d.key}.${i.key}: licensed wording must not be shipped` });
    }
    if (d.licence.kind === "LICENCE_REQUIRED" && (d.licence.enabledByDefault || !d.licence.requiresConfirmation))
      ctx.addIssue({ code: "custom", message: `${d.key}: a licence-required instrument is off by default and needs a confirmation` });
    for (const b of d.bands) if (b.min > b.max || b.min < d.range.min || b.max > d.range.max) ctx.addIssue({ code: "custom", message: `${d.key}: band ${b.key} out of range` });
  });
export type QuestionnaireDefinition = z.infer<typeof questionnaireDefinition>;

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

const zeroTen = { min: 0, max: 10 } as const;
const OSTELO = "Ostelo et al. 2008, Spine 33(1) (consensus on minimal important change in low back pain)";
const PAIN_BANDS = [
  { key: "none", label: "No pain", min: 0, max: 0 },
  { key: "mild", label: "Mild", min: 0.1, max: 3.9 },
  { key: "moderate", label: "Moderate", min: 4, max: 6.9 },
  { key: "severe", label: "Severe", min: 7, max: 10 },
];

const nprs = {
  key: "nprs",
  version: 1,
  title: "Numeric Pain Rating Scale",
  short: "NPRS",
  construct: "Pain intensity (current, best and worst in the last 24 hours)",
  recall: "now and the last 24 hours",
  instructions: "Choose the number that best describes your back pain. 0 means no pain and 10 means the worst pain you can imagine.",
  items: [
    { type: "scale", key: "current", topic: "Pain now", text: "How bad is your pain right now?", ...zeroTen, anchors: { min: "No pain", max: "Worst pain imaginable" } },
    { type: "scale", key: "best", topic: "Least pain in 24 h", text: "How bad was your pain at its least in the last 24 hours?", ...zeroTen, anchors: { min: "No pain", max: "Worst pain imaginable" } },
    { type: "scale", key: "worst", topic: "Worst pain in 24 h", text: "How bad was your pain at its worst in the last 24 hours?", ...zeroTen, anchors: { min: "No pain", max: "Worst pain imaginable" } },
  ],
  scoring: { kind: "mean", items: ["current", "best", "worst"], minAnswered: 3, decimals: 1 },
  range: zeroTen,
  higherIsBetter: false,
  unit: "/10",
  bands: PAIN_BANDS,
  bandSource: "Conventional cut-points 1–3 mild, 4–6 moderate, 7–10 severe (Serlin et al. 1995, Pain 61); indicative",
  mcid: { points: 2, percent: 0.3, percentDirections: ["improved"], singleItemPoints: null, source: `${OSTELO}: 2 points or 30 % improvement; Childs et al. 2005, Spine 30(11): 2.2 at 1 week, 1.5 at 4 weeks, MDC 2` },
  missingRule: "The score is the mean of the three ratings (Childs et al. 2005) and needs all three; with one missing only the answered ratings are shown. The current rating also counts as a pain report.",
  painItem: "current",
  licence: { kind: "NO_STATEMENT", text: "A single 0–10 number scale in common use; no licence statement was found. The wording here is PoseVisit's own.", holder: "Public domain (no known holder)", url: null, wording: "INCLUDED", enabledByDefault: true, requiresConfirmation: false },
  source: "Childs JD, Piva SR, Fritz JM. Responsiveness of the numeric pain rating scale in patients with low back pain. Spine 2005;30(11):1331–4",
} satisfies z.input<typeof questionnaireDefinition>;

const peg = {
  key: "peg",
  version: 1,
  title: "PEG (Pain, Enjoyment of life, General activity)",
  short: "PEG",
  construct: "Pain intensity and interference",
  recall: "the past week",
  instructions: "Choose one number for each question.",
  items: [
    { type: "scale", key: "pain", topic: "Average pain", text: "What number best describes your pain on average in the past week?", ...zeroTen, anchors: { min: "No pain", max: "Pain as bad as you can imagine" } },
    { type: "scale", key: "enjoyment", topic: "Interference with enjoyment of life", text: "What number best describes how, during the past week, pain has interfered with your enjoyment of life?", ...zeroTen, anchors: { min: "Does not interfere", max: "Completely interferes" } },
    { type: "scale", key: "activity", topic: "Interference with general activity", text: "What number best describes how, during the past week, pain has interfered with your general activity?", ...zeroTen, anchors: { min: "Does not interfere", max: "Completely interferes" } },
  ],
  scoring: { kind: "mean", items: ["pain", "enjoyment", "activity"], minAnswered: 3, decimals: 1 },
  range: zeroTen,
  higherIsBetter: false,
  unit: "/10",
  bands: [],
  bandSource: null,
  mcid: null,
  missingRule: "The score is the mean of the three items (Krebs et al. 2009) and needs all three; with one missing no score is given.",
  painItem: null,
  licence: { kind: "FREE", text: "Described as free to use; no licence statement was found.", holder: "Krebs et al. (J Gen Intern Med 2009)", url: null, wording: "INCLUDED", enabledByDefault: true, requiresConfirmation: false },
  source: "Krebs EE, Lorenz KA, Bair MJ, et al. Development and initial validation of the PEG, a three-item scale assessing pain intensity and interference. J Gen Intern Med 2009;24(6):733–8",
} satisfies z.input<typeof questionnaireDefinition>;

const psfs = {
  key: "psfs",
  version: 1,
  title: "Patient-Specific Functional Scale",
  short: "PSFS",
  construct: "Ability in activities the patient names",
  recall: "today",
  instructions:
    "Name 3 to 5 important activities that you are unable to do, or have difficulty doing, because of your back. For each one, choose a number for how well you can do it today. At later visits you rate the same activities again.",
  items: [
    { type: "activities", key: "activities", topic: "Activities", text: "How able are you to do this activity today?", minCount: 3, maxCount: 5, ...zeroTen, anchors: { min: "Unable to perform", max: "Able to perform at the level before the problem" } },
  ],
  scoring: { kind: "activitiesMean", item: "activities", minRated: 3, decimals: 1 },
  range: zeroTen,
  higherIsBetter: true,
  unit: "/10",
  bands: [],
  bandSource: null,
  mcid: { points: 2, percent: null, percentDirections: [], singleItemPoints: 3, source: "Stratford et al. 1995; rehabmeasures.org: MDC 2 points for the average, 3 for a single activity; ~2 commonly used" },
  missingRule: "The score is the mean of the rated activities and needs at least 3 rated; an activity named but not rated is left out.",
  painItem: null,
  licence: { kind: "FREE", text: "Listed as free to use (rehabmeasures.org).", holder: "Stratford et al. (Physiotherapy Canada 1995)", url: null, wording: "INCLUDED", enabledByDefault: true, requiresConfirmation: false },
  source: "Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on individual patients: a report of a patient specific measure. Physiotherapy Canada 1995;47:258–63",
} satisfies z.input<typeof questionnaireDefinition>;

// Roland-Morris 24-item English form as reproduced in Roland & Fairbank 2000 (Spine 25(24)), which
// needs no permission when used in that form. Not one word is to be changed (a new version if so).
const RMDQ_ITEMS = [
  "I stay at home most of the time because of my back.",
  "I change position frequently to try and get my back comfortable.",
  "I walk more slowly than usual because of my back.",
  "Because of my back I am not doing any of the jobs that I usually do around the house.",
  "Because of my back, I use a handrail to get upstairs.",
  "Because of my back, I lie down to rest more often.",
  "Because of my back, I have to hold on to something to get out of an easy chair.",
  "Because of my back, I try to get other people to do things for me.",
  "I get dressed more slowly than usual because of my back.",
  "I only stand for short periods of time because of my back.",
  "Because of my back, I try not to bend or kneel down.",
  "I find it difficult to get out of a chair because of my back.",
  "My back is painful almost all the time.",
  "I find it difficult to turn over in bed because of my back.",
  "My appetite is not very good because of my back pain.",
  "I have trouble putting on my socks (or stockings) because of the pain in my back.",
  "I only walk short distances because of my back.",
  "I sleep less well because of my back.",
  "Because of my back pain, I get dressed with help from someone else.",
  "I sit down for most of the day because of my back.",
  "I avoid heavy jobs around the house because of my back.",
  "Because of my back pain, I am more irritable and bad tempered with people than usual.",
  "Because of my back, I go upstairs more slowly than usual.",
  "I stay in bed most of the time because of my back.",
];
const RMDQ_TOPICS = [
  "Stays at home", "Changes position often", "Walks more slowly", "Not doing house jobs", "Uses handrail on stairs", "Lies down more",
  "Holds on to get out of chair", "Asks others to do things", "Dresses more slowly", "Stands only briefly", "Avoids bending or kneeling",
  "Difficulty rising from chair", "Painful almost all the time", "Difficulty turning in bed", "Poor appetite", "Trouble with socks",
  "Walks only short distances", "Sleeps less well", "Needs help dressing", "Sits most of the day", "Avoids heavy house jobs",
  "More irritable", "Slower upstairs", "Stays in bed",
];
const rmdq = {
  key: "rmdq",
  version: 1,
  title: "Roland-Morris Disability Questionnaire (24 items)",
  short: "RMDQ",
  construct: "Physical disability due to low back pain",
  recall: "today",
  instructions:
    "When your back hurts, you may find it difficult to do some of the things you normally do. This list contains sentences that people have used to describe themselves when they have back pain. When you read them, you may find that some stand out because they describe you today. As you read the list, think of yourself today. When you read a sentence that describes you today, put a tick against it. If the sentence does not describe you, then leave the space blank and go on to the next one. Remember, only tick the sentence if you are sure it describes you today.",
  items: RMDQ_ITEMS.map((text, i) => ({ type: "tick" as const, key: `q${i + 1}`, topic: RMDQ_TOPICS[i]!, text })),
  scoring: { kind: "count", items: RMDQ_ITEMS.map((_, i) => `q${i + 1}`) },
  range: { min: 0, max: 24 },
  higherIsBetter: false,
  unit: "/24",
  bands: [],
  bandSource: "No validated bands; scores under 4 and over 20 change little over time (floor and ceiling), so compare the patient with themselves",
  mcid: { points: 5, percent: 0.3, percentDirections: ["improved"], singleItemPoints: null, source: `${OSTELO}: 5 points or 30 % improvement` },
  missingRule: "A checklist: the score is the number of ticked sentences (0–24). An unticked sentence means it does not describe the patient today, so no item is ever missing; the authors advise against yes/no answers.",
  painItem: null,
  licence: {
    kind: "FREE",
    text: "Roland & Fairbank 2000: no permission is needed from the authors or from Spine when the questionnaire is used in the form reproduced there (which is the wording shipped here, unchanged). Commercial terms were not found: a company selling PoseVisit should confirm with the authors.",
    holder: "M. Roland (Roland & Morris 1983; Roland & Fairbank 2000)",
    url: "https://www.rmdq.org",
    wording: "INCLUDED",
    enabledByDefault: true,
    requiresConfirmation: false,
  },
  source: "Roland M, Morris R. A study of the natural history of back pain. Part I. Spine 1983;8(2):141–4; Roland M, Fairbank J. The Roland-Morris Disability Questionnaire and the Oswestry Disability Questionnaire. Spine 2000;25(24):3115–24",
} satisfies z.input<typeof questionnaireDefinition>;

const agree = [
  { value: "disagree", label: "Disagree", score: 0 },
  { value: "agree", label: "Agree", score: 1 },
];
const STARTBACK_TOPICS: [string, string][] = [
  ["leg_pain", "Back pain spread down the leg(s) in the last 2 weeks"],
  ["shoulder_neck", "Pain in the shoulder or neck in the last 2 weeks"],
  ["walk_short", "Only walked short distances because of back pain"],
  ["dress_slowly", "Dressed more slowly because of back pain"],
  ["fear", "Not safe to be physically active with this condition (fear avoidance)"],
  ["worry", "Worrying thoughts a lot of the time (anxiety)"],
  ["catastrophising", "Back pain is terrible and will never get better (catastrophising)"],
  ["enjoyment", "Not enjoyed the things usually enjoyed (low mood)"],
];
const startback = {
  key: "startback",
  version: 1,
  title: "STarT Back Screening Tool",
  short: "SBST",
  construct: "Risk of a poor outcome (physical and psychosocial), for stratified care",
  recall: "the last 2 weeks",
  instructions: null,
  items: [
    ...STARTBACK_TOPICS.map(([k, topic]) => ({ type: "choice" as const, key: k, topic, text: null, options: agree })),
    {
      type: "choice" as const,
      key: "bothersome",
      topic: "Overall bothersomeness of back pain in the last 2 weeks",
      text: null,
      options: [
        { value: "not_at_all", label: "Not at all", score: 0 },
        { value: "slightly", label: "Slightly", score: 0 },
        { value: "moderately", label: "Moderately", score: 0 },
        { value: "very_much", label: "Very much", score: 1 },
        { value: "extremely", label: "Extremely", score: 1 },
      ],
    },
  ],
  scoring: {
    kind: "startBack",
    items: [...STARTBACK_TOPICS.map(([k]) => k), "bothersome"],
    subscale: ["fear", "worry", "catastrophising", "enjoyment", "bothersome"],
    lowMaxTotal: 3,
    highMinSubscale: 4,
  },
  range: { min: 0, max: 9 },
  higherIsBetter: false,
  unit: "/9",
  bands: [
    { key: "low", label: "Low risk", min: 0, max: 3 },
    { key: "medium", label: "Medium risk", min: 4, max: 9 },
    { key: "high", label: "High risk", min: 4, max: 9 },
  ],
  bandSource: "Keele University: total ≤ 3 low risk; total ≥ 4 with psychosocial subscale (items 5–9) ≤ 3 medium; subscale ≥ 4 high",
  mcid: null,
  missingRule:
    "Total and subscale need all 9 items. With items missing, the risk group is still given when every possible answer to the missing items leads to the same group (e.g. 4 psychosocial agreements already make it high); otherwise it is not classified.",
  painItem: null,
  licence: {
    kind: "FREE_NON_COMMERCIAL",
    text: "Free for non-commercial use (clinical care, research). Commercial products must contact Keele University for a licence. The item wording is therefore not shipped: the clinic enters the official text from its copy of the tool (Keele's STarT Back website). Scoring works without it.",
    holder: "Keele University",
    url: "https://startback.hfac.keele.ac.uk",
    wording: "CLINIC_SUPPLIED",
    enabledByDefault: true,
    requiresConfirmation: false,
  },
  source: "Hill JC, Dunn KM, Lewis M, et al. A primary care back pain screening tool: identifying patient subgroups for initial treatment. Arthritis Rheum 2008;59(5):632–41 (Keele STarT Back)",
} satisfies z.input<typeof questionnaireDefinition>;

const ODI_SECTIONS: [string, string][] = [
  ["pain_intensity", "Pain intensity"],
  ["personal_care", "Personal care (washing, dressing)"],
  ["lifting", "Lifting"],
  ["walking", "Walking"],
  ["sitting", "Sitting"],
  ["standing", "Standing"],
  ["sleeping", "Sleeping"],
  ["sex_life", "Sex life (if applicable)"],
  ["social_life", "Social life"],
  ["travelling", "Travelling"],
];
const odi = {
  key: "odi",
  version: 1,
  title: "Oswestry Disability Index 2.1a",
  short: "ODI",
  construct: "Disability due to low back pain",
  recall: "today",
  instructions: null,
  items: ODI_SECTIONS.map(([k, topic]) => ({
    type: "choice" as const,
    key: k,
    topic,
    text: null,
    options: [0, 1, 2, 3, 4, 5].map((s) => ({ value: `s${s}`, label: null, score: s })),
  })),
  scoring: { kind: "percentOfMax", items: ODI_SECTIONS.map(([k]) => k), itemMax: 5, minAnswered: 8, decimals: 0 },
  range: { min: 0, max: 100 },
  higherIsBetter: false,
  unit: "%",
  bands: [
    { key: "minimal", label: "Minimal disability", min: 0, max: 20 },
    { key: "moderate", label: "Moderate disability", min: 20.5, max: 40 },
    { key: "severe", label: "Severe disability", min: 40.5, max: 60 },
    { key: "crippled", label: "Crippled", min: 60.5, max: 80 },
    { key: "bed_bound", label: "Bed-bound or exaggerating", min: 80.5, max: 100 },
  ],
  bandSource: "Fairbank & Pynsent 2000 (Spine 25(22)): 0–20 minimal, 21–40 moderate, 41–60 severe, 61–80 crippled, 81–100 bed-bound",
  mcid: { points: 10, percent: 0.3, percentDirections: ["improved"], singleItemPoints: null, source: `${OSTELO}: 10 points or 30 % improvement` },
  missingRule:
    "Each section scores 0–5; score = sum / (5 × answered sections) × 100, so a skipped section (often sex life) is left out rather than counted as 0. PoseVisit gives no score with more than 2 sections missing (a local rule: the formula alone would let a few sections stand for all ten).",
  painItem: null,
  licence: {
    kind: "LICENCE_REQUIRED",
    text: "© Jeremy Fairbank, distributed by Mapi Research Trust: free for clinical practice and unfunded academic research; fees apply to commercial and IT companies. A clinic enables it only after recording that it holds a licence, and enters the licensed section texts from its copy.",
    holder: "J. Fairbank; Mapi Research Trust (ePROVIDE)",
    url: "https://eprovide.mapi-trust.org",
    wording: "CLINIC_SUPPLIED",
    enabledByDefault: false,
    requiresConfirmation: true,
  },
  source: "Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940–53",
} satisfies z.input<typeof questionnaireDefinition>;

export const QUESTIONNAIRES: readonly QuestionnaireDefinition[] = Object.freeze(
  z.array(questionnaireDefinition).parse([nprs, peg, psfs, rmdq, startback, odi]),
);
export const QUESTIONNAIRE_KEYS = ["nprs", "peg", "psfs", "rmdq", "startback", "odi"] as const;
export type QuestionnaireKey = (typeof QUESTIONNAIRE_KEYS)[number];

/** The newest version of an instrument, or the named one. */
export function questionnaireByKey(k: string, version?: number): QuestionnaireDefinition | undefined {
  const all = QUESTIONNAIRES.filter((d) => d.key === k);
  if (version !== undefined) return all.find((d) => d.version === version);
  return all.reduce<QuestionnaireDefinition | undefined>((a, d) => (!a || d.version > a.version ? d : a), undefined);
}

// ---------------------------------------------------------------------------------------------
// Licensed wording supplied by a clinic; availability for a clinic
// ---------------------------------------------------------------------------------------------

/** The texts a clinic enters for a CLINIC_SUPPLIED instrument: every item, and every option without a label. */
export function clinicTextSchema(def: QuestionnaireDefinition) {
  const text = z.string().trim().min(1, "Enter the text").max(600, "At most 600 characters");
  const items: Record<string, z.ZodType> = {};
  for (const i of def.items) {
    const missingLabels = i.type === "choice" ? i.options.filter((o) => o.label === null) : [];
    items[i.key] = missingLabels.length
      ? z.strictObject({ text, options: z.strictObject(Object.fromEntries(missingLabels.map((o) => [o.value, text]))) })
      : z.strictObject({ text });
  }
  return z.strictObject({
    instrument: z.literal(def.key),
    version: z.literal(def.version),
    instructions: z.string().trim().max(2000, "At most 2000 characters").optional(),
    items: z.strictObject(items, { error: "Enter the text of every item" }),
  });
}
export type ClinicText = { instrument: string; version: number; instructions?: string; items: Record<string, { text: string; options?: Record<string, string> }> };

/** The definition with the clinic's licensed wording filled in (validated; throws a ZodError on bad text). */
export function withClinicText(def: QuestionnaireDefinition, input: unknown): QuestionnaireDefinition {
  const t = clinicTextSchema(def).parse(input) as ClinicText;
  return {
    ...def,
    instructions: t.instructions ?? def.instructions,
    items: def.items.map((i) => {
      const c = t.items[i.key]!;
      if (i.type !== "choice") return { ...i, text: c.text };
      return { ...i, text: c.text, options: i.options.map((o) => ({ ...o, label: o.label ?? c.options![o.value]! })) };
    }),
  };
}

/** Every item (and option) has words a patient can read. */
export function isFillable(def: QuestionnaireDefinition): boolean {
  return def.items.every((i) => i.text !== null && (i.type !== "choice" || i.options.every((o) => o.label !== null)));
}

export type ClinicQuestionnaireSettings = {
  /** instruments the clinic switched off (default-on ones) */
  disabled?: readonly string[];
  /** instruments the clinic switched on (default-off ones) */
  enabled?: readonly string[];
  /** instruments for which an admin recorded that the clinic holds a licence */
  licenceConfirmed?: readonly string[];
  /** instruments for which the clinic entered its licensed wording */
  textSupplied?: readonly string[];
};
export type Availability = { available: boolean; reasons: string[] };

/** Whether a clinic may send an instrument, and if not, why (plain words for the admin screen). */
export function availability(def: QuestionnaireDefinition, s: ClinicQuestionnaireSettings = {}): Availability {
  const reasons: string[] = [];
  const on = def.licence.enabledByDefault ? !s.disabled?.includes(def.key) : !!s.enabled?.includes(def.key);
  if (!on) reasons.push(def.licence.enabledByDefault ? "Switched off by the clinic" : "Not enabled: off by default");
  if (def.licence.requiresConfirmation && !s.licenceConfirmed?.includes(def.key)) reasons.push(`Needs a recorded licence from ${def.licence.holder}`);
  if (def.licence.wording === "CLINIC_SUPPLIED" && !s.textSupplied?.includes(def.key)) reasons.push("The clinic has not entered the licensed wording yet");
  return { available: reasons.length === 0, reasons };
}

// ---------------------------------------------------------------------------------------------
// Responses: validation against the definition
// ---------------------------------------------------------------------------------------------

export type Activity = { name: string; score: number | null };
export type AnswerValue = number | string | boolean | Activity[] | null;
export type Answers = Record<string, AnswerValue | undefined>;

function itemAnswerSchema(i: QuestionnaireItem): z.ZodType {
  switch (i.type) {
    case "scale":
      return z.number({ error: "Choose a number" }).int("Choose a whole number").min(i.min, `From ${i.min} to ${i.max}`).max(i.max, `From ${i.min} to ${i.max}`);
    case "choice":
      return z.enum(i.options.map((o) => o.value) as [string, ...string[]], { error: "Choose one of the answers" });
    case "tick":
      return z.boolean({ error: "Ticked or not" });
    case "activities":
      return z
        .array(
          z.strictObject({
            name: z.string().trim().min(1, "Name the activity").max(100, "At most 100 characters"),
            score: z.number({ error: "Choose a number" }).int().min(i.min, `From ${i.min} to ${i.max}`).max(i.max, `From ${i.min} to ${i.max}`).nullable(),
          }),
        )
        .min(i.minCount, `Name at least ${i.minCount} activities`)
        .max(i.maxCount, `At most ${i.maxCount} activities`)
        .refine((a) => new Set(a.map((x) => x.name.toLowerCase())).size === a.length, "Each activity once");
  }
}

/** The answers of one response to `def`: known item keys only; null or absent = not answered. */
export function answersSchema(def: QuestionnaireDefinition) {
  const shape = Object.fromEntries(def.items.map((i) => [i.key, itemAnswerSchema(i).nullable().optional()]));
  const checklist = def.items.every((i) => i.type === "tick");
  return z
    .strictObject(shape, { error: (iss) => (iss.code === "unrecognized_keys" ? `Not a question of ${def.short}: ${((iss as { keys?: string[] }).keys ?? []).join(", ")}` : "Answers must be an object") })
    // a checklist with nothing ticked is a complete answer (RMDQ 0); any other form needs one answer
    .refine((a) => checklist || Object.values(a).some((v) => v !== null && v !== undefined), "Answer at least one question") as unknown as z.ZodType<Answers>;
}

/** A submitted response, validated against the definition it names. */
export const submittedResponse = z
  .strictObject({
    instrument: z.string().trim().min(1).max(40),
    version: z.number().int().positive(),
    answers: z.record(z.string().max(60), z.unknown()),
  })
  .transform((v, ctx) => {
    const def = questionnaireByKey(v.instrument, v.version);
    if (!def) {
      ctx.addIssue({ code: "custom", path: ["instrument"], message: `Unknown questionnaire ${v.instrument} version ${v.version}` });
      return z.NEVER;
    }
    const r = answersSchema(def).safeParse(v.answers);
    if (!r.success) {
      for (const iss of r.error.issues) ctx.addIssue({ code: "custom", path: ["answers", ...iss.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: iss.message });
      return z.NEVER;
    }
    return { instrument: def.key, version: def.version, answers: r.data };
  });
export type SubmittedResponse = z.output<typeof submittedResponse>;

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

export type Completeness = {
  answered: number;
  total: number;
  /** item keys (or "activities[i]") not answered */
  missing: string[];
  computable: boolean;
  /** why no score, in plain words */
  reason: string | null;
};
export type ScoreResult = {
  instrument: string;
  version: number;
  score: number | null;
  subscores: Record<string, number | null>;
  band: { key: string; label: string } | null;
  completeness: Completeness;
};

const roundTo = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const answered = (v: AnswerValue | undefined) => v !== null && v !== undefined;

function itemScore(def: QuestionnaireDefinition, k: string, v: AnswerValue | undefined): number | null {
  if (!answered(v)) return null;
  const item = def.items.find((i) => i.key === k)!;
  if (item.type === "scale") return v as number;
  if (item.type === "tick") return v ? 1 : 0;
  if (item.type === "choice") return item.options.find((o) => o.value === v)?.score ?? null;
  return null;
}

function bandOf(def: QuestionnaireDefinition, score: number | null) {
  if (score === null) return null;
  const b = def.bands.find((x) => score >= x.min && score <= x.max);
  return b ? { key: b.key, label: b.label } : null;
}

function startBackGroup(total: number, sub: number, r: Extract<ScoringRule, { kind: "startBack" }>): "low" | "medium" | "high" {
  if (total <= r.lowMaxTotal) return "low";
  return sub >= r.highMinSubscale ? "high" : "medium";
}

/**
 * Scores a response. Never throws on answers that passed `answersSchema`; answers that did not are
 * treated as unanswered (a value of the wrong type is not a score).
 */
export function score(def: QuestionnaireDefinition, answers: Answers): ScoreResult {
  const r = def.scoring;
  const base = { instrument: def.key, version: def.version };
  const safe = answersSchemaLoose(def, answers);
  switch (r.kind) {
    case "mean":
    case "percentOfMax": {
      const vals = r.items.map((k) => itemScore(def, k, safe[k]));
      const got = vals.filter((v): v is number => v !== null);
      const missing = r.items.filter((_, i) => vals[i] === null);
      const computable = got.length >= r.minAnswered;
      const sum = got.reduce((a, b) => a + b, 0);
      const value = !computable ? null : r.kind === "mean" ? roundTo(sum / got.length, r.decimals) : roundTo((sum / (r.itemMax * got.length)) * 100, r.decimals);
      const subscores = Object.fromEntries(r.items.map((k, i) => [k, vals[i]!]));
      const reason = computable ? null : `Needs at least ${r.minAnswered} of ${r.items.length} answered; ${got.length} answered`;
      return { ...base, score: value, subscores, band: bandOf(def, value), completeness: { answered: got.length, total: r.items.length, missing, computable, reason } };
    }
    case "count": {
      // a checklist: an unticked (or absent) sentence is "does not describe me", never missing
      const value = r.items.reduce((a, k) => a + (safe[k] === true ? 1 : 0), 0);
      return { ...base, score: value, subscores: {}, band: bandOf(def, value), completeness: { answered: r.items.length, total: r.items.length, missing: [], computable: true, reason: null } };
    }
    case "activitiesMean": {
      const acts = (Array.isArray(safe[r.item]) ? safe[r.item] : []) as Activity[];
      const rated = acts.filter((a) => a.score !== null);
      const computable = rated.length >= r.minRated;
      const value = computable ? roundTo(rated.reduce((a, x) => a + x.score!, 0) / rated.length, r.decimals) : null;
      const missing = acts.flatMap((a, i) => (a.score === null ? [`${r.item}[${i}]`] : []));
      const reason = computable ? null : `Needs at least ${r.minRated} rated activities; ${rated.length} rated`;
      return {
        ...base,
        score: value,
        subscores: Object.fromEntries(acts.map((a) => [a.name, a.score])),
        band: null,
        completeness: { answered: rated.length, total: Math.max(acts.length, r.minRated), missing, computable, reason },
      };
    }
    case "startBack": {
      const vals = r.items.map((k) => itemScore(def, k, safe[k]));
      const missing = r.items.filter((_, i) => vals[i] === null);
      const got = vals.filter((v) => v !== null).length;
      const complete = missing.length === 0;
      const total = complete ? vals.reduce<number>((a, b) => a + b!, 0) : null;
      const sub = complete ? r.subscale.reduce((a, k) => a + vals[r.items.indexOf(k)]!, 0) : null;
      // with items missing: the group is given only if every completion of the missing items agrees
      const groups = new Set<string>();
      const free = missing.length;
      for (let m = 0; m < 1 << free; m++) {
        const filled = vals.map((v, i) => (v !== null ? v : (m >> missing.indexOf(r.items[i]!)) & 1));
        const t = filled.reduce((a, b) => a + b, 0);
        const s = r.subscale.reduce((a, k) => a + filled[r.items.indexOf(k)]!, 0);
        groups.add(startBackGroup(t, s, r));
      }
      const group = groups.size === 1 ? [...groups][0]! : null;
      const b = group ? def.bands.find((x) => x.key === group)! : null;
      const reason = group ? null : `${missing.length} item(s) missing and the risk group depends on them`;
      return {
        ...base,
        score: total,
        subscores: { total, psychosocial: sub },
        band: b ? { key: b.key, label: b.label } : null,
        completeness: { answered: got, total: r.items.length, missing, computable: group !== null, reason },
      };
    }
  }
}

/** Keeps only answers that are valid for their item (so scoring never trusts a wrong type). */
function answersSchemaLoose(def: QuestionnaireDefinition, answers: Answers): Answers {
  const out: Answers = {};
  if (!answers || typeof answers !== "object") return out;
  for (const i of def.items) {
    const v = (answers as Record<string, unknown>)[i.key];
    if (v === null || v === undefined) continue;
    const r = itemAnswerSchema(i).safeParse(v);
    if (r.success) out[i.key] = r.data as AnswerValue;
    else if (i.type === "activities" && Array.isArray(v)) {
      // keep the valid activities of a partly valid list
      const one = (itemAnswerSchema(i) as unknown as z.ZodArray<z.ZodType<Activity>>).element;
      out[i.key] = v.map((a) => one.safeParse(a)).flatMap((p) => (p.success ? [p.data] : []));
    }
  }
  return out;
}

/** The pain number a response also reports (NPRS: current pain), for a `pain.reported` event; null if none. */
export function painFromResponse(def: QuestionnaireDefinition, answers: Answers): number | null {
  if (!def.painItem) return null;
  const v = answersSchemaLoose(def, answers)[def.painItem];
  return typeof v === "number" ? v : null;
}

// ---------------------------------------------------------------------------------------------
// Change against a baseline, and whether it is clinically important
// ---------------------------------------------------------------------------------------------

export type ChangeDirection = "improved" | "worsened" | "unchanged";
export type ScoreChange = {
  instrument: string;
  baseline: number;
  now: number;
  /** now − baseline, in the instrument's units */
  delta: number;
  /** relative to the baseline (null when the baseline is 0) */
  relative: number | null;
  direction: ChangeDirection;
  /** null: the instrument has no MCID, so the change is shown without a verdict */
  important: boolean | null;
  /** which criterion made it important */
  by: ("points" | "percent")[];
  /** the threshold in words, for the UI ("MCID 2 points or 30 % improvement") */
  threshold: string | null;
};

export function mcidText(def: QuestionnaireDefinition): string | null {
  const m = def.mcid;
  if (!m) return null;
  const parts = [m.points !== null ? `${m.points} points` : null, m.percent !== null ? `${Math.round(m.percent * 100)} % ${m.percentDirections.map((d) => (d === "improved" ? "improvement" : "worsening")).join(" or ")}` : null].filter(Boolean);
  return `MCID ${parts.join(" or ")}`;
}

/**
 * Change from `baseline` to `now`, with direction (for PSFS higher is better) and whether it is
 * clinically important by the definition's MCID. Absolute points count in either direction; the
 * relative criterion only in the directions its source gives (Ostelo 2008: 30 % *improvement*).
 * Returns null when either score is not computable.
 */
export function change(def: QuestionnaireDefinition, baseline: number | ScoreResult | null, now: number | ScoreResult | null): ScoreChange | null {
  const b = typeof baseline === "number" ? baseline : baseline?.score ?? null;
  const n = typeof now === "number" ? now : now?.score ?? null;
  if (b === null || n === null || !Number.isFinite(b) || !Number.isFinite(n)) return null;
  const delta = roundTo(n - b, 2);
  const better = def.higherIsBetter ? delta > 0 : delta < 0;
  const direction: ChangeDirection = delta === 0 ? "unchanged" : better ? "improved" : "worsened";
  const relative = b === 0 ? null : roundTo(Math.abs(delta) / Math.abs(b), 4);
  const m = def.mcid;
  const by: ("points" | "percent")[] = [];
  // tiny epsilon: 7.0 − 5.0 must count as 2 points despite floating point
  if (m && direction !== "unchanged") {
    if (m.points !== null && Math.abs(delta) + 1e-9 >= m.points) by.push("points");
    if (m.percent !== null && relative !== null && m.percentDirections.includes(direction) && relative + 1e-9 >= m.percent) by.push("percent");
  }
  return { instrument: def.key, baseline: b, now: n, delta, relative, direction, important: m ? by.length > 0 : null, by, threshold: mcidText(def) };
}

/**
 * Where the MCID lines sit for a baseline, for the progress chart: the score at which a change becomes
 * clinically important in each direction (the nearer of the points and percent criteria where both
 * apply), clamped to the range; null where the instrument has no MCID or the line falls outside.
 */
export function mcidThresholds(def: QuestionnaireDefinition, baseline: number): { improved: number | null; worsened: number | null } {
  const m = def.mcid;
  if (!m || !Number.isFinite(baseline)) return { improved: null, worsened: null };
  const step = (dir: "improved" | "worsened") => {
    const c: number[] = [];
    if (m.points !== null) c.push(m.points);
    if (m.percent !== null && m.percentDirections.includes(dir) && baseline !== 0) c.push(Math.abs(baseline) * m.percent);
    return c.length ? Math.min(...c) : null;
  };
  const line = (dir: "improved" | "worsened") => {
    const d = step(dir);
    if (d === null) return null;
    const up = def.higherIsBetter === (dir === "improved");
    const v = roundTo(baseline + (up ? d : -d), 2);
    return v < def.range.min || v > def.range.max ? null : v;
  };
  return { improved: line("improved"), worsened: line("worsened") };
}

export type ScoredPoint = { at: string; score: number | null; id?: string };
export type Progress = {
  instrument: string;
  /** the first computable score (by time) */
  baseline: ScoredPoint | null;
  latest: ScoredPoint | null;
  /** latest against baseline */
  change: ScoreChange | null;
  thresholds: { improved: number | null; worsened: number | null };
  /** every computable point with its change from the baseline, oldest first */
  series: (ScoredPoint & { change: ScoreChange | null })[];
};

/** Baseline vs now for one instrument over an episode (progress view and discharge summary). */
export function progress(def: QuestionnaireDefinition, points: readonly ScoredPoint[]): Progress {
  const pts = points.filter((p) => p.score !== null && Number.isFinite(p.score) && Number.isFinite(Date.parse(p.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const baseline = pts[0] ?? null;
  const latest = pts[pts.length - 1] ?? null;
  return {
    instrument: def.key,
    baseline,
    latest,
    change: baseline && latest && latest !== baseline ? change(def, baseline.score, latest.score) : null,
    thresholds: baseline ? mcidThresholds(def, baseline.score!) : { improved: null, worsened: null },
    series: pts.map((p) => ({ ...p, change: baseline ? change(def, baseline.score, p.score) : null })),
  };
}

// ---------------------------------------------------------------------------------------------
// Default schedule: at intake, every 2 weeks, and at discharge
// ---------------------------------------------------------------------------------------------

export const DEFAULT_INTAKE_SET = ["nprs", "peg", "psfs", "rmdq", "startback"] as const;
export const DEFAULT_FOLLOW_UP_SET = ["nprs", "peg", "psfs", "rmdq"] as const;

export const scheduleInput = z.strictObject({
  /** the episode's start, a calendar date */
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use the format YYYY-MM-DD").refine((s) => isRealDate(s), "Not a real date"),
  plannedWeeks: z.number().int().min(1, "At least 1 week").max(52, "At most 52 weeks"),
  everyWeeks: z.number().int().min(1).max(12).default(2),
  /** a review closer than this to discharge is folded into the discharge occasion */
  minGapDays: z.number().int().min(0).max(28).default(7),
  intake: z.array(z.string().min(1).max(40)).min(1).default([...DEFAULT_INTAKE_SET]),
  followUp: z.array(z.string().min(1).max(40)).min(1).default([...DEFAULT_FOLLOW_UP_SET]),
});
export type ScheduleInput = z.input<typeof scheduleInput>;
export type ScheduledOccasion = { key: string; kind: "INTAKE" | "REVIEW" | "DISCHARGE"; week: number; due: string; instruments: string[] };

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
/** Calendar-date arithmetic in UTC, so daylight-saving changes never move a due date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Due dates of the questionnaires of an episode: intake (start), every `everyWeeks`, discharge (start + plannedWeeks). */
export function defaultSchedule(input: ScheduleInput): ScheduledOccasion[] {
  const s = scheduleInput.parse(input);
  const end = s.plannedWeeks * 7;
  const out: ScheduledOccasion[] = [{ key: "intake", kind: "INTAKE", week: 0, due: s.startDate, instruments: [...s.intake] }];
  for (let w = s.everyWeeks; w * 7 < end; w += s.everyWeeks) {
    if (end - w * 7 < s.minGapDays) break;
    out.push({ key: `week-${w}`, kind: "REVIEW", week: w, due: addDays(s.startDate, w * 7), instruments: [...s.followUp] });
  }
  out.push({ key: "discharge", kind: "DISCHARGE", week: s.plannedWeeks, due: addDays(s.startDate, end), instruments: [...s.followUp] });
  return out;
}
