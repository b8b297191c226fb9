// Which camera frames the pose worker analyses (stream mode). Without pacing the worker takes the next frame the moment
// it is free, so on a busy laptop it uses every cycle it can get, and the call's other threads (video encoding, the
// network, the other side's page on a shared machine) wait for a core longer; and the frame it then takes has often
// been waiting up to a whole camera period. The pacer keeps the analysed rate at a target and prefers fresh frames:
// - at or above the target rate (frames analysed in the last second), a frame is skipped;
// - near the target, a frame that has waited more than half a camera period is skipped, since a fresher one comes
//   sooner than that (skipping it costs at most half a period of idle time and saves a whole period of delay).
// Below the target every frame is taken, so a slow machine still gets as many frames as it can analyse.

export interface PacerOptions {
  /** analysed frames per second to aim for (0 = no pacing: every frame the worker can take) */
  targetHz: number;
  /** the camera's frame period, ms (0 = unknown: no freshness rule) */
  periodMs: number;
}

export class FramePacer {
  /** capture times (ms) of the frames taken in the last second */
  private taken: number[] = [];
  skipped = 0;

  constructor(readonly options: PacerOptions) {}

  /** Frames taken in the second before `t`. */
  rate(t: number): number {
    while (this.taken.length && this.taken[0]! <= t - 1000) this.taken.shift();
    return this.taken.length;
  }

  /**
   * Whether to analyse a frame captured at `t` (ms) that was read `ageMs` after its capture. A frame it accepts is
   * counted as taken.
   */
  accept(t: number, ageMs: number): boolean {
    const { targetHz, periodMs } = this.options;
    if (targetHz > 0) {
      const rate = this.rate(t);
      const stale = periodMs > 0 && ageMs > periodMs / 2;
      if (rate >= targetHz || (stale && rate >= targetHz - 2)) {
        this.skipped++;
        return false;
      }
    }
    this.taken.push(t);
    return true;
  }
}
