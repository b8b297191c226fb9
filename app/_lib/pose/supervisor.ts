// Where inference runs, and keeping it running: loads a worker backend (or the main-thread fallback where no worker
// can start), replaces a worker that died or stopped answering (after two losses the pipeline moves to the main
// thread), switches models, and throws away a backend that finished loading after its tracker generation ended
// (start() or stop() were called meanwhile). It writes what it did into the tracker's stats (backend, model,
// fallbackReason). The backends are made by factories, so the state machine is unit-tested with a fake worker port.
import { MainThreadBackend, type PoseBackend, WorkerBackend } from "./backend";
import type { TrackerOptions } from "./options";
import type { ModelName } from "./protocol";
import type { TrackerStats } from "./stats";

export interface BackendFactories {
  /** null where Web Workers do not exist */
  worker: (() => WorkerBackend) | null;
  mainThread: () => PoseBackend;
}

export function defaultFactories(o: Pick<TrackerOptions, "assets" | "createWorker">): BackendFactories {
  return {
    worker: typeof Worker !== "undefined" ? () => new WorkerBackend(o.assets, o.createWorker) : null,
    mainThread: () => new MainThreadBackend(o.assets),
  };
}

export class BackendSupervisor {
  backend: PoseBackend | null = null;
  /** a model switch is under way: no frame may be handed over */
  switching = false;
  /** workers lost (died or stalled) so far; at two, the main thread takes over */
  workerLosses = 0;
  /** bumped by the tracker's start() and stop(): a load that finishes after its generation ended is thrown away */
  gen = 0;

  constructor(
    private readonly stats: TrackerStats,
    /** "auto" | "worker" | "main-thread"; becomes "main-thread" after two lost workers */
    public preference: TrackerOptions["backend"],
    private readonly make: BackendFactories,
  ) {}

  /** Loads a backend for `model`; false (and nothing kept) when generation `gen` ended meanwhile. */
  async init(model: ModelName, gen: number): Promise<boolean> {
    const want = this.preference;
    if (want !== "main-thread" && this.make.worker) {
      let b: WorkerBackend | null = null;
      try {
        b = this.make.worker();
        const r = await b.load(model);
        if (gen !== this.gen) {
          b.close();
          return false;
        }
        this.backend = b;
        this.stats.backend = "worker";
        this.stats.model = r.model;
        return true;
      } catch (err) {
        b?.close();
        if (want === "worker") throw err;
        this.stats.fallbackReason = String((err as Error)?.message ?? err);
        console.warn("[pose] worker unavailable, running on the main thread:", this.stats.fallbackReason);
      }
    }
    const m = this.make.mainThread();
    const r = await m.load(model);
    if (gen !== this.gen) {
      m.close();
      return false;
    }
    this.backend = m;
    this.stats.backend = "main-thread";
    this.stats.model = r.model;
    return true;
  }

  /**
   * Replaces a worker that died or stalled; false when the tracker was stopped meanwhile. Throws when no backend
   * could be loaded.
   */
  async replaceDead(dead: WorkerBackend): Promise<boolean> {
    dead.close();
    if (this.backend === dead) this.backend = null;
    this.workerLosses++;
    if (this.workerLosses >= 2) this.preference = "main-thread";
    if (!(await this.init(this.stats.model ?? "lite", this.gen))) return false;
    console.warn(`[pose] replaced a stalled worker; now on ${this.stats.backend}`);
    return true;
  }

  /** Loads `model` into the current backend once no frame is in flight (`busy`); false when nothing changed. */
  async switchModel(model: ModelName, busy: () => boolean): Promise<boolean> {
    if (!this.backend || this.stats.model === model) return false;
    this.switching = true;
    try {
      while (busy()) await new Promise((r) => setTimeout(r, 5));
      await this.backend.load(model);
      this.stats.model = model;
      return true;
    } finally {
      this.switching = false;
    }
  }

  close(): void {
    this.backend?.close();
    this.backend = null;
  }
}
