#!/usr/bin/env python3
"""D1-D4 with a minimal asyncpg job queue: the package's claim recipe, done by hand.

A jobs table; claim = one `WITH picked AS MATERIALIZED (... FOR UPDATE SKIP LOCKED)
UPDATE ... RETURNING`; results written back in one statement per batch, which also sends
one NOTIFY carrying "id:result,..." for the whole batch; the client LISTENs. Workers hold
jobs under a 10 s lease renewed every lease/3; an expired lease (a dead worker) is rescued
by whichever live worker gets an advisory lock, checked every second. This is the limit of
the recipe in Python, without any library's bookkeeping.

usage: recipe_asyncpg.py --url URL [--n 10000] [--latency-n 500] [--only D1,D2] [--quick]
"""
import asyncio
import os
import sys
import time

import _common as c

try:
    import asyncpg
except ImportError:
    print("recipe_asyncpg: asyncpg is not installed (run bench/peers/cluster/setup.sh)", file=sys.stderr)
    sys.exit(2)

NOTE = f"asyncpg {asyncpg.__version__} recipe"
LEASE = 10.0          # seconds; the package's default lease
CLAIM_LIMIT = 100     # rows per claim; keeps a result NOTIFY well under 8000 bytes
CONCURRENCY = 100     # jobs a worker holds at once
BATCH = 1000          # rows per INSERT ... SELECT unnest(...)

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id bigserial PRIMARY KEY,
    priority int NOT NULL DEFAULT 0,
    state text NOT NULL DEFAULT 'queued',
    x bigint NOT NULL,
    key text NOT NULL DEFAULT '',
    sleep_s float8 NOT NULL DEFAULT 0,
    attempt int NOT NULL DEFAULT 0,
    worker_pid int,
    lease_until timestamptz,
    result bigint
);
CREATE INDEX IF NOT EXISTS jobs_queued ON jobs (priority DESC, id) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS jobs_running ON jobs (lease_until) WHERE state = 'running';
-- One wake-up per INSERT statement, not per row: a batch of 1000 costs one NOTIFY.
CREATE OR REPLACE FUNCTION jobs_wake() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN PERFORM pg_notify('jobs_new', ''); RETURN NULL; END $$;
DROP TRIGGER IF EXISTS jobs_wake ON jobs;
CREATE TRIGGER jobs_wake AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_wake();
"""

CLAIM = """
WITH picked AS MATERIALIZED (
    SELECT id FROM jobs WHERE state = 'queued'
    ORDER BY priority DESC, id LIMIT $1 FOR UPDATE SKIP LOCKED
)
UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, worker_pid = $2,
    lease_until = now() + $3 * interval '1 second'
FROM picked WHERE j.id = picked.id
RETURNING j.id, j.x, j.key, j.sleep_s, j.attempt
"""

# Only rows still running this attempt change: a late answer after a rescue is dropped.
COMPLETE = """
WITH c AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS c(id, result, attempt)),
done AS (
    UPDATE jobs j SET state = 'done', result = c.result, lease_until = NULL
    FROM c WHERE j.id = c.id AND j.attempt = c.attempt AND j.state = 'running'
    RETURNING j.id, j.result
)
SELECT pg_notify('jobs_done', string_agg(id || ':' || result, ',')) FROM done HAVING count(*) > 0
"""

RENEW = """
UPDATE jobs SET lease_until = now() + $2 * interval '1 second'
WHERE id = ANY($1::bigint[]) AND state = 'running' AND worker_pid = $3
"""

RESCUE = """
WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(727274) AS held),
back AS (
    UPDATE jobs j SET state = 'queued', lease_until = NULL FROM lock
    WHERE lock.held AND j.state = 'running' AND j.lease_until < now()
    RETURNING j.id
)
SELECT pg_notify('jobs_new', '') FROM back HAVING count(*) > 0
"""


# ---------------------------------------------------------------- worker process

async def worker(url):
    conn = await asyncpg.connect(url)   # claims and completions, strictly in turn
    side = await asyncpg.connect(url)   # LISTEN, lease renewal, rescue
    pid = os.getpid()
    wake = asyncio.Event()
    side_wake = lambda *_: wake.set()  # noqa: E731
    await side.add_listener("jobs_new", side_wake)
    held = {}       # id -> attempt, jobs claimed and not yet written back
    finished = []   # (id, result, attempt) waiting for the next write-back

    async def run(row):
        c.record("S", row["key"])
        if row["sleep_s"]:
            await asyncio.sleep(row["sleep_s"])
        result = row["x"] * row["x"]
        c.record("E", row["key"])
        finished.append((row["id"], result, row["attempt"]))
        wake.set()

    async def keeper():
        next_renew = time.monotonic() + LEASE / 3
        while True:
            await asyncio.sleep(1.0)
            if held and time.monotonic() >= next_renew:
                await side.execute(RENEW, list(held), LEASE, pid)
                next_renew = time.monotonic() + LEASE / 3
            await side.execute(RESCUE)

    keeper_task = asyncio.create_task(keeper())
    tasks = set()
    while True:
        if keeper_task.done():
            keeper_task.result()  # a dead side connection is fatal, say why
        wake.clear()
        if finished:
            batch, finished[:] = list(finished), []
            await conn.execute(COMPLETE, [b[0] for b in batch], [b[1] for b in batch],
                               [b[2] for b in batch])
            for b in batch:
                held.pop(b[0], None)
        free = CONCURRENCY - len(held)
        rows = await conn.fetch(CLAIM, min(free, CLAIM_LIMIT), pid, LEASE) if free > 0 else []
        for row in rows:
            held[row["id"]] = row["attempt"]
            task = asyncio.create_task(run(row))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if rows:
            await asyncio.sleep(0)  # let tiny jobs finish before the next round trip
            continue
        if not finished:
            try:
                await asyncio.wait_for(wake.wait(), 1.0)
            except asyncio.TimeoutError:
                pass


# ---------------------------------------------------------------- client side

class Results:
    """The client's LISTEN on jobs_done: every result, as the workers announce it."""

    def __init__(self):
        self.values = {}
        self.changed = asyncio.Event()

    def on_notify(self, _conn, _pid, _channel, payload):
        for pair in payload.split(","):
            jid, result = pair.split(":")
            self.values[int(jid)] = int(result)
        self.changed.set()

    async def wait_for(self, ids, timeout):
        deadline = time.monotonic() + timeout
        while not all(i in self.values for i in ids):
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{sum(i not in self.values for i in ids)} results missing")
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass


