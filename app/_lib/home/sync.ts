// The home page's way to the server: everything the patient does is kept on the device first (the session in
// session-store.ts, the sets' samples in the one recording buffer) and sent from here when there is a connection, in
// order: the session's start, each set's start, the set's samples and end, then the session's finish. Nothing needs
// the network at the moment the patient acts, so a session, a set (camera or self-reported) and the finish all work
// offline. Every step is idempotent on the server (session and set by the browser's clientId, chunks by seq, the
// finish once), so a step retried after a lost answer, two tabs, or a reload flushing again store everything once.
//
// A camera set started offline records under its clientId; `transport` (given to the set's Recorder) creates the set
// on the server before its first chunk goes and sends the chunks under the server's id.
import type { HowItWent, SelfReportedExercise } from "../../_shared/care/home-session";
import { activeRecordings, discardRecording, flushLeftovers, waitingRecordings, type KV, type SendResult, type Transport } from "../recording/recorder";
import { updateSession, type LocalSession, type SessionStore } from "./session-store";

/** The home procedures the page calls (home.startSession / startSet / finishSession); they throw when not done. */
export type HomeApi = {
  startSession(input: { token: string; clientId: string; startedAt: string; painBefore: number | null }): Promise<unknown>;
  startSet(input: {
    token: string; sessionClientId: string; clientId: string; exerciseKey: string; setNumber: number;
    side: "LEFT" | "RIGHT" | null; cameraView: "SAGITTAL" | "FRONTAL"; frameAspect: number; startedAt: string;
  }): Promise<{ id: string }>;
  finishSession(input: {
    token: string; clientId: string; painAfter: number | null; effort: number | null; howItWent: HowItWent | null; note: string;
    selfReport: SelfReportedExercise[]; endedAt: string;
  }): Promise<unknown>;
};

type Step = "ok" | "retry" | { fatal: string };

export type HomeSyncOptions = {
  token: string;
  kv: KV;
  store: SessionStore;
  api: HomeApi;
  /** the recording pipeline's own transport (recordings.uploadChunk / finish) */
  recordings: Transport;
  /** what a thrown error means: retry later (network, server down) or refused for good */
  classify: (e: unknown) => SendResult;
  /** the recordings this page is making itself (the set Recorders flush those); default: activeRecordings() */
  active?: () => readonly string[];
  /** the server refused the session for good (the link was revoked, the episode ended...): it was dropped */
  onRefused?: (message: string) => void;
  /** the session's finish reached the server */
  onFinished?: () => void;
};

/** What still waits on this device, for the page to say. */
export type Waiting = { session: boolean; sets: number; chunks: number; finish: boolean; total: number };

export class HomeSync {
  /** The transport for this page's set Recorders: a set the server does not know yet is created first. */
  readonly transport: Transport;
  private starting: Promise<Step> | null = null;
  private creating = new Map<string, Promise<{ id: string } | { step: Exclude<Step, "ok"> }>>();
  private flushing: Promise<void> | null = null;

  constructor(private o: HomeSyncOptions) {
    this.transport = {
      send: async (token, chunk) => {
        const r = await this.serverSetId(chunk.trialId);
        return "id" in r ? o.recordings.send(token, { ...chunk, trialId: r.id }) : r.step;
      },
      finish: async (token, trialId, chunkCount) => {
        const r = await this.serverSetId(trialId);
        return "id" in r ? o.recordings.finish(token, r.id, chunkCount) : r.step;
      },
    };
  }

  /** What has not reached the server yet. */
  waiting(): Waiting {
    const s = this.o.store.load();
    const recs = waitingRecordings(this.o.kv, this.o.token);
    const w = { session: !!s && !s.started, sets: s?.sets.filter((x) => !x.setId).length ?? 0, chunks: recs.reduce((n, r) => n + r.chunks, 0), finish: !!s?.finish && !s.finish.sent };
    return { ...w, total: (w.session ? 1 : 0) + w.sets + w.chunks + (w.finish ? 1 : 0) };
  }

