"use client";
// Admin settings of the clinic's outcome questionnaires: switch each on or off, record the clinic's licence where
// the instrument needs one (ODI), and enter the licensed wording where PoseVisit may not ship it (STarT Back, ODI).
// Each instrument says its licence terms and why it cannot be sent yet.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useFormat } from "../../../_lib/clinic";
import { describeError, useTRPC, type FieldErrors, type RouterOutputs } from "../../../_lib/trpc";
import { Alert, Badge, Button, Field, Spinner } from "../../ui";
import type { QuestionnaireKey } from "../../../_shared/care/questionnaires";

type Row = RouterOutputs["questionnaires"]["settings"][number];
const KIND: Record<string, [string, "green" | "blue" | "amber" | "red"]> = {
  FREE: ["free to use", "green"], NO_STATEMENT: ["no licence statement", "blue"], FREE_NON_COMMERCIAL: ["free for non-commercial use", "amber"], LICENCE_REQUIRED: ["licence required", "red"],
};

function WordingForm({ row, onDone }: { row: Row; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [text, setText] = useState(() => row.text ?? { instrument: row.key as QuestionnaireKey, version: row.version, instructions: "", items: Object.fromEntries(row.textFields!.map((i) => [i.key, i.options.length ? { text: "", options: Object.fromEntries(i.options.map((o) => [o.value, ""])) } : { text: "" }])) });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(trpc.questionnaires.setText.mutationOptions({
    onSuccess: (r) => { qc.setQueryData(trpc.questionnaires.settings.queryKey(), r); onDone(); },
    onError: (e) => { const d = describeError(e); setError(d.message); setErrors(d.fields); },
  }));
  const items = text.items as Record<string, { text: string; options?: Record<string, string> }>;
  const put = (k: string, v: { text: string; options?: Record<string, string> }) => setText({ ...text, items: { ...items, [k]: v } });
  return (
    <form className="mt-2 flex max-h-[55vh] flex-col gap-2 overflow-y-auto rounded-md border border-slate-200 p-3" onSubmit={(e) => { e.preventDefault(); setError(null); setErrors({}); save.mutate({ instrument: row.key as QuestionnaireKey, text }); }}>
      <p className="text-xs text-slate-600">Copy the wording exactly from the clinic&apos;s licensed copy. Scoring does not depend on it.</p>
      <Field label="Instructions (optional)" value={text.instructions ?? ""} onChange={(e) => setText({ ...text, instructions: e.target.value })} error={errors["text.instructions"]} />
      {row.textFields!.map((i) => (
        <div key={i.key} className="rounded border border-slate-100 p-2">
          <Field label={`Item: ${i.topic}`} value={items[i.key]?.text ?? ""} onChange={(e) => put(i.key, { ...items[i.key]!, text: e.target.value })} error={errors[`text.items.${i.key}.text`] ?? errors[`text.items.${i.key}`]} />
          {i.options.length > 0 && (
            <div className="mt-1 grid grid-cols-2 gap-1">
              {i.options.map((o) => (
                <Field key={o.value} label={`Answer scoring ${o.score}`} value={items[i.key]?.options?.[o.value] ?? ""} error={errors[`text.items.${i.key}.options.${o.value}`]}
                  onChange={(e) => put(i.key, { ...items[i.key]!, options: { ...(items[i.key]?.options ?? {}), [o.value]: e.target.value } })} />
              ))}
            </div>
          )}
        </div>
      ))}
      {error && <Alert>{error}</Alert>}
      <div className="sticky bottom-0 flex gap-2 bg-white pt-1"><Button type="submit" busy={save.isPending}>Save wording</Button><Button variant="ghost" onClick={onDone}>Cancel</Button></div>
    </form>
  );
}

function InstrumentRow({ row }: { row: Row }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const [ref, setRef] = useState("");
  const [tick, setTick] = useState(false);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const opts = { onSuccess: (r: Row[]) => { setError(null); setFields({}); qc.setQueryData(trpc.questionnaires.settings.queryKey(), r); }, onError: (e: unknown) => { const d = describeError(e); setError(d.message); setFields(d.fields); } };
  const enable = useMutation(trpc.questionnaires.setEnabled.mutationOptions(opts));
  const confirm = useMutation(trpc.questionnaires.confirmLicence.mutationOptions(opts));
  const withdraw = useMutation(trpc.questionnaires.withdrawLicence.mutationOptions(opts));
  const removeText = useMutation(trpc.questionnaires.setText.mutationOptions(opts));
  const [kind, tone] = KIND[row.licence.kind]!;
  return (
    <li className="py-3" data-testid={`setting-${row.key}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <span className="font-semibold">{row.title}</span> <Badge tone={tone}>{kind}</Badge>{" "}
          {row.available ? <Badge tone="green">can be sent</Badge> : <Badge tone="gray">not sent</Badge>}
          <p className="text-xs text-slate-500">{row.construct}</p>
        </div>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" className="size-4 accent-brand-600" checked={row.enabled} disabled={enable.isPending} onChange={(e) => enable.mutate({ instrument: row.key as QuestionnaireKey, enabled: e.target.checked })} />
          Enabled
        </label>
      </div>
      <p className="mt-1 text-xs text-slate-700">{row.licence.text} <span className="text-slate-500">Holder: {row.licence.holder}{row.licence.url ? ` (${row.licence.url})` : ""}.</span></p>
      {!row.available && <p className="mt-1 text-xs text-amber-800" data-testid={`reasons-${row.key}`}>Why not: {row.reasons.join("; ")}.</p>}
      {row.licence.requiresConfirmation && (row.licenceConfirmation ? (
        <p className="mt-1 text-xs text-slate-700">Licence recorded by {row.licenceConfirmation.by} on {f.day(row.licenceConfirmation.at)}, reference “{row.licenceConfirmation.reference}”. <button type="button" className="text-red-700 underline" onClick={() => { if (window.confirm("Withdraw the licence? The questionnaire is switched off.")) withdraw.mutate({ instrument: row.key as QuestionnaireKey }); }}>Withdraw</button></p>
      ) : (
        <form className="mt-2 flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); confirm.mutate({ instrument: row.key as QuestionnaireKey, reference: ref, confirm: tick as true }); }}>
          <Field className="w-56" label="Licence reference" value={ref} onChange={(e) => setRef(e.target.value)} error={fields.reference} placeholder="agreement no. or date" />
          <label className="flex max-w-md items-start gap-2 text-xs"><input type="checkbox" className="mt-0.5 accent-brand-600" checked={tick} onChange={(e) => setTick(e.target.checked)} />I confirm that this clinic holds a licence from {row.licence.holder} for this use.</label>
          <Button type="submit" variant="secondary" busy={confirm.isPending}>Record licence</Button>
          {fields.confirm && <span className="text-xs text-red-700" role="alert">{fields.confirm[0]}</span>}
        </form>
      ))}
      {row.textFields && (
        <div className="mt-1 text-xs">
          {row.textSupplied ? <span className="text-slate-700">The clinic&apos;s licensed wording is entered. </span> : <span className="text-slate-700">The wording is not shipped with PoseVisit. </span>}
          <button type="button" className="font-medium text-brand-700 underline" onClick={() => setEditing(!editing)}>{row.textSupplied ? "Edit wording" : "Enter wording"}</button>
          {row.textSupplied && <> · <button type="button" className="text-red-700 underline" onClick={() => removeText.mutate({ instrument: row.key as QuestionnaireKey, text: null })}>Remove</button></>}
          {editing && <WordingForm row={row} onDone={() => setEditing(false)} />}
        </div>
      )}
      {error && <div className="mt-2"><Alert>{error}</Alert></div>}
    </li>
  );
}

export function ClinicQuestionnaireSettings() {
  const trpc = useTRPC();
  const q = useQuery(trpc.questionnaires.settings.queryOptions());
  if (q.isLoading) return <Spinner />;
  if (q.error) return <Alert>{describeError(q.error).message}</Alert>;
  return <ul className="divide-y divide-slate-100">{q.data!.map((r) => <InstrumentRow key={r.key} row={r} />)}</ul>;
}
