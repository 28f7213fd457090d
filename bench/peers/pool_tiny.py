"""W1 pool_tiny of docs/WORKLOADS.md in CPython, the peer of the `Executors` benchmark.

A pool of 2 worker threads; submit N = 100,000 tasks, task i returns i; collect every
result; check the sum is N(N-1)/2. Prints the median tasks/s of 5 runs, first submit to
last result.

Run: PYENV_VERSION=3.13.0 python3 bench/peers/pool_tiny.py
"""
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

N = 100_000
RUNS = 5


def identity(i):
    return i


def once():
    with ThreadPoolExecutor(max_workers=2) as executor:
        start = time.perf_counter()
        futures = [executor.submit(identity, i) for i in range(N)]
        total = sum(f.result() for f in futures)
        elapsed = time.perf_counter() - start
    assert total == N * (N - 1) // 2, total
    return N / elapsed


rates = sorted(once() for _ in range(RUNS))
print(f"W1 CPython {sys.version.split()[0]} ThreadPoolExecutor(2), N={N}: "
      f"median {statistics.median(rates) / 1e6:.3f} M tasks/s "
      f"(min {rates[0] / 1e6:.3f}, max {rates[-1] / 1e6:.3f}, {RUNS} runs)")
