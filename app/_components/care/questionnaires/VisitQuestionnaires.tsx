"use client";
// In a visit: the therapist enters the patient's answers to a questionnaire (source VISIT), counted towards an open
// set of the episode when one is chosen. Compact: one questionnaire at a time, the live score beside Save; the
// server validates and scores again. Shown only for visits that belong to an episode of care.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { Answers } from "../../../_shared/care/questionnaires";
import { useFormat } from "../../../_lib/clinic";
import { describeError, useMe, useTRPC, type FieldErrors } from "../../../_lib/trpc";
import { Alert, Button, Card, Select } from "../../ui";
import { cleanAnswers, initialAnswers, itemsOpen, liveScore, QuestionnaireForm } from "./QuestionnaireForm";

export function VisitQuestionnaires({ visitId }: { visitId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useFormat();
  const { me } = useMe();
  const q = useQuery(trpc.questionnaires.visitForms.queryOptions({ visitId }));
  const [key, setKey] = useState("");
  const [dueId, setDueId] = useState("");
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(trpc.questionnaires.enterInVisit.mutationOptions({
    onSuccess: () => { setKey(""); setAnswers({}); setErrors({}); setError(null); void qc.invalidateQueries({ queryKey: trpc.questionnaires.pathKey() }); },
    onError: (e) => { const d = describeError(e); setError(d.message); setErrors(Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k.replace(/^response\./, ""), v]))); },
  }));
  if (!q.data?.episodeId) return null;
  const d = q.data;
  const def = d.forms.find((x) => x.key === key) ?? null;
  const live = def ? liveScore(def, answers) : null;
  const canWrite = me?.role !== "CLINICIAN";
  const sets = d.openSets.filter((s) => !def || s.instruments.includes(def.key));
  return (
    <Card title="Questionnaires in this visit" actions={<Link className="text-sm text-brand-700 hover:underline" href={`/patients/${d.patientId}/episodes/${d.episodeId}/progress`}>Progress</Link>}>
      {d.entered.length > 0 && (
        <ul className="mb-2 text-sm" data-testid="visit-entered">
          {d.entered.map((r) => <li key={r.id}>{d.forms.find((x) => x.key === r.instrument)?.short ?? r.instrument}: <strong>{r.score ?? "not computable"}</strong>{r.band ? ` (${r.band})` : ""} · {f.time(r.submittedAt)}</li>)}
        </ul>
      )}
      {canWrite && (
        <div className="flex flex-col gap-2">
          <div className="grid grid-cols-2 gap-2">
            <Select label="Questionnaire" value={key} onChange={(e) => { const k = e.target.value; setKey(k); const nd = d.forms.find((x) => x.key === k); setAnswers(nd ? initialAnswers(nd) : {}); setErrors({}); }}>
              <option value="">Choose…</option>
              {d.forms.map((x) => <option key={x.key} value={x.key}>{x.title}</option>)}
            </Select>
            <Select label="Counts towards" value={dueId} onChange={(e) => setDueId(e.target.value)}>
              <option value="">No scheduled set</option>
              {sets.map((s) => <option key={s.id} value={s.id}>{s.label.toLowerCase()} set due {f.day(`${s.dueDate}T12:00:00Z`)}</option>)}
            </Select>
          </div>
          {def && (
            <div className="max-h-80 overflow-y-auto rounded-md border border-slate-200 p-2">
              <QuestionnaireForm def={def} answers={answers} onChange={setAnswers} size="compact" errors={Object.fromEntries(Object.entries(errors))} />
            </div>
          )}
          {error && <Alert>{error}</Alert>}
          {def && live && (
            <div className="flex items-center justify-between gap-2 text-sm">
              <span data-testid="visit-live-score">{live.score !== null ? `Score ${live.score}${def.unit}` : live.band ? live.band.label : live.completeness.reason ?? "Not computable yet"}{live.band && live.score !== null ? ` · ${live.band.label}` : ""}</span>
              <Button busy={save.isPending} disabled={itemsOpen(def, answers).length > 0}
                onClick={() => save.mutate({ visitId, ...(dueId && sets.some((s) => s.id === dueId) ? { dueId } : {}), response: { instrument: def.key, version: def.version, answers: cleanAnswers(def, answers) as Record<string, unknown> } })}>Save answers</Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
