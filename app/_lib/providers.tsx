"use client";
import { QueryClient, QueryClientProvider, QueryCache, MutationCache } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "../../server/api/root";
import { TRPCProvider } from "./trpc";

function isUnauthorized(e: unknown): boolean {
  return e instanceof TRPCClientError && (e.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

/** The server refuses everything but the account page until a temporary password is replaced. */
function mustChangePassword(e: unknown): boolean {
  return e instanceof TRPCClientError && (e.data as { reason?: string } | undefined)?.reason === "PASSWORD_CHANGE_REQUIRED";
}

function onAuthLost(e: unknown) {
  if (typeof window === "undefined") return;
  const p = window.location.pathname;
  if (mustChangePassword(e)) {
    if (!p.startsWith("/account")) window.location.assign("/account");
    return;
  }
  if (!isUnauthorized(e)) return;
  if (p.startsWith("/signin") || p.startsWith("/join")) return;
  window.location.assign(`/signin?next=${encodeURIComponent(p + window.location.search)}`);
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            refetchOnWindowFocus: true,
            retry: (count, e) => !(e instanceof TRPCClientError && (e.data as { httpStatus?: number })?.httpStatus! < 500) && count < 2,
          },
        },
        queryCache: new QueryCache({ onError: onAuthLost }),
        mutationCache: new MutationCache({ onError: onAuthLost }),
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: 20 /* = the server's MAX_BATCH_CALLS */ })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
