#!/usr/bin/env python3
"""D1-D4 with PgQueuer (asyncpg driver); workers run by `pgqueuer.run`, PgQueuer's defaults.

`pgqueuer.run(factory)` is what `pgq run` does without the CLI. The CLI itself is not
used because in pgqueuer 1.6.0 with typer 0.29 `pgq run` dies at start
(`setup_fancy_logger`: 'str' object has no attribute 'name').

PgQueuer keeps no return values: a finished job is deleted from the queue table and
logged as 'successful'. The client waits for that with PgQueuer's CompletionWatcher
(LISTEN on the table-changed channel, then a status query, debounced, default 50 ms).

usage: pgqueuer_peer.py --url URL [--n 10000] [--latency-n 500] [--only D1,D2] [--quick]
"""
import asyncio
import contextlib
import os
import sys
import time

import _common as c

try:
    import asyncpg
    import pgqueuer
    from pgqueuer import AsyncpgDriver, PgQueuer, Queries
    from pgqueuer.core.completion import CompletionWatcher
except ImportError as e:
    print(f"pgqueuer_peer: {e.name} is not installed (run bench/peers/cluster/setup.sh)", file=sys.stderr)
    sys.exit(2)

NOTE = f"pgqueuer {pgqueuer.__version__}"
BATCH = 1000
ENTRYPOINT = "square"
URL_ENV = "BENCH_CLUSTER_URL"


def payload(x, key="", sleep_s=0.0):
    return f"{x}|{key}|{sleep_s}".encode()


# ---------------------------------------------------------------- worker process

@contextlib.asynccontextmanager
async def factory():
    """The worker's PgQueuer, as a `pgq run` factory."""
    conn = await asyncpg.connect(os.environ[URL_ENV])
    pgq = PgQueuer(AsyncpgDriver(conn))

    @pgq.entrypoint(ENTRYPOINT)
    async def square(job):
        x, key, sleep_s = job.payload.decode().split("|")
        c.record("S", key)
        if float(sleep_s):
            await asyncio.sleep(float(sleep_s))
        int(x) * int(x)  # the result has nowhere to go: PgQueuer stores none
        c.record("E", key)

    try:
        yield pgq
    finally:
        await conn.close()


def start_workers(children, url, count=2):
    for i in range(count):
        children.start([sys.executable, os.path.abspath(__file__), "--url", url, "--worker"],
                       f"worker{i}", env={URL_ENV: url})


# ---------------------------------------------------------------- client side

async def main(args):
    conn = await asyncpg.connect(args.url)
    queries = Queries(AsyncpgDriver(conn))
    if not await queries.has_table("pgqueuer"):
        await queries.install()
    # The watcher gets its own connection: it LISTENs and queries while we enqueue.
    watch_conn = await asyncpg.connect(args.url)
    watch_driver = AsyncpgDriver(watch_conn)

    async def clean():
        await conn.execute("TRUNCATE pgqueuer, pgqueuer_log")

    async def enqueue_batch(payloads):
        ids = []
        for lo in range(0, len(payloads), BATCH):
            chunk = payloads[lo:lo + BATCH]
            ids += await queries.enqueue([ENTRYPOINT] * len(chunk), chunk, [0] * len(chunk))
        return ids

    async def warmup(keys):
        await enqueue_batch([payload(0, k) for k in keys])

    async def d1():
        await clean()
        n = args.n
        t0 = time.monotonic()
        for i in range(n):
            await queries.enqueue(ENTRYPOINT, payload(i))
        dt = time.monotonic() - t0
        c.emit("D1.single", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{NOTE}: Queries.enqueue(entrypoint, payload) per job")
        t0 = time.monotonic()
        await enqueue_batch([payload(i) for i in range(n)])
        dt = time.monotonic() - t0
        c.emit("D1.batch", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{NOTE}: Queries.enqueue(lists) per {BATCH} jobs")
        await clean()

    async def d2():
        await clean()
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.n
            async with CompletionWatcher(watch_driver, queries=Queries(watch_driver)) as watcher:
                t0 = time.monotonic()
                ids = await enqueue_batch([payload(i) for i in range(n)])
                waits = [watcher.wait_for(j) for j in ids]
                statuses = await asyncio.wait_for(asyncio.gather(*waits), 600)
                dt = time.monotonic() - t0
            bad = sum(s != "successful" for s in statuses)
            c.emit("D2", n, round(n / dt, 1), "jobs/s", dt, bad == 0,
                   f"{NOTE}: 2 workers, pgqueuer.run defaults; enqueue by lists of {BATCH}; client waits "
                   f"on CompletionWatcher.wait_for per job (status only, no return values)"
                   + (f"; {bad} not successful" if bad else ""))
        await clean()

    async def d3():
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            async with CompletionWatcher(watch_driver, queries=Queries(watch_driver)) as watcher:

                async def one_job(key):
                    t = time.monotonic()
                    (jid,) = await queries.enqueue(ENTRYPOINT, payload(7, key))
                    status = await asyncio.wait_for(watcher.wait_for(jid), 10)
                    if status != "successful":
                        raise RuntimeError(f"job {key} ended {status}")
                    return t, time.monotonic()

                await c.d3_flow(ch, args.latency_n, one_job,
                                f"{NOTE}: pgqueuer.run defaults; result = CompletionWatcher (LISTEN + "
                                f"status query, 50 ms debounce); the worker logs job status "
                                f"through a buffer flushed every ~0.1 s")
        await clean()

    async def d4():
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.d4_n
            ids = []

            async def enqueue():
                ids.extend(await queries.enqueue(ENTRYPOINT, payload(3, c.LONG_KEY, 2.0)))
                ids.extend(await enqueue_batch([payload(i, f"d{i}") for i in range(n)]))

            async def count_done():
                return sum(s == "successful" for _, s in await queries.job_status(ids))

            def note(rerun):
                if rerun is None:
                    return f"{NOTE}: the killed worker's job stayed 'picked'"
                return (f"{NOTE}: default heartbeat_timeout 30s; a surviving worker's "
                        f"dequeue re-picked the job once its heartbeat went stale")

            await c.d4_flow(ch, n, enqueue, count_done, note)

    await c.run_async(args, {"D1": d1, "D2": d2, "D3": d3, "D4": d4}, NOTE)
    await watch_conn.close()
    await conn.close()


if __name__ == "__main__":
    a = c.parse_args(__doc__.splitlines()[0])
    if a.worker:
        asyncio.run(pgqueuer.run(factory))  # all of run()'s defaults: batch 10, heartbeat 30 s
    else:
        c.guard(a, lambda: asyncio.run(main(a)), NOTE)
