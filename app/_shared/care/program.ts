// Home exercise program maths (start of issue 19): the dosing and schedule model of a 4–6 week program,
// and adherence (planned vs done per day and week, percent, streaks, missed days) in the patient's
// time zone. Pure and isomorphic: the patient's "today" screen and the therapist's adherence chart use
// the same functions, and the server's numbers, from stored sessions, are the record.
//
// Dates: a program lives in calendar dates ("YYYY-MM-DD") of the patient's IANA time zone. Calendar
// arithmetic is done on dates (UTC midnight), never by adding 24 h to an instant, so daylight-saving
// days (23 or 25 hours) neither skip nor repeat a day. A session is an instant; its day is the
// calendar date of that instant in the program's time zone (Intl, the runtime's ICU data).
import { z } from "zod";
import { addDays } from "./questionnaires";

export const PROGRAM_MODEL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Dates and time zones
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
export const calendarDate = z.string().regex(DATE_RE, "Use the format YYYY-MM-DD").refine(isCalendarDate, "Not a real date");

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
export const timeZone = z.string().trim().min(1).max(64).refine(isTimeZone, "Unknown time zone");

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The calendar date of an instant in a time zone. */
export function localDate(instant: Date | string | number, tz: string): string {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23" });
    formatters.set(tz, f);
  }
  const parts = f.formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}
/** Days from `a` to `b` (calendar dates; positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

// ---------------------------------------------------------------------------------------------
// The dosing model
// ---------------------------------------------------------------------------------------------

export const dose = z
  .strictObject({
    sets: z.number().int().min(1, "At least 1 set").max(10, "At most 10 sets"),
    /** repetitions per set (null: a timed hold, one per set) */
    reps: z.number().int().min(1, "At least 1 repetition").max(100, "At most 100 repetitions").nullable(),
    /** seconds each repetition (or the set's one hold) is held (null: no hold) */
    holdS: z.number().int().min(1, "At least 1 second").max(600, "At most 10 minutes").nullable(),
    /** done on each side (left and right) */
    perSide: z.boolean().default(false),
  })
  .refine((d) => d.reps !== null || d.holdS !== null, "Give repetitions, a hold time, or both");
export type Dose = z.output<typeof dose>;

export const progressionStep = z.strictObject({
  /** from this program week on (1-based) the dose changes */
  fromWeek: z.number().int().min(1).max(52),
  dose: z.strictObject({ sets: z.number().int().min(1).max(10).optional(), reps: z.number().int().min(1).max(100).nullable().optional(), holdS: z.number().int().min(1).max(600).nullable().optional() }),
  note: z.string().trim().max(300).default(""),
});

/** Default weekdays for N days a week when the therapist does not pick them (spread through the week). */
export const DEFAULT_WEEKDAYS: Record<number, number[]> = { 1: [1], 2: [1, 4], 3: [1, 3, 5], 4: [1, 2, 4, 5], 5: [1, 2, 3, 4, 5], 6: [1, 2, 3, 4, 5, 6], 7: [1, 2, 3, 4, 5, 6, 7] };

export const programItem = z
  .strictObject({
    exerciseKey: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, "Unknown exercise"),
    dose,
    timesPerDay: z.number().int().min(1, "At least once a day").max(10, "At most 10 times a day"),
    daysPerWeek: z.number().int().min(1, "At least 1 day a week").max(7, "At most 7 days a week"),
    /** ISO weekdays (1 = Monday); default: DEFAULT_WEEKDAYS[daysPerWeek] */
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
    /** program weeks (1-based, inclusive) in which the exercise is prescribed */
    fromWeek: z.number().int().min(1).max(52).default(1),
    toWeek: z.number().int().min(1).max(52).optional(),
    progression: z.array(progressionStep).max(12).default([]),
    notes: z.string().trim().max(1000).default(""),
  })
  .superRefine((it, ctx) => {
    if (it.weekdays) {
      if (new Set(it.weekdays).size !== it.weekdays.length) ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Each weekday once" });
      else if (it.weekdays.length !== it.daysPerWeek) ctx.addIssue({ code: "custom", path: ["weekdays"], message: `Pick ${it.daysPerWeek} weekdays` });
    }
    if (it.toWeek !== undefined && it.toWeek < it.fromWeek) ctx.addIssue({ code: "custom", path: ["toWeek"], message: "Ends before it starts" });
    it.progression.forEach((p, i) => {
      if (p.fromWeek <= it.fromWeek || (it.toWeek !== undefined && p.fromWeek > it.toWeek)) ctx.addIssue({ code: "custom", path: ["progression", i, "fromWeek"], message: "A progression falls inside the exercise's weeks, after its first" });
      if (i > 0 && p.fromWeek <= it.progression[i - 1]!.fromWeek) ctx.addIssue({ code: "custom", path: ["progression", i, "fromWeek"], message: "Progressions in week order" });
    });
  });
