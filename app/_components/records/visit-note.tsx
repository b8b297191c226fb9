"use client";
// The visit's SOAP note: draft (objective prefilled from the measured results), sign (therapist; locks it),
// then addenda. Plus the PDF download of the visit report.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Alert, Button, Card, Spinner, TextArea } from "../ui";
import { useFormat } from "../../_lib/clinic";
import { describeError, useMe, useTRPC, useTRPCClient } from "../../_lib/trpc";
import { downloadBase64 } from "../../_lib/trial-export";

type Draft = { subjective: string; objective: string; assessment: string; plan: string };
const FIELDS: [keyof Draft, string][] = [["subjective", "Subjective"], ["objective", "Objective"], ["assessment", "Assessment"], ["plan", "Plan"]];

/** Downloads a server-made PDF ({ filename, base64, contentType }) and says why when it cannot. */
export function PdfButton({ load, label = "Download PDF" }: { load: () => Promise<{ filename: string; base64: string; contentType: string }>; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button variant="secondary" busy={busy} onClick={async () => {
        setBusy(true); setError(null);
        try { const r = await load(); downloadBase64(r.filename, r.base64, r.contentType); }
        catch (e) { setError(describeError(e).message); }
        finally { setBusy(false); }
      }}>{label}</Button>
      {error && <span role="alert" className="text-sm text-red-700">{error}</span>}
    </>
  );
}

export function VisitPdfButton({ visitId }: { visitId: string }) {
  const client = useTRPCClient();
  return <PdfButton load={() => client.records.visitPdf.query({ visitId })} />;
}

export function VisitNoteCard({ visitId }: { visitId: string }) {
  const f = useFormat();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const q = useQuery(trpc.records.note.queryOptions({ visitId }));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [addendum, setAddendum] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const note = q.data?.note ?? null;
  useEffect(() => {
    if (q.data && draft === null) {
      const n = q.data.note;
      setDraft(n ? { subjective: n.subjective, objective: n.objective, assessment: n.assessment, plan: n.plan } : { subjective: "", objective: q.data.objectivePrefill, assessment: "", plan: "" });
    }
  }, [q.data, draft]);
  const onDone = () => { setError(null); void qc.invalidateQueries({ queryKey: trpc.records.note.queryKey({ visitId }) }); };
  const onError = (e: unknown) => setError(describeError(e).message);
  const save = useMutation(trpc.records.saveNote.mutationOptions({ onSuccess: () => { setSaved(true); onDone(); }, onError }));
  const sign = useMutation(trpc.records.signNote.mutationOptions({ onSuccess: onDone, onError }));
  const add = useMutation(trpc.records.addAddendum.mutationOptions({ onSuccess: () => { setAddendum(""); onDone(); }, onError }));
  const canWrite = me?.role === "ADMIN" || me?.role === "THERAPIST";
  if (q.isLoading || !draft) return <Card title="Visit note"><Spinner /></Card>;
  if (q.error) return <Card title="Visit note"><Alert>{describeError(q.error).message}</Alert></Card>;
  const locked = !!note?.signedAt;
  return (
    <Card title="Visit note (SOAP)" className="lg:col-span-2">
      {error && <div className="mb-3"><Alert>{error}</Alert></div>}
      {locked ? (
        <div className="flex flex-col gap-3 text-sm" data-testid="signed-note">
          {FIELDS.map(([k, label]) => (
            <div key={k}><h3 className="font-semibold">{label}</h3><p className="whitespace-pre-wrap">{note![k] || "—"}</p></div>
          ))}
          <p className="italic text-slate-600">Signed by {note!.signedBy?.name ?? "?"} on {f.dateTime(note!.signedAt!)}. Signed notes are locked; changes are added as addenda.</p>
          {note!.addenda.map((a) => (
            <div key={a.id} className="rounded border border-slate-200 p-2">
              <p className="text-xs text-slate-500">Addendum · {f.dateTime(a.createdAt)} · {a.author.name}</p>
              <p className="whitespace-pre-wrap">{a.text}</p>
            </div>
          ))}
          {canWrite && (
            <form className="flex flex-col gap-2" onSubmit={(e) => { e.preventDefault(); add.mutate({ visitId, text: addendum }); }}>
              <TextArea label="Addendum" value={addendum} maxLength={10_000} onChange={(e) => setAddendum(e.target.value)} />
              <div><Button type="submit" busy={add.isPending} disabled={!addendum.trim()}>Add addendum</Button></div>
            </form>
          )}
        </div>
      ) : (
        <form className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); setSaved(false); save.mutate({ visitId, ...draft }); }}>
          {FIELDS.map(([k, label]) => (
            <TextArea key={k} label={label} value={draft[k]} rows={k === "objective" ? 5 : 3} maxLength={10_000} readOnly={!canWrite}
              hint={k === "objective" && !note ? "Prefilled from this visit's measured results" : undefined}
              onChange={(e) => { setSaved(false); setDraft({ ...draft, [k]: e.target.value }); }} />
          ))}
          {canWrite && (
            <div className="flex flex-wrap items-center gap-2">
              <Button type="submit" variant="secondary" busy={save.isPending}>Save draft</Button>
              {me?.role === "THERAPIST" && note && (
                <Button type="button" busy={sign.isPending} onClick={() => { if (confirm("Sign this note? It will be locked; later changes become addenda.")) sign.mutate({ visitId }); }}>Sign note</Button>
              )}
              {saved && <span className="text-sm text-green-700">Saved</span>}
              {!note && <span className="text-sm text-slate-500">Save the draft before signing.</span>}
            </div>
          )}
        </form>
      )}
    </Card>
  );
}
