import NIOCore
import PostgresNIO

/// Every statement on the jobs table. Each is one statement (one transaction), so each is
/// atomic on its own, and each is safe to run again after a lost connection (see
/// `DatabaseLink`): inserts carry a token, updates name the state and attempt they expect.
/// Notifications are sent from the same statement, once per batch: NOTIFY is delivered at
/// commit, so a listener never hears of a row it cannot yet read.
enum JobSQL {
    /// One row of an insert batch.
    struct NewJob {
        var token: String
        var args: ByteBuffer
        var taskCount: Int32
    }

    /// Inserts jobs of one task type and queue; returns (id, token) of the rows inserted.
    /// A row whose token or unique key is taken is skipped (`ON CONFLICT DO NOTHING`).
    /// Wakes the queue's workers.
    static func insert(
        queue: String, task: String, jobs: [NewJob], options: JobOptions
    ) -> PostgresQuery {
        let tokens = jobs.map(\.token)
        let args = jobs.map(\.args)
        let counts = jobs.map(\.taskCount)
        let delay = options.delay.map(milliseconds) ?? 0
        let timeout = options.timeout.map(milliseconds)
        return """
            WITH input AS (
                SELECT * FROM unnest(\(tokens)::text[], \(args)::bytea[], \(counts)::integer[])
                    AS i(token, args, task_count)
            ), inserted AS (
                INSERT INTO \(unescaped: Schema.jobs)
                    (queue, task, args, task_count, priority, max_attempts, timeout_ms, unique_key,
                     enqueue_token, scheduled_at)
                SELECT \(queue), \(task), i.args, i.task_count, \(Int32(options.priority)),
                    \(Int32(options.maxAttempts)), \(timeout)::bigint, \(options.uniqueKey)::text, i.token,
                    now() + \(delay) * interval '1 millisecond'
                FROM input i
                ON CONFLICT DO NOTHING
                RETURNING id, enqueue_token
            )
            SELECT id, enqueue_token, pg_notify(\(Schema.jobsChannel), \(queue)) FROM inserted
            """
    }

    /// The ids of rows inserted earlier under these tokens (an insert sent twice).
    static func idsForTokens(_ tokens: [String]) -> PostgresQuery {
        """
        SELECT id, enqueue_token FROM \(unescaped: Schema.jobs) WHERE enqueue_token = ANY(\(tokens)::text[])
        """
    }

    /// The queued or running job holding `key` in `queue`, if any.
    static func holderOfUniqueKey(queue: String, key: String) -> PostgresQuery {
        """
        SELECT id FROM \(unescaped: Schema.jobs)
        WHERE queue = \(queue) AND unique_key = \(key) AND state IN ('available', 'retryable', 'running')
        """
    }

    /// Claims up to `limit` jobs for a worker: locks them (skipping rows other claimers
    /// hold), marks them running under the worker's name with a lease, counts the attempt.
    ///
    /// Each queue is walked through the claim index by a lateral subquery, in index order,
    /// stopping at `limit` rows: with `queue = ANY(…)` instead, PostgreSQL reads every
    /// claimable row of the queues and sorts them (over 100 ms per claim at 200,000 rows).
    /// The CTE is `MATERIALIZED` so the planner cannot fold the `LIMIT … FOR UPDATE SKIP
    /// LOCKED` select into the update (it would no longer stop at `limit` locked rows).
    static func claim(
        queues: [String], limit: Int, lease: Duration, worker: WorkerIdentity
    ) -> PostgresQuery {
        """
        WITH picked AS MATERIALIZED (
            SELECT c.id FROM unnest(\(queues)::text[]) AS q(name) CROSS JOIN LATERAL (
                SELECT s.id, s.priority FROM \(unescaped: Schema.jobs) s
                WHERE s.state IN ('available', 'retryable') AND s.queue = q.name AND s.scheduled_at <= now()
                ORDER BY s.priority DESC, s.id
                LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
            ) c
            ORDER BY c.priority DESC, c.id
            LIMIT \(Int64(limit))
        )
        UPDATE \(unescaped: Schema.jobs) j SET state = 'running', attempt = j.attempt + 1,
            attempted_at = now(), lease_until = now() + \(milliseconds(lease)) * interval '1 millisecond',
            worker = \(worker.name), worker_host = \(worker.host), worker_pid = \(worker.pid)
        FROM picked WHERE j.id = picked.id
        RETURNING j.id, j.task, j.args, j.attempt, j.timeout_ms, j.priority
        """
    }

