// Loss-free saving of a recording's samples (an assessment trial or an exercise set) from the patient's browser: the
// one offline buffer of the recording pipeline. Samples are sealed into chunks of about one second in the current chunk
// format (app/_shared/recording/codec.ts), written to durable storage (localStorage) first, then uploaded through tRPC
// keyed by (recording, seq). Uploads that fail for network reasons stay queued and are retried, also
// after a reload; the server ignores a chunk it already has, so every sample is stored exactly once.
import { bytesToBase64, type PoseSample } from "../../_shared/pose/sample";
import { CHUNK_FORMAT, encodeChunk, type ChunkFormat } from "../../_shared/recording/codec";
import { MAX_SAMPLES_PER_CHUNK } from "../../_shared/recording/schemas";

export interface KV {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
  keys(): string[];
}
export function browserKV(): KV {
  return {
    getItem: (k) => localStorage.getItem(k),
    setItem: (k, v) => localStorage.setItem(k, v),
    removeItem: (k) => localStorage.removeItem(k),
    keys: () => Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)!).filter(Boolean),
  };
}

/** A sealed chunk as stored and uploaded; `trialId` is the recording's id. Chunks left by pages from before format 2 have no `format` (= 1). */
export type Chunk = { trialId: string; seq: number; startMs: number; rateHz: number; format?: ChunkFormat; samples: string };
/** ok: stored (or already there); retry: try again later; fatal: the server refused it for good. */
export type SendResult = "ok" | "retry" | { fatal: string };
export type Transport = {
  send(token: string, chunk: Chunk): Promise<SendResult>;
  finish(token: string, trialId: string, chunkCount: number): Promise<SendResult>;
};

type Meta = { token: string; trialId: string; nextSeq: number; stopped: boolean; finished: boolean };
const PREFIX = "pv.trial.";
/**
 * Recordings a Recorder of this page is recording now (an assessment trial and an exercise set may each have one), for
 * the page's leftover flush to leave alone: flushLeftovers(kv, transport, token, activeRecordings()).
 */
const ACTIVE = new Set<string>();
export const activeRecordings = (): string[] => [...ACTIVE];
const metaKey = (trialId: string) => `${PREFIX}${trialId}`;
const chunkKey = (trialId: string, seq: number) => `${PREFIX}${trialId}.c${String(seq).padStart(5, "0")}`;

export class Recorder {
  private buf: PoseSample[] = [];
  private lastT = -1;
  private flushing: Promise<void> | null = null;
  errors: string[] = [];
  sent = 0;
  private listeners = new Set<() => void>();

  constructor(private store: KV, private transport: Transport, readonly trialId: string, token: string, private chunkMs = 1000) {
    const existing = store.getItem(metaKey(trialId));
    if (!existing) this.saveMeta({ token, trialId, nextSeq: 0, stopped: false, finished: false });
    else this.count = (JSON.parse(existing) as Meta).nextSeq;
    ACTIVE.add(trialId);
  }

  private count = 0;
  private done = false;
  /** The stored state; once the trial is finished it is removed, and a closed record stands in. */
  private meta(): Meta {
    const raw = this.store.getItem(metaKey(this.trialId));
    return raw ? (JSON.parse(raw) as Meta) : { token: "", trialId: this.trialId, nextSeq: this.count, stopped: true, finished: true };
  }
  private saveMeta(m: Meta) {
    this.store.setItem(metaKey(m.trialId), JSON.stringify(m));
  }
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  private changed() {
    for (const l of this.listeners) l();
  }

  /** Adds a sample (t in ms since the trial started; must increase). */
  add(s: PoseSample) {
    if (this.meta().stopped || !(s.t > this.lastT)) return;
    this.lastT = s.t;
    this.buf.push(s);
    if (this.buf.length >= MAX_SAMPLES_PER_CHUNK || s.t - this.buf[0]!.t >= this.chunkMs) this.seal();
  }

  private seal(upload = true) {
    if (!this.buf.length) return;
    const m = this.meta();
    const span = this.buf.length > 1 ? this.buf[this.buf.length - 1]!.t - this.buf[0]!.t : 0;
    const rateHz = span > 0 ? Math.min(60, Math.max(1, ((this.buf.length - 1) * 1000) / span)) : 15;
    const chunk: Chunk = { trialId: this.trialId, seq: m.nextSeq, startMs: this.buf[0]!.t, rateHz, format: CHUNK_FORMAT, samples: bytesToBase64(encodeChunk(this.buf)) };
    this.store.setItem(chunkKey(this.trialId, m.nextSeq), JSON.stringify(chunk)); // durable before it leaves
    this.saveMeta({ ...m, nextSeq: m.nextSeq + 1 });
    this.count = m.nextSeq + 1;
    this.buf = [];
    if (upload) void this.flush();
  }

