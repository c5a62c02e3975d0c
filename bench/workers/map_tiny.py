"""The peer of map-tiny.mjs: CPython's ProcessPoolExecutor.map of N tiny items (chunksize 1000)
on 2 processes. Prints the sum of the results and the milliseconds from creating the pool to
its shutdown; with "start", the milliseconds until both workers had run a no-op.
    python3 bench/workers/map_tiny.py N | start"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def double(x):
    return x * 2


def pid(_):
    return os.getpid()


if __name__ == "__main__":
    t0 = time.perf_counter()
    if sys.argv[1] == "start":
        with ProcessPoolExecutor(max_workers=2) as pool:
            seen = set()
            while len(seen) < 2:
                seen.update(pool.map(pid, range(2)))
            ms = (time.perf_counter() - t0) * 1000
        print(f"start {ms:.1f}")
    else:
        n = int(sys.argv[1])
        with ProcessPoolExecutor(max_workers=2) as pool:
            total = sum(pool.map(double, range(n), chunksize=1000))
        print(f"sum {total} ms {(time.perf_counter() - t0) * 1000:.1f}")