export type ProgramItem = z.output<typeof programItem>;

export const programPhase = z.strictObject({
  key: z.string().trim().min(1).max(40),
  title: z.string().trim().min(1).max(100),
  fromWeek: z.number().int().min(1).max(52),
  toWeek: z.number().int().min(1).max(52),
});

export const programModel = z
  .strictObject({
    startDate: calendarDate,
    weeks: z.number().int().min(1, "At least 1 week").max(12, "At most 12 weeks"),
    timeZone,
    phases: z.array(programPhase).max(8).default([]),
    items: z.array(programItem).min(1, "Add at least one exercise").max(30, "At most 30 exercises"),
  })
  .superRefine((p, ctx) => {
    p.items.forEach((it, i) => {
      if (it.fromWeek > p.weeks || (it.toWeek ?? 0) > p.weeks) ctx.addIssue({ code: "custom", path: ["items", i, "fromWeek"], message: `Within the program's ${p.weeks} weeks` });
    });
    const ph = [...p.phases].sort((a, b) => a.fromWeek - b.fromWeek);
    ph.forEach((x, i) => {
      if (x.toWeek < x.fromWeek || x.toWeek > p.weeks) ctx.addIssue({ code: "custom", path: ["phases"], message: `Phase ${x.title}: weeks out of range` });
      if (i > 0 && x.fromWeek <= ph[i - 1]!.toWeek) ctx.addIssue({ code: "custom", path: ["phases"], message: "Phases must not overlap" });
    });
  });
export type ProgramModel = z.output<typeof programModel>;
export type ProgramModelInput = z.input<typeof programModel>;

export function programEndDate(p: Pick<ProgramModel, "startDate" | "weeks">): string {
  return addDays(p.startDate, p.weeks * 7 - 1);
}
/** Program week (1-based) of a date, or null outside the program. */
export function programWeekOf(p: Pick<ProgramModel, "startDate" | "weeks">, date: string): number | null {
  const d = daysBetween(p.startDate, date);
  if (d < 0 || d >= p.weeks * 7) return null;
  return Math.floor(d / 7) + 1;
}
export function phaseOf(p: ProgramModel, week: number) {
  return p.phases.find((x) => week >= x.fromWeek && week <= x.toWeek) ?? null;
}
/** The item's dose in a program week, with the progressions up to that week applied. */
export function doseInWeek(it: ProgramItem, week: number): Dose {
  let d: Dose = { ...it.dose };
  for (const s of it.progression) if (s.fromWeek <= week) d = { ...d, ...Object.fromEntries(Object.entries(s.dose).filter(([, v]) => v !== undefined)) } as Dose;
  return d;
}
export const weekdaysOf = (it: ProgramItem) => it.weekdays ?? DEFAULT_WEEKDAYS[it.daysPerWeek]!;
/** Repetitions (or holds) of one time through the exercise: sets × reps (1 for a hold) × sides. */
export const repsPerTime = (d: Dose) => d.sets * (d.reps ?? 1) * (d.perSide ? 2 : 1);

export type DayPrescription = {
  date: string;
  week: number;
  phase: { key: string; title: string } | null;
  exercises: { exerciseKey: string; dose: Dose; timesPerDay: number; reps: number }[];
  /** home sessions planned that day: the most `timesPerDay` among the day's exercises */
  sessions: number;
  /** repetitions (holds count one each) planned that day */
  reps: number;
};

/**
 * The program's exercises in force in a program week (whatever the weekday), in the program's order: each item with
 * its place in the program (0-based) and that week's dose (progressions applied).
 */
export function exercisesInWeek(p: ProgramModel, week: number): { index: number; item: ProgramItem; dose: Dose }[] {
  return p.items.flatMap((item, index) => (week >= item.fromWeek && week <= (item.toWeek ?? p.weeks) ? [{ index, item, dose: doseInWeek(item, week) }] : []));
}

/**
 * The program week that applies on a date, also outside the program: before its start the first week, after its end
 * the last (a visit before or after the home program still shows the nearest phase), with where the date lies.
 */
export function programWeekAt(p: Pick<ProgramModel, "startDate" | "weeks">, date: string): { week: number; when: "before" | "during" | "after" } {
  const week = programWeekOf(p, date);
  if (week !== null) return { week, when: "during" };
  return date < p.startDate ? { week: 1, when: "before" } : { week: p.weeks, when: "after" };
}

/**
 * The program with one item's dose changed from a program week on (what came before stays as it was): in the item's
 * first week its starting dose changes; later, a progression step from that week holds the new dose (an existing step
 * of that week is replaced, later steps still apply after it). Returns the model to validate and save as a new version.
 */