  /** Chunks written to storage but not yet confirmed by the server. */
  pending(): number {
    return pendingChunkKeys(this.store, this.trialId).length + (this.buf.length ? 1 : 0);
  }
  chunkCount(): number {
    return this.count;
  }
  /** True once the server confirmed every chunk and the end of the trial. */
  finished(): boolean {
    return this.done || !this.store.getItem(metaKey(this.trialId));
  }

  /** Uploads queued chunks in order; stops at the first one that must be retried. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        await flushTrial(this.store, this.transport, this.trialId, this);
      } finally {
        this.flushing = null;
        this.changed();
      }
    })();
    return this.flushing;
  }

  /** Recording ends: seal the last chunk, upload everything, then tell the server the count. */
  async stop(): Promise<boolean> {
    this.seal(false);
    if (this.store.getItem(metaKey(this.trialId))) this.saveMeta({ ...this.meta(), stopped: true });
    // an upload already under way read the state before the stop and will not finish the recording: wait, then flush
    if (this.flushing) await this.flushing;
    await this.flush();
    this.done = this.finished();
    if (this.done) ACTIVE.delete(this.trialId);
    return this.done;
  }

  /**
   * Stops, then keeps retrying every `retryMs` until the server has everything or an error ends it (the background timer
   * also flushes); `onProgress` gets the chunks still pending after each try. True when everything was saved.
   */
  async stopAndDrain(onProgress?: (pending: number) => void, retryMs = 1000): Promise<boolean> {
    let done = await this.stop();
    while (!done && this.errors.length === 0) {
      await new Promise((r) => setTimeout(r, retryMs));
      await this.flush();
      done = this.finished();
      onProgress?.(this.pending());
    }
    return this.errors.length === 0;
  }

  /** Drops everything of this recording (it was discarded). */
  discard() {
    this.buf = [];
    ACTIVE.delete(this.trialId);
    discardRecording(this.store, this.trialId);
    this.changed();
  }
}

/** Drops everything stored of a recording (it was discarded, or can never be saved). */
export function discardRecording(store: KV, trialId: string) {
  for (const k of store.keys()) if (k === metaKey(trialId) || k.startsWith(`${metaKey(trialId)}.`)) store.removeItem(k);
}

/**
 * The recordings of `token` that still wait on this device, with the chunks each has not had confirmed (0: only its
 * end is still to be sent, or it is still recording).
 */
export function waitingRecordings(store: KV, token: string): { trialId: string; chunks: number }[] {
  const out: { trialId: string; chunks: number }[] = [];
  for (const k of store.keys()) {
    if (!k.startsWith(PREFIX) || /\.c\d+$/.test(k)) continue;
    let meta: Meta | null = null;
    try {
      meta = JSON.parse(store.getItem(k) ?? "null") as Meta | null;
    } catch { /* not ours */ }
    if (meta?.token === token) out.push({ trialId: meta.trialId, chunks: pendingChunkKeys(store, meta.trialId).length });
  }
  return out;
}

function pendingChunkKeys(store: KV, trialId: string): string[] {
  return store.keys().filter((k) => k.startsWith(`${metaKey(trialId)}.c`)).sort();
}

async function flushTrial(store: KV, transport: Transport, trialId: string, rec?: Recorder) {
  const raw = store.getItem(metaKey(trialId));
  if (!raw) return;
  const meta = JSON.parse(raw) as Meta;
  for (const key of pendingChunkKeys(store, trialId)) {
    const chunk = JSON.parse(store.getItem(key)!) as Chunk;
    const r = await transport.send(meta.token, chunk);
    if (r === "retry") return;
    if (r !== "ok") rec?.errors.push(`chunk ${chunk.seq}: ${r.fatal}`);
    store.removeItem(key);
    if (rec) rec.sent++;
  }
  if (meta.stopped && !meta.finished) {
    const r = await transport.finish(meta.token, trialId, meta.nextSeq);
    if (r === "retry") return;
    if (r !== "ok") rec?.errors.push(`finish: ${r.fatal}`);
    store.removeItem(metaKey(trialId)); // finished (or refused for good): nothing left to keep
  }
}

/**
 * After a reload: uploads whatever an earlier page left behind for this visit's token. `active` is the
 * recording (or recordings: activeRecordings()) this page is making itself, never touched here.
 */
export async function flushLeftovers(store: KV, transport: Transport, token: string, active: string | null | readonly string[] = null): Promise<number> {
  let n = 0;
  const mine = new Set(typeof active === "string" ? [active] : (active ?? []));
  for (const k of store.keys()) {
    if (!k.startsWith(PREFIX) || /\.c\d+$/.test(k)) continue;
    const meta = JSON.parse(store.getItem(k) ?? "null") as Meta | null;
    if (!meta || meta.token !== token || mine.has(meta.trialId)) continue;
    n += pendingChunkKeys(store, meta.trialId).length;
    if (!meta.stopped) store.setItem(k, JSON.stringify({ ...meta, stopped: true })); // the recording itself is gone with the old page
    await flushTrial(store, transport, meta.trialId);
  }
  return n;
}