    /// Seconds until the next job of these queues becomes claimable, when one is scheduled
    /// in the future (a delay or a retry backoff); no row when none is.
    static func nextScheduled(queues: [String]) -> PostgresQuery {
        """
        SELECT extract(epoch FROM min(scheduled_at) - now())::float8 FROM \(unescaped: Schema.jobs)
        WHERE state IN ('available', 'retryable') AND queue = ANY(\(queues)::text[]) AND scheduled_at > now()
        HAVING count(*) > 0
        """
    }

    /// One attempt's end, for `complete`.
    struct Completion {
        var id: Int64
        var attempt: Int32
        var outcome: JobOutcome
        var answer: ByteBuffer
        /// The backoff before the next attempt, used when the outcome is retried.
        var backoff: Duration
    }

    /// Records the ends of a batch of attempts in one statement. Only rows still running
    /// this attempt under this worker change: a late answer after the job was rescued,
    /// cancelled or timed out changes nothing. A thrown error or a timeout with attempts
    /// left makes the row retryable after its backoff; anything else ends it. Notifies the
    /// ended ids (500 per notification) and wakes workers of queues with retries.
    static func complete(_ completions: [Completion], worker: WorkerIdentity) -> PostgresQuery {
        let ids = completions.map(\.id)
        let attempts = completions.map(\.attempt)
        let outcomes = completions.map(\.outcome.rawValue)
        let answers = completions.map(\.answer)
        let backoffs = completions.map { milliseconds($0.backoff) }
        return """
            WITH c AS (
                SELECT * FROM unnest(\(ids)::bigint[], \(attempts)::integer[], \(outcomes)::smallint[],
                    \(answers)::bytea[], \(backoffs)::bigint[]) AS c(id, attempt, outcome, answer, backoff_ms)
            ), done AS (
                UPDATE \(unescaped: Schema.jobs) j SET
                    state = CASE WHEN c.outcome = 0 THEN 'completed'
                        WHEN c.outcome IN (1, 11) AND j.attempt < j.max_attempts THEN 'retryable'
                        ELSE 'discarded' END,
                    scheduled_at = CASE WHEN c.outcome IN (1, 11) AND j.attempt < j.max_attempts
                        THEN now() + c.backoff_ms * interval '1 millisecond' ELSE j.scheduled_at END,
                    finished_at = CASE WHEN c.outcome IN (1, 11) AND j.attempt < j.max_attempts
                        THEN NULL ELSE now() END,
                    outcome = c.outcome, answer = c.answer, lease_until = NULL
                FROM c
                WHERE j.id = c.id AND j.attempt = c.attempt AND j.state = 'running' AND j.worker = \(worker.name)
                RETURNING j.id, j.state, j.queue
            )
            \(unescaped: notifyEnded(from: "done"))
            """
    }

    /// Pushes the leases of the jobs a worker holds forward; returns the ids still its own.
    static func renew(ids: [Int64], lease: Duration, worker: WorkerIdentity) -> PostgresQuery {
        """
        UPDATE \(unescaped: Schema.jobs) SET lease_until = now() + \(milliseconds(lease)) * interval '1 millisecond'
        WHERE id = ANY(\(ids)::bigint[]) AND state = 'running' AND worker = \(worker.name)
        RETURNING id
        """
    }

    /// The rescuer: when this session gets the rescuer's advisory lock (for this statement's
    /// transaction), running jobs whose lease ran out become retryable at once, or discarded
    /// as `workerDied` on their last attempt. Notifies like `complete`.
    static var rescue: PostgresQuery {
        """
        WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(\(Schema.rescuerLock)) AS held),
        done AS (
            UPDATE \(unescaped: Schema.jobs) j SET
                state = CASE WHEN j.attempt >= j.max_attempts THEN 'discarded' ELSE 'retryable' END,
                outcome = CASE WHEN j.attempt >= j.max_attempts THEN \(JobOutcome.workerDied.rawValue)
                    ELSE j.outcome END,
                finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() ELSE NULL END,
                scheduled_at = now(), lease_until = NULL
            FROM lock
            WHERE lock.held AND j.state = 'running' AND j.lease_until < now()
            RETURNING j.id, j.state, j.queue
        )
        \(unescaped: notifyEnded(from: "done"))
        """
    }

