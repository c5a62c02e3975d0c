// The no-op task for the futures pools.
import { task } from "concurrent-futures";

export const noop = task(import.meta.url, "noop", () => undefined);
