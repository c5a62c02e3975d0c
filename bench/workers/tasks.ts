// The no-op task for the futures pools.
import { task } from "../../src/futures/index.ts";

export const noop = task(import.meta.url, "noop", () => undefined);
