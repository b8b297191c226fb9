"use client";
// The recording pipeline's transport in a patient's page: the Recorder's chunks and finish go to recordings.* over
// tRPC. Network failures, 5xx, 408 and 429 are retried; any other 4xx is the server refusing for good.
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useMemo } from "react";
import { useTRPC } from "../trpc";
import type { SendResult, Transport } from "./recorder";

export function sendResultOf(e: unknown): SendResult {
  if (e instanceof TRPCClientError) {
    const status = (e.data as { httpStatus?: number } | undefined)?.httpStatus;
    if (status && status >= 400 && status < 500 && status !== 408 && status !== 429) return { fatal: e.message };
  }
  return "retry"; // network down, server restarting, 5xx
}

export function useRecordingTransport(): Transport {
  const trpc = useTRPC();
  const upload = useMutation(trpc.recordings.uploadChunk.mutationOptions());
  const finish = useMutation(trpc.recordings.finish.mutationOptions());
  return useMemo<Transport>(() => ({
    send: (t, c) => upload.mutateAsync({ token: t, ...c }).then(() => "ok" as const, sendResultOf),
    finish: (t, trialId, chunkCount) => finish.mutateAsync({ token: t, trialId, chunkCount }).then(() => "ok" as const, sendResultOf),
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }), []);
}
