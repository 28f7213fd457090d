#!/usr/bin/env python3
"""The workloads of docs/WORKLOADS.md (W1-W10) in CPython, for `threadlab bench`.

Each workload prints one JSON line: {"id", "n", "value", "unit", "seconds", "ok"}.
Every workload checks its result (a sum), so nothing is optimised away. CPython uses a
smaller N than Swift where the full N would take minutes; the figures are rates, so
they stay comparable, and the line says which N was used.

--scaling runs, instead of W1-W10, the scaling points of docs/WORKLOADS.md: W1 with a
pool of k workers, W3 with k producers and k consumers, W5 with k threads, for each k of
--ks (default 1,2,4,8,16,64), and prints one line per (workload, k), W1 first, then W3,
then W5: {"id", "k", "n", "value", "low", "high", "unit", "seconds", "ok", "note"}. N is
the one each of them has in W1-W10 (times --scale, at least k), split over the k threads
of W3 and W5 (share = N // k each); --only still picks among W1, W3, W5.

usage: peer_python.py [--quick] [--scale X] [--only W6,W10] [--n N] [--runs R]
                      [--scaling [--ks 1,2,4]]
"""
import argparse
import json
import multiprocessing
import platform
import queue
import signal
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

# (full N, quick N) for CPython.
SIZES = {
    "W1": (100_000, 10_000),
    "W2": (200_000, 20_000),
    "W3": (200_000, 20_000),
    "W4": (2_000_000, 200_000),
    "W5": (500_000, 50_000),
    "W6": (10_000_000, 1_000_000),
    "W7": (10_000, 1_000),
    "W8": (20_000, 2_000),
    "W9": (10_000, 1_000),
    "W10": (10_000_000, 1_000_000),
}


def emit(wid, n, value, unit, seconds, ok, note=None, low=None, high=None):
    line = {"id": wid, "n": n, "value": value, "unit": unit, "seconds": seconds, "ok": ok}
    if low is not None:
        line["low"], line["high"] = low, high
    if note:
        line["note"] = note
    print(json.dumps(line), flush=True)


def identity(i):
    return i


def w1(n, k=2):
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=k) as pool:
        futures = [pool.submit(identity, i) for i in range(n)]
        total = sum(f.result() for f in futures)
    elapsed = time.perf_counter() - start
    return n / elapsed, "tasks/s", elapsed, total == n * (n - 1) // 2


def run_queue(n, producers, consumers):
    q = queue.Queue(maxsize=1024)
    sums = [0] * consumers
    share = n // producers
    stop = object()

    def produce(k):
        for i in range(k * share, (k + 1) * share):
            q.put(i)

    def consume(k):
        s = 0
        while True:
            item = q.get()
            if item is stop:
                break
            s += item
        sums[k] = s

    cs = [threading.Thread(target=consume, args=(k,)) for k in range(consumers)]
    ps = [threading.Thread(target=produce, args=(k,)) for k in range(producers)]
    start = time.perf_counter()
    for t in cs + ps:
        t.start()
    for t in ps:
        t.join()
    for _ in cs:
        q.put(stop)
    for t in cs:
        t.join()
    elapsed = time.perf_counter() - start
    total = share * producers
    return total / elapsed, "items/s", elapsed, sum(sums) == total * (total - 1) // 2


def w2(n):
    return run_queue(n, 1, 1)


def w3(n, k=2):
    return run_queue(n, k, k)


def w4(n):
    lock = threading.Lock()
    counter = 0
    start = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        counter += 1
        lock.release()
    elapsed = time.perf_counter() - start
    return elapsed / n * 1e9, "ns/pair", elapsed, counter == n


