// How `futures flags -x threads -m N` spreads its N requests in flight over worker threads.
//
// A worker thread is a whole V8 isolate: its own heap, its own copy of every module it loads
// (the downloader and undici), 30-80 ms of CPU and about 7 MB to start, some 14 MB once it
// downloads. One thread per request (the book's ThreadPoolExecutor) spends most of a run
// starting threads. The downloads are async, so one thread's event loop keeps all of them in
// flight, and each further thread only adds an isolate competing for the cores. Measured for
// -e -m 30 against LOCAL on 2 shared cores, alternated with -x async (time, peak memory):
//   1 x 30: 1.30x, 1.23x (load 6.8) and 1.30x, 1.24x (load 6)
//   2 x 15: 1.67x, 1.43x (load 6.8) and 1.38x, 1.43x (load 6)
//   3 x 10: 1.51x, 1.62x; 6 x 5: 2.23x, 2.24x (load 6)
// So one thread (MAX_DOWNLOAD_THREADS) runs all N downloads at once (the pool's
// concurrentCallsPerWorker), and -m keeps the book's meaning: exactly N requests in flight.
// With more threads allowed, N is split evenly over the most threads that divide it.

/** Threads for downloads, at most: one event loop already overlaps every download. */
export const MAX_DOWNLOAD_THREADS = 1;

export interface ThreadSplit {
  threads: number;
  callsPerThread: number;
}

/** `requests` in flight as threads x calls per thread, exactly, with at most `maxThreads` threads. */
export function threadSplit(requests: number, maxThreads = MAX_DOWNLOAD_THREADS): ThreadSplit {
  if (!(Number.isSafeInteger(requests) && requests >= 1))
    throw new RangeError(`requests must be a whole number >= 1, got ${requests}`);
  let threads = Math.max(1, Math.min(maxThreads, requests));
  while (requests % threads !== 0) threads--;
  return { threads, callsPerThread: requests / threads };
}
