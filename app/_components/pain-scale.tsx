"use client";
// Pain during a movement (NPRS 0–10), one control everywhere it is entered (the visit room and the trial
// review): a row of radio buttons 0–10 with an explicit "Not recorded" choice, so "no answer" never looks
// like "0, no pain". Native radios: arrow keys move within the group, Tab leaves it, focus is visible.
import { useId } from "react";

export const PAIN_LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export function painText(v: number | null | undefined): string {
  return v === null || v === undefined ? "not recorded" : `${v}/10`;
}

const chip =
  "inline-flex min-w-9 cursor-pointer select-none items-center justify-center rounded-md border px-2 py-1.5 text-sm font-medium tabular-nums " +
  "peer-checked:border-brand-700 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600 " +
  "border-slate-300 bg-white text-slate-700 hover:bg-slate-50";

export function PainScale({ value, onChange, legend = "Pain during the movement (0 = none, 10 = worst)", disabled, error }: {
  value: number | null;
  onChange: (v: number | null) => void;
  legend?: string;
  disabled?: boolean;
  error?: string;
}) {
  const name = useId();
  const errId = `${name}-err`;
  return (
    <fieldset className="min-w-0" disabled={disabled} aria-describedby={error ? errId : undefined} data-testid="pain-scale">
      <legend className="mb-1 text-sm font-medium text-slate-700">
        {legend}: <span data-testid="pain-value">{painText(value)}</span>
      </legend>
      <div className="flex flex-wrap gap-1">
        <label className="relative">
          <input type="radio" name={name} className="peer sr-only" checked={value === null} onChange={() => onChange(null)} />
          <span className={chip}>Not recorded</span>
        </label>
        {PAIN_LEVELS.map((n) => (
          <label key={n} className="relative">
            <input type="radio" name={name} value={n} className="peer sr-only" checked={value === n} onChange={() => onChange(n)}
              aria-label={`${n} out of 10${n === 0 ? ", no pain" : n === 10 ? ", worst pain" : ""}`} />
            <span className={chip} aria-hidden>{n}</span>
          </label>
        ))}
      </div>
      {error && <p id={errId} role="alert" className="mt-1 text-xs font-medium text-red-700">{error}</p>}
    </fieldset>
  );
}
