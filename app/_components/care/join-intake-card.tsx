"use client";
// The join page's step before the waiting room: when the visit's episode still waits for its intake, the patient is
// asked to fill it in first (a link of their own is made when they press the button; the emailed one keeps working).
import { useMutation, useQuery } from "@tanstack/react-query";
import { describeError, useTRPC } from "../../_lib/trpc";
import { Button } from "../ui";

const T = {
  title: "Before your visit: your intake form",
  body: "Your therapist asked you to answer a few questions about your back pain. It takes about 10 minutes; please do it before the visit starts.",
  open: "Fill in the form",
};

export function JoinIntakeCard({ token }: { token: string }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.episodes.intake.joinPending.queryOptions({ token }, { staleTime: 60_000, refetchOnWindowFocus: true, retry: 0 }));
  const open = useMutation(trpc.episodes.intake.fromJoin.mutationOptions({ onSuccess: (r) => window.location.assign(r.path) }));
  if (!pending.data?.pending) return null;
  return (
    <section data-testid="join-intake" className="mt-4 rounded-lg border border-brand-100 bg-brand-50 p-4">
      <h2 className="font-semibold text-slate-900">{T.title}</h2>
      <p className="mt-1 text-sm text-slate-700">{T.body}</p>
      {open.error && <p role="alert" className="mt-1 text-sm text-red-700">{describeError(open.error).message}</p>}
      <Button className="mt-2" busy={open.isPending} onClick={() => open.mutate({ token })}>{T.open}</Button>
    </section>
  );
}
