// Home-program templates and education cards as versioned data (issue 19). A template is a starting point the
// therapist adapts: phases (static → dynamic → functional stabilisation), exercises from the exercise catalogue with a
// dose per phase (progressions), and the education cards given with it. Checked at module load: every exercise key
// exists in the catalogue and every template, placed on any start date, is a valid `programModel`, so a bad edit
// fails every test. Change a published template or card by adding `version + 1` beside it, never in place; a saved
// program keeps `templateKey` (key@version) and the card refs it was given.
//
// Sources: shared/notes/clinical-reference.md ("What a low-back-pain physiotherapy course contains", "Home exercise
// dosing"), the exercise catalogue's default doses (exercises/catalogue.ts, with their own sources).
import { z } from "zod";
import { latestExercise } from "../exercises/catalogue";
import { programModel, programPhase, type ProgramModel, type ProgramModelInput } from "./program";

export const PROGRAM_TEMPLATES_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Education cards
// ---------------------------------------------------------------------------------------------

export const educationCard = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  version: z.number().int().min(1),
  title: z.string().min(3).max(60),
  /** one plain sentence: why it matters */
  summary: z.string().min(10).max(200),
  /** short points in plain words, read on a phone */
  points: z.array(z.string().min(5).max(200)).min(2).max(6),
  source: z.string().min(5).max(200),
});
export type EducationCard = z.infer<typeof educationCard>;

const NOTES = "Clinical reference (shared notes): education";
const CARDS_IN: z.input<typeof educationCard>[] = [
  {
    key: "staying-active", version: 1, title: "Staying active",
    summary: "Keeping moving is one of the best things you can do for back pain; rest in bed tends to slow recovery.",
    points: [
      "Keep doing your everyday activities as much as you can, even if you need to do them more slowly.",
      "Some pain while moving is normal and does not mean you are doing harm.",
      "Short walks spread through the day are better than one long rest.",
      "Build up a little at a time: do a bit more each week, not a lot more in one day.",
    ],
    source: `${NOTES}: staying active; aerobic conditioning (walking 10–30 min daily, build up gradually)`,
  },
  {
    key: "lifting", version: 1, title: "Lifting safely",
    summary: "How you lift matters more than whether you lift: bend at the hips and keep the load close.",
    points: [
      "Stand close to the object with your feet apart, one on each side if you can.",
      "Bend at your hips and knees, keeping your back long; do not twist while lifting.",
      "Hold the load close to your body and stand up by pushing through your legs.",
      "Put it down the same way. Split heavy loads or ask for help.",
    ],
    source: `${NOTES}: body mechanics, safe lifting (hinge at the hips, load close)`,
  },
  {
    key: "desk-posture", version: 1, title: "Sitting at a desk",
    summary: "No single posture is perfect; changing position often helps more than sitting 'straight'.",
    points: [
      "Sit with your feet flat, your lower back supported and the screen at eye height.",
      "Keep what you use most within easy reach, so you do not stretch or twist for it.",
      "Stand up and move for a minute or two every 30 minutes.",
      "A small cushion or rolled towel behind your lower back can make sitting easier.",
    ],
    source: `${NOTES}: ergonomics, posture at desk`,
  },
  {
    key: "pain-coping", version: 1, title: "Coping with pain",
    summary: "Pain is real, and how worried or stressed you feel can turn it up or down.",
    points: [
      "Back pain is common and usually gets better; a flare-up is not a sign of damage.",
      "Slow breathing or relaxation for a few minutes can ease tension and pain.",
      "Plan your day in manageable pieces and pace yourself, rather than doing everything on a good day.",
      "Keep up things you enjoy and time with people; tell your therapist if low mood or worry is hard to manage.",
    ],
    source: `${NOTES}: relaxation and pain coping (psychosocial factors)`,
  },
  {
    key: "heat-ice", version: 1, title: "Heat and ice",
    summary: "Warmth can loosen you up before exercise; cold can calm a flare-up.",
    points: [
      "Heat (a warm pack, a hot-water bottle in a cover, a warm shower) for 15–20 minutes before your exercises.",
      "Ice wrapped in a towel for 10–15 minutes after a flare-up.",
      "Never put heat or ice straight on the skin, and do not use them where you have reduced feeling.",
      "They are helpers: exercise and staying active are what make the difference.",
    ],
    source: "Clinical reference (shared notes): passive adjuncts, advice when remote (heat before exercise, ice after flare-ups)",
  },
];

