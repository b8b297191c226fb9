"use client";
// One feature's receiver of the visit's relay (the assessment's live feed, an exercise set's state, ...): it takes
// the messages of its namespaces and passes every other one on to the receiver attached before it.
import { useEffect, useMemo } from "react";
import type { VisitCall } from "./call";

export interface RelayReceiver {
  /** false when the message is another feature's */
  receive(m: { ns: string; data: unknown }): boolean;
  /** the receiver is detached from its call */
  close?(): void;
}

/** A receiver made for this call (a new one per call), attached to its relay while mounted. */
export function useRelayReceiver<T extends RelayReceiver>(call: VisitCall | null, make: () => T): T {
  const r = useMemo(make, [call]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!call) return;
    const prev = call.onRelay;
    call.onRelay = (m) => {
      if (!r.receive(m)) prev?.(m);
    };
    return () => {
      call.onRelay = prev;
      r.close?.();
    };
  }, [call, r]);
  return r;
}
