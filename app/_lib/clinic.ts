"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { formatterFor, type Formatter } from "../_shared/format";
import { useTRPC } from "./trpc";

/** The signed-in user's clinic (name, time zone); cached for the session. */
export function useClinic() {
  const trpc = useTRPC();
  return useQuery(trpc.clinic.get.queryOptions(undefined, { staleTime: Infinity, refetchOnWindowFocus: false }));
}

/** Date, time and name formatters in the clinic's time zone (UTC until the clinic has loaded). */
export function useFormat(): Formatter {
  const tz = useClinic().data?.timeZone ?? "UTC";
  return useMemo(() => formatterFor(tz), [tz]);
}
