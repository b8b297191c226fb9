// Public surface of the isomorphic exercise engine (see README.md in this folder).
export * from "./catalogue";
export * from "./form";
export * from "./framing";
export * from "./skeleton";
export * from "./spec";
export * from "./summary";
export * from "./trackers";
