// Which camera frames the pose worker analyses (stream mode). Without pacing the worker takes the next frame the moment
// it is free, so on a busy laptop it uses every cycle it can get, and the call's other threads (video encoding, the
// network, the other side's page on a shared machine) wait for a core longer; and the frame it then takes has often
// been waiting up to a whole camera period. The pacer holds the analysed rate at a target and prefers fresh frames:
// - pacing: a credit grows by `targetHz` per second of capture time (capped at CREDIT_CAP) and each frame taken spends
//   one, so frames are taken evenly spaced (at 30 fps and 18 Hz: two of every three, then one of two), never in bursts;
// - freshness: when at least targetHz - 2 frames were taken in the last second, a frame that has waited more than half a
//   camera period is skipped, since a fresher one comes sooner than that (skipping it costs at most half a period of
//   idle time and saves a whole period of delay; the next frame read is fresh, so this never skips twice in a row).
// Below targetHz - 2 every frame the worker can take is taken (the credit is full), so a slow machine loses nothing.

export interface PacerOptions {
  /** analysed frames per second to aim for (0 = no pacing: every frame the worker can take) */
  targetHz: number;
  /** the camera's frame period, ms (0 = unknown: no freshness rule) */
  periodMs: number;
}

/** At most this many frames' worth of credit is saved up: enough to even out camera jitter, too little for a burst. */
const CREDIT_CAP = 1.5;

export class FramePacer {
  /** capture times (ms) of the frames taken in the last second (kept only while pacing) */
  private taken: number[] = [];
  private credit = 1;
  private last: number | null = null;
  skipped = 0;

  constructor(readonly options: PacerOptions) {}

  /** Frames taken in the second before `t`. */
  rate(t: number): number {
    while (this.taken.length && this.taken[0]! <= t - 1000) this.taken.shift();
    return this.taken.length;
  }

  /**
   * Whether to analyse a frame captured at `t` (ms, increasing) that was read `ageMs` after its capture. A frame it
   * accepts is counted as taken.
   */
  accept(t: number, ageMs: number): boolean {
    const { targetHz, periodMs } = this.options;
    if (targetHz <= 0) return true;
    this.credit = Math.min(CREDIT_CAP, this.credit + (this.last === null ? 0 : (Math.max(0, t - this.last) * targetHz) / 1000));
    this.last = t;
    const stale = periodMs > 0 && ageMs > periodMs / 2;
    if (this.credit < 1 || (stale && this.rate(t) >= targetHz - 2)) {
      this.skipped++;
      return false;
    }
    this.credit -= 1;
    this.taken.push(t);
    this.rate(t); // drops what left the window
    return true;
  }
}