  /** Sends what waits, in order; one flush at a time (a second call joins the running one). */
  flush(): Promise<void> {
    this.flushing ??= this.run().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async run() {
    const { token, kv, store, api } = this.o;
    if (store.load() && (await this.ensureStarted()) !== "ok") return;
    await flushLeftovers(kv, this.transport, token, (this.o.active ?? activeRecordings)());
    const s = store.load();
    if (!s?.finish || s.finish.sent || waitingRecordings(kv, token).length > 0) return;
    const f = s.finish;
    try {
      await api.finishSession({ token, clientId: s.clientId, painAfter: f.painAfter, effort: f.effort, howItWent: f.howItWent as HowItWent | null, note: f.note, selfReport: s.selfReport, endedAt: f.endedAt });
    } catch (e) {
      const r = this.o.classify(e);
      if (typeof r === "object") this.refuse(s, r.fatal);
      return;
    }
    if (store.load()?.clientId === s.clientId) store.save(null);
    this.o.onFinished?.();
  }

  /** The session's start reaches the server once (joined by every caller while it is under way). */
  private ensureStarted(): Promise<Step> {
    const s = this.o.store.load();
    if (!s) return Promise.resolve({ fatal: "There is no session on this device" });
    if (s.started) return Promise.resolve("ok");
    this.starting ??= (async (): Promise<Step> => {
      try {
        await this.o.api.startSession({ token: this.o.token, clientId: s.clientId, startedAt: s.startedAt, painBefore: s.painBefore });
      } catch (e) {
        const r = this.o.classify(e);
        if (typeof r === "object") this.refuse(s, r.fatal);
        return r === "ok" ? "retry" : r;
      }
      updateSession(this.o.store, (x) => (x.clientId === s.clientId ? { ...x, started: true } : x));
      return "ok";
    })().finally(() => (this.starting = null));
    return this.starting;
  }

  /** The server's id of a recording: a set of this device's session is created on the server first. */
  private serverSetId(localId: string): Promise<{ id: string } | { step: Exclude<Step, "ok"> }> {
    const set = this.o.store.load()?.sets.find((x) => x.clientId === localId);
    if (!set) return Promise.resolve({ id: localId }); // recorded under the server's id
    if (set.setId) return Promise.resolve({ id: set.setId });
    let p = this.creating.get(localId);
    if (!p) {
      p = this.createSet(localId).finally(() => this.creating.delete(localId));
      this.creating.set(localId, p);
    }
    return p;
  }

  private async createSet(localId: string): Promise<{ id: string } | { step: Exclude<Step, "ok"> }> {
    const started = await this.ensureStarted();
    if (started !== "ok") return { step: started };
    const s = this.o.store.load();
    const set = s?.sets.find((x) => x.clientId === localId);
    if (!s || !set) return { step: { fatal: "This set's session is no longer on this device" } };
    if (set.setId) return { id: set.setId };
    let id: string;
    try {
      ({ id } = await this.o.api.startSet({
        token: this.o.token, sessionClientId: s.clientId, clientId: set.clientId, exerciseKey: set.exerciseKey, setNumber: set.setNumber,
        side: set.side, cameraView: set.cameraView, frameAspect: set.frameAspect, startedAt: set.startedAt,
      }));
    } catch (e) {
      const r = this.o.classify(e);
      return { step: r === "ok" ? "retry" : r };
    }
    updateSession(this.o.store, (x) => ({ ...x, sets: x.sets.map((y) => (y.clientId === localId ? { ...y, setId: id } : y)) }));
    return { id };
  }

  /** The server refused the session for good: nothing of it can be saved; drop it from the device and say why. */
  private refuse(s: LocalSession, message: string) {
    for (const set of s.sets) if (!set.setId) discardRecording(this.o.kv, set.clientId);
    if (this.o.store.load()?.clientId === s.clientId) this.o.store.save(null);
    this.o.onRefused?.(message);
  }
}
