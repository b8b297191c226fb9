// The home session as the patient's browser keeps it: written to localStorage before anything is sent, so a session
// started offline (or a finish pressed offline) survives a reload and is flushed when the network is back. The
// server creates the session idempotently by clientId and finishes it once, so a retried flush changes nothing.
// The sets' samples are not here: they are in the one recording buffer (app/_lib/recording/recorder.ts).
import type { SelfReportedExercise } from "../../_shared/care/home-session";

export type LocalSet = { exerciseKey: string; setId: string; setNumber: number; counted: number | null };
export type LocalSession = {
  clientId: string;
  startedAt: string;
  painBefore: number | null;
  /** the server confirmed the start */
  started: boolean;
  sets: LocalSet[];
  selfReport: SelfReportedExercise[];
  /** the patient pressed finish: what to send (and whether the server confirmed it) */
  finish: null | { painAfter: number | null; effort: number | null; howItWent: string | null; note: string; endedAt: string; sent: boolean };
};

const key = (token: string) => `pv.home.${token.slice(0, 16)}`;

export function newClientId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export function loadSession(token: string): LocalSession | null {
  try {
    const raw = localStorage.getItem(key(token));
    return raw ? (JSON.parse(raw) as LocalSession) : null;
  } catch {
    return null;
  }
}
export function saveSession(token: string, s: LocalSession | null) {
  if (s) localStorage.setItem(key(token), JSON.stringify(s));
  else localStorage.removeItem(key(token));
}
