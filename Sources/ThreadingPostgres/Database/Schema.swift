import PostgresNIO

/// The tables, created or upgraded by every `PostgresExecutor.init` and `PostgresWorker.init`.
///
/// One `DO` block, so one transaction: it takes a transaction-level advisory lock first, so
/// when many processes start at once one creates the tables and the others wait, then see
/// the version and do nothing. The version table says which upgrades have run; a database
/// upgraded by a newer library than this one is refused rather than misread.
///
/// A job row goes through these states:
///
///     available ──claim──▶ running ──▶ completed            (run() returned)
///         ▲                  │  ├────▶ retryable ──claim──▶ running …   (threw, attempts left:
///         │                  │  │                                       after a backoff;
///         │                  │  │                                       lease lost: at once)
///         │                  │  └────▶ discarded            (last attempt failed, or a type
///         │                  │                                the worker does not know)
///         └── handed back ───┘
///     available / retryable ──cancel──▶ cancelled
enum Schema {
    static let version = 1
    static let jobs = "swift_threading_jobs"
    /// Channel of "there are jobs in this queue" (payload: the queue's name).
    static let jobsChannel = "swift_threading_jobs"
    /// Channel of "these jobs have ended" (payload: their ids, comma-separated).
    static let answersChannel = "swift_threading_answers"
    /// Advisory lock keys: schema changes, and the rescuer (one worker at a time).
    static let migrationLock: Int64 = 0x5377_5468_7264_0001
    static let rescuerLock: Int64 = 0x5377_5468_7264_0002
    /// Ids per answers notification: a payload holds at most 8000 bytes.
    static let idsPerNotification = 500

    static var migration: PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                DO $migration$
                DECLARE current integer;
                BEGIN
                    PERFORM pg_advisory_xact_lock(\(migrationLock));
                    CREATE TABLE IF NOT EXISTS swift_threading_schema (version integer NOT NULL);
                    SELECT coalesce(max(version), 0) INTO current FROM swift_threading_schema;
                    IF current > \(version) THEN
                        RAISE EXCEPTION 'swift-threading schema version % is newer than this library (%)',
                            current, \(version);
                    END IF;
                    IF current < 1 THEN
                        CREATE TABLE \(jobs) (
                            id bigserial PRIMARY KEY,
                            queue text NOT NULL,
                            task text NOT NULL,
                            args bytea NOT NULL,
                            task_count integer NOT NULL,
                            state text NOT NULL DEFAULT 'available' CHECK (state IN
                                ('available', 'running', 'completed', 'retryable', 'discarded', 'cancelled')),
                            priority integer NOT NULL DEFAULT 0,
                            attempt integer NOT NULL DEFAULT 0,
                            max_attempts integer NOT NULL CHECK (max_attempts >= 1),
                            timeout_ms bigint,
                            unique_key text,
                            enqueue_token text,
                            scheduled_at timestamptz NOT NULL DEFAULT now(),
                            inserted_at timestamptz NOT NULL DEFAULT now(),
                            attempted_at timestamptz,
                            lease_until timestamptz,
                            worker text,
                            worker_host text,
                            worker_pid integer,
                            outcome smallint,
                            answer bytea,
                            finished_at timestamptz
                        );
                        -- The claim walks this in order: only claimable rows are in it.
                        CREATE INDEX \(jobs)_claim ON \(jobs) (queue, priority DESC, id)
                            WHERE state IN ('available', 'retryable');
                        -- The rescuer's scan for expired leases.
                        CREATE INDEX \(jobs)_leases ON \(jobs) (lease_until) WHERE state = 'running';
                        -- JobOptions.uniqueKey: one queued or running job per key and queue.
                        CREATE UNIQUE INDEX \(jobs)_unique ON \(jobs) (queue, unique_key)
                            WHERE unique_key IS NOT NULL AND state IN ('available', 'retryable', 'running');
                        -- An enqueue sent again after a lost connection finds its first row.
                        CREATE UNIQUE INDEX \(jobs)_token ON \(jobs) (enqueue_token)
                            WHERE enqueue_token IS NOT NULL;
                        -- Pruning of ended rows.
                        CREATE INDEX \(jobs)_finished ON \(jobs) (finished_at) WHERE finished_at IS NOT NULL;
                        INSERT INTO swift_threading_schema (version) VALUES (1);
                    END IF;
                END
                $migration$
                """)
    }
}
