"use client";
// "From <patient>'s program" in the visit room's Exercises tab (issue 13 with issue 19's home program): the active
// program's exercises of the current program week in the program's order, each with its prescribed dose and the
// therapist's note, marked done once a set of it was recorded in this visit; the next one (the first not done) starts
// in one click with its dose. Choosing a row puts it in the picker below, where the dose stays editable. Without an
// episode or an active program: one quiet line, and the library alone. The plan is the server's (programs.forVisit).
import { doseText } from "../../_shared/care/program-api";
import type { RouterOutputs } from "../../_lib/trpc";
import { Button } from "../ui";

export type VisitPlan = RouterOutputs["programs"]["forVisit"];
export type PlanExercise = Extract<VisitPlan, { state: "plan" }>["exercises"][number];

/** "2 sets × 10, hold 6 s, rest 30 s" */
export const planDoseText = (d: PlanExercise["dose"]) => `${doseText(d)}${d.restS > 0 ? `, rest ${d.restS} s` : ""}`;

export function ProgramPlan({ plan, loading, error, chosen, busy, onChoose, onStart }: {
  plan: VisitPlan | undefined;
  loading: boolean;
  error: string | null;
  /** the position of the row now in the picker (null: the picker holds a library choice) */
  chosen: number | null;
  busy: boolean;
  onChoose: (e: PlanExercise) => void;
  onStart: (e: PlanExercise) => void;
}) {
  if (error) return <p className="text-xs text-slate-500" data-testid="plan-none">The patient's program could not be loaded ({error}); the library is below.</p>;
  if (loading || !plan) return <p className="text-xs text-slate-400">Looking for the patient's program…</p>;
  if (plan.state !== "plan") return <p className="text-xs text-slate-500" data-testid="plan-none">{plan.message} Pick from the library below.</p>;
  const next = plan.exercises.find((e) => e.position === plan.next) ?? null;
  const when = plan.when === "before" ? ` · starts ${plan.startDate}` : plan.when === "after" ? ` · ended ${plan.endDate}` : "";
  return (
    <section aria-label={`From ${plan.patientName}'s program`} className="space-y-1 rounded-md border border-brand-100 bg-brand-50 p-2" data-testid="program-plan">
      <div className="flex flex-wrap items-baseline justify-between gap-x-2">
        <h3 className="text-sm font-semibold">From {plan.patientName}&apos;s program</h3>
        <p className="text-xs text-slate-600" data-testid="plan-week">
          Version {plan.version} · week {plan.week} of {plan.weeks}{plan.phase && <> · {plan.phase.title}</>}{when}
        </p>
      </div>
      {plan.exercises.length === 0 ? (
        <p className="text-xs text-slate-500">No exercise of the program falls in this week.</p>
      ) : (
        <ol className="space-y-0.5" aria-label="The program's exercises this week">
          {plan.exercises.map((e) => {
            const isNext = e.position === plan.next;
            return (
              <li key={e.position} data-testid={`plan-item-${e.position}`} data-done={e.done} data-next={isNext}
                className={`flex items-start gap-2 rounded px-1.5 py-1 text-sm ${chosen === e.position ? "bg-white ring-1 ring-brand-500" : ""}`}>
                <span aria-hidden className={`mt-0.5 w-5 shrink-0 text-center text-xs font-semibold ${e.done ? "text-emerald-700" : "text-slate-400"}`}>{e.done ? "✓" : e.position}</span>
                <button type="button" onClick={() => onChoose(e)} disabled={e.exerciseVersion === null} className="min-w-0 flex-1 text-left disabled:cursor-not-allowed disabled:opacity-60"
                  title={e.exerciseVersion === null ? "No longer in the exercise library" : "Put it in the picker (the dose can be changed there)"}>
                  <span className={`font-medium ${e.done ? "text-slate-500" : ""}`}>{e.title}</span>
                  {isNext && <span className="ml-1 rounded bg-brand-600 px-1 py-px text-[10px] font-semibold uppercase tracking-wide text-white">Next</span>}
                  {e.done && <span className="ml-1 text-xs text-emerald-700">done ({e.setsRecorded} {e.setsRecorded === 1 ? "set" : "sets"})</span>}
                  <span className="block text-xs text-slate-600" data-testid={`plan-dose-${e.position}`}>{planDoseText(e.dose)}{e.selfReported && " · self-reported"}</span>
                  {(e.notes || e.stepNote) && <span className="block truncate text-xs italic text-slate-500" title={[e.notes, e.stepNote].filter(Boolean).join(" · ")}>{[e.notes, e.stepNote].filter(Boolean).join(" · ")}</span>}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {next ? (
        <Button className="w-full" busy={busy} onClick={() => onStart(next)} data-testid="start-next">Start next: {next.title}</Button>
      ) : plan.exercises.length > 0 && <p className="text-xs font-medium text-emerald-800" data-testid="plan-all-done">Every exercise of this week has a set in this visit.</p>}
    </section>
  );
}