export function withDoseFromWeek(p: ProgramModel, index: number, week: number, d: { sets: number; reps: number | null; holdS: number | null }): ProgramModel {
  const it = p.items[index];
  if (!it) throw new RangeError(`No exercise ${index + 1} in the program`);
  const items = [...p.items];
  if (week <= it.fromWeek) items[index] = { ...it, dose: { ...it.dose, sets: d.sets, reps: d.reps, holdS: d.holdS } };
  else {
    const old = it.progression.find((s) => s.fromWeek === week);
    const step = { fromWeek: week, dose: { sets: d.sets, reps: d.reps, holdS: d.holdS }, note: old?.note ?? "" };
    items[index] = { ...it, progression: [...it.progression.filter((s) => s.fromWeek !== week), step].sort((a, b) => a.fromWeek - b.fromWeek) };
  }
  return { ...p, items };
}

/** What is prescribed on a date (null outside the program). */
export function prescriptionOn(p: ProgramModel, date: string): DayPrescription | null {
  const week = programWeekOf(p, date);
  if (week === null) return null;
  const wd = weekdayOf(date);
  const exercises = exercisesInWeek(p, week)
    .filter(({ item }) => weekdaysOf(item).includes(wd))
    .map(({ item: it, dose: d }) => ({ exerciseKey: it.exerciseKey, dose: d, timesPerDay: it.timesPerDay, reps: repsPerTime(d) * it.timesPerDay }));
  const phase = phaseOf(p, week);
  return {
    date, week, phase: phase ? { key: phase.key, title: phase.title } : null, exercises,
    sessions: exercises.reduce((m, e) => Math.max(m, e.timesPerDay), 0),
    reps: exercises.reduce((a, e) => a + e.reps, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Adherence
// ---------------------------------------------------------------------------------------------

export const doneSession = z.strictObject({
  id: z.string().min(1).max(64),
  /** when the session was done (an instant) */
  at: z.iso.datetime({ offset: true }),
  exercises: z.array(z.strictObject({ exerciseKey: z.string().min(1).max(64), reps: z.number().int().min(0).max(10_000) })).max(30),
});
export type DoneSession = z.infer<typeof doneSession>;

export type DayStatus = "rest" | "done" | "partial" | "missed" | "today" | "upcoming";
export type DayAdherence = {
  date: string;
  week: number;
  weekday: number;
  plannedSessions: number;
  doneSessions: number;
  plannedReps: number;
  /** repetitions done of the prescribed exercises, at most the prescription per exercise */
  doneReps: number;
  status: DayStatus;
};
export type WeekAdherence = {
  week: number;
  from: string;
  to: string;
  plannedSessions: number;
  /** sessions done in the week (any day of it), at most the planned number */
  doneSessions: number;
  sessionsPercent: number | null;
  plannedReps: number;
  doneReps: number;
  repsPercent: number | null;
  /** the week is over (in the patient's time zone) */
  closed: boolean;
};
export type Adherence = {
  today: string;
  timeZone: string;
  days: DayAdherence[];
  weeks: WeekAdherence[];
  /** over the days so far (today included once anything is done today) */
  sessionsPercent: number | null;
  repsPercent: number | null;
  /** planned days in a row fully done, counted back from the latest (today counts once done) */
  currentStreak: number;
  longestStreak: number;
  /** past planned days with nothing done */
  missedDays: string[];
  /** prescribed sessions missed in a row, counted back from the last finished day */
  missedSessionsInARow: number;
  /** sessions whose time falls outside the program */
  outside: string[];
};

const pct = (done: number, planned: number) => (planned > 0 ? Math.round((done / planned) * 1000) / 10 : null);

/**
 * Adherence of done sessions to the program up to `now` (an instant; the patient's "today" is its date
 * in the program's time zone). Days after today are "upcoming" and count nowhere; today counts only
 * for what is already done (it is not missed before it is over).
 */
export function adherence(p: ProgramModel, sessions: readonly DoneSession[], now: Date | string | number): Adherence {
  const today = localDate(now, p.timeZone);
  const byDate = new Map<string, DoneSession[]>();
  const outside: string[] = [];
  for (const s of sessions) {
    const d = localDate(s.at, p.timeZone);
    if (programWeekOf(p, d) === null) outside.push(s.id);
    else byDate.set(d, [...(byDate.get(d) ?? []), s]);
  }
  const days: DayAdherence[] = [];
  for (let i = 0; i < p.weeks * 7; i++) {
    const date = addDays(p.startDate, i);
    const rx = prescriptionOn(p, date)!;
    const done = byDate.get(date) ?? [];
    let doneReps = 0;
    for (const e of rx.exercises) {
      const got = done.reduce((a, s) => a + s.exercises.filter((x) => x.exerciseKey === e.exerciseKey).reduce((b, x) => b + x.reps, 0), 0);
      doneReps += Math.min(got, e.reps);
    }
    const when = date < today ? "past" : date === today ? "today" : "future";
    const status: DayStatus =
      when === "future" ? "upcoming"
      : rx.sessions === 0 ? "rest"
      : done.length >= rx.sessions ? "done"
      : when === "today" ? "today"
      : done.length > 0 ? "partial"
      : "missed";
    days.push({ date, week: rx.week, weekday: weekdayOf(date), plannedSessions: rx.sessions, doneSessions: done.length, plannedReps: rx.reps, doneReps, status });
  }
  // what counts so far: past days in full, today only for what is done
  const counted = days.filter((d) => d.date < today || (d.date === today && d.doneSessions > 0));
  const countedPlanned = (d: DayAdherence) => (d.date === today ? Math.min(d.plannedSessions, d.doneSessions) : d.plannedSessions);
  const weeks: WeekAdherence[] = [];
  for (let w = 1; w <= p.weeks; w++) {
    const wd = days.filter((d) => d.week === w);
    const c = counted.filter((d) => d.week === w);
    const plannedSessions = c.reduce((a, d) => a + countedPlanned(d), 0);
    const doneAny = c.reduce((a, d) => a + d.doneSessions, 0);
    const plannedReps = c.reduce((a, d) => a + (d.date === today ? Math.min(d.plannedReps, d.doneReps) : d.plannedReps), 0);
    const doneReps = c.reduce((a, d) => a + d.doneReps, 0);
    const doneSessions = Math.min(doneAny, plannedSessions);
    weeks.push({
      week: w, from: wd[0]!.date, to: wd[wd.length - 1]!.date,
      plannedSessions, doneSessions, sessionsPercent: pct(doneSessions, plannedSessions),
      plannedReps, doneReps: Math.min(doneReps, plannedReps), repsPercent: pct(Math.min(doneReps, plannedReps), plannedReps),
      closed: wd[wd.length - 1]!.date < today,
    });
  }
  const allPlanned = weeks.reduce((a, w) => a + w.plannedSessions, 0);
  const allDone = weeks.reduce((a, w) => a + w.doneSessions, 0);
  const allPlannedReps = weeks.reduce((a, w) => a + w.plannedReps, 0);
  const allDoneReps = weeks.reduce((a, w) => a + w.doneReps, 0);

  // streaks over planned days (rest days neither count nor break); today counts once done, and an
  // unfinished today does not break the streak that leads up to it
  const plannedDays = days.filter((d) => d.plannedSessions > 0 && (d.date < today || (d.date === today && d.status === "done")));
  let longest = 0, run = 0;
  for (const d of plannedDays) {
    run = d.status === "done" ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  let current = 0;
  for (let i = plannedDays.length - 1; i >= 0 && plannedDays[i]!.status === "done"; i--) current++;

  let missedRow = 0;
  const closedPlanned = days.filter((d) => d.plannedSessions > 0 && d.date < today);
  for (let i = closedPlanned.length - 1; i >= 0; i--) {
    const d = closedPlanned[i]!;
    missedRow += Math.max(0, d.plannedSessions - d.doneSessions);
    if (d.doneSessions > 0) break;
  }
  return {
    today, timeZone: p.timeZone, days, weeks,
    sessionsPercent: pct(allDone, allPlanned), repsPercent: pct(allDoneReps, allPlannedReps),
    currentStreak: current, longestStreak: longest,
    missedDays: days.filter((d) => d.status === "missed").map((d) => d.date),
    missedSessionsInARow: missedRow,
    outside,
  };
}

/**
 * The `home.missed` events (alerts.ts) for the finished days with prescribed sessions not done: one per
 * day, with a stable id so the server can append them idempotently, timed at the end of that local day.
 */
export function missedSessionEvents(programId: string, a: Adherence): { id: string; at: string; type: "home.missed"; localDate: string; sessions: number }[] {
  return a.days
    .filter((d) => (d.status === "missed" || d.status === "partial") && d.plannedSessions > d.doneSessions)
    .map((d) => ({ id: `missed:${programId}:${d.date}`, at: endOfLocalDay(d.date, a.timeZone), type: "home.missed" as const, localDate: d.date, sessions: d.plannedSessions - d.doneSessions }));
}

/** The last millisecond of a local calendar day, as an ISO instant (DST-safe: found, not assumed). */
export function endOfLocalDay(date: string, tz: string): string {
  const next = addDays(date, 1);
  // the local midnight that starts `next` lies within ±14 h of UTC midnight: search it to the minute
  let lo = Date.parse(`${next}T00:00:00Z`) - 15 * 3600_000, hi = lo + 30 * 3600_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
    if (localDate(mid, tz) >= next) hi = mid;
    else lo = mid;
  }
  return new Date(hi - 1).toISOString();
}
