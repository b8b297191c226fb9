"use client";
// The patient's intake (issue 17): no sign-in, the link is the credential. Four short steps validated with the same
// zod schema the server uses (intakeForm); the server evaluates the red flags and its answer (the tier's message) is
// shown at once. The emergency message is plain: seek emergency care today.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Alert, Button, Spinner } from "../../_components/ui";
import {
  ACTIVITY_LEVEL, BODY_REGIONS, DURATION, FACTORS, INTAKE_FORM_VERSION, intakeForm, LEG_SIDES, LEG_SPREAD, LEG_SYMPTOMS, ONSET_HOW, PHYSICAL_DEMAND,
  PREVIOUS_EPISODES, RED_FLAG_ANSWERS, RED_FLAG_QUESTIONS, WORK_STATUS, type IntakeFormInput, type RedFlagAnswer, type Tier,
} from "../../_shared/care/red-flags";
import { formatLongDay } from "../../_shared/format";
import { describeError, useTRPC } from "../../_lib/trpc";
import { ACTIVITY_L, DEMAND_L, DURATION_L, FACTOR_L, HOW_L, PREVIOUS_L, REGION_L, S, SIDE_L, SPREAD_L, SYMPTOM_L, WORK_L } from "./strings";

type Draft = {
  onset: { duration?: string; startedOn?: string; how?: string; description: string };
  regions: string[];
  leg: { spread?: string; side: string | null; symptoms: string[] };
  betterWith: string[];
  worseWith: string[];
  betterOther: string;
  worseOther: string;
  previous: { episodes?: string; details: string };
  work: { status?: string; occupation: string; physicalDemand?: string; activityLevel?: string };
  goals: string[];
  medication: { name: string; dose: string; forBackPain: boolean }[];
  redFlags: Record<string, RedFlagAnswer | undefined>;
};
const empty: Draft = {
  onset: { description: "" }, regions: [], leg: { side: null, symptoms: [] }, betterWith: [], worseWith: [], betterOther: "", worseOther: "",
  previous: { details: "" }, work: { occupation: "" }, goals: [""], medication: [], redFlags: {},
};
/** The draft as the schema's input: empty optional fields left out, empty medicine rows dropped. */
function toInput(d: Draft): IntakeFormInput {
  return {
    ...(d as unknown as IntakeFormInput),
    version: INTAKE_FORM_VERSION,
    onset: { ...d.onset, startedOn: d.onset.startedOn || undefined } as IntakeFormInput["onset"],
    leg: { ...d.leg, side: d.leg.spread === "none" ? null : d.leg.side, symptoms: d.leg.spread === "none" ? [] : d.leg.symptoms } as IntakeFormInput["leg"],
    medication: d.medication.filter((m) => m.name.trim() || m.dose.trim()),
  };
}
const STEP_OF = (path: string): number => (/^(onset|regions|leg)/.test(path) ? 0 : /^(betterWith|worseWith|betterOther|worseOther|previous)/.test(path) ? 1 : /^(work|goals|medication)/.test(path) ? 2 : 3);
type Errors = Record<string, string>;

export function IntakeFlow({ token }: { token: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.episodes.intake.info.queryOptions({ token }, { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 }));
  const [done, setDone] = useState<{ tier: Tier; message: { title: string; body: string[] } } | null>(null);
  if (done) return <Shell><Result tier={done.tier} message={done.message} /></Shell>;
  if (info.isLoading) return <Shell><Spinner label={S.checking} /></Shell>;
  if (info.error || !info.data) return <Shell><Alert title={S.cannotUse}>{S.offline}</Alert></Shell>;
  if (!info.data.ok) return <Shell><Alert tone={info.data.problem === "completed" ? "green" : "red"} title={info.data.problem === "completed" ? S.alreadySent : S.cannotUse}>{info.data.message}</Alert></Shell>;
  const i = info.data;
  return (
    <Shell>
      <Form token={token} onDone={setDone} intro={<p className="mb-4 text-sm text-slate-700"><span className="font-medium">{S.hello(i.firstName)}</span> {S.intro(i.therapistName, i.clinicName)} {S.validUntil(formatLongDay(i.expiresAt, Intl.DateTimeFormat().resolvedOptions().timeZone))}</p>} />
    </Shell>
  );
}

