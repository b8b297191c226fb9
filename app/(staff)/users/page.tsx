"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createUserInput, ROLE_LABEL, ROLES, type Role } from "../../_shared/domain";
import { Alert, Badge, Button, Card, Field, PageHeader, Select, Spinner } from "../../_components/ui";
import { useFormat } from "../../_lib/clinic";
import { useZodForm } from "../../_lib/form";
import { ApiTokensCard, ClinicProfileCard } from "../../_components/records/api-tokens";
import { describeError, useMe, useTRPC } from "../../_lib/trpc";

export default function UsersPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { me } = useMe();
  const f = useFormat();
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: me?.role === "ADMIN" });
  const form = useZodForm(createUserInput, { name: "", email: "", role: "THERAPIST", password: "" });
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const create = useMutation(trpc.users.create.mutationOptions({
    onSuccess: (u) => { setDone(`${u.name} can now sign in with the temporary password; they will be asked to change it.`); form.reset(); void invalidate(); },
    onError: form.fail,
  }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSuccess: () => void invalidate(), onError: (e) => setError(describeError(e).message) }));
  if (me && me.role !== "ADMIN") return <Alert title="Administrators only">Ask your clinic administrator to manage accounts.</Alert>;
  return (
    <>
      <PageHeader title="Users" subtitle="Therapists, clinicians and administrators of your clinic" />
      {error && <div className="mb-4"><Alert>{error}</Alert></div>}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Accounts" className="lg:col-span-2">
          {users.isLoading ? <Spinner /> : (
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Role</th><th>Last sign-in</th><th /></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {users.data?.map((u) => (
                  <tr key={u.id} className={u.disabled ? "text-slate-400" : ""}>
                    <td className="py-2"><span className="font-medium">{u.name}</span><br /><span className="text-xs">{u.email}</span></td>
                    <td>{ROLE_LABEL[u.role as Role]} {u.disabled && <Badge tone="red">Disabled</Badge>}</td>
                    <td>{u.lastSignInAt ? f.dateTime(u.lastSignInAt) : "Never"}</td>
                    <td className="text-right">
                      {u.id !== me?.id && (
                        <Button variant="secondary" onClick={() => setDisabled.mutate({ userId: u.id, disabled: !u.disabled })}>
                          {u.disabled ? "Enable" : "Disable"}<span className="sr-only"> {u.name}</span>
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Add a user">
          <form noValidate className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); setDone(null); if (form.check()) create.mutate(form.values); }}>
            {form.formError && <Alert>{form.formError}</Alert>}
            {done && <Alert tone="green">{done}</Alert>}
            <Field label="Name" {...form.bind("name")} />
            <Field label="Email" type="email" {...form.bind("email")} />
            <Select label="Role" {...form.bind("role")}>{ROLES.map((r) => <option key={r} value={r}>{ROLE_LABEL[r]}</option>)}</Select>
            <Field label="Temporary password" type="password" autoComplete="new-password" hint="At least 10 characters, letters and digits" {...form.bind("password")} />
            <Button type="submit" busy={create.isPending}>Create account</Button>
          </form>
        </Card>
        <ApiTokensCard />
        <ClinicProfileCard />
      </div>
    </>
  );
}
