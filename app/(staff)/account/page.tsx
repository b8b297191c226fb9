"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { changePasswordInput } from "../../_shared/domain";
import { Alert, Badge, Button, Card, Field, PageHeader, Spinner } from "../../_components/ui";
import { formatRelative } from "../../_shared/format";
import { describeAddress, describeUserAgent } from "../../_shared/user-agent";
import { useFormat } from "../../_lib/clinic";
import { useZodForm } from "../../_lib/form";
import { useMe, useTRPC } from "../../_lib/trpc";

export default function AccountPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const f = useFormat();
  const form = useZodForm(changePasswordInput, { currentPassword: "", newPassword: "" });
  const [done, setDone] = useState(false);
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const change = useMutation(trpc.auth.changePassword.mutationOptions({
    onSuccess: () => { setDone(true); form.reset(); void qc.invalidateQueries({ queryKey: trpc.auth.pathKey() }); },
    onError: form.fail,
  }));
  const revoke = useMutation(trpc.auth.revokeSession.mutationOptions({ onSuccess: () => void sessions.refetch() }));
  return (
    <>
      <PageHeader title="Your account" subtitle={me ? `${me.name} · ${me.email}` : undefined} />
      {me?.mustChangePassword && !done && <div className="mb-4"><Alert tone="amber" title="Please choose your own password">Your account was created with a temporary password.</Alert></div>}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Change password">
          <form noValidate className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); setDone(false); if (form.check()) change.mutate(form.values); }}>
            {form.formError && <Alert>{form.formError}</Alert>}
            {done && <Alert tone="green">Password changed. Your other sessions were signed out.</Alert>}
            <Field label="Current password" type="password" autoComplete="current-password" {...form.bind("currentPassword")} />
            <Field label="New password" type="password" autoComplete="new-password" hint="At least 10 characters, letters and digits" {...form.bind("newPassword")} />
            <Button type="submit" busy={change.isPending}>Change password</Button>
          </form>
        </Card>
        <Card title="Signed-in sessions">
          {sessions.isLoading ? <Spinner /> : (
            <ul className="divide-y divide-slate-100 text-sm">
              {sessions.data?.map((s) => {
                const d = describeUserAgent(s.userAgent);
                return (
                  <li key={s.id} className="flex items-center justify-between gap-3 py-2" data-testid="session">
                    <span className="min-w-0">
                      <span className="flex flex-wrap items-center gap-2 font-medium" title={s.userAgent ?? undefined}>
                        {d.browser} on {d.system}{d.kind && <span className="font-normal text-slate-500">({d.kind})</span>}
                        {s.current && <Badge tone="green">this session</Badge>}
                      </span>
                      <span className="block text-xs text-slate-600">
                        From {describeAddress(s.ip)} · last active {s.current ? "now" : formatRelative(s.lastSeenAt)} · signed in {f.dateTime(s.createdAt)}
                      </span>
                    </span>
                    {!s.current && <Button variant="secondary" className="shrink-0 whitespace-nowrap" onClick={() => revoke.mutate({ sessionId: s.id })}>Sign out<span className="sr-only"> {d.browser} on {d.system}</span></Button>}
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
