// One Euro filter (Casiez, Roussel & Vogel, CHI 2012): an adaptive first-order low-pass whose cutoff rises with the
// signal's speed, so it removes jitter at rest and keeps lag small during movement.
//
// Added latency: a first-order low-pass with cutoff fc delays a steadily changing signal by tau = 1 / (2*pi*fc).
// Here fc = minCutoff + beta * |speed in deg/s|. With the defaults below (minCutoff 1 Hz, beta 0.5):
//   at rest                        fc = 1 Hz   -> tau ~ 160 ms (jitter suppression; nothing is moving, so no visible lag)
//   trunk moving at 10 deg/s      fc = 6 Hz   -> tau ~  27 ms
//   trunk moving at 45 deg/s      fc = 23.5 Hz -> tau ~   7 ms
// The speed itself is low-passed at dCutoff (1 Hz), so at the start of a movement the cutoff rises late and the lag is
// larger than the formula; the benchmark measures it (cross-correlation of filtered vs unfiltered angle).
// beta was 0.05 until issue 15: its lag (50-80 ms during a bend) was the largest error left once the model bias was
// removed (shown trunk flexion MAE 0.97 deg vs 0.46 unsmoothed on the side-on sweep, lite). With 0.5 the shown MAE is
// 0.58 there, and 0.61 instead of 0.86 for side bending from the front; landmark jitter of +-0.5 deg at rest still loses 83 % of its variance
// (91 % with 0.05), jitter of +-2 deg 65 % (84 %).
export interface OneEuroOptions {
  /** Hz, cutoff at zero speed (lower = smoother at rest, more lag) */
  minCutoff: number;
  /** cutoff increase per unit/s of speed (higher = less lag when moving, more jitter) */
  beta: number;
  /** Hz, cutoff for the speed estimate */
  dCutoff: number;
}

export const DEFAULT_ONE_EURO: OneEuroOptions = { minCutoff: 1.0, beta: 0.5, dCutoff: 1.0 };

const alpha = (cutoffHz: number, dtS: number) => {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtS);
};

/** Theoretical steady-state lag (ms) of the filter for a signal moving at `speed` units/s. */
export function oneEuroLagMs(speed: number, o: OneEuroOptions = DEFAULT_ONE_EURO): number {
  return 1000 / (2 * Math.PI * (o.minCutoff + o.beta * Math.abs(speed)));
}

export class OneEuroFilter {
  private x: number | null = null;
  private dx = 0;
  private tMs = 0;
  constructor(private readonly o: OneEuroOptions = DEFAULT_ONE_EURO) {}

  reset(): void {
    this.x = null;
    this.dx = 0;
  }

  get value(): number | null {
    return this.x;
  }

  /** Feeds a sample taken at tMs (milliseconds, increasing) and returns the filtered value. */
  filter(value: number, tMs: number): number {
    if (this.x === null || !(tMs > this.tMs)) {
      // first sample (or a non-increasing timestamp): pass through
      if (this.x === null) {
        this.x = value;
        this.dx = 0;
      }
      this.tMs = Math.max(this.tMs, tMs);
      return this.x;
    }
    const dt = (tMs - this.tMs) / 1000;
    this.tMs = tMs;
    const rawDx = (value - this.x) / dt;
    this.dx += alpha(this.o.dCutoff, dt) * (rawDx - this.dx);
    const cutoff = this.o.minCutoff + this.o.beta * Math.abs(this.dx);
    this.x += alpha(cutoff, dt) * (value - this.x);
    return this.x;
  }
}
