"use client";
// The patient's questionnaire page (/q/<token>): an introduction, then each questionnaire of the set on its own
// screen ("2 of 5"), then a check-and-send step. Answers stay in this browser tab until the patient sends them all
// at once (the server stores all or nothing); the server scores them.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { type Answers } from "../../../_shared/care/questionnaires";
import { formatDateTime } from "../../../_shared/format";
import { describeError, useTRPC, type FieldErrors } from "../../../_lib/trpc";
import { Alert, Button, Spinner } from "../../ui";
import { PATIENT_STRINGS as S } from "./strings";
import { cleanAnswers, initialAnswers, itemsOpen, liveScore, QuestionnaireForm } from "./QuestionnaireForm";

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen w-full max-w-2xl flex-col gap-4 px-4 py-6 sm:py-10">
      {children}
    </main>
  );
}

export function PatientQuestionnaires({ token }: { token: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.questionnaires.open.queryOptions({ token }, { staleTime: Infinity, refetchOnWindowFocus: false, retry: false }));
  const [step, setStep] = useState(-1); // -1 intro, 0..n-1 forms, n review
  const [answers, setAnswers] = useState<Record<string, Answers>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const submit = useMutation(trpc.questionnaires.submit.mutationOptions({
    onError: (e) => { const d = describeError(e); setError(d.message); setErrors(d.fields); },
  }));
  const forms = useMemo(() => info.data?.forms ?? [], [info.data]);
  useEffect(() => {
    if (forms.length && !Object.keys(answers).length) setAnswers(Object.fromEntries(forms.map((f) => [f.key, initialAnswers(f, f.key === "psfs" ? info.data?.activityNames ?? [] : [])])));
  }, [forms, answers, info.data]);
  useEffect(() => { if (typeof window !== "undefined") window.scrollTo({ top: 0 }); }, [step]);

  if (info.isLoading) return <Shell><Spinner label={S.checking} /></Shell>;
  if (info.error) {
    const code = (info.error as { data?: { code?: string } }).data?.code;
    return <Shell><Alert title={S.cannotUse} tone={/already been sent/.test(info.error.message) ? "blue" : "red"}>{code ? info.error.message : S.network}</Alert></Shell>;
  }
  const d = info.data!;
  if (submit.isSuccess) return <Shell><Alert tone="green" title={S.thanksTitle}><p>{S.thanksText}</p></Alert><p className="text-sm text-slate-600">{S.safety}</p></Shell>;
  const n = forms.length;
  const header = (
    <header>
      <p className="text-sm font-medium text-brand-700">{d.clinicName}</p>
      <h1 className="text-2xl font-semibold text-slate-900">{S.title}</h1>
    </header>
  );
  if (step < 0)
    return (
      <Shell>
        {header}
        <p className="text-lg font-medium">{S.hello(d.firstName)}</p>
        <p className="text-base text-slate-700">{S.intro(d.clinicName, n)}</p>
        <ul className="list-inside list-disc text-base text-slate-700">{forms.map((f) => <li key={f.key}>{f.title}</li>)}</ul>
        <p className="text-sm text-slate-600">{S.introPrivacy}</p>
        <Button className="min-h-12 text-lg" onClick={() => setStep(0)}>{S.start}</Button>
        <p className="text-xs text-slate-500">{S.validUntil(formatDateTime(d.expiresAt, Intl.DateTimeFormat().resolvedOptions().timeZone))} {S.safety}</p>
      </Shell>
    );
  const progress = (
    <div className="flex items-center gap-3" aria-label={S.step(Math.min(step + 1, n), n)}>
      <span className="text-sm font-semibold text-slate-700" data-testid="q-progress">{step < n ? S.step(step + 1, n) : S.reviewTitle}</span>
      <div className="h-2 flex-1 rounded-full bg-slate-200"><div className="h-2 rounded-full bg-brand-600" style={{ width: `${(Math.min(step, n) / n) * 100}%` }} /></div>
    </div>
  );
  if (step < n) {
    const f = forms[step]!;
    const a = answers[f.key] ?? {};
    const open = itemsOpen(f, a);
    return (
      <Shell>
        {header}
        {progress}
        <section aria-labelledby="q-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="q-title" className="text-xl font-semibold text-slate-900">{f.title}</h2>
          <p className="mb-2 text-sm text-slate-500">{f.recall}</p>
          <QuestionnaireForm def={f} answers={a} onChange={(x) => setAnswers({ ...answers, [f.key]: x })} errors={Object.fromEntries(Object.entries(errors).flatMap(([k, v]) => { const m = new RegExp(`^responses\\.${step}\\.(answers\\..*)$`).exec(k); return m ? [[m[1]!, v]] : []; }))} />
        </section>
        {open.length > 0 && <p className="text-sm text-amber-800" role="status">{S.unanswered(open.length)}</p>}
        <nav className="sticky bottom-0 flex gap-3 bg-slate-50/95 py-3">
          <Button variant="secondary" className="min-h-12 flex-1 text-base" onClick={() => setStep(step - 1)}>{S.back}</Button>
          <Button className="min-h-12 flex-1 text-base" disabled={open.length > 0} onClick={() => setStep(step + 1)}>{step + 1 < n ? S.next : S.review}</Button>
        </nav>
      </Shell>
    );
  }
  const blocked = forms.filter((f) => !liveScore(f, answers[f.key] ?? {}).completeness.computable);
  return (
    <Shell>
      {header}
      {progress}
      <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 className="text-xl font-semibold">{S.reviewTitle}</h2>
        <p className="mt-1 text-base text-slate-700">{S.reviewText}</p>
        <ul className="mt-3 divide-y divide-slate-100">
          {forms.map((f, i) => (
            <li key={f.key} className="flex items-center justify-between gap-3 py-2">
              <span className="text-base">{f.title}</span>
              <button type="button" className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 ring-1 ring-slate-300" onClick={() => setStep(i)}>Change</button>
            </li>
          ))}
        </ul>
      </section>
      {blocked.map((f) => <Alert key={f.key} tone="amber">{S.needsMore(f.title)}</Alert>)}
      {error && <Alert>{error}</Alert>}
      <nav className="flex gap-3 py-3">
        <Button variant="secondary" className="min-h-12 flex-1 text-base" onClick={() => setStep(n - 1)}>{S.back}</Button>
        <Button className="min-h-12 flex-1 text-base" busy={submit.isPending} disabled={blocked.length > 0}
          onClick={() => { setError(null); setErrors({}); submit.mutate({ token, responses: forms.map((f) => ({ instrument: f.key, version: f.version, answers: cleanAnswers(f, answers[f.key] ?? {}) as Record<string, unknown> })) }); }}>
          {submit.isPending ? S.sending : S.send}
        </Button>
      </nav>
      <p className="text-xs text-slate-500">{S.safety}</p>
    </Shell>
  );
}
