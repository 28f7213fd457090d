import Logging
import Multiprocessing
import NIOCore
import PostgresNIO
import Synchronization
import Threading

/// The working part of a `PostgresExecutor`: inserts jobs, keeps the book of pending
/// futures, and runs the watcher thread that finishes them.
///
/// Three connections: `commands` for the callers' statements (inserts, cancels, lookups;
/// concurrent callers share it, pipelined), `watch` for LISTEN and the watcher's reads.
/// The watcher is the only thread that completes futures, and it holds no lock while it
/// waits on the database (see `JobCancelGate`).
final class JobsClient: Sendable {
    let url: PostgresURL
    let queue: String
    let settings: ClientSettings
    let commands: DatabaseLink
    private let watch: DatabaseLink
    private let book = LockedState(AnswerBook())
    private let doorbell = ThreadParker()
    private let watcher = LockedState<OSThread?>(nil)
    /// Unique per executor, so that enqueue tokens never collide between processes.
    private let nonce = UInt64.random(in: 1...UInt64.max)
    private let tokenSerial = Atomic<Int>(0)

    init(url: PostgresURL, queue: String, settings: ClientSettings) throws(PostgresExecutorError) {
        self.url = url
        self.queue = queue
        self.settings = settings
        commands = DatabaseLink(url: url, unreachableLimit: settings.unreachableLimit)
        watch = DatabaseLink(url: url, unreachableLimit: settings.unreachableLimit)
        try commands.connectOnce()
        try commands.run(Schema.migration)
    }

    /// Starts the watcher thread.
    func start() throws {
        let thread = OSThread(name: "postgres-executor-watch", daemon: true) { [self] in watchLoop() }
        watcher.withLock { $0 = thread }
        try thread.start()
    }

    // MARK: Enqueueing

    /// Inserts one job per element of `argsList` (each an encoded array of `taskCount`
    /// tasks) and returns their ids in order. Blocks until the rows are committed.
    func insert(
        task: String, argsList: [(args: [UInt8], count: Int)], options: JobOptions, tries: Int = 3
    ) throws(PostgresExecutorError) -> [Int64] {
        var jobs: [JobSQL.NewJob] = []
        jobs.reserveCapacity(argsList.count)
        for item in argsList {
            let serial = tokenSerial.wrappingAdd(1, ordering: .relaxed).newValue
            jobs.append(
                JobSQL.NewJob(
                    token: "\(String(nonce, radix: 36))-\(serial)", args: ByteBuffer(bytes: item.args),
                    taskCount: Int32(item.count)))
        }
        var ids: [String: Int64] = [:]
        let result = try commands.run(JobSQL.insert(queue: queue, task: task, jobs: jobs, options: options))
        for row in result.rows {
            guard let (id, token) = try? row.decode((Int64, String).self) else { continue }
            ids[token] = id
        }
        var missing = jobs.map(\.token).filter { ids[$0] == nil }
        if !missing.isEmpty {
            // Sent twice after a lost connection: the first rows are there under the tokens.
            for row in try commands.run(JobSQL.idsForTokens(missing)).rows {
                guard let (id, token) = try? row.decode((Int64, String).self) else { continue }
                ids[token] = id
            }
            missing = missing.filter { ids[$0] == nil }
        }
        if !missing.isEmpty, let key = options.uniqueKey, missing.count == 1 {
            // A queued or running job holds the key: its id stands for this one.
            if let row = try commands.run(JobSQL.holderOfUniqueKey(queue: queue, key: key)).rows.first,
                let id = try? row.decode(Int64.self)
            {
                return [id]
            }
            // It ended between the insert and the lookup: try again.
            if tries > 1 {
                return try insert(task: task, argsList: argsList, options: options, tries: tries - 1)
            }
        }
        guard missing.isEmpty else {
            throw .database("\(missing.count) inserted rows could not be found again")
        }
        return jobs.map { ids[$0.token]! }
    }

    /// A ticket for `register`, read before the insert.
    var registrationTicket: AnswerBook.Ticket { book.withLock { $0.ticket } }

    /// Puts a future on the book; rings the watcher when its job may have ended already.
    func register(_ id: Int64, _ answer: any PendingAnswer, own: Bool, ticket: AnswerBook.Ticket) {
        if book.withLock({ $0.register(id, answer, own: own, since: ticket) }) { doorbell.unpark() }
    }

    /// The task type of job `id`, or nil when there is no such row. Blocks on the database.
    func taskName(of id: Int64) throws(PostgresExecutorError) -> String? {
        guard let row = try commands.run(JobSQL.task(of: id)).rows.first else { return nil }
        return try? row.decode(String.self)
    }

    // MARK: Cancelling

    /// Cancels the unclaimed jobs among `ids` in the database; returns those it cancelled.
    /// Blocks on the database; an unreachable database cancels nothing.
    func cancelInDatabase(_ ids: [Int64]) -> Set<Int64> {
        guard let result = try? commands.run(JobSQL.cancel(ids: ids)) else { return [] }
        var cancelled: Set<Int64> = []
        for row in result.rows {
            if let id = try? row.decode(Int64.self) { cancelled.insert(id) }
        }
        return cancelled
    }

