// Public surface of the isomorphic pose measurement library.
export * from "./angles";
export * from "./calibration";
export * from "./filter";
export * from "./geometry";
export * from "./guidance";
export * from "./landmarks";
export * from "./measures";
export * from "./processor";
export * from "./quality";
export * from "./sample";
