// How `futures flags -x threads -m N` spreads its N requests in flight over worker threads.
//
// A worker thread is a whole V8 isolate: its own heap, its own copy of every module it loads
// (the downloader and undici), 30-80 ms of CPU and about 7-10 MB to start. One thread per
// request (the book's ThreadPoolExecutor) spends most of a run starting threads. The
// downloads are async, so one thread can keep many in flight: the threads are the largest
// number of them, up to the cores, that divides N, and each runs N / threads downloads at
// once (the pool's concurrentCallsPerWorker). -m keeps the book's meaning, exactly N
// requests in flight: -m 30 on 2 cores is 2 threads x 15, on 8 cores 6 x 5; -m 7 is 1 x 7.
import os from "node:os";

export interface ThreadSplit {
  threads: number;
  callsPerThread: number;
}

/** `requests` in flight as threads x calls per thread, exactly, with threads <= cores. */
export function threadSplit(requests: number, cores = os.availableParallelism()): ThreadSplit {
  if (!(Number.isSafeInteger(requests) && requests >= 1))
    throw new RangeError(`requests must be a whole number >= 1, got ${requests}`);
  let threads = Math.max(1, Math.min(cores, requests));
  while (requests % threads !== 0) threads--;
  return { threads, callsPerThread: requests / threads };
}
