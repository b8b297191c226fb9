// Corrections from the image angle of the trunk line to the clinical angle: the view's foreshortening (a camera a
// little off side-on or off frontal) and the landmark model's own bias. Pure functions plus versioned data.
//
// Foreshortening. With a level camera the image keeps verticals vertical, so a trunk bent by theta in a plane that
// is turned by alpha away from the image plane shows x = sin(theta) * cos(alpha), y = cos(theta): the image angle is
// atan(tan(theta) * cos(alpha)), and theta = atan2(sin(image) / cos(alpha), cos(image)). At alpha = 25 deg a 45 deg
// bend reads 42.2 deg uncorrected. This assumes the movement stays in its own plane (flexion side-on, side bending
// from the front): a mix of both, seen from an oblique camera, is withheld (measures.ts), never split.
//
// Model bias. PoseLandmarker's hip and shoulder points are not the joint centres: side-on, its trunk line reads too
// upright when standing and too flexed in a deep bend (the shoulder point drifts toward the hanging arms), a gain and
// an offset that differ by model. Measured with `npm run bench:accuracy -- --slow=4` on the shared side-on sweep
// (synthetic_sagittal_flexion, 0-90 deg, every analysed frame against its truth, unsmoothed): lite reads
// 1.051 * truth - 1.57 deg, full 1.061 * truth - 2.65 deg. The correction inverts that line. It was fitted on that one
// clip and checked on clips it was not fitted on (the project's off-axis sweeps at 15 and 25 deg, tests/media); it is
// one rendered body, so it is versioned data, and a stored result names the version that produced it.
import { DEG2RAD, RAD2DEG } from "./geometry";

/** Views further than this from the ideal are not corrected (classifyView calls them oblique at 30 deg). */
export const MAX_OFF_AXIS_DEG = 30;

/**
 * The angle in the movement's own plane from its image angle, for a plane turned `offAxisDeg` away from the image
 * plane (0 = parallel: no change). offAxisDeg is clamped to [0, MAX_OFF_AXIS_DEG].
 */
export function unforeshorten(imageDeg: number, offAxisDeg: number): number {
  const a = Math.min(MAX_OFF_AXIS_DEG, Math.max(0, Math.abs(offAxisDeg))) * DEG2RAD;
  if (a === 0 || !Number.isFinite(imageDeg)) return imageDeg;
  const t = imageDeg * DEG2RAD;
  return Math.atan2(Math.sin(t) / Math.cos(a), Math.cos(t)) * RAD2DEG;
}

/** measured = gain * true + offsetDeg, for a measure and model (from the benchmark). */
export interface LinearBias {
  gain: number;
  offsetDeg: number;
}

export type PoseModelName = "lite" | "full" | "heavy";

export const MODEL_BIAS = {
  version: 1,
  /** side-on trunk flexion (image trunk line, signed by facing, after the foreshortening correction) */
  trunkFlexion: {
    lite: { gain: 1.0507, offsetDeg: -1.57 },
    full: { gain: 1.0605, offsetDeg: -2.65 },
  } as Partial<Record<PoseModelName, LinearBias>>,
} as const;

/**
 * Removes a model's linear bias: true = (measured - offset) / gain. The gain was measured over 0..90 deg of flexion;
 * below the offset (an extension) only the offset is removed. Unknown model: unchanged.
 */
export function removeBias(deg: number, bias: LinearBias | undefined): number {
  if (!bias || !Number.isFinite(deg)) return deg;
  const d = deg - bias.offsetDeg;
  return d > 0 ? d / bias.gain : d;
}

export function modelBias(measure: keyof Omit<typeof MODEL_BIAS, "version">, model: string | undefined): LinearBias | undefined {
  return model ? MODEL_BIAS[measure][model as PoseModelName] : undefined;
}
