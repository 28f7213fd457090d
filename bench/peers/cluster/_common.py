"""Shared plumbing of the D1-D4 peers: arguments, JSON lines, child processes, the run log.

The run log is how every peer learns when a task body started and on which process,
whatever the library: the task appends "S|E key pid monotonic" lines to one file
(O_APPEND writes of one short line are atomic across processes, and CLOCK_MONOTONIC
is system-wide on Linux). Tasks with an empty key write nothing, so D1/D2 pay no cost.
"""
import argparse
import ctypes
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RUNLOG_ENV = "BENCH_CLUSTER_RUNLOG"
D4_BOUND = 90.0  # seconds to wait for the killed job to start again
LONG_KEY = "long"

_runlog_fd = None


def record(event, key):
    """Called from inside a task body: append one run-log line (no-op for an empty key)."""
    global _runlog_fd
    if not key:
        return
    if _runlog_fd is None:
        path = os.environ.get(RUNLOG_ENV)
        if not path:
            return
        _runlog_fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(_runlog_fd, f"{event} {key} {os.getpid()} {time.monotonic():.6f}\n".encode())


class RunLog:
    """The parent's view of the run log: a file it creates, hands to workers, and tails."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "runlog.txt")
        open(self.path, "w").close()
        self._offset = 0
        self.events = []  # (event, key, pid, t)

    def poll(self):
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # keep a torn last line for the next poll
        self._offset += end
        for line in data[:end].decode().splitlines():
            ev, key, pid, t = line.split()
            self.events.append((ev, key, int(pid), float(t)))
        return self.events

    def starts(self, key):
        return [(pid, t) for ev, k, pid, t in self.poll() if ev == "S" and k == key]

    def first_starts(self, prefix):
        out = {}
        for ev, k, _, t in self.poll():
            if ev == "S" and k.startswith(prefix) and k not in out:
                out[k] = t
        return out

    def pids(self, prefix):
        return {pid for ev, k, pid, _ in self.poll() if k.startswith(prefix)}

    def ends_per_key(self, prefix):
        counts = {}
        for ev, k, _, _ in self.poll():
            if ev == "E" and k.startswith(prefix):
                counts[k] = counts.get(k, 0) + 1
        return counts


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", required=True, help="postgres://... of an empty database")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--latency-n", type=int, default=500)
    p.add_argument("--d4-n", type=int, default=1_000)
    p.add_argument("--only", default="D1,D2,D3,D4")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.quick:
        args.n, args.latency_n, args.d4_n = 1_000, 100, 200
    args.only = {x.strip().upper() for x in args.only.split(",") if x.strip()}
    return args


# Every figure a peer prints, with its unit, by workload.
FIGURES = {
    "D1": {"D1.single": "jobs/s", "D1.batch": "jobs/s"},
    "D2": {"D2": "jobs/s"},
    "D3": {"D3.start.p50": "ms", "D3.start.p99": "ms", "D3.result.p50": "ms", "D3.result.p99": "ms"},
    "D4": {"D4.rerun": "s", "D4.lost": "jobs", "D4.twice": "jobs"},
}
# Outer bound of each workload (seconds); inner waits have their own, shorter bounds.
LIMITS = {"D1": 900, "D2": 900, "D3": 600, "D4": 300}
_emitted = set()


def emit(fid, n, value, unit, seconds, ok, note=None, **extra):
    _emitted.add(fid)
    line = {"id": fid, "n": n, "value": value, "unit": unit,
            "seconds": round(seconds, 3), "ok": ok}
    if note:
        line["note"] = note
    line.update(extra)
    print(json.dumps(line), flush=True)


def fail_rest(workload, n, note):
    """A workload that broke still prints every figure it owes, as ok:false."""
    for fid, unit in FIGURES[workload].items():
        if fid not in _emitted:
            emit(fid, n, -1, unit, 0.0, False, note)


def sizes(args):
    return {"D1": args.n, "D2": args.n, "D3": args.latency_n, "D4": args.d4_n}


def run_sync(args, funcs, version_note):
    for name in ("D1", "D2", "D3", "D4"):
        if name in args.only:
            try:
                funcs[name]()
            except Exception as e:  # noqa: BLE001 - any failure becomes ok:false lines
                fail_rest(name, sizes(args)[name], f"{version_note}: failed: {type(e).__name__}: {e}"[:500])


async def run_async(args, funcs, version_note):
    import asyncio

    for name in ("D1", "D2", "D3", "D4"):
        if name in args.only:
            try:
                await asyncio.wait_for(funcs[name](), LIMITS[name])
            except Exception as e:  # noqa: BLE001 - any failure becomes ok:false lines
                fail_rest(name, sizes(args)[name], f"{version_note}: failed: {type(e).__name__}: {e}"[:500])


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    return s[min(len(s), max(1, math.ceil(p / 100 * len(s)))) - 1]


def wait_until(predicate, timeout, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _die_with_parent():
    # Runs in the child before exec: if this program is itself SIGKILLed, its workers
    # get SIGKILL too instead of lingering (Linux prctl PR_SET_PDEATHSIG).
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class Children:
    """Worker processes, each in its own session so that killing its group also kills
    whatever it forked (Celery's pool). Killed on exit, on errors and on SIGTERM/SIGINT."""

    def __init__(self):
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="bench-cluster-")
        self.runlog = RunLog(self.tmp)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, signum, frame):
        self.kill_all()
        sys.exit(128 + signum)

    def start(self, argv, name, env=None):
        full_env = dict(os.environ, **(env or {}))
        full_env[RUNLOG_ENV] = self.runlog.path
        # The peer's own folder on the path, so `-m celery -A celery_peer` etc. import it.
        here = os.path.dirname(os.path.abspath(__file__))
        full_env["PYTHONPATH"] = here + os.pathsep + full_env.get("PYTHONPATH", "")
        log = open(os.path.join(self.tmp, f"{name}.log"), "ab")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                env=full_env, start_new_session=True, cwd=here,
                                preexec_fn=_die_with_parent)
        proc.log_path = log.name
        log.close()
        self.procs.append(proc)
        return proc

    def kill_all(self):
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.procs = []

    def tail(self, proc, lines=2):
        """The last lines a child wrote (its error, usually), for a one-line note."""
        try:
            with open(proc.log_path, "rb") as f:
                text = f.read()[-4000:].decode(errors="replace")
        except OSError:
            return ""
        return " | ".join([l.strip() for l in text.splitlines() if l.strip()][-lines:])[:300]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill_all()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False


