import Foundation
import Testing
import ThreadingTestSupport

@testable import ProbeTasks
@testable import ThreadingPostgres

/// Bad input and faults: each ends in a documented error, never a trap or a hang.
@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct FaultTests {
    @Test func aBadURLThrowsInvalidURL() {
        #expect {
            _ = try PostgresExecutor(url: "postgres://nobody", tasks: probeTasks)
        } throws: { error in
            guard case .invalidURL = error as? PostgresExecutorError else { return false }
            return true
        }
        #expect {
            _ = try PostgresWorker(url: "http://x@y/z", tasks: probeTasks)
        } throws: { error in
            guard case .invalidURL = error as? PostgresExecutorError else { return false }
            return true
        }
    }

    @Test func aRefusedConnectionThrowsDatabaseAtOnce() throws {
        // A port nobody listens on: a socket bound and closed again.
        let url = "postgres://postgres@127.0.0.1:\(try unusedPort())/postgres"
        #expect {
            _ = try PostgresExecutor(url: url, tasks: probeTasks)
        } throws: { error in
            guard case .database(let words) = error as? PostgresExecutorError else { return false }
            return words.contains("cannot connect")
        }
    }

    @Test func anUnknownUserOrDatabaseThrowsDatabase() throws {
        let admin = try TestDatabase.adminURL()
        let wrongUser = admin.replacingOccurrences(of: "postgres@", with: "nosuchuser:secret@")
        let wrongDatabase = TestDatabase.replacingDatabase(of: admin, with: "no_such_database")
        for url in [wrongUser, wrongDatabase] {
            #expect {
                _ = try PostgresWorker(url: url, tasks: probeTasks)
            } throws: { error in
                guard case .database(let words) = error as? PostgresExecutorError else { return false }
                return words.contains("refused")
            }
        }
    }

    @Test func userMistakesInSubmitThrow() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: [AddOne.self], settings: .testing)
        #expect(throws: ProcessPoolError.unknownTask(EchoTask.taskName)) {
            try executor.submit(EchoTask(text: "x"))
        }
        for options in [
            JobOptions(maxAttempts: 0), JobOptions(delay: .seconds(-1)),
            JobOptions(timeout: .milliseconds(-5)),
        ] {
            #expect {
                _ = try executor.submit(AddOne(x: 1), options: options)
            } throws: { error in
                guard case .invalidArgument = error as? ThreadingError else { return false }
                return true
            }
        }
        #expect(throws: ThreadingError.self) { try executor.map([AddOne(x: 1)], chunkSize: 0) }
        #expect(throws: ThreadingError.self) { try executor.map([AddOne(x: 1)], timeout: .seconds(-1)) }
        #expect(throws: PostgresExecutorError.unknownJob(JobID(rawValue: 424_242))) {
            try executor.future(for: JobID(rawValue: 424_242), of: AddOne.self).result(timeout: Delay.bound)
        }
        executor.shutdown()
        #expect(throws: ExecutorError.shutDown) { try executor.submit(AddOne(x: 1)) }
        #expect(try TestDatabase.query(url, "SELECT count(*)::text FROM swift_threading_jobs") == ["0"])
    }

    @Test func aTaskTypeTheWorkerDoesNotKnowFailsAtOnce() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: [AddOne.self], concurrency: 1, settings: .testing))
        let future = try executor.submit(EchoTask(text: "abc"))
        #expect(throws: ProcessPoolError.unknownTask(EchoTask.taskName)) {
            try future.result(timeout: Delay.bound)
        }
        #expect(
            try TestDatabase.query(url, "SELECT state || ':' || attempt FROM swift_threading_jobs") == [
                "discarded:1"
            ])
        try worker.finish()
        executor.shutdown()
    }

    @Test func anUndecodableRowFailsItsFutureWithRemote() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let future = try executor.submit(AddOne(x: 1), options: JobOptions(maxAttempts: 1))
        try TestDatabase.query(url, "UPDATE swift_threading_jobs SET args = '\\xdeadbeef'::bytea")
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        #expect {
            try future.result(timeout: Delay.bound)
        } throws: { error in
            guard case .remote(let type, _) = error as? ProcessPoolError else { return false }
            return type == "DecodingError"
        }
        try worker.finish()
        executor.shutdown()
    }

    @Test func aTableAlteredByHandFailsTheWorkerAndTheFuturesWithDatabase() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        try TestDatabase.query(url, "ALTER TABLE swift_threading_jobs RENAME COLUMN answer TO answer_by_hand")
        let future = try executor.submit(AddOne(x: 1))
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let ended = try worker.ended()
        #expect(throws: PostgresExecutorError.self) { try ended?.get() }
        #expect(throws: PostgresExecutorError.self) { try future.result(timeout: Delay.bound) }
        executor.shutdown(wait: false)
    }

    @Test func aDatabaseDroppedMidRunEndsTheWorkerWithDatabase() throws {
        let url = try TestDatabase.fresh()
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        #expect(try executor.submit(AddOne(x: 1)).result(timeout: Delay.bound) == 2)
        let pending = try executor.submit(SleepTask(milliseconds: 5000))
        let database = String(url.split(separator: "/").last!)
        try TestDatabase.query(try TestDatabase.adminURL(), "DROP DATABASE \(database) WITH (FORCE)")
        let ended = try worker.ended()
        #expect {
            try ended?.get()
        } throws: { error in
            guard case .database = error as? PostgresExecutorError else { return false }
            return true
        }
        #expect(throws: PostgresExecutorError.self) { try pending.result(timeout: Delay.bound) }
        executor.shutdown(wait: false)
    }

    private func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(fd, raw, length) == 0)
                try #require(getsockname(fd, raw, &length) == 0)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A statement is a transaction: a batch that fails part-way leaves no job behind.
@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct RollbackTests {
    @Test func aBatchRolledBackByTheServerLeavesNoJobBehind() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        // A trigger refuses the fifth row of the batch, after four were inserted.
        try TestDatabase.query(
            url,
            """
            CREATE FUNCTION refuse_fifth() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT count(*) FROM swift_threading_jobs) >= 4 THEN RAISE EXCEPTION 'refused by hand'; END IF;
                RETURN NEW;
            END $$
            """)
        try TestDatabase.query(
            url,
            "CREATE TRIGGER refuse BEFORE INSERT ON swift_threading_jobs FOR EACH ROW EXECUTE FUNCTION refuse_fifth()"
        )
        #expect {
            _ = try executor.enqueue(contentsOf: (0..<10).map { AddOne(x: $0) })
        } throws: { error in
            guard case .database(let words) = error as? PostgresExecutorError else { return false }
            return words.contains("refused by hand")
        }
        #expect(try TestDatabase.query(url, "SELECT count(*)::text FROM swift_threading_jobs") == ["0"])
        executor.shutdown()
    }
}