    /// `shutdown(cancelFutures: true)`: cancels every job of this executor that no worker
    /// has claimed, and their futures.
    func cancelOwn() {
        let own = book.withLock { Array($0.own) }
        guard !own.isEmpty else { return }
        let cancelled = cancelInDatabase(own)
        let answers = book.withLock { book in cancelled.flatMap { book.remove($0) } }
        for answer in answers {
            answer.gate.markCancelled()
            answer.finish(
                EndedJob(
                    id: answer.gate.id, outcome: .cancelled, answer: [], task: "", workerHost: nil,
                    workerPID: nil))
        }
    }

    /// Marks job `id`'s gate cancelled, after the database said so.
    func markCancelled(_ id: Int64) {
        for answer in book.withLock({ $0.pending[id] ?? [] }) { answer.gate.markCancelled() }
    }

    /// Lets the watcher end once no future is pending (it goes on finishing those it has,
    /// this executor's and those of `future(for:of:)`); `wait`: blocks until every job this
    /// executor submitted has ended, on those jobs' futures.
    func stop(wait: Bool) {
        let own = book.withLock { book in
            book.stop()
            return book.own.flatMap { book.pending[$0] ?? [] }
        }
        doorbell.unpark()
        guard wait else { return }
        for answer in own { answer.waitUntilDone() }
    }

    // MARK: The watcher

    private func watchLoop() {
        var listenedGeneration = -1
        var nextSweep = ContinuousClock.now + settings.sweepInterval
        while true {
            doorbell.rearm()
            let work = book.withLock { $0.nextWork(listening: settings.listen) }
            switch work {
            case .exit:
                watch.close()
                commands.close()
                // Nobody joins this thread: dropping its object detaches it (a cycle
                // through this closure would otherwise keep both alive for good).
                watcher.withLock { $0 = nil }
                return
            case .listen:
                do {
                    listenedGeneration = try listen()
                } catch {
                    book.withLock { $0.lostListener() }
                    failAll(error)
                }
            case .fetch(let ids):
                finish(ids)
            case .sweep(let ids):
                nextSweep = ContinuousClock.now + sweepInterval
                finish(ids)
            case .idle:
                if settings.listen, let generation = try? watch.current().generation,
                    generation != listenedGeneration
                {
                    // A read reconnected the link: the new connection listens to nothing yet.
                    book.withLock { $0.lostListener() }
                    continue
                }
                let now = ContinuousClock.now
                if now >= nextSweep {
                    book.withLock { $0.requestSweep() }
                    nextSweep = now + sweepInterval
                    continue
                }
                _ = doorbell.park(until: .after(now.duration(to: nextSweep)))
            }
        }
    }

    private var sweepInterval: Duration { settings.listen ? settings.sweepInterval : settings.pollInterval }

    /// Adds the listener to the watch connection and makes sure LISTEN is in effect (a
    /// statement after it on the same connection has answered). Returns the generation.
    private func listen() throws -> Int {
        // Connects, retrying for up to the unreachable limit.
        try watch.run("SELECT 1")
        let (connection, generation) = try watch.current()
        connection.addListener(channel: Schema.answersChannel) { [weak self] _, notification in
            // On the event loop: parse and ring, nothing that blocks.
            let ids = notification.payload.split(separator: ",").compactMap { Int64($0) }
            guard let self else { return }
            self.book.withLock { $0.heard(ids) }
            self.doorbell.unpark()
        }
        try watch.run("SELECT 1")
        // In effect from here; a close, even one that already happened, undoes it.
        book.withLock { $0.listening() }
        connection.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            self.book.withLock { $0.lostListener() }
            self.doorbell.unpark()
        }
        return generation
    }

    /// Reads the ended rows among `ids` and finishes their futures.
    private func finish(_ ids: [Int64]) {
        var start = 0
        while start < ids.count {
            let slice = Array(ids[start..<min(start + 5000, ids.count)])
            start += slice.count
            let rows: PostgresQueryResult
            do {
                rows = try watch.run(JobSQL.answers(ids: slice))
            } catch {
                failAll(error)
                return
            }
            for row in rows.rows {
                let cells = row.makeRandomAccess()
                guard let id = try? cells[0].decode(Int64.self) else { continue }
                let waiting = book.withLock { $0.remove(id) }
                guard !waiting.isEmpty else { continue }
                let job = JobsClient.endedJob(id: id, cells)
                for answer in waiting {
                    if let job {
                        answer.finish(job)
                    } else {
                        answer.fail(
                            ProcessPoolError.remote(
                                type: "DecodingError", message: "job \(id)'s row is unreadable"))
                    }
                }
            }
        }
    }

    /// Fails every pending future: the database has been unreachable past the limit, or it
    /// answers the watcher's reads with an error (a table altered by hand).
    private func failAll(_ error: any Error) {
        for answer in book.withLock({ $0.removeAll() }) { answer.fail(error) }
    }

    /// The row of `JobSQL.answers`, or nil when a column does not decode (a row written by
    /// something else than this library).
    private static func endedJob(id: Int64, _ cells: PostgresRandomAccessRow) -> EndedJob? {
        do {
            guard let kind = JobOutcome(rawValue: try cells[2].decode(Int16.self)) else { return nil }
            let answer = try cells[3].decode(ByteBuffer?.self)
            return EndedJob(
                id: id, outcome: kind, answer: answer.map { Array($0.readableBytesView) } ?? [],
                task: try cells[4].decode(String.self), workerHost: try cells[5].decode(String?.self),
                workerPID: try cells[6].decode(Int32?.self))
        } catch {
            return nil
        }
    }
}
