"use client";
// One staff socket per page: the dashboard's live visit feed and the live alerts share it (they were two sockets, and
// only one of them came back after a refused handshake). Reference-counted: opened by the first user, closed by the
// last. A refused handshake (server busy, rate limited) is not retried by Socket.IO itself; this retries it after the
// time the server named.
import { handshakeError, openSocket, type VisitSocket } from "./socket";

let shared: { socket: VisitSocket; users: number; timer: ReturnType<typeof setTimeout> | null } | null = null;

export function acquireStaffSocket(): { socket: VisitSocket; release: () => void } {
  if (!shared) {
    const socket = openSocket({ role: "staff" });
    const s = { socket, users: 0, timer: null as ReturnType<typeof setTimeout> | null };
    socket.on("connect_error", (e) => {
      const h = handshakeError(e);
      if (h && (h.code === "SERVER_BUSY" || h.code === "RATE_LIMITED" || h.code === "INTERNAL")) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = setTimeout(() => shared === s && socket.connect(), Math.min(60_000, Math.max(1_000, h.retryAfterMs ?? 2_000)));
      }
    });
    shared = s;
  }
  const mine = shared;
  mine.users++;
  let released = false;
  return {
    socket: mine.socket,
    release: () => {
      if (released) return;
      released = true;
      if (--mine.users > 0) return;
      if (mine.timer) clearTimeout(mine.timer);
      mine.socket.disconnect();
      if (shared === mine) shared = null;
    },
  };
}
