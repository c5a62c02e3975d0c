// Public entry of the package: the futures library.
export * from "./futures/index.ts";
export * from "./server/index.ts";
