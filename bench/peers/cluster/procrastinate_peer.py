#!/usr/bin/env python3
"""D1-D4 with procrastinate (psycopg 3 connector); workers are its CLI, `procrastinate worker`,
with its defaults (concurrency 1, LISTEN/NOTIFY wake-ups, 5 s fetch polling).

procrastinate keeps no return values and sends no notification when a job ends, so the
client polls the job's status ('succeeded') in procrastinate_jobs: every 5 ms for one job
in D3 (JobManager.get_job_status_async), every 10 ms for the pending set in D2.

usage: procrastinate_peer.py --url URL [--n 10000] [--latency-n 500] [--only D1,D2] [--quick]
"""
import asyncio
import logging
import os
import sys
import time

import _common as c

try:
    import procrastinate
    import psycopg_pool
    from procrastinate import App, PsycopgConnector
    from procrastinate.jobs import Status
except ImportError as e:
    print(f"procrastinate_peer: {e.name} is not installed (run bench/peers/cluster/setup.sh)", file=sys.stderr)
    sys.exit(2)

NOTE = f"procrastinate {procrastinate.__version__}"
BATCH = 1000
URL_ENV = "BENCH_CLUSTER_URL"



def _pool(**kwargs):
    # The URL is read when the app opens, not at import: the worker CLI imports this module
    # (--app=procrastinate_peer.app) with the URL in its environment, the client sets it first.
    return psycopg_pool.AsyncConnectionPool(conninfo=os.environ[URL_ENV], **kwargs)


if __name__ == "__main__":
    # Quiet its advice about an App defined in __main__: the task name is explicit.
    logging.getLogger("procrastinate").setLevel(logging.ERROR)
app = App(connector=PsycopgConnector(pool_factory=_pool))


@app.task(name="square")
async def square(x, key="", sleep_s=0.0):
    c.record("S", key)
    if sleep_s:
        await asyncio.sleep(sleep_s)
    result = x * x
    c.record("E", key)
    return result  # logged by the worker, not stored


def start_workers(children, url, count=2):
    for i in range(count):
        children.start([sys.executable, "-m", "procrastinate", "--app=procrastinate_peer.app", "worker"],
                       f"worker{i}", env={URL_ENV: url})


async def main(args):
    os.environ[URL_ENV] = args.url
    async with app.open_async():
        await bench(args)


async def bench(args):
    connector = app.connector
    jm = app.job_manager
    exists = await connector.execute_query_one_async(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present")
    if not exists["present"]:
        await app.schema_manager.apply_schema_async()

    async def clean():
        await connector.execute_query_async("TRUNCATE procrastinate_jobs CASCADE")

    async def enqueue_batch(kwargs_list):
        ids = []
        for lo in range(0, len(kwargs_list), BATCH):
            ids += await square.batch_defer_async(*kwargs_list[lo:lo + BATCH])
        return ids

    async def warmup(keys):
        await enqueue_batch([{"x": 0, "key": k} for k in keys])

    async def succeeded(ids):
        rows = await connector.execute_query_all_async(
            "SELECT id FROM procrastinate_jobs WHERE id = ANY(%(ids)s) AND status = 'succeeded'",
            ids=list(ids))
        return {r["id"] for r in rows}

    async def d1():
        await clean()
        n = args.n
        t0 = time.monotonic()
        for i in range(n):
            await square.defer_async(x=i)
        dt = time.monotonic() - t0
        c.emit("D1.single", n, round(n / dt, 1), "jobs/s", dt, True, f"{NOTE}: task.defer_async per job")
        t0 = time.monotonic()
        await enqueue_batch([{"x": i} for i in range(n)])
        dt = time.monotonic() - t0
        c.emit("D1.batch", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{NOTE}: task.batch_defer_async per {BATCH} jobs")
        await clean()

    async def d2():
        await clean()
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.n
            t0 = time.monotonic()
            pending = set(await enqueue_batch([{"x": i} for i in range(n)]))
            deadline = t0 + 600
            while pending and time.monotonic() < deadline:
                pending -= await succeeded(pending)
                if pending:
                    await asyncio.sleep(0.01)
            dt = time.monotonic() - t0
            c.emit("D2", n, round(n / dt, 1) if not pending else -1, "jobs/s", dt, not pending,
                   f"{NOTE}: 2 `procrastinate worker` processes, defaults (concurrency 1); "
                   f"batch_defer_async by {BATCH}; client polls status='succeeded' every 10 ms "
                   f"(no return values, no completion notification)"
                   + (f"; {len(pending)} jobs unfinished after 600 s" if pending else ""))
        await clean()

    async def d3():
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)

            async def one_job(key):
                t = time.monotonic()
                jid = await square.defer_async(x=7, key=key)
                deadline = t + 10
                while await jm.get_job_status_async(jid) != Status.SUCCEEDED:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"job {key} not succeeded after 10 s")
                    await asyncio.sleep(0.005)
                return t, time.monotonic()

            await c.d3_flow(ch, args.latency_n, one_job,
                            f"{NOTE}: worker defaults (woken by its NOTIFY on insert); result = "
                            f"polling get_job_status_async every 5 ms")
        await clean()

    async def d4():
        await clean()
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.d4_n
            ids = []

            async def enqueue():
                ids.append(await square.defer_async(x=3, key=c.LONG_KEY, sleep_s=2.0))
                ids.extend(await enqueue_batch([{"x": i, "key": f"d{i}"} for i in range(n)]))

            async def count_done():
                return len(await succeeded(ids))

            def note(rerun):
                if rerun is None:
                    return (f"{NOTE}: the job stays 'doing' forever; the worker heartbeat only lets "
                            f"get_stalled_jobs() find it, and a rerun needs the app's own periodic "
                            f"task calling retry_job (no default)")
                return f"{NOTE}: the job was rerun"

            await c.d4_flow(ch, n, enqueue, count_done, note)
        await clean()

    await c.run_async(args, {"D1": d1, "D2": d2, "D3": d3, "D4": d4}, NOTE)


if __name__ == "__main__":
    a = c.parse_args(__doc__.splitlines()[0])
    c.guard(a, lambda: asyncio.run(main(a)), NOTE)
