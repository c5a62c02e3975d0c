import { task } from "concurrent-futures";

// A task is a function with an address: module URL + export name, so that a worker
// thread or a child process can import it, the way Python pickles a function.
export const cube = task(import.meta.url, "cube", (n: number) => n ** 3);

export const slowSquare = task(import.meta.url, "slowSquare", async (n: number, ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return n * n;
});