export const EDUCATION_CARDS: readonly EducationCard[] = Object.freeze(CARDS_IN.map((c) => {
  const r = educationCard.safeParse(c);
  if (!r.success) throw new Error(`education card ${c.key}@${c.version}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}));
export const EDUCATION_KEYS = [...new Set(EDUCATION_CARDS.map((c) => c.key))] as [string, ...string[]];

/** A card by "key@version", or the latest version of a key. */
export function educationCardByRef(ref: string): EducationCard | undefined {
  const [k, v] = ref.split("@");
  const all = EDUCATION_CARDS.filter((c) => c.key === k);
  return v === undefined ? all.sort((a, b) => b.version - a.version)[0] : all.find((c) => c.version === Number(v));
}
export const cardRef = (c: { key: string; version: number }) => `${c.key}@${c.version}`;
/** The refs a program stores: "key@version", each once. */
export const educationRefs = z.array(z.string().max(50).refine((r) => educationCardByRef(r) !== undefined, "Unknown education card")).max(20)
  .refine((xs) => new Set(xs.map((x) => x.split("@")[0])).size === xs.length, "Each card once");

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

type ItemIn = ProgramModelInput["items"][number];
export const programTemplate = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  version: z.number().int().min(1),
  title: z.string().min(3).max(60),
  /** who it is for, in the therapist's words */
  forWhom: z.string().min(10).max(300),
  weeks: z.number().int().min(1).max(12),
  phases: z.array(programPhase).max(8),
  items: z.array(z.any()).min(1),
  education: z.array(z.string()).max(10),
  source: z.string().min(5).max(300),
});
export type ProgramTemplate = Omit<z.infer<typeof programTemplate>, "items"> & { items: ItemIn[] };

const PHASES_6 = [
  { key: "static", title: "Static stabilisation", fromWeek: 1, toWeek: 2 },
  { key: "dynamic", title: "Dynamic stabilisation", fromWeek: 3, toWeek: 4 },
  { key: "functional", title: "Functional training", fromWeek: 5, toWeek: 6 },
];
const SRC = "Clinical reference (shared notes): active programme (stabilisation static → dynamic → functional, core, McKenzie, stretching, aerobic), typical program 4–6 weeks; doses from the home exercise dosing table and the catalogue";
const walk = (minutes: number, from = 1, to?: number): ItemIn => ({
  exerciseKey: "walking", dose: { sets: 1, reps: 1, holdS: null }, timesPerDay: 1, daysPerWeek: 7, fromWeek: from, ...(to ? { toWeek: to } : {}),
  notes: `One walk of about ${minutes} minutes at a pace where you can still talk; add a few minutes each week.`,
});

const TEMPLATES_IN: ProgramTemplate[] = [
  {
    key: "acute", version: 1, title: "Acute low back pain", weeks: 4,
    forWhom: "Pain for less than 6 weeks: calm things down, keep moving, gentle activation; build up once the pain settles.",
    phases: [{ key: "settle", title: "Settle and keep moving", fromWeek: 1, toWeek: 2 }, { key: "build", title: "Build up", fromWeek: 3, toWeek: 4 }],
    items: [
      walk(10),
      { exerciseKey: "abdominal-drawing-in", dose: { sets: 1, reps: 10, holdS: 10 }, timesPerDay: 2, daysPerWeek: 7, notes: "Gentle: it should not hurt." },
      { exerciseKey: "knee-to-chest", dose: { sets: 3, reps: null, holdS: 20, perSide: true }, timesPerDay: 1, daysPerWeek: 7, progression: [{ fromWeek: 3, dose: { holdS: 30 }, note: "Hold a little longer" }] },
      { exerciseKey: "cat-camel", dose: { sets: 1, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 7, notes: "Slow and within comfort." },
      { exerciseKey: "supine-marching", dose: { sets: 2, reps: 8, holdS: null, perSide: true }, timesPerDay: 1, daysPerWeek: 5, fromWeek: 3 },
      { exerciseKey: "bridge", dose: { sets: 2, reps: 8, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
    ],
    education: ["staying-active@1", "pain-coping@1", "heat-ice@1"],
    source: SRC,
  },
  {
    key: "subacute", version: 1, title: "Subacute low back pain", weeks: 6,
    forWhom: "Pain for 6–12 weeks: the full stabilisation progression, static to dynamic to functional, with stretching and walking.",
    phases: PHASES_6,
    items: [
      walk(15),
      { exerciseKey: "abdominal-drawing-in", dose: { sets: 1, reps: 10, holdS: 10 }, timesPerDay: 2, daysPerWeek: 7, toWeek: 2 },
      { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, progression: [{ fromWeek: 3, dose: { sets: 3 }, note: "Three sets" }, { fromWeek: 5, dose: { reps: 12 }, note: "12 per set" }] },
      { exerciseKey: "supine-marching", dose: { sets: 2, reps: 10, holdS: null, perSide: true }, timesPerDay: 1, daysPerWeek: 3, toWeek: 2 },
      { exerciseKey: "bird-dog", dose: { sets: 1, reps: 10, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3, progression: [{ fromWeek: 5, dose: { holdS: 8 }, note: "Hold 8 seconds" }] },
      { exerciseKey: "dead-bug", dose: { sets: 2, reps: 8, holdS: null, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3, toWeek: 4 },
      { exerciseKey: "sit-to-stand", dose: { sets: 2, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 5 },
      { exerciseKey: "standing-knee-lift", dose: { sets: 2, reps: 8, holdS: 3, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 5 },
      { exerciseKey: "hamstring-stretch", dose: { sets: 3, reps: null, holdS: 30, perSide: true }, timesPerDay: 1, daysPerWeek: 5 },
    ],
    education: ["staying-active@1", "lifting@1", "desk-posture@1"],
    source: SRC,
  },
  {
    key: "chronic", version: 1, title: "Chronic low back pain", weeks: 6,
    forWhom: "Pain for more than 12 weeks: graded strengthening and conditioning, functional movement, pacing and pain coping.",
    phases: PHASES_6,
    items: [
      walk(20),
      { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, toWeek: 4, progression: [{ fromWeek: 3, dose: { sets: 3 }, note: "Three sets" }] },
      { exerciseKey: "single-leg-bridge", dose: { sets: 2, reps: 6, holdS: 3, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 5 },
      { exerciseKey: "bird-dog", dose: { sets: 1, reps: 10, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 3, progression: [{ fromWeek: 3, dose: { holdS: 8 }, note: "Hold 8 seconds" }] },
      { exerciseKey: "plank-knees", dose: { sets: 3, reps: null, holdS: 10 }, timesPerDay: 1, daysPerWeek: 3, toWeek: 2 },
      { exerciseKey: "plank", dose: { sets: 3, reps: null, holdS: 15 }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3, progression: [{ fromWeek: 5, dose: { holdS: 30 }, note: "30 seconds" }] },
      { exerciseKey: "side-plank", dose: { sets: 3, reps: null, holdS: 10, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
      { exerciseKey: "squat", dose: { sets: 2, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
      { exerciseKey: "hip-hinge", dose: { sets: 2, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 5 },
      { exerciseKey: "hip-flexor-stretch", dose: { sets: 3, reps: null, holdS: 30, perSide: true }, timesPerDay: 1, daysPerWeek: 5 },
    ],
    education: ["pain-coping@1", "staying-active@1", "lifting@1", "desk-posture@1"],
    source: SRC,
  },
  {
    key: "extension-preference", version: 1, title: "Extension preference (McKenzie)", weeks: 6,
    forWhom: "Pain that eases or centralises with backward bending and worsens with sitting or bending forward.",
    phases: [{ key: "extension", title: "Extension in lying", fromWeek: 1, toWeek: 2 }, { key: "progress", title: "Extension standing and stabilisation", fromWeek: 3, toWeek: 4 }, { key: "functional", title: "Functional training", fromWeek: 5, toWeek: 6 }],
    items: [
      { exerciseKey: "prone-on-elbows", dose: { sets: 1, reps: null, holdS: 120 }, timesPerDay: 3, daysPerWeek: 7, toWeek: 2, notes: "Stop if pain spreads into the buttock or leg." },
      { exerciseKey: "prone-press-up", dose: { sets: 1, reps: 10, holdS: 2 }, timesPerDay: 3, daysPerWeek: 7, notes: "Several times a day; stop if pain spreads into the leg." },
      { exerciseKey: "standing-extension", dose: { sets: 1, reps: 10, holdS: null }, timesPerDay: 2, daysPerWeek: 7, fromWeek: 3, notes: "After long sitting too." },
      { exerciseKey: "bridge", dose: { sets: 2, reps: 10, holdS: 6 }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
      { exerciseKey: "bird-dog", dose: { sets: 1, reps: 10, holdS: 5, perSide: true }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 3 },
      { exerciseKey: "hip-hinge", dose: { sets: 2, reps: 10, holdS: null }, timesPerDay: 1, daysPerWeek: 3, fromWeek: 5 },
      walk(15),
    ],
    education: ["desk-posture@1", "staying-active@1", "lifting@1"],
    source: `${SRC}; McKenzie extension (prone press-up 10 reps, 1–2 s hold, several times a day)`,
  },
];

/** The template placed on a start date in the patient's time zone, as a program the builder edits. */
export function programFromTemplate(t: ProgramTemplate, where: { startDate: string; timeZone: string }): ProgramModel {
  return programModel.parse({ startDate: where.startDate, timeZone: where.timeZone, weeks: t.weeks, phases: t.phases, items: t.items });
}

export const PROGRAM_TEMPLATES: readonly ProgramTemplate[] = Object.freeze(TEMPLATES_IN.map((t) => {
  const head = programTemplate.safeParse(t);
  const where = `program template ${t.key}@${t.version}`;
  if (!head.success) throw new Error(`${where}: ${head.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  for (const it of t.items) if (!latestExercise(it.exerciseKey)) throw new Error(`${where}: unknown exercise ${it.exerciseKey}`);
  for (const e of t.education) if (!educationCardByRef(e)) throw new Error(`${where}: unknown education card ${e}`);
  const m = programModel.safeParse({ startDate: "2026-01-05", timeZone: "UTC", weeks: t.weeks, phases: t.phases, items: t.items });
  if (!m.success) throw new Error(`${where}: ${m.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return t;
}));

/** A template by "key@version", or the latest version of a key. */
export function templateByRef(ref: string): ProgramTemplate | undefined {
  const [k, v] = ref.split("@");
  const all = PROGRAM_TEMPLATES.filter((t) => t.key === k);
  return v === undefined ? [...all].sort((a, b) => b.version - a.version)[0] : all.find((t) => t.version === Number(v));
}
export const templateRef = (t: { key: string; version: number }) => `${t.key}@${t.version}`;
