"use client";
// Alerts live on the staff side (issue 17): the clinic's socket room pushes `clinic:alert` when an episode's alerts
// open, reopen, change or are superseded. Calls `onAlert` for each push and keeps the connection state.
import { useEffect, useRef, useState } from "react";
import type { ClinicAlertUpdate } from "../../_shared/protocol";
import { acquireStaffSocket } from "./staff-socket";

export function useClinicAlerts(onAlert: (u: ClinicAlertUpdate) => void): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  const cb = useRef(onAlert);
  cb.current = onAlert;
  useEffect(() => {
    const { socket: s, release } = acquireStaffSocket();
    const onConnect = () => setConnected(true);
    const onDisconnect = () => setConnected(false);
    const onAlert = (u: ClinicAlertUpdate) => cb.current(u);
    s.on("connect", onConnect);
    s.on("disconnect", onDisconnect);
    s.on("clinic:alert", onAlert);
    setConnected(s.connected);
    return () => {
      s.off("connect", onConnect);
      s.off("disconnect", onDisconnect);
      s.off("clinic:alert", onAlert);
      release();
    };
  }, []);
  return { connected };
}
