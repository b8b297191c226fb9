"use client";
// The therapist's program builder: start from a template, adapt (add, remove, reorder exercises; dose, times per day,
// days per week or weekdays, weeks, progressions, notes; phases; education cards), validated with programModel as
// you type, saved as a new version (the server refuses a save made on an outdated version).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { DEFAULT_WEEKDAYS, programModel, type ProgramItem, type ProgramModel } from "../../../_shared/care/program";
import { WEEKDAY_SHORT, doseText, scheduleText } from "../../../_shared/care/program-api";
import { EDUCATION_CARDS, PROGRAM_TEMPLATES, cardRef, programFromTemplate, templateRef } from "../../../_shared/care/program-templates";
import { exercisesByGroup, latestExercise } from "../../../_shared/exercises/catalogue";
import { describeError, useTRPC } from "../../../_lib/trpc";
import { Alert, Button, Select } from "../../ui";

export type Draft = { model: ProgramModel; education: string[]; templateKey: string | null };

const num = (s: string, fallback: number | null) => (s.trim() === "" ? fallback : Number.isFinite(Number(s)) ? Math.round(Number(s)) : fallback);
const small = "w-14 rounded border border-slate-300 px-1.5 py-1 text-sm";

function NumberBox({ label, value, onChange, allowEmpty = false, testId }: { label: string; value: number | null; onChange: (v: number | null) => void; allowEmpty?: boolean; testId?: string }) {
  return (
    <label className="flex flex-col text-[11px] text-slate-500">
      {label}
      <input className={small} inputMode="numeric" aria-label={label} data-testid={testId} value={value ?? ""} placeholder={allowEmpty ? "–" : undefined}
        onChange={(e) => onChange(num(e.target.value, allowEmpty ? null : value))} />
    </label>
  );
}

