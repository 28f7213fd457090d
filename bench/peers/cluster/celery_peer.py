#!/usr/bin/env python3
"""D1-D4 with Celery 5, Redis as broker and result backend (no PostgreSQL: --url is ignored).

The program starts a throwaway redis-server on 127.0.0.1 and a free port (no RDB, no AOF)
and one `celery worker` node with the default prefork pool and --concurrency 2 (two pool
processes run the tasks). The client reads results from the Redis result backend the way
a user would: AsyncResult.get / ResultSet.join_native (Redis pub/sub).

usage: celery_peer.py --url URL [--n 10000] [--latency-n 500] [--only D1,D2] [--quick]
"""
import asyncio
import gc
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import _common as c

try:
    import celery
    import redis
    from celery import Celery, group
    from celery.result import ResultSet
except ImportError as e:
    print(f"celery_peer: {e.name} is not installed (run bench/peers/cluster/setup.sh)", file=sys.stderr)
    sys.exit(2)

NOTE = f"celery {celery.__version__} + redis-py {redis.__version__}"
BATCH = 1000
REDIS_ENV = "BENCH_CLUSTER_REDIS"

# Workers import this module (-A celery_peer) with the Redis URL in their environment; the
# client sets it in app.conf before first use (Celery reads its configuration lazily).
app = Celery("celery_peer", broker=os.environ.get(REDIS_ENV), backend=os.environ.get(REDIS_ENV))


@app.task(name="square")
def square(x, key="", sleep_s=0.0):
    c.record("S", key)
    if sleep_s:
        time.sleep(sleep_s)
    result = x * x
    c.record("E", key)
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server, killed on exit whatever happens."""

    def __init__(self):
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")

    def __enter__(self):
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError("redis-server not found (run bench/peers/cluster/setup.sh)")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--daemonize", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis(host="127.0.0.1", port=self.port)
        if not c.wait_until(lambda: self._pings(client), 10, 0.05):
            raise RuntimeError("redis-server did not answer within 10 s")
        self.version = client.info()["redis_version"]
        return self

    @staticmethod
    def _pings(client):
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def flush(self):
        redis.Redis(host="127.0.0.1", port=self.port).flushall()

    def __exit__(self, *exc):
        if self.proc:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def start_worker(children, url):
    # One node, default prefork pool, two pool processes: the "2 worker processes".
    children.start([sys.executable, "-m", "celery", "-A", "celery_peer", "worker",
                    "--concurrency", "2", "--loglevel", "INFO", "--hostname", "bench@%h"],
                   "worker", env={REDIS_ENV: url})


def enqueue_batch(args_list):
    results = []
    for lo in range(0, len(args_list), BATCH):
        results += group(square.s(*a) for a in args_list[lo:lo + BATCH]).apply_async().results
    return results


def warmup(keys):
    enqueue_batch([(0, k) for k in keys])


def bench(args, server):
    app.conf.update(broker_url=server.url, result_backend=server.url)
    note = f"{NOTE}, redis-server {server.version}"

    def d1():
        server.flush()
        n = args.n
        t0 = time.monotonic()
        for i in range(n):
            square.delay(i)
        dt = time.monotonic() - t0
        c.emit("D1.single", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{note}: task.delay per job (Redis LPUSH, no persistence)")
        t0 = time.monotonic()
        enqueue_batch([(i,) for i in range(n)])
        dt = time.monotonic() - t0
        c.emit("D1.batch", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{note}: group(...).apply_async() per {BATCH} jobs (Celery has no bulk insert)")
        server.flush()

    def d2():
        server.flush()
        with c.Children() as ch:
            start_worker(ch, server.url)
            c.wait_workers_ready(ch, warmup, 2)
            n = args.n
            t0 = time.monotonic()
            results = enqueue_batch([(i,) for i in range(n)])
            values = ResultSet(results).join_native(timeout=600)
            dt = time.monotonic() - t0
            wrong = sum(v != i * i for i, v in enumerate(values))
            c.emit("D2", n, round(n / dt, 1), "jobs/s", dt, wrong == 0,
                   f"{note}: 1 worker node, prefork --concurrency 2; group by {BATCH}; "
                   f"client ResultSet.join_native (Redis result backend, pub/sub)"
                   + (f"; {wrong} wrong results" if wrong else ""))
        server.flush()

    def d3():
        with c.Children() as ch:
            start_worker(ch, server.url)
            c.wait_workers_ready(ch, warmup, 2)

            async def one_job(key):
                t = time.monotonic()
                square.delay(7, key).get(timeout=10)
                return t, time.monotonic()

            asyncio.run(c.d3_flow(ch, args.latency_n, one_job,
                                  f"{note}: prefork --concurrency 2; result = AsyncResult.get"))
        server.flush()

    def d4():
        with c.Children() as ch:
            start_worker(ch, server.url)
            c.wait_workers_ready(ch, warmup, 2)
            n = args.d4_n
            results = []

            async def enqueue():
                results.append(square.delay(3, c.LONG_KEY, 2.0))
                results.extend(enqueue_batch([(i, f"d{i}") for i in range(n)]))

            async def count_done():
                return ResultSet(results).completed_count()

            def note_d4(rerun):
                state = results[0].state
                if rerun is None:
                    return (f"{note}: killed the prefork pool process running it; the job was "
                            f"acked before it ran (task_acks_late=False) and ends {state} "
                            f"(WorkerLostError); the node forks a new pool process")
                return f"{note}: the job was rerun; final state {state}"

            asyncio.run(c.d4_flow(ch, n, enqueue, count_done, note_d4))
        server.flush()

    c.run_sync(args, {"D1": d1, "D2": d2, "D3": d3, "D4": d4}, note)
    # AsyncResults caught in closure cycles unsubscribe when collected: do it while Redis runs.
    gc.collect()


def main(args):
    with RedisServer() as server:
        bench(args, server)


if __name__ == "__main__":
    a = c.parse_args(__doc__.splitlines()[0])
    c.guard(a, lambda: main(a), NOTE)
