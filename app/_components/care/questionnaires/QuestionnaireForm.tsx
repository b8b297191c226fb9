"use client";
// One questionnaire definition as a form: scales (0–10 buttons with anchors), choices, checklist sentences (RMDQ)
// and named activities (PSFS). Native radios and checkboxes styled as large chips (keyboard and screen readers
// work; touch targets ≥ 44 px in the patient's size). "Not answered" is an explicit choice where the definition's
// missing-item rule allows a skip (`canSkip`); the live score shown is the shared `score()`, the server recomputes it.
import { useId } from "react";
import { score, type Activity, type Answers, type QuestionnaireDefinition, type QuestionnaireItem } from "../../../_shared/care/questionnaires";
import { FORM_STRINGS as S } from "./strings";

const cx = (...c: (string | false | null | undefined)[]) => c.filter(Boolean).join(" ");

/** How many items may be left unanswered and the score still be computed (mean / percentOfMax); Infinity: checked at the end. */
function skipBudget(def: QuestionnaireDefinition): number {
  const r = def.scoring;
  if (r.kind === "mean" || r.kind === "percentOfMax") return r.items.length - r.minAnswered;
  if (r.kind === "startBack") return Infinity;
  return 0;
}
/** Whether `key` may be marked "not answered" now. */
export function canSkip(def: QuestionnaireDefinition, answers: Answers, key: string): boolean {
  const item = def.items.find((i) => i.key === key);
  if (!item || item.type === "tick" || item.type === "activities") return false;
  const skipped = def.items.filter((i) => i.key !== key && answers[i.key] === null).length;
  return skipped + 1 <= skipBudget(def);
}
/** Every item has an answer or an explicit "not answered"; checklists and activities are always complete enough to review. */
export function itemsOpen(def: QuestionnaireDefinition, answers: Answers): QuestionnaireItem[] {
  return def.items.filter((i) => (i.type === "scale" || i.type === "choice") && answers[i.key] === undefined);
}
/** Blank answers: ticks unticked (RMDQ 0 is a real answer), PSFS with the earlier activity names. */
export function initialAnswers(def: QuestionnaireDefinition, activityNames: string[] = []): Answers {
  const a: Answers = {};
  for (const i of def.items) {
    if (i.type === "tick") a[i.key] = false;
    if (i.type === "activities") a[i.key] = (activityNames.length ? activityNames : Array.from({ length: i.minCount }, () => "")).slice(0, i.maxCount).map((name) => ({ name, score: null }));
  }
  return a;
}
/** The answers as sent: PSFS rows without a name are left out. */
export function cleanAnswers(def: QuestionnaireDefinition, answers: Answers): Answers {
  const out: Answers = { ...answers };
  for (const i of def.items) if (i.type === "activities") out[i.key] = ((answers[i.key] ?? []) as Activity[]).filter((a) => a.name.trim()).map((a) => ({ name: a.name.trim(), score: a.score }));
  return out;
}
export const liveScore = (def: QuestionnaireDefinition, answers: Answers) => score(def, cleanAnswers(def, answers));

type Size = "patient" | "compact";
const chip = (size: Size) => cx(
  "inline-flex cursor-pointer select-none items-center justify-center rounded-lg border font-medium tabular-nums",
  "peer-checked:border-brand-700 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600",
  "border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
  size === "patient" ? "min-h-12 min-w-12 px-3 text-lg" : "min-h-8 min-w-8 px-2 text-sm",
);

function Radio({ name, checked, onChange, label, aria, size, wide }: { name: string; checked: boolean; onChange: () => void; label: string; aria?: string; size: Size; wide?: boolean }) {
  return (
    <label className={cx("relative", wide && "block")}>
      <input type="radio" name={name} className="peer sr-only" checked={checked} onChange={onChange} aria-label={aria} />
      <span className={cx(chip(size), wide && "w-full justify-start text-left", wide && size === "patient" && "py-3 text-base")}>{label}</span>
    </label>
  );
}

function Item({ def, item, answers, set, size, errors }: { def: QuestionnaireDefinition; item: QuestionnaireItem; answers: Answers; set: (k: string, v: Answers[string]) => void; size: Size; errors?: Record<string, string[] | undefined> }) {
  const name = useId();
  const v = answers[item.key];
  const text = item.text ?? item.topic;
  const err = errors?.[`answers.${item.key}`]?.[0];
  const skippable = canSkip(def, answers, item.key);
  const big = size === "patient";
  const skip = skippable || v === null ? <Radio name={name} size={size} checked={v === null} onChange={() => set(item.key, null)} label={S.notAnswered} /> : null;
  return (
    <fieldset className={cx("min-w-0", big ? "py-4" : "py-2")} data-testid={`item-${item.key}`}>
      <legend className={cx("font-medium text-slate-900", big ? "mb-3 text-lg" : "mb-1 text-sm")}>{text}</legend>
      {item.type === "scale" && (
        <>
          <div className={cx("grid gap-1.5", big ? "grid-cols-6 sm:grid-cols-11" : "grid-cols-11")}>
            {Array.from({ length: item.max - item.min + 1 }, (_, n) => item.min + n).map((n) => (
              <Radio key={n} name={name} size={size} checked={v === n} onChange={() => set(item.key, n)} label={String(n)}
                aria={`${n}${n === item.min ? `, ${item.anchors.min}` : n === item.max ? `, ${item.anchors.max}` : ""}`} />
            ))}
          </div>
          <div className={cx("mt-1 flex justify-between gap-4 text-slate-600", big ? "text-sm" : "text-xs")}><span>{item.min} = {item.anchors.min}</span><span className="text-right">{item.max} = {item.anchors.max}</span></div>
          {skip && <div className="mt-2">{skip}</div>}
        </>
      )}
      {item.type === "choice" && (
        <div className={cx("flex flex-col", big ? "gap-2" : "gap-1")}>
          {item.options.map((o) => <Radio key={o.value} name={name} size={size} wide checked={v === o.value} onChange={() => set(item.key, o.value)} label={o.label ?? o.value} />)}
          {skip}
        </div>
      )}
      {item.type === "tick" && null}
      {item.type === "activities" && <Activities item={item} value={(v ?? []) as Activity[]} onChange={(a) => set(item.key, a)} size={size} />}
      {v === undefined && (item.type === "scale" || item.type === "choice") && <p className="mt-1 text-xs text-slate-500">{S.needsAnswer}</p>}
      {err && <p className="mt-1 text-sm font-medium text-red-700" role="alert">{err}</p>}
    </fieldset>
  );
}

