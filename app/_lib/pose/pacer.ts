// Which camera frames the pose worker analyses (stream mode). Without pacing the worker takes the next frame the moment
// it is free, so on a busy laptop it uses every cycle it can get, and the call's other threads (video encoding, the
// network, the other side's page on a shared machine) wait for a core longer; and the frame it then takes has often
// been waiting up to a whole camera period. The pacer holds the analysed rate at a target and prefers fresh frames:
// - pacing: a credit grows by `targetHz` per second (capped at CREDIT_CAP) and each frame taken spends
//   one, so frames are taken evenly spaced (at 30 fps and 18 Hz: two of every three, then one of two), never in bursts;
// - freshness: when at least targetHz - 2 frames were taken in the last second, a frame that has waited more than half a
//   camera period is skipped, since a fresher one comes sooner than that (skipping it costs at most half a period of
//   idle time and saves a whole period of delay). The next frame is usually read as it arrives; on a loaded machine,
//   where frames also arrive late, more count as stale, which holds the rate nearer targetHz - 2 and leaves idle time.
// Below targetHz - 2 the freshness rule is off and pacing does not bind, so a slow machine loses no frame it could take.

export interface PacerOptions {
  /** analysed frames per second to aim for (0 = no pacing: every frame the worker can take) */
  targetHz: number;
  /** the camera's frame period, ms (0 = unknown: no freshness rule) */
  periodMs: number;
}

/** At most this many frames' worth of credit is saved up: enough to even out camera jitter, too little for a burst. */
const CREDIT_CAP = 1.5;

export class FramePacer {
  /** read times (ms) of the frames taken in the last second */
  private taken: number[] = [];
  private credit = 1;
  private last: number | null = null;
  /** the smallest delivery delay (read time - capture timestamp, any fixed offset) seen since the stream (re)started */
  private floor = Infinity;
  skipped = 0;

  constructor(readonly options: PacerOptions) {}

  /** Frames taken in the second before `now`. */
  rate(now: number): number {
    while (this.taken.length && this.taken[0]! <= now - 1000) this.taken.shift();
    return this.taken.length;
  }

  /** The source restarted its clock: delays measured so far no longer compare. */
  restart(): void {
    this.floor = Infinity;
  }

  /**
   * Whether to analyse a frame read at `now` (ms, a monotonic clock) with delivery delay `delayMs` (read time minus its
   * capture timestamp; any fixed offset between the two clocks is fine). How long it waited is its delay above the
   * smallest seen on this stream, i.e. as if frames could arrive the moment they are captured. On a loaded machine,
   * where frames also arrive later, more of them count as stale: the rate is then held nearer targetHz - 2 and the
   * machine keeps more idle time, which is what the rule is for. (Measuring from a recent minimum instead, 2 or 5 s,
   * let busy reads set the floor: fewer skips and a longer tail in bench:stream.) A frame it accepts is counted as taken.
   */
  accept(now: number, delayMs: number): boolean {
    const { targetHz, periodMs } = this.options;
    if (targetHz <= 0) return true;
    this.floor = Math.min(this.floor, delayMs);
    const waited = delayMs - this.floor;
    if (this.last !== null && now < this.last) this.last = now; // not monotonic after all: no credit for going back
    this.credit = Math.min(CREDIT_CAP, this.credit + (this.last === null ? 0 : ((now - this.last) * targetHz) / 1000));
    this.last = now;
    const stale = periodMs > 0 && waited > periodMs / 2;
    if (this.credit < 1 || (stale && this.rate(now) >= targetHz - 2)) {
      this.skipped++;
      return false;
    }
    this.credit -= 1;
    this.taken.push(now);
    this.rate(now); // drops what left the window
    return true;
  }
}
