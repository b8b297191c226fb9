"use client";
// Admin: the clinic's address on documents, and API tokens for the read-only FHIR API.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Card, Field, Spinner } from "../ui";
import { useFormat } from "../../_lib/clinic";
import { describeError, useTRPC } from "../../_lib/trpc";

export function ClinicProfileCard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.records.clinicProfile.queryOptions());
  const [v, setV] = useState<{ address: string; phone: string } | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => { if (q.data && !v) setV({ address: q.data.address, phone: q.data.phone }); }, [q.data, v]);
  const save = useMutation(trpc.records.setClinicProfile.mutationOptions({
    onSuccess: () => { setMsg({ ok: true, text: "Saved" }); void qc.invalidateQueries({ queryKey: trpc.records.clinicProfile.queryKey() }); },
    onError: (e) => setMsg({ ok: false, text: describeError(e).message }),
  }));
  if (!v) return <Card title="Clinic on documents"><Spinner /></Card>;
  return (
    <Card title="Clinic on documents">
      <form className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); save.mutate(v); }}>
        {msg && <Alert tone={msg.ok ? "green" : "red"}>{msg.text}</Alert>}
        <Field label="Address" maxLength={300} value={v.address} onChange={(e) => setV({ ...v, address: e.target.value })} />
        <Field label="Phone" maxLength={40} value={v.phone} onChange={(e) => setV({ ...v, phone: e.target.value })} />
        <div><Button type="submit" busy={save.isPending}>Save</Button></div>
      </form>
    </Card>
  );
}

export function ApiTokensCard() {
  const f = useFormat();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.records.apiTokens.queryOptions());
  const [name, setName] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.records.apiTokens.queryKey() });
  const create = useMutation(trpc.records.createApiToken.mutationOptions({
    onSuccess: (r) => { setShown(r.token); setName(""); setError(null); void refresh(); },
    onError: (e) => setError(describeError(e).message),
  }));
  const revoke = useMutation(trpc.records.revokeApiToken.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => setError(describeError(e).message) }));
  return (
    <Card title="FHIR API tokens" className="lg:col-span-2">
      <p className="mb-3 text-sm text-slate-600">
        Read-only access for your clinic's systems to <code>/fhir/R4</code> (Patient, Observation). Send <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      {error && <div className="mb-3"><Alert>{error}</Alert></div>}
      {shown && (
        <div className="mb-3"><Alert tone="green" title="Copy the token now: it is shown only once">
          <code className="break-all" data-testid="new-api-token">{shown}</code>
        </Alert></div>
      )}
      {list.isLoading ? <Spinner /> : (
        <table className="mb-3 w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Token</th><th>Created</th><th>Last used</th><th /></tr></thead>
          <tbody className="divide-y divide-slate-100">
            {list.data?.map((t) => (
              <tr key={t.id} className={t.revokedAt ? "text-slate-500" : ""}>
                <td className="py-2">{t.name} <span className="text-xs">({t.scope})</span> {t.revokedAt && <Badge tone="red">Revoked</Badge>}</td>
                <td><code>{t.prefix}…</code></td>
                <td>{f.dateTime(t.createdAt)}<br /><span className="text-xs">{t.createdBy.name}</span></td>
                <td>{t.lastUsedAt ? <>{f.dateTime(t.lastUsedAt)}<br /><span className="text-xs">{t.lastUsedIp}</span></> : "Never"}</td>
                <td className="text-right">
                  {!t.revokedAt && <Button variant="danger" onClick={() => { if (confirm(`Revoke "${t.name}"? Systems using it lose access at once.`)) revoke.mutate({ tokenId: t.id }); }}>Revoke<span className="sr-only"> {t.name}</span></Button>}
                </td>
              </tr>
            ))}
            {!list.data?.length && <tr><td colSpan={5} className="py-2 text-slate-500">No tokens yet.</td></tr>}
          </tbody>
        </table>
      )}
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); setShown(null); create.mutate({ name }); }}>
        <Field label="New token name" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Hospital EHR" />
        <Button type="submit" busy={create.isPending} disabled={!name.trim()}>Create token</Button>
      </form>
    </Card>
  );
}
