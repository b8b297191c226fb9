"use client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/api/root";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Me = NonNullable<RouterOutputs["auth"]["me"]>;

/** The signed-in user (null when signed out, undefined while loading). */
export function useMe(): { me: Me | null | undefined; isLoading: boolean } {
  const trpc = useTRPC();
  const q = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  return { me: q.data, isLoading: q.isLoading };
}

export type FieldErrors = Record<string, string[] | undefined>;

/** Field errors and a message from a tRPC error (zod field errors come from the server's formatter). */
export function describeError(e: unknown): { message: string; fields: FieldErrors } {
  if (e instanceof TRPCClientError) {
    const data = e.data as { zodError?: { fieldErrors: FieldErrors; formErrors: string[] } | null; field?: string | null } | undefined;
    const fields: FieldErrors = { ...(data?.zodError?.fieldErrors ?? {}) };
    if (data?.field) fields[data.field] = [e.message];
    const form = data?.zodError?.formErrors?.[0];
    return { message: form ?? e.message, fields };
  }
  return { message: e instanceof Error ? e.message : "Something went wrong", fields: {} };
}
