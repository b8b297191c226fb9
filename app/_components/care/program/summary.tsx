"use client";
// A read-only program (clinicians; the handout's content on screen): phases, exercises with dose and days, cards.
import type { ProgramModel } from "../../../_shared/care/program";
import { doseInWeek, weekdaysOf } from "../../../_shared/care/program";
import { doseText, scheduleText } from "../../../_shared/care/program-api";
import { educationCardByRef } from "../../../_shared/care/program-templates";
import { latestExercise } from "../../../_shared/exercises/catalogue";

export function ProgramSummary({ model, education }: { model: ProgramModel; education: string[] }) {
  return (
    <div className="flex min-h-0 flex-col gap-2 overflow-y-auto text-sm">
      <p className="text-xs text-slate-500">{model.weeks} weeks from {model.startDate} · {model.phases.map((p) => `${p.title} (weeks ${p.fromWeek}–${p.toWeek})`).join(" → ") || "no phases"}</p>
      <ol className="flex flex-col gap-1">
        {model.items.map((it, i) => (
          <li key={i} className="rounded border border-slate-200 px-2 py-1">
            <span className="font-medium">{latestExercise(it.exerciseKey)?.title ?? it.exerciseKey}</span>
            <span className="text-xs text-slate-600"> · {doseText(doseInWeek(it, it.fromWeek))} · {scheduleText(weekdaysOf(it), it.timesPerDay)} · weeks {it.fromWeek}–{it.toWeek ?? model.weeks}{it.progression.map((p) => ` · from week ${p.fromWeek}: ${doseText(doseInWeek(it, p.fromWeek))}`).join("")}</span>
            {it.notes && <span className="block text-xs italic text-slate-500">{it.notes}</span>}
          </li>
        ))}
      </ol>
      <p className="text-xs text-slate-600">Education: {education.map((r) => educationCardByRef(r)?.title ?? r).join(", ") || "none"}</p>
    </div>
  );
}