function Activities({ item, value, onChange, size }: { item: Extract<QuestionnaireItem, { type: "activities" }>; value: Activity[]; onChange: (a: Activity[]) => void; size: Size }) {
  const big = size === "patient";
  const put = (i: number, a: Partial<Activity>) => onChange(value.map((x, j) => (j === i ? { ...x, ...a } : x)));
  return (
    <div className="flex flex-col gap-3">
      <p className={cx("text-slate-600", big ? "text-sm" : "text-xs")}>{item.min} = {item.anchors.min}; {item.max} = {item.anchors.max}</p>
      {value.map((a, i) => (
        <div key={i} className="rounded-md border border-slate-200 p-2">
          <label className={cx("flex flex-col gap-1 font-medium text-slate-700", big ? "text-base" : "text-sm")}>
            {S.activity(i + 1)}
            <input value={a.name} onChange={(e) => put(i, { name: e.target.value })} maxLength={100} placeholder={S.activityPlaceholder}
              className={cx("rounded-md border border-slate-300 px-3", big ? "py-3 text-base" : "py-1.5 text-sm")} />
          </label>
          <div className={cx("mt-2 grid gap-1", big ? "grid-cols-6 sm:grid-cols-12" : "grid-cols-12")} role="radiogroup" aria-label={`${S.activity(i + 1)}: ${S.rating}`}>
            {Array.from({ length: item.max - item.min + 1 }, (_, n) => item.min + n).map((n) => (
              <label key={n} className="relative">
                <input type="radio" className="peer sr-only" name={`act-${i}`} checked={a.score === n} onChange={() => put(i, { score: n })} aria-label={`${a.name || S.activity(i + 1)}: ${n}`} />
                <span className={chip(size)}>{n}</span>
              </label>
            ))}
            <label className="relative col-span-2">
              <input type="radio" className="peer sr-only" name={`act-${i}`} checked={a.score === null} onChange={() => put(i, { score: null })} />
              <span className={cx(chip(size), "w-full")}>{S.notRated}</span>
            </label>
          </div>
        </div>
      ))}
      <div className="flex gap-2">
        {value.length < item.maxCount && <button type="button" className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 ring-1 ring-slate-300" onClick={() => onChange([...value, { name: "", score: null }])}>{S.addActivity}</button>}
        {value.length > item.minCount && <button type="button" className="rounded-md px-3 py-2 text-sm text-slate-600 ring-1 ring-slate-300" onClick={() => onChange(value.slice(0, -1))}>{S.removeActivity}</button>}
      </div>
    </div>
  );
}

function Ticks({ def, answers, set, size }: { def: QuestionnaireDefinition; answers: Answers; set: (k: string, v: boolean) => void; size: Size }) {
  const big = size === "patient";
  return (
    <ul className={cx("flex flex-col", big ? "gap-2" : "gap-0.5")}>
      {def.items.filter((i) => i.type === "tick").map((i) => (
        <li key={i.key}>
          <label className={cx("flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 hover:bg-slate-50", big ? "p-3 text-base" : "px-2 py-1 text-sm")} data-testid={`item-${i.key}`}>
            <input type="checkbox" className={cx("mt-0.5 shrink-0 accent-brand-600", big ? "size-6" : "size-4")} checked={answers[i.key] === true} onChange={(e) => set(i.key, e.target.checked)} />
            <span>{i.text ?? i.topic}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}

export function QuestionnaireForm({ def, answers, onChange, size = "patient", errors }: { def: QuestionnaireDefinition; answers: Answers; onChange: (a: Answers) => void; size?: Size; errors?: Record<string, string[] | undefined> }) {
  const set = (k: string, v: Answers[string]) => onChange({ ...answers, [k]: v });
  const checklist = def.items.every((i) => i.type === "tick");
  return (
    <div data-testid={`form-${def.key}`}>
      {def.instructions && <p className={cx("text-slate-700", size === "patient" ? "mb-2 text-base" : "mb-1 text-xs")}>{def.instructions}</p>}
      {checklist ? <Ticks def={def} answers={answers} set={set} size={size} /> : (
        <div className="divide-y divide-slate-100">
          {def.items.map((i) => <Item key={i.key} def={def} item={i} answers={answers} set={set} size={size} errors={errors} />)}
        </div>
      )}
    </div>
  );
}
