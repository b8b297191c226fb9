"use client";
// Alerts live on the staff side (issue 17): the clinic's socket room pushes `clinic:alert` when an episode's alerts
// open, reopen, change or are superseded. Calls `onAlert` for each push and keeps the connection state.
import { useEffect, useRef, useState } from "react";
import type { ClinicAlertUpdate } from "../../_shared/protocol";
import { openSocket } from "./socket";

export function useClinicAlerts(onAlert: (u: ClinicAlertUpdate) => void): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  const cb = useRef(onAlert);
  cb.current = onAlert;
  useEffect(() => {
    const s = openSocket({ role: "staff" });
    s.on("connect", () => setConnected(true));
    s.on("disconnect", () => setConnected(false));
    s.on("clinic:alert", (u) => cb.current(u));
    return () => void s.disconnect();
  }, []);
  return { connected };
}
