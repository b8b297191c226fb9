// One neutral calibration at a time on the live frames: calibrate() starts one (a running one is answered as
// restarted), every analysed frame is added, and the outcome resolves the promise; a good calibration is applied by
// the caller's `apply`.
import { type CalibrationOutcome, NeutralCalibrator } from "@/app/_shared/pose/calibration";
import type { Calibration } from "@/app/_shared/pose/calibration";
import type { PoseFrame } from "@/app/_shared/pose/landmarks";

export class CalibrationSession {
  private current: { c: NeutralCalibrator; resolve: (o: CalibrationOutcome) => void } | null = null;

  constructor(private readonly apply: (c: Calibration) => void) {}

  /** Progress 0..1 of the running calibration, null when none runs. */
  progress: number | null = null;

  /** Stand still and upright; resolves after `durationMs` of frames. */
  start(durationMs = 2500): Promise<CalibrationOutcome> {
    this.current?.resolve({ ok: false, reason: "too-few-frames", message: "Calibration restarted." });
    return new Promise((resolve) => {
      const c = new NeutralCalibrator({ ...new NeutralCalibrator().options, durationMs });
      this.current = { c, resolve };
      this.progress = 0;
    });
  }

  /** Adds an analysed frame to the running calibration (if any). */
  add(frame: PoseFrame): void {
    if (!this.current) return;
    const { c, resolve } = this.current;
    const done = c.add(frame);
    this.progress = c.progress;
    if (!done) return;
    this.current = null;
    this.progress = null;
    const out = c.result();
    if (out.ok) this.apply(out.calibration);
    resolve(out);
  }
}
