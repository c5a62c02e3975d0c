// How `futures flags -x threads -m N` spreads its N requests in flight over worker threads.
//
// A worker thread is a whole V8 isolate: its own heap, its own copy of every module it loads
// (the downloader and undici), 30-80 ms of CPU and about 7 MB to start, some 14 MB once it
// downloads. One thread per request (the book's ThreadPoolExecutor) spends most of a run
// starting threads. The downloads are async, so one thread keeps many in flight, and more
// threads only add isolates: measured on 2 cores for -m 30, 1 x 30 took 1.30x the time of
// -x async, 2 x 15 1.38x, 3 x 10 1.51x, 6 x 5 2.23x (and 1.24x, 1.43x, 1.62x, 2.24x the
// memory). So: two threads (MAX_DOWNLOAD_THREADS), one when N is odd or there is one core,
// each running N / threads downloads at once (the pool's concurrentCallsPerWorker). -m keeps
// the book's meaning, exactly N requests in flight: -m 30 is 2 threads x 15, -m 7 is 1 x 7.
import os from "node:os";

/** Threads for downloads, at most: enough to show threads sharing the work, no more isolates. */
export const MAX_DOWNLOAD_THREADS = 2;

export interface ThreadSplit {
  threads: number;
  callsPerThread: number;
}

/** `requests` in flight as threads x calls per thread, exactly, with the fewest isolates worth having. */
export function threadSplit(requests: number, cores = os.availableParallelism()): ThreadSplit {
  if (!(Number.isSafeInteger(requests) && requests >= 1))
    throw new RangeError(`requests must be a whole number >= 1, got ${requests}`);
  let threads = Math.max(1, Math.min(MAX_DOWNLOAD_THREADS, cores, requests));
  while (requests % threads !== 0) threads--;
  return { threads, callsPerThread: requests / threads };
}
