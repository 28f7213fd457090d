"""W6 (P2) and W7 of docs/WORKLOADS.md in CPython, the peer of `ProcessWorkerProbe bench`.

Run: PYENV_VERSION=3.13.0 python3 bench/peers/processes.py
"""
import concurrent.futures
import multiprocessing
import statistics
import time


def add_one(x):
    return x + 1


def cpu(a, b):
    total = 0
    for i in range(a, b):
        total += (i * i) % 7
    return total


def w7(n=10_000, runs=5):
    with concurrent.futures.ProcessPoolExecutor(2) as ex:
        list(ex.map(add_one, range(100)))
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            futures = [ex.submit(add_one, i) for i in range(n)]
            total = sum(f.result() for f in futures)
            elapsed = time.perf_counter() - start
            assert total == n * (n + 1) // 2
            rates.append(n / elapsed)
    print(f"W7 ProcessPoolExecutor(2) submit/result N={n}: {statistics.median(rates):,.0f} tasks/s (median of {runs})")


def pool_map(n=100_000, runs=5):
    with multiprocessing.Pool(2) as pool:
        pool.map(add_one, range(100))
        for chunk in (1, 100):
            rates = []
            for _ in range(runs):
                start = time.perf_counter()
                out = pool.map(add_one, range(n), chunksize=chunk)
                elapsed = time.perf_counter() - start
                assert out[-1] == n
                rates.append(n / elapsed)
            print(f"Pool(2).map(chunksize={chunk}) N={n}: {statistics.median(rates):,.0f} tasks/s (median of {runs})")


def w6(n=5_000_000, runs=3):
    t1s, p2s, colds = [], [], []
    with concurrent.futures.ProcessPoolExecutor(2) as ex:
        list(ex.map(add_one, range(2)))
        for _ in range(runs):
            start = time.perf_counter()
            expected = cpu(0, n)
            t1s.append(time.perf_counter() - start)
            start = time.perf_counter()
            halves = list(ex.map(cpu, [0, n // 2], [n // 2, n]))
            p2s.append(time.perf_counter() - start)
            assert sum(halves) == expected
            start = time.perf_counter()
            with concurrent.futures.ProcessPoolExecutor(2) as cold:
                assert sum(cold.map(cpu, [0, n // 2], [n // 2, n])) == expected
            colds.append(time.perf_counter() - start)
    t1 = statistics.median(t1s)
    print(f"W6 N={n}: T1 {t1:.3f} s, P2 warm {statistics.median(p2s):.3f} s (speedup {t1 / statistics.median(p2s):.2f}), "
          f"P2 with start-up {statistics.median(colds):.3f} s (speedup {t1 / statistics.median(colds):.2f})")


if __name__ == "__main__":
    w7()
    pool_map()
    w6()