def wait_workers_ready(children, send_warmup, expected, timeout=60.0):
    """Send warm-up jobs (keys "w...") until `expected` distinct processes ran one: then
    every worker is connected and has imported its tasks before any timing starts."""
    deadline = time.monotonic() + timeout
    i = 0
    while time.monotonic() < deadline:
        for proc in children.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited early: {children.tail(proc)}")
        send_warmup([f"w{i + j}" for j in range(4)])
        i += 4
        if wait_until(lambda: len(children.runlog.pids("w")) >= expected, 0.5):
            return
    raise RuntimeError(f"workers not ready after {timeout:.0f}s")


async def wait_workers_ready_async(children, send_warmup, expected, timeout=60.0):
    """`wait_workers_ready` for asyncio clients: `send_warmup` is a coroutine function."""
    import asyncio

    deadline = time.monotonic() + timeout
    i = 0
    while time.monotonic() < deadline:
        for proc in children.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited early: {children.tail(proc)}")
        await send_warmup([f"w{i + j}" for j in range(4)])
        i += 4
        for _ in range(50):
            if len(children.runlog.pids("w")) >= expected:
                return
            await asyncio.sleep(0.01)
    raise RuntimeError(f"workers not ready after {timeout:.0f}s")


async def d4_flow(children, n, enqueue, count_done, note):
    """D4 for any peer. `enqueue()` sends the 2 s job (key LONG_KEY) then n tiny jobs (keys
    "d0".."d{n-1}") to already running workers; `count_done()` says how many of those n + 1
    jobs the library reports finished. `note(rerun_seconds_or_None)` words what it did."""
    import asyncio

    log = children.runlog
    await enqueue()
    for _ in range(3000):  # 30 s for the 2 s job to start
        if log.starts(LONG_KEY):
            break
        await asyncio.sleep(0.01)
    else:
        raise RuntimeError("the 2 s job never started")
    victim = log.starts(LONG_KEY)[0][0]
    os.kill(victim, signal.SIGKILL)
    t_kill = time.monotonic()
    rerun = None
    while time.monotonic() - t_kill < D4_BOUND:
        starts = log.starts(LONG_KEY)
        if len(starts) >= 2:
            rerun = starts[1][1] - t_kill
            break
        await asyncio.sleep(0.02)
    # Let everything that can still finish finish (the rerun takes 2 s), then count.
    deadline = time.monotonic() + (30 if rerun is not None else 5)
    done = await count_done()
    while done < n + 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        done = await count_done()
    lost = n + 1 - done
    twice = sum(1 for k, c in log.ends_per_key("").items()
                if c >= 2 and (k == LONG_KEY or k.startswith("d")))
    seconds = time.monotonic() - t_kill
    text = note(rerun)
    if rerun is None:
        emit("D4.rerun", n + 1, -1, "s", seconds, False, f"not rerun within {D4_BOUND:.0f}s: {text}")
    else:
        emit("D4.rerun", n + 1, round(rerun, 3), "s", seconds, True, text)
    emit("D4.lost", n + 1, lost, "jobs", seconds, lost == 0, text)
    emit("D4.twice", n + 1, twice, "jobs", seconds, twice == 0,
         "jobs whose body ran to its end more than once (run log)")


async def d3_flow(children, n, one_job, note):
    """D3 for any peer: `one_job(key)` enqueues one tiny job under `key`, waits until the
    client has its result, and returns (monotonic time just before the enqueue, time the
    result was seen). Jobs go one at a time, 5 ms apart, on an otherwise idle system."""
    import asyncio

    t0 = time.monotonic()
    sent, seen = {}, {}
    for i in range(n):
        key = f"l{i}"
        sent[key], seen[key] = await one_job(key)
        await asyncio.sleep(0.005)
    seconds = time.monotonic() - t0
    await asyncio.sleep(0.2)  # the run log line is written before the result, but be sure
    starts = children.runlog.first_starts("l")
    start_ms = [(starts[k] - sent[k]) * 1000 for k in sent if k in starts]
    result_ms = [(seen[k] - sent[k]) * 1000 for k in sent]
    ok = len(start_ms) == n
    text = note if ok else f"{note}; {n - len(start_ms)} jobs left no start record"
    for name, values in (("start", start_ms), ("result", result_ms)):
        for p in (50, 99):
            emit(f"D3.{name}.p{p}", n, round(percentile(values, p), 3) if values else -1, "ms",
                 seconds, ok and bool(values), text)


def guard(args, run, version_note):
    """Runs a peer's main; if it breaks outside a workload (setup, connection), every
    figure not yet printed is printed as ok:false, and the program still exits 0."""
    try:
        run()
    except Exception as e:  # noqa: BLE001
        for name in ("D1", "D2", "D3", "D4"):
            if name in args.only:
                fail_rest(name, sizes(args)[name], f"{version_note}: failed: {type(e).__name__}: {e}"[:500])