def contended(share, k):
    """k threads, each incrementing one counter share times under one lock."""
    lock = threading.Lock()
    box = [0]

    def work():
        for _ in range(share):
            with lock:
                box[0] += 1

    threads = [threading.Thread(target=work) for _ in range(k)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    total = share * k
    return total / elapsed, "increments/s", elapsed, box[0] == total


def w5(n):
    # W1-W10's W5: 2 threads x n increments each.
    return contended(n, 2)


def w5_scaling(n, k):
    # The scaling W5: n increments in all, n // k per thread.
    return contended(n // k, k)


def cpu(a, b):
    s = 0
    for i in range(a, b):
        s += i * i % 7
    return s


def cpu_range(args):
    return cpu(*args)


def expected(a, b):
    def prefix(n):
        return n // 7 * 14 + sum([0, 1, 4, 2, 2, 4, 1][: n % 7])

    return prefix(b) - prefix(a)


def on_threads(ranges):
    results = [0] * len(ranges)

    def run(k):
        results[k] = cpu(*ranges[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(ranges))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, sum(results)


# "spawn", not the default "fork": forking a process that has run threads can copy a held
# lock into the child and hang it.
CONTEXT = multiprocessing.get_context("spawn")


def w6(n):
    half = n // 2
    t1, s1 = on_threads([(0, n)])
    t2, s2 = on_threads([(0, half), (half, n)])
    pool = CONTEXT.Pool(2)
    pool.map(cpu_range, [(0, 1), (1, 2)])  # both workers up before timing
    start = time.perf_counter()
    s3 = sum(pool.map(cpu_range, [(0, half), (half, n)], chunksize=1))
    p2 = time.perf_counter() - start
    pool.close()
    pool.join()
    ok = s1 == s2 == s3 == expected(0, n)
    extra = {"T1": t1, "T2": t2, "P2": p2, "T1/P2": t1 / p2}
    return t1 / t2, "T1/T2", t1 + t2 + p2, ok, extra


def w10(n):
    half = n // 2
    t1, s1 = on_threads([(0, n)])
    t2, s2 = on_threads([(0, half), (half, n)])
    return t1 / t2, "T1/T2", t1 + t2, s1 == s2 == expected(0, n), {"T1": t1, "T2": t2}


def increment(x):
    return x + 1


def w7(n):
    with ProcessPoolExecutor(max_workers=2, mp_context=CONTEXT) as pool:
        list(pool.map(increment, range(4)))  # workers up before timing
        start = time.perf_counter()
        futures = [pool.submit(increment, i) for i in range(n)]
        total = sum(f.result() for f in futures)
        elapsed = time.perf_counter() - start
    return n / elapsed, "tasks/s", elapsed, total == n * (n + 1) // 2


def w8(n):
    ping, pong = threading.Event(), threading.Event()

    def responder():
        for _ in range(n):
            ping.wait()
            ping.clear()
            pong.set()

    t = threading.Thread(target=responder)
    t.start()
    start = time.perf_counter()
    for _ in range(n):
        ping.set()
        pong.wait()
        pong.clear()
    elapsed = time.perf_counter() - start
    t.join()
    return elapsed / n * 1e6, "us/roundtrip", elapsed, True


def w9(n):
    def nothing():
        pass

    start = time.perf_counter()
    for _ in range(n):
        t = threading.Thread(target=nothing)
        t.start()
        t.join()
    elapsed = time.perf_counter() - start
    return n / elapsed, "threads/s", elapsed, True


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9, "W10": w10}

# --scaling: workload(n, k). N is the W1-W10 one from SIZES, not reduced: a full run (18
# points x 3 rounds) took 53 s on CPython 3.13 on 2 cores, W1 most of it (about 37 s).
SCALING = {"W1": w1, "W3": w3, "W5": w5_scaling}
SCALING_KS = (1, 2, 4, 8, 16, 64)


def run_scaling(args, runs):
    ks = [int(k) for k in args.ks.split(",") if k] if args.ks else list(SCALING_KS)
    only = [w for w in args.only.split(",") if w]
    for wid in SCALING:  # always W1, W3, W5 in that order
        if only and wid not in only:
            continue
        full, quick = SIZES[wid]
        for k in ks:
            n = max(k, args.n or max(2, int((quick if args.quick else full) * args.scale)))
            samples = [SCALING[wid](n, k) for _ in range(runs)]
            values = [s[0] for s in samples]
            line = {"id": wid, "k": k, "n": n, "value": statistics.median(values),
                    "low": min(values), "high": max(values), "unit": samples[0][1],
                    "seconds": sum(s[2] for s in samples), "ok": all(s[3] for s in samples),
                    "note": None}
            print(json.dumps(line), flush=True)


def main():
    # A parent may hand down a blocked signal mask (threads of a test runner do); the
    # process pools stop their workers with SIGTERM, so unblock everything.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--ks", default="")
    args = parser.parse_args()
    ids = [w for w in args.only.split(",") if w] or list(WORKLOADS)
    runs = args.runs or (1 if args.quick else 3)
    if args.scaling:
        return run_scaling(args, runs)
    for wid in ids:
        full, quick = SIZES[wid]
        n = args.n or max(2, int((quick if args.quick else full) * args.scale))
        samples = [WORKLOADS[wid](n) for _ in range(runs)]
        value = statistics.median(s[0] for s in samples)
        chosen = min(samples, key=lambda s: abs(s[0] - value))
        note = None
        if len(chosen) > 4:
            note = ", ".join(f"{k} {v:.3g}" for k, v in chosen[4].items())
            if wid == "W6":
                note += " (P2 on a started spawn pool)"
        if wid == "W1":
            # Which interpreter ran: `python3` on the PATH (under pyenv, PYENV_VERSION picks it).
            note = f"CPython {platform.python_version()}"
        values = [s[0] for s in samples]
        emit(wid, n, value, chosen[1], sum(s[2] for s in samples), all(s[3] for s in samples), note,
             low=min(values), high=max(values))


if __name__ == "__main__":
    sys.exit(main())
