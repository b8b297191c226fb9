// The app's pose worker, plus the frame-index reader the benchmarks need in stream mode (the worker reads the camera).
import { setFrameTagger } from "@/app/_lib/pose/pose.worker";
import { decodeIndex } from "./frame-code";

setFrameTagger(decodeIndex);
