export { AngleReadouts } from "./AngleReadouts";
export { GuidancePanel } from "./GuidancePanel";
export { PerfStats } from "./PerfStats";
export { SkeletonOverlay } from "./SkeletonOverlay";