async def enqueue_batch(conn, xs, keys=None, sleeps=None):
    keys = keys or [""] * len(xs)
    sleeps = sleeps or [0.0] * len(xs)
    rows = await conn.fetch(
        "INSERT INTO jobs (x, key, sleep_s) SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[])"
        " RETURNING id", xs, keys, sleeps)
    return [r["id"] for r in rows]


def start_workers(children, url, count=2):
    for i in range(count):
        children.start([sys.executable, os.path.abspath(__file__), "--url", url, "--worker"], f"worker{i}")


async def main(args):
    conn = await asyncpg.connect(args.url)
    await conn.execute(SCHEMA)
    results = Results()
    await conn.add_listener("jobs_done", results.on_notify)

    async def d1():
        await conn.execute("TRUNCATE jobs")
        n = args.n
        t0 = time.monotonic()
        for i in range(n):
            await conn.execute("INSERT INTO jobs (x) VALUES ($1)", i)
        dt = time.monotonic() - t0
        c.emit("D1.single", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{NOTE}: one INSERT per job, autocommit")
        t0 = time.monotonic()
        for lo in range(0, n, BATCH):
            xs = list(range(lo, min(n, lo + BATCH)))
            await conn.execute("INSERT INTO jobs (x) SELECT unnest($1::bigint[])", xs)
        dt = time.monotonic() - t0
        c.emit("D1.batch", n, round(n / dt, 1), "jobs/s", dt, True,
               f"{NOTE}: one INSERT ... SELECT unnest($1) per {BATCH} jobs")
        await conn.execute("TRUNCATE jobs")

    async def warmup(keys):
        await enqueue_batch(conn, [0] * len(keys), keys)

    async def d2():
        await conn.execute("TRUNCATE jobs")
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.n
            t0 = time.monotonic()
            ids = []
            for lo in range(0, n, BATCH):
                ids += await enqueue_batch(conn, list(range(lo, min(n, lo + BATCH))))
            await results.wait_for(ids, 600)
            dt = time.monotonic() - t0
            x_of = {jid: x for jid, x in zip(ids, range(n))}
            wrong = sum(results.values[j] != x_of[j] ** 2 for j in ids)
            c.emit("D2", n, round(n / dt, 1), "jobs/s", dt, wrong == 0,
                   f"{NOTE}: enqueue in batches of {BATCH}; client LISTENs on jobs_done "
                   f"(one NOTIFY with id:result pairs per written-back batch)"
                   + (f"; {wrong} wrong results" if wrong else ""))
        await conn.execute("TRUNCATE jobs")

    async def d3():
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)

            async def one_job(key):
                t = time.monotonic()
                (jid,) = await enqueue_batch(conn, [7], [key])
                await results.wait_for([jid], 10)
                return t, time.monotonic()

            await c.d3_flow(ch, args.latency_n, one_job,
                            f"{NOTE}: wake by NOTIFY on insert; result seen by LISTEN")
        await conn.execute("TRUNCATE jobs")

    async def d4():
        with c.Children() as ch:
            start_workers(ch, args.url)
            await c.wait_workers_ready_async(ch, warmup, 2)
            n = args.d4_n
            ids = []

            async def enqueue():
                ids.extend(await enqueue_batch(conn, [3], [c.LONG_KEY], [2.0]))
                ids.extend(await enqueue_batch(conn, list(range(n)), [f"d{i}" for i in range(n)]))

            async def count_done():
                return await conn.fetchval(
                    "SELECT count(*) FROM jobs WHERE id = ANY($1::bigint[]) AND state = 'done'", ids)

            def note(rerun):
                if rerun is None:
                    return f"{NOTE}: the killed job's lease ({LEASE:.0f}s) was not rescued"
                return (f"{NOTE}: lease {LEASE:.0f}s ran out, a live worker's rescue (checked "
                        f"every 1s) made the job claimable again")

            await c.d4_flow(ch, n, enqueue, count_done, note)

    await c.run_async(args, {"D1": d1, "D2": d2, "D3": d3, "D4": d4}, NOTE)
    await conn.close()


if __name__ == "__main__":
    a = c.parse_args(__doc__.splitlines()[0])
    if a.worker:
        asyncio.run(worker(a.url))
    else:
        c.guard(a, lambda: asyncio.run(main(a)), NOTE)
