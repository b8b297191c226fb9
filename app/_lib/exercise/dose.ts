// The two spellings of an exercise's dose and the one way between them: the recording pipeline stores the dose a
// set was prescribed at (app/_shared/recording/schemas.ts, `exerciseDoseSchema`: holdSeconds, restSeconds, ...), the
// exercise engine counts against its own dose (app/_shared/exercises/spec.ts: holdS, restS, side, ...). Pure and
// isomorphic (no DOM): the visit, home practice and the server's summariser must map a dose the same way, or the live
// count and the saved count would be judged against different targets.
import type { Exercise } from "../../_shared/exercises/catalogue";
import type { Dose } from "../../_shared/exercises/spec";
import type { ExerciseDose } from "../../_shared/recording/schemas";

/** The dose fields a therapist sets for one set (the engine's limits). */
export interface DoseForm {
  sets: number;
  reps: number | null;
  holdS: number | null;
  restS: number;
}

export const DOSE_LIMITS = { sets: [1, 10], reps: [1, 100], holdS: [1, 600], restS: [0, 600] } as const;

export function defaultDoseForm(ex: Exercise): DoseForm {
  return { sets: ex.dose.sets, reps: ex.dose.reps, holdS: ex.dose.holdS, restS: ex.dose.restS };
}

/** A field's problem in plain words, or null. */
export function doseProblem(ex: Exercise, d: DoseForm): string | null {
  const within = (v: number | null, [lo, hi]: readonly [number, number], what: string) =>
    v === null ? null : !Number.isFinite(v) || v < lo || v > hi ? `${what} must be ${lo}–${hi}` : null;
  const p = within(d.sets, DOSE_LIMITS.sets, "Sets") ?? within(d.reps, DOSE_LIMITS.reps, "Repetitions") ?? within(d.holdS, DOSE_LIMITS.holdS, "Hold") ?? within(d.restS, DOSE_LIMITS.restS, "Rest");
  if (p) return p;
  if (!Number.isInteger(d.sets) || (d.reps !== null && !Number.isInteger(d.reps))) return "Sets and repetitions are whole numbers";
  if (ex.tracker?.kind === "reps" && d.reps === null) return "Give the repetitions";
  if ((ex.tracker?.kind === "hold" || (ex.tracker?.kind === "reps" && ex.tracker.holdAtTarget)) && d.holdS === null) return "Give the hold time";
  if (d.reps === null && d.holdS === null) return "Give repetitions or a hold time";
  return null;
}

/** The engine's dose of a set: the form's numbers, the rest from the catalogue, the side for one-side exercises. */
export function engineDose(ex: Exercise, d: DoseForm, side: "left" | "right" | null = null): Dose {
  return { ...ex.dose, sets: d.sets, reps: d.reps, holdS: d.holdS, restS: d.restS, side: ex.tracker?.sides === "chosen" ? (side ?? "left") : null };
}

/** The dose as the recording pipeline stores it. */
export function recordingDose(d: Dose): ExerciseDose {
  return {
    sets: d.sets, ...(d.reps !== null ? { reps: d.reps } : {}), ...(d.holdS !== null ? { holdSeconds: d.holdS } : {}),
    restSeconds: d.restS, perSide: d.perSide, timesPerDay: d.perDay,
  };
}