function ItemRow({ item, index, count, weeks, onChange, onMove, onRemove }: { item: ProgramItem; index: number; count: number; weeks: number; onChange: (it: ProgramItem) => void; onMove: (d: -1 | 1) => void; onRemove: () => void }) {
  const ex = latestExercise(item.exerciseKey);
  const weekdays = item.weekdays ?? DEFAULT_WEEKDAYS[item.daysPerWeek]!;
  const set = (patch: Partial<ProgramItem>) => onChange({ ...item, ...patch });
  const setDose = (patch: Partial<ProgramItem["dose"]>) => set({ dose: { ...item.dose, ...patch } });
  const toggleDay = (d: number) => {
    const next = weekdays.includes(d) ? weekdays.filter((x) => x !== d) : [...weekdays, d].sort();
    if (next.length) set({ weekdays: next, daysPerWeek: next.length });
  };
  return (
    <li className="rounded-md border border-slate-200 bg-white p-2" data-testid="program-item">
      <div className="flex items-center gap-2">
        <span className="w-5 text-right text-xs text-slate-400">{index + 1}</span>
        <span className="flex-1 truncate text-sm font-medium text-slate-900" title={ex?.title}>{ex?.title ?? item.exerciseKey}</span>
        <span className="hidden text-xs text-slate-500 xl:inline">{doseText(item.dose)} · {scheduleText(weekdays, item.timesPerDay)}</span>
        <Button variant="ghost" className="!px-1.5 !py-0.5" aria-label={`Move ${ex?.title} up`} disabled={index === 0} onClick={() => onMove(-1)}>↑</Button>
        <Button variant="ghost" className="!px-1.5 !py-0.5" aria-label={`Move ${ex?.title} down`} disabled={index === count - 1} onClick={() => onMove(1)}>↓</Button>
        <Button variant="ghost" className="!px-1.5 !py-0.5 text-red-700" aria-label={`Remove ${ex?.title}`} onClick={onRemove}>✕</Button>
      </div>
      <div className="mt-1 flex flex-wrap items-end gap-2 pl-7">
        <NumberBox label="Sets" value={item.dose.sets} onChange={(v) => setDose({ sets: v ?? 1 })} testId="dose-sets" />
        <NumberBox label="Reps" value={item.dose.reps} allowEmpty onChange={(v) => setDose({ reps: v })} testId="dose-reps" />
        <NumberBox label="Hold s" value={item.dose.holdS} allowEmpty onChange={(v) => setDose({ holdS: v })} />
        <label className="flex items-center gap-1 pb-1 text-xs text-slate-600"><input type="checkbox" checked={item.dose.perSide} onChange={(e) => setDose({ perSide: e.target.checked })} />each side</label>
        <NumberBox label="Times/day" value={item.timesPerDay} onChange={(v) => set({ timesPerDay: v ?? 1 })} />
        <div className="flex flex-col text-[11px] text-slate-500">
          Days
          <div className="flex gap-0.5" role="group" aria-label={`Days of ${ex?.title}`}>
            {WEEKDAY_SHORT.map((d, i) => (
              <button key={d} type="button" aria-pressed={weekdays.includes(i + 1)} onClick={() => toggleDay(i + 1)}
                className={`rounded px-1 py-1 text-[11px] ${weekdays.includes(i + 1) ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-600"}`}>{d.slice(0, 2)}</button>
            ))}
          </div>
        </div>
        <NumberBox label="From wk" value={item.fromWeek} onChange={(v) => set({ fromWeek: Math.min(Math.max(v ?? 1, 1), weeks) })} />
        <NumberBox label="To wk" value={item.toWeek ?? null} allowEmpty onChange={(v) => set({ toWeek: v ?? undefined })} />
        <input className="min-w-32 flex-1 rounded border border-slate-300 px-2 py-1 text-sm" aria-label={`Notes for ${ex?.title}`} placeholder="Notes for the patient" value={item.notes} maxLength={1000} onChange={(e) => set({ notes: e.target.value })} />
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-2 pl-7 text-xs text-slate-600">
        {item.progression.map((p, i) => (
          <span key={i} className="inline-flex items-center gap-1 rounded bg-amber-50 px-1.5 py-0.5 ring-1 ring-amber-200">
            from week
            <input className="w-9 rounded border border-slate-300 px-1" aria-label="Progression from week" value={p.fromWeek} onChange={(e) => set({ progression: item.progression.map((x, j) => (j === i ? { ...x, fromWeek: num(e.target.value, x.fromWeek)! } : x)) })} />
            sets <input className="w-8 rounded border border-slate-300 px-1" aria-label="Progression sets" value={p.dose.sets ?? ""} onChange={(e) => set({ progression: item.progression.map((x, j) => (j === i ? { ...x, dose: { ...x.dose, sets: num(e.target.value, null) ?? undefined } } : x)) })} />
            reps <input className="w-8 rounded border border-slate-300 px-1" aria-label="Progression reps" value={p.dose.reps ?? ""} onChange={(e) => set({ progression: item.progression.map((x, j) => (j === i ? { ...x, dose: { ...x.dose, reps: num(e.target.value, null) ?? undefined } } : x)) })} />
            hold <input className="w-9 rounded border border-slate-300 px-1" aria-label="Progression hold" value={p.dose.holdS ?? ""} onChange={(e) => set({ progression: item.progression.map((x, j) => (j === i ? { ...x, dose: { ...x.dose, holdS: num(e.target.value, null) ?? undefined } } : x)) })} />
            <button type="button" aria-label="Remove progression" className="text-red-700" onClick={() => set({ progression: item.progression.filter((_, j) => j !== i) })}>✕</button>
          </span>
        ))}
        <button type="button" className="text-brand-700 underline" onClick={() => set({ progression: [...item.progression, { fromWeek: Math.min(weeks, Math.max(item.fromWeek + 2, (item.progression.at(-1)?.fromWeek ?? 0) + 1)), dose: { sets: item.dose.sets + 1 }, note: "" }] })}>+ progression</button>
      </div>
    </li>
  );
}