function Form({ token, onDone, intro }: { token: string; onDone: (r: { tier: Tier; message: { title: string; body: string[] } }) => void; intro: ReactNode }) {
  const trpc = useTRPC();
  const [d, setD] = useState<Draft>(empty);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const submit = useMutation(
    trpc.episodes.intake.submit.mutationOptions({
      onSuccess: (r) => onDone(r),
      onError: (e) => {
        const x = describeError(e);
        const errs: Errors = {};
        for (const [k, v] of Object.entries(x.fields)) if (v?.[0]) errs[k.replace(/^form\./, "")] = v[0];
        setErrors(errs);
        setFormError(x.message);
        const first = Object.keys(errs)[0];
        if (first) setStep(STEP_OF(first));
      },
    }),
  );
  const up = (f: (x: Draft) => Draft) => setD((x) => f(structuredClone(x)));
  const issues = (): Errors => {
    const r = intakeForm.safeParse(toInput(d));
    const out: Errors = {};
    if (!r.success) for (const iss of r.error.issues) out[iss.path.join(".")] ??= iss.message;
    return out;
  };
  const next = () => {
    const all = issues();
    const mine = Object.fromEntries(Object.entries(all).filter(([k]) => STEP_OF(k) === step));
    setErrors(mine);
    setFormError(Object.keys(mine).length ? S.fix : null);
    if (Object.keys(mine).length) return;
    if (step < 3) {
      setStep(step + 1);
      window.scrollTo({ top: 0 });
      return;
    }
    if (Object.keys(all).length) {
      setErrors(all);
      setFormError(S.fix);
      setStep(STEP_OF(Object.keys(all)[0]!));
      return;
    }
    submit.mutate({ token, form: toInput(d) });
  };
  const e = (p: string) => errors[p];
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <form noValidate className="mt-2" onSubmit={(ev) => { ev.preventDefault(); next(); }}>
      {step === 0 && intro}
      <ol className="mb-3 flex gap-1 text-xs" aria-label={S.stepOf(step + 1, 4)}>
        {S.steps.map((s, i) => (
          <li key={s} aria-current={i === step ? "step" : undefined} className={`flex-1 rounded px-2 py-1.5 text-center font-medium ${i === step ? "bg-brand-600 text-white" : i < step ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-500"}`}>
            <span className="sm:hidden">{i + 1}</span><span className="hidden sm:inline">{i + 1}. {s}</span>
          </li>
        ))}
      </ol>
      <h2 className="mb-2 text-lg font-semibold">{S.steps[step]}</h2>
      {formError && <div className="mb-3"><Alert>{formError}</Alert></div>}
      {step === 0 && (
        <div className="grid gap-4 md:grid-cols-2">
          <div className="flex flex-col gap-4">
            <Choice legend={S.duration} options={DURATION} labels={DURATION_L} value={d.onset.duration} error={e("onset.duration")} onChange={(v) => up((x) => ((x.onset.duration = v), x))} />
            <Choice legend={S.how} options={ONSET_HOW} labels={HOW_L} value={d.onset.how} error={e("onset.how")} onChange={(v) => up((x) => ((x.onset.how = v), x))} />
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">{S.startedOn}
              <input type="date" className={input(!!e("onset.startedOn"))} value={d.onset.startedOn ?? ""} onChange={(ev) => up((x) => ((x.onset.startedOn = ev.target.value), x))} aria-invalid={!!e("onset.startedOn") || undefined} />
              {e("onset.startedOn") && <span role="alert" className="text-xs text-red-700">{e("onset.startedOn")}</span>}
            </label>
          </div>
          <div className="flex flex-col gap-4">
            <BodyMap value={d.regions} error={e("regions")} onToggle={(r) => up((x) => ((x.regions = toggle(x.regions, r)), x))} />
            <Choice legend={S.legSpread} options={LEG_SPREAD} labels={SPREAD_L} value={d.leg.spread} error={e("leg.spread")} onChange={(v) => up((x) => ((x.leg.spread = v), x))} />
            {d.leg.spread && d.leg.spread !== "none" && (
              <>
                <Choice legend={S.legSide} options={LEG_SIDES} labels={SIDE_L} value={d.leg.side ?? undefined} error={e("leg.side")} onChange={(v) => up((x) => ((x.leg.side = v), x))} />
                <Multi legend={S.legSymptoms} options={LEG_SYMPTOMS} labels={SYMPTOM_L} value={d.leg.symptoms} onToggle={(v) => up((x) => ((x.leg.symptoms = toggle(x.leg.symptoms, v)), x))} />
              </>
            )}
          </div>
          <Text className="md:col-span-2" label={S.description} value={d.onset.description} error={e("onset.description")} onChange={(v) => up((x) => ((x.onset.description = v), x))} />
        </div>
      )}
      {step === 1 && (
        <div className="grid gap-4 md:grid-cols-2">
          <Multi legend={S.better} options={FACTORS} labels={FACTOR_L} value={d.betterWith} onToggle={(v) => up((x) => ((x.betterWith = toggle(x.betterWith, v)), x))} />
          <Multi legend={S.worse} options={FACTORS} labels={FACTOR_L} value={d.worseWith} onToggle={(v) => up((x) => ((x.worseWith = toggle(x.worseWith, v)), x))} />
          <Text label={S.betterOther} value={d.betterOther} error={e("betterOther")} onChange={(v) => up((x) => ((x.betterOther = v), x))} />
          <Text label={S.worseOther} value={d.worseOther} error={e("worseOther")} onChange={(v) => up((x) => ((x.worseOther = v), x))} />
          <Choice legend={S.previous} options={PREVIOUS_EPISODES} labels={PREVIOUS_L} value={d.previous.episodes} error={e("previous.episodes")} onChange={(v) => up((x) => ((x.previous.episodes = v), x))} />
          <Text label={S.previousDetails} value={d.previous.details} error={e("previous.details")} onChange={(v) => up((x) => ((x.previous.details = v), x))} />
        </div>
      )}
      {step === 2 && (
        <div className="grid gap-4 md:grid-cols-2">
          <div className="flex flex-col gap-4">
            <Choice legend={S.workStatus} options={WORK_STATUS} labels={WORK_L} value={d.work.status} error={e("work.status")} onChange={(v) => up((x) => ((x.work.status = v), x))} />
            <Text label={S.occupation} value={d.work.occupation} error={e("work.occupation")} onChange={(v) => up((x) => ((x.work.occupation = v), x))} single />
            <Choice legend={S.physicalDemand} options={PHYSICAL_DEMAND} labels={DEMAND_L} value={d.work.physicalDemand} error={e("work.physicalDemand")} onChange={(v) => up((x) => ((x.work.physicalDemand = v), x))} />
            <Choice legend={S.activity} options={ACTIVITY_LEVEL} labels={ACTIVITY_L} value={d.work.activityLevel} error={e("work.activityLevel")} onChange={(v) => up((x) => ((x.work.activityLevel = v), x))} />
          </div>
          <div className="flex flex-col gap-4">
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-1 text-sm font-medium text-slate-700">{S.goals}</legend>
              {d.goals.map((g, i) => (
                <div key={i} className="flex gap-2">
                  <input aria-label={`Goal ${i + 1}`} className={`${input(!!e(`goals.${i}`))} flex-1`} placeholder={S.goalPlaceholder} value={g} maxLength={300} onChange={(ev) => up((x) => ((x.goals[i] = ev.target.value), x))} />
                  {d.goals.length > 1 && <Button variant="ghost" onClick={() => up((x) => ((x.goals = x.goals.filter((_, j) => j !== i)), x))}>{S.remove}</Button>}
                </div>
              ))}
              {(e("goals") || Object.keys(errors).find((k) => k.startsWith("goals."))) && <p role="alert" className="text-xs font-medium text-red-700">{e("goals") ?? errors[Object.keys(errors).find((k) => k.startsWith("goals."))!]}</p>}
              {d.goals.length < 5 && <Button variant="secondary" className="self-start" onClick={() => up((x) => ((x.goals = [...x.goals, ""]), x))}>{S.addGoal}</Button>}
            </fieldset>
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-1 text-sm font-medium text-slate-700">{S.medication}</legend>
              {d.medication.map((m, i) => (
                <div key={i} className="flex flex-wrap items-center gap-2">
                  <input aria-label={`${S.medName} ${i + 1}`} placeholder={S.medName} className={`${input(!!e(`medication.${i}.name`))} min-w-0 flex-1`} value={m.name} maxLength={120} onChange={(ev) => up((x) => ((x.medication[i]!.name = ev.target.value), x))} />
                  <input aria-label={`${S.medDose} ${i + 1}`} placeholder={S.medDose} className={`${input(false)} w-28`} value={m.dose} maxLength={120} onChange={(ev) => up((x) => ((x.medication[i]!.dose = ev.target.value), x))} />
                  <label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={m.forBackPain} onChange={(ev) => up((x) => ((x.medication[i]!.forBackPain = ev.target.checked), x))} />{S.medForBack}</label>
                  <Button variant="ghost" onClick={() => up((x) => ((x.medication = x.medication.filter((_, j) => j !== i)), x))}>{S.remove}</Button>
                  {e(`medication.${i}.name`) && <p role="alert" className="w-full text-xs font-medium text-red-700">{e(`medication.${i}.name`)}</p>}
                </div>
              ))}
              {d.medication.length < 30 && <Button variant="secondary" className="self-start" onClick={() => up((x) => ((x.medication = [...x.medication, { name: "", dose: "", forBackPain: false }]), x))}>{S.addMed}</Button>}
            </fieldset>
          </div>
        </div>
      )}
      {step === 3 && (
        <div>
          <p className="mb-2 text-sm text-slate-700">{S.safetyIntro}</p>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
            {RED_FLAG_QUESTIONS.map((q) => (
              <li key={q.key} className="flex flex-col gap-1.5 px-3 py-1 sm:flex-row sm:items-center sm:justify-between">
                <fieldset className="contents">
                  <legend className="text-sm leading-snug text-slate-800 sm:max-w-[75%]" id={`rf-${q.key}`}>{q.text}</legend>
                  <div className="flex shrink-0 gap-1" role="radiogroup" aria-labelledby={`rf-${q.key}`}>
                    {RED_FLAG_ANSWERS.map((a) => (
                      <label key={a} className={`cursor-pointer rounded-md px-3 py-1 text-sm ring-1 ${d.redFlags[q.key] === a ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}>
                        <input type="radio" className="sr-only" name={`rf-${q.key}`} value={a} checked={d.redFlags[q.key] === a} onChange={() => up((x) => ((x.redFlags[q.key] = a), x))} />
                        {S.answers[a]}
                      </label>
                    ))}
                  </div>
                </fieldset>
                {(e(`redFlags.${q.key}`) || (e("redFlags") && !d.redFlags[q.key])) && <p role="alert" className="text-xs font-medium text-red-700">{e(`redFlags.${q.key}`) ?? "Answer yes, no or not sure"}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="mt-3 flex justify-between gap-3">
        <Button variant="secondary" disabled={step === 0} onClick={() => { setErrors({}); setFormError(null); setStep(step - 1); }}>{S.back}</Button>
        <Button type="submit" busy={submit.isPending}>{step < 3 ? S.next : submit.isPending ? S.sending : S.send}</Button>
      </div>
    </form>
  );
}

function Result({ tier, message }: { tier: Tier; message: { title: string; body: string[] } }) {
  if (tier === "EMERGENCY")
    return (
      <div role="alert" data-testid="intake-result" data-tier={tier} className="rounded-lg border-2 border-red-600 bg-red-50 p-5 text-red-900">
        <h2 className="text-2xl font-bold">{message.title}</h2>
        {message.body.map((b) => <p key={b} className="mt-3 text-base">{b}</p>)}
        <p className="mt-3 text-base font-semibold">{S.emergencyCall}</p>
      </div>
    );
  return (
    <div role="status" data-testid="intake-result" data-tier={tier} className={`rounded-lg border p-5 ${tier === "URGENT" ? "border-amber-300 bg-amber-50 text-amber-950" : "border-emerald-200 bg-emerald-50 text-emerald-950"}`}>
      <h2 className="text-xl font-semibold">{message.title}</h2>
      {message.body.map((b) => <p key={b} className="mt-2 text-sm">{b}</p>)}
      <p className="mt-3 text-sm">{S.doneNote}</p>
    </div>
  );
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto max-w-4xl p-4 sm:p-6">
      <h1 className="mb-2 text-2xl font-semibold tracking-tight">{S.title}</h1>
      {children}
    </main>
  );
}

const input = (invalid: boolean) => `rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 ${invalid ? "border-red-500 focus:ring-red-300" : "border-slate-300 focus:ring-brand-100"}`;

function Choice<T extends readonly string[]>({ legend, options, labels, value, error, onChange }: { legend: string; options: T; labels: Record<T[number], string>; value?: string; error?: string; onChange: (v: T[number]) => void }) {
  return (
    <fieldset aria-invalid={!!error || undefined}>
      <legend className="mb-1.5 text-sm font-medium text-slate-700">{legend}</legend>
      <div className="flex flex-wrap gap-1.5">
        {options.map((o) => (
          <label key={o} className={`cursor-pointer rounded-full px-3 py-1 text-sm ring-1 ${value === o ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}>
            <input type="radio" className="sr-only" name={legend} value={o} checked={value === o} onChange={() => onChange(o)} />
            {labels[o as T[number]]}
          </label>
        ))}
      </div>
      {error && <p role="alert" className="mt-1 text-xs font-medium text-red-700">{error}</p>}
    </fieldset>
  );
}

function Multi<T extends readonly string[]>({ legend, options, labels, value, onToggle }: { legend: string; options: T; labels: Record<T[number], string>; value: string[]; onToggle: (v: T[number]) => void }) {
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium text-slate-700">{legend}</legend>
      <div className="flex flex-wrap gap-1.5">
        {options.map((o) => (
          <label key={o} className={`cursor-pointer rounded-full px-3 py-1 text-sm ring-1 ${value.includes(o) ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}>
            <input type="checkbox" className="sr-only" checked={value.includes(o)} onChange={() => onToggle(o)} />
            {labels[o as T[number]]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Text({ label, value, error, onChange, className, single }: { label: string; value: string; error?: string; onChange: (v: string) => void; className?: string; single?: boolean }) {
  return (
    <label className={`flex flex-col gap-1 text-sm font-medium text-slate-700 ${className ?? ""}`}>
      {label}
      {single ? (
        <input className={input(!!error)} value={value} maxLength={200} onChange={(ev) => onChange(ev.target.value)} aria-invalid={!!error || undefined} />
      ) : (
        <textarea rows={2} className={input(!!error)} value={value} maxLength={1000} onChange={(ev) => onChange(ev.target.value)} aria-invalid={!!error || undefined} />
      )}
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </label>
  );
}

/** A simple body map seen from behind: the areas as buttons laid out where they are. */
function BodyMap({ value, error, onToggle }: { value: string[]; error?: string; onToggle: (r: (typeof BODY_REGIONS)[number]) => void }) {
  const rows: (typeof BODY_REGIONS)[number][][] = [["neck"], ["upper_back"], ["lower_back_left", "lower_back_centre", "lower_back_right"], ["hip_left", "buttock_left", "buttock_right", "hip_right"]];
  return (
    <fieldset aria-invalid={!!error || undefined}>
      <legend className="mb-1 text-sm font-medium text-slate-700">{S.regions}</legend>
      <p className="mb-1.5 text-xs text-slate-500">{S.regionsHint}</p>
      <div className="mx-auto flex max-w-sm flex-col items-center gap-1 rounded-xl bg-slate-50 p-2" data-testid="body-map">
        {rows.map((r, i) => (
          <div key={i} className="flex w-full justify-center gap-1">
            {r.map((k) => (
              <button key={k} type="button" aria-pressed={value.includes(k)} onClick={() => onToggle(k)}
                className={`rounded-md px-2 py-1.5 text-xs font-medium ring-1 ${i < 2 ? "w-2/3" : "flex-1"} ${value.includes(k) ? "bg-red-500 text-white ring-red-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-red-50"}`}>
                {REGION_L[k]}
              </button>
            ))}
          </div>
        ))}
      </div>
      {error && <p role="alert" className="mt-1 text-xs font-medium text-red-700">{error}</p>}
    </fieldset>
  );
}
