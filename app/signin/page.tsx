"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { signInInput } from "../_shared/domain";
import { afterSignInPath } from "../_shared/safe-redirect";
import { Alert, Button, Field } from "../_components/ui";
import { useZodForm } from "../_lib/form";
import { useTRPC } from "../_lib/trpc";

function SignInForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const form = useZodForm(signInInput, { email: "", password: "" });
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (user) => {
        qc.setQueryData(trpc.auth.me.queryKey(), user);
        // Only a path of this origin is followed (see safe-redirect.ts); a forced password change comes first.
        router.replace(afterSignInPath(params.get("next"), { mustChangePassword: user.mustChangePassword, origin: window.location.origin }));
      },
      onError: form.fail,
    }),
  );
  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (form.check()) signIn.mutate(form.values);
      }}
    >
      {form.formError && <Alert>{form.formError}</Alert>}
      <Field label="Email" type="email" autoComplete="username" autoFocus {...form.bind("email")} />
      <Field label="Password" type="password" autoComplete="current-password" {...form.bind("password")} />
      <Button type="submit" busy={signIn.isPending}>Sign in</Button>
    </form>
  );
}

export default function SignInPage() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-brand-50 to-slate-100 p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-lg">
        <p className="text-sm font-semibold uppercase tracking-wider text-brand-600">PoseVisit</p>
        <h1 className="mb-6 mt-1 text-2xl font-semibold">Sign in</h1>
        <Suspense>
          <SignInForm />
        </Suspense>
        <p className="mt-6 text-xs text-slate-500">Patients don&apos;t need an account: use the visit link your therapist sent you.</p>
      </div>
    </main>
  );
}