export function newItem(key: string): ProgramItem {
  const ex = latestExercise(key)!;
  const d = ex.dose;
  return { exerciseKey: key, dose: { sets: d.sets, reps: d.reps ?? (d.holdS === null ? 1 : null), holdS: d.holdS === null ? null : Math.round(d.holdS), perSide: d.perSide }, timesPerDay: Math.min(d.perDay, 10), daysPerWeek: 7, fromWeek: 1, progression: [], notes: d.minutes ? `About ${d.minutes} minutes` : "" };
}

export function ProgramBuilder({ episodeId, timeZone, startDate, weeks, base, onSaved }: { episodeId: string; timeZone: string; startDate: string; weeks: number; base: { id: string; draft: Draft } | null; onSaved: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(base?.draft ?? null);
  const [adding, setAdding] = useState("");
  const groups = useMemo(() => exercisesByGroup(), []);
  const save = useMutation(trpc.programs.save.mutationOptions({
    onSuccess: async () => { await qc.invalidateQueries({ queryKey: trpc.programs.pathKey() }); onSaved(); },
  }));
  const fromTemplate = (ref: string) => {
    const t = PROGRAM_TEMPLATES.find((x) => templateRef(x) === ref);
    if (t) setDraft({ model: programFromTemplate(t, { startDate, timeZone }), education: [...t.education], templateKey: ref });
  };
  const check = draft ? programModel.safeParse(draft.model) : null;
  const issues = check && !check.success ? check.error.issues.map((i) => `${i.path.length ? `${describePath(draft!.model, i.path)}: ` : ""}${i.message}`) : [];

  if (!draft) {
    return (
      <div className="flex flex-col gap-3" data-testid="template-picker">
        <p className="text-sm text-slate-600">Start from a template, then adapt it to the patient.</p>
        <ul className="grid gap-2 sm:grid-cols-2">
          {PROGRAM_TEMPLATES.map((t) => (
            <li key={templateRef(t)}>
              <button type="button" onClick={() => fromTemplate(templateRef(t))} className="h-full w-full rounded-md border border-slate-200 bg-white p-3 text-left hover:border-brand-500 hover:bg-brand-50">
                <span className="block text-sm font-semibold text-slate-900">{t.title}</span>
                <span className="block text-xs text-slate-600">{t.forWhom}</span>
                <span className="mt-1 block text-xs text-slate-500">{t.weeks} weeks · {t.items.length} exercises · {t.phases.map((p) => p.title).join(" → ")}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const m = draft.model;
  const setModel = (patch: Partial<ProgramModel>) => setDraft({ ...draft, model: { ...m, ...patch } });
  const setItems = (items: ProgramItem[]) => setModel({ items });
  return (
    <div className="flex min-h-0 flex-col gap-2" data-testid="program-builder">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-[11px] text-slate-500">Start<input type="date" className="rounded border border-slate-300 px-1.5 py-1 text-sm" value={m.startDate} onChange={(e) => setModel({ startDate: e.target.value })} /></label>
        <NumberBox label="Weeks" value={m.weeks} onChange={(v) => setModel({ weeks: v ?? m.weeks })} />
        <span className="pb-1 text-xs text-slate-500">Patient&apos;s time zone: {m.timeZone}{draft.templateKey ? ` · from template ${PROGRAM_TEMPLATES.find((t) => templateRef(t) === draft.templateKey)?.title ?? ""}` : ""}</span>
        <div className="ml-auto flex flex-wrap items-center gap-1 text-xs">
          {m.phases.map((p, i) => (
            <span key={i} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5">
              <input className="w-36 rounded border border-slate-300 px-1" aria-label="Phase title" value={p.title} onChange={(e) => setModel({ phases: m.phases.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) })} />
              wk <input className="w-7 rounded border border-slate-300 px-1" aria-label="Phase from week" value={p.fromWeek} onChange={(e) => setModel({ phases: m.phases.map((x, j) => (j === i ? { ...x, fromWeek: num(e.target.value, x.fromWeek)! } : x)) })} />
              –<input className="w-7 rounded border border-slate-300 px-1" aria-label="Phase to week" value={p.toWeek} onChange={(e) => setModel({ phases: m.phases.map((x, j) => (j === i ? { ...x, toWeek: num(e.target.value, x.toWeek)! } : x)) })} />
              <button type="button" aria-label="Remove phase" className="text-red-700" onClick={() => setModel({ phases: m.phases.filter((_, j) => j !== i) })}>✕</button>
            </span>
          ))}
          <button type="button" className="text-brand-700 underline" onClick={() => { const from = (m.phases.at(-1)?.toWeek ?? 0) + 1; setModel({ phases: [...m.phases, { key: `phase-${m.phases.length + 1}`, title: "New phase", fromWeek: Math.min(from, m.weeks), toWeek: m.weeks }] }); }}>+ phase</button>
        </div>
      </div>
      <ol className="flex max-h-[calc(100vh-24rem)] min-h-40 flex-col gap-1.5 overflow-y-auto pr-1" aria-label="Exercises">
        {m.items.map((it, i) => (
          <ItemRow key={`${it.exerciseKey}-${i}`} item={it} index={i} count={m.items.length} weeks={m.weeks}
            onChange={(next) => setItems(m.items.map((x, j) => (j === i ? next : x)))}
            onMove={(d) => { const items = [...m.items]; [items[i], items[i + d]] = [items[i + d]!, items[i]!]; setItems(items); }}
            onRemove={() => setItems(m.items.filter((_, j) => j !== i))} />
        ))}
      </ol>
      <div className="flex flex-wrap items-end gap-2">
        <Select label="Add an exercise" value={adding} onChange={(e) => setAdding(e.target.value)} className="min-w-64" data-testid="add-exercise">
          <option value="">Choose…</option>
          {groups.map((g) => (
            <optgroup key={g.group} label={g.title}>
              {g.exercises.map((e) => <option key={e.key} value={e.key}>{e.title}{e.selfReported ? " (self-reported)" : ""}</option>)}
            </optgroup>
          ))}
        </Select>
        <Button variant="secondary" disabled={!adding} onClick={() => { setItems([...m.items, newItem(adding)]); setAdding(""); }}>Add</Button>
        <fieldset className="ml-auto flex flex-wrap items-center gap-2 text-xs text-slate-700">
          <legend className="sr-only">Education cards</legend>
          <span className="text-slate-500">Education:</span>
          {EDUCATION_CARDS.map((c) => (
            <label key={cardRef(c)} className="inline-flex items-center gap-1">
              <input type="checkbox" checked={draft.education.includes(cardRef(c))}
                onChange={(e) => setDraft({ ...draft, education: e.target.checked ? [...draft.education, cardRef(c)] : draft.education.filter((x) => x !== cardRef(c)) })} />
              {c.title}
            </label>
          ))}
        </fieldset>
      </div>
      {issues.length > 0 && <Alert tone="amber" title="Not ready to save">{issues.slice(0, 3).join(" · ")}</Alert>}
      {save.error && <Alert title="Not saved">{describeError(save.error).message}</Alert>}
      <div className="flex items-center gap-2">
        <Button busy={save.isPending} disabled={issues.length > 0} data-testid="save-program"
          onClick={() => save.mutate({ episodeId, baseProgramId: base?.id ?? null, templateKey: draft.templateKey, model: draft.model, education: draft.education })}>
          {base ? "Save as new version" : "Save program"}
        </Button>
        {!base && <Button variant="ghost" onClick={() => setDraft(null)}>Choose another template</Button>}
        {base && <Button variant="ghost" onClick={() => setDraft(base.draft)}>Undo changes</Button>}
        <span className="text-xs text-slate-500">{m.items.length} exercises · {m.weeks} weeks · weeks 1–{m.weeks} of {weeks} planned in the episode</span>
      </div>
    </div>
  );
}

function describePath(m: ProgramModel, path: PropertyKey[]): string {
  if (path[0] === "items" && typeof path[1] === "number") {
    const it = m.items[path[1]];
    return `${latestExercise(it?.exerciseKey ?? "")?.title ?? `Exercise ${path[1] + 1}`}${path.length > 2 ? ` (${String(path[2])})` : ""}`;
  }
  return String(path[0]);
}
