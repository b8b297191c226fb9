"use client";
// The recording pipeline's transport in a patient's page: the Recorder's chunks and finish go to recordings.* over
// tRPC. Network failures, 5xx, 408 and 429 are retried; any other 4xx is the server refusing for good.
// In a live visit (`call` given) a chunk of this visit's recording goes over the visit's open socket instead
// (`recording:chunk`, the same service and checks server-side): one event on a socket that is already open costs the
// server a fraction of an HTTP request and a tRPC call (tests/bench/upload.ts measures both). When the socket is down,
// or the chunk is a leftover of another visit (another token), it goes through tRPC as before.
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useMemo } from "react";
import { useTRPC } from "../trpc";
import type { Ack, ErrorCode } from "../../_shared/protocol";
import type { VisitCall } from "../realtime/call";
import type { SendResult, Transport } from "./recorder";

/** Socket refusals worth another try (the server busy or restarting, the socket gone mid-send); others are final. */
const RETRY_CODES: ReadonlySet<ErrorCode> = new Set(["INTERNAL", "RATE_LIMITED", "SERVER_BUSY"]);

export function socketResultOf(r: Ack): SendResult {
  if (r.ok) return "ok";
  return RETRY_CODES.has(r.code) ? "retry" : { fatal: r.message };
}

export function sendResultOf(e: unknown): SendResult {
  if (e instanceof TRPCClientError) {
    const status = (e.data as { httpStatus?: number } | undefined)?.httpStatus;
    if (status && status >= 400 && status < 500 && status !== 408 && status !== 429) return { fatal: e.message };
  }
  return "retry"; // network down, server restarting, 5xx
}

/**
 * How a chunk goes: over the visit's socket when `live` is this chunk's visit (same token) and its socket is up, else
 * (and when the server does not know the event) through `viaTrpc`.
 */
export function chunkSender(live: { call: Pick<VisitCall, "uploadChunk">; token: string } | null, viaTrpc: Transport["send"]): Transport["send"] {
  return (t, c) => {
    // the chunk's fields only (one stored by an older page may carry others; the event's schema is strict); a chunk
    // without a format is format 1, as the schema's default says
    const { trialId, seq, startMs, rateHz, format, samples } = c;
    const viaSocket = live && t === live.token ? live.call.uploadChunk({ trialId, seq, startMs, rateHz, format, samples }) : null;
    // a server process from before recording:chunk (a rolling update) does not know the event: tRPC then
    if (viaSocket) return viaSocket.then((r) => (!r.ok && r.code === "UNKNOWN_EVENT" ? viaTrpc(t, c) : socketResultOf(r)));
    return viaTrpc(t, c);
  };
}

export function useRecordingTransport(live?: { call: VisitCall; token: string }): Transport {
  const trpc = useTRPC();
  const upload = useMutation(trpc.recordings.uploadChunk.mutationOptions());
  const finish = useMutation(trpc.recordings.finish.mutationOptions());
  const call = live?.call ?? null;
  const callToken = live?.token ?? null;
  return useMemo<Transport>(() => ({
    send: chunkSender(call && callToken ? { call, token: callToken } : null, (t, c) => upload.mutateAsync({ token: t, ...c }).then(() => "ok" as const, sendResultOf)),
    finish: (t, trialId, chunkCount) => finish.mutateAsync({ token: t, trialId, chunkCount }).then(() => "ok" as const, sendResultOf),
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }), [call, callToken]);
}