    /// Seconds until the first lease of a running job runs out; no row when none runs.
    static var nextLeaseExpiry: PostgresQuery {
        """
        SELECT extract(epoch FROM min(lease_until) - now())::float8 FROM \(unescaped: Schema.jobs)
        WHERE state = 'running' HAVING count(*) > 0
        """
    }

    /// Gives back the running jobs of this worker that it does not hold (claimed by a
    /// statement whose answer was lost, or not started when it drains): they become
    /// claimable at once, and the attempt does not count.
    static func handBack(keeping held: [Int64], worker: WorkerIdentity) -> PostgresQuery {
        """
        WITH back AS (
            UPDATE \(unescaped: Schema.jobs) SET attempt = attempt - 1,
                state = CASE WHEN attempt > 1 THEN 'retryable' ELSE 'available' END,
                lease_until = NULL, worker = NULL
            WHERE state = 'running' AND worker = \(worker.name) AND id <> ALL(\(held)::bigint[])
            RETURNING queue
        )
        SELECT pg_notify(\(Schema.jobsChannel), queue) FROM back GROUP BY queue
        """
    }

    /// Cancels the jobs among `ids` that no worker has claimed (or that wait for a retry);
    /// returns their ids and notifies them as ended.
    static func cancel(ids: [Int64]) -> PostgresQuery {
        """
        WITH done AS (
            UPDATE \(unescaped: Schema.jobs) SET state = 'cancelled', outcome = \(JobOutcome.cancelled.rawValue),
                finished_at = now()
            WHERE id = ANY(\(ids)::bigint[]) AND state IN ('available', 'retryable')
            RETURNING id, state, queue
        ), notified AS (
            \(unescaped: notifyEnded(from: "done"))
        )
        SELECT id FROM done, (SELECT count(*) FROM notified) n
        """
    }

    /// The ended rows among `ids`, with what a future needs.
    static func answers(ids: [Int64]) -> PostgresQuery {
        """
        SELECT id, state, outcome, answer, task, worker_host, worker_pid FROM \(unescaped: Schema.jobs)
        WHERE id = ANY(\(ids)::bigint[]) AND state IN ('completed', 'discarded', 'cancelled')
        """
    }

    /// The task type of a job, to check that it exists.
    static func task(of id: Int64) -> PostgresQuery {
        "SELECT task FROM \(unescaped: Schema.jobs) WHERE id = \(id)"
    }

    /// Deletes up to 10,000 ended rows older than `retention`.
    static func prune(retention: Duration) -> PostgresQuery {
        """
        DELETE FROM \(unescaped: Schema.jobs) WHERE id IN (
            SELECT id FROM \(unescaped: Schema.jobs)
            WHERE finished_at < now() - \(milliseconds(retention)) * interval '1 millisecond'
                AND state IN ('completed', 'discarded', 'cancelled')
            LIMIT 10000)
        """
    }

    /// The final SELECT shared by the statements that end jobs: one answers notification
    /// per 500 ended ids, one jobs notification per queue that got a retry.
    private static func notifyEnded(from rows: String) -> String {
        """
        SELECT count(*) FROM (
            SELECT pg_notify('\(Schema.answersChannel)', string_agg(id::text, ',')) FROM (
                SELECT id, (row_number() OVER () - 1) / \(Schema.idsPerNotification) AS batch
                FROM \(rows) WHERE state <> 'retryable') ended
            GROUP BY batch
            UNION ALL
            SELECT pg_notify('\(Schema.jobsChannel)', queue) FROM \(rows) WHERE state = 'retryable' GROUP BY queue
        ) sent
        """
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? Int64.min / 2 : Int64.max / 2 }
        return product + attoseconds / 1_000_000_000_000_000
    }
}
