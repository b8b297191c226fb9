// The home session as the patient's browser keeps it: written to localStorage before anything is sent, so a session
// started offline (its sets, its self-reports, a finish pressed offline) survives a reload and is flushed when the
// network is back (app/_lib/home/sync.ts). The server creates the session and each set idempotently by their
// clientIds and finishes the session once, so a retried flush changes nothing. The sets' samples are not here: they
// are in the one recording buffer (app/_lib/recording/recorder.ts), under the set's clientId until the server's id
// is known.
import type { SelfReportedExercise } from "../../_shared/care/home-session";

export type LocalSet = {
  /** the browser's id of the set, also the recording buffer's id for it */
  clientId: string;
  exerciseKey: string;
  setNumber: number;
  side: "LEFT" | "RIGHT" | null;
  cameraView: "SAGITTAL" | "FRONTAL";
  frameAspect: number;
  startedAt: string;
  /** the server's id of the set, once it created it */
  setId: string | null;
  /** what the page counted (null until the set is finished) */
  counted: number | null;
};
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

/** Where a session is kept: localStorage for the page, a map in tests. */
export type SessionStore = { load(): LocalSession | null; save(s: LocalSession | null): void };

const key = (token: string) => `pv.home.${token.slice(0, 16)}`;

export function newClientId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** A stored session as this page reads it; sets kept by an earlier version of the page (server id only) still count. */
export function readSession(raw: string | null): LocalSession | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as LocalSession;
    if (!s || typeof s.clientId !== "string" || !Array.isArray(s.sets)) return null;
    return { ...s, sets: s.sets.map((x) => ({ ...x, clientId: x.clientId ?? x.setId, setId: x.setId ?? null, side: x.side ?? null, counted: x.counted ?? null })) };
  } catch {
    return null;
  }
}

export function loadSession(token: string): LocalSession | null {
  try {
    return readSession(localStorage.getItem(key(token)));
  } catch {
    return null;
  }
}
export function saveSession(token: string, s: LocalSession | null) {
  if (s) localStorage.setItem(key(token), JSON.stringify(s));
  else localStorage.removeItem(key(token));
}

/** The page's store: localStorage, and `onChange` with every saved state (the page renders it). */
export function localSessionStore(token: string, onChange: (s: LocalSession | null) => void): SessionStore {
  return {
    load: () => loadSession(token),
    save: (s) => {
      saveSession(token, s);
      onChange(s);
    },
  };
}

/** Changes the stored session (read at the moment of the change, so two writers do not undo each other). */
export function updateSession(store: SessionStore, change: (s: LocalSession) => LocalSession) {
  const s = store.load();
  if (s) store.save(change(s));
}
