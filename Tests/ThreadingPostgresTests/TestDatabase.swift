import Foundation
import PostgresNIO
import PostgresScratchServer
import Testing
import ThreadingTestSupport

@testable import ThreadingPostgres

/// The PostgreSQL server the tests use: `THREADING_PG_URL` when set, else a throwaway
/// server started once per test process (stopped at exit). Each test gets a database of
/// its own, so tests running in parallel never see each other's jobs.
enum TestDatabase {
    /// Why the tests cannot run, or nil when they can.
    static let unavailable: String? = {
        if ProcessInfo.processInfo.environment["THREADING_PG_URL"] != nil { return nil }
        if ScratchPostgresServer.binaryDirectory() == nil {
            return "no PostgreSQL server binaries: \(ScratchPostgresServer.installHint)"
        }
        return nil
    }()

    static var available: Bool { unavailable == nil }

    private static let server: Result<ScratchPostgresServer, ScratchPostgresServer.Failure>? = {
        guard ProcessInfo.processInfo.environment["THREADING_PG_URL"] == nil, available else { return nil }
        do {
            let server = try ScratchPostgresServer()
            atexit { TestDatabase.stopServer() }
            return .success(server)
        } catch let error as ScratchPostgresServer.Failure {
            return .failure(error)
        } catch {
            return .failure(ScratchPostgresServer.Failure("\(error)"))
        }
    }()

    private static func stopServer() {
        if case .success(let server) = server { server.stop() }
    }

    private static let serial = LockedState(0)

    /// The URL of the server's `postgres` database (for CREATE DATABASE and such).
    static func adminURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["THREADING_PG_URL"] { return url }
        guard let server else { throw ScratchPostgresServer.Failure(unavailable ?? "no server") }
        return try server.get().url
    }

    /// A new, empty database; returns its URL.
    static func fresh() throws -> String {
        let admin = try adminURL()
        let number = serial.withLock { value in
            value += 1
            return value
        }
        let name = "threading_test_\(getpid())_\(number)"
        let link = DatabaseLink(url: try PostgresURL(admin), unreachableLimit: .seconds(10))
        defer { link.close() }
        try link.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        return replacingDatabase(of: admin, with: name)
    }

    /// Runs one statement on `url`'s database and returns the first column of each row as text.
    @discardableResult
    static func query(_ url: String, _ sql: String) throws -> [String] {
        let link = DatabaseLink(url: try PostgresURL(url), unreachableLimit: .seconds(10))
        defer { link.close() }
        return try link.run(PostgresQuery(unsafeSQL: sql)).rows.map { row in
            (try? row.makeRandomAccess()[0].decode(String.self)) ?? ""
        }
    }

    static func replacingDatabase(of url: String, with name: String) -> String {
        PostgresAdmin.replacingDatabase(of: url, with: name)
    }
}

/// Short waits for tests: no test should wait 30 s for a safety sweep.
extension ClientSettings {
    static var testing: ClientSettings {
        var settings = ClientSettings()
        settings.pollInterval = .milliseconds(100)
        settings.unreachableLimit = .seconds(10)
        return settings
    }
}

extension WorkerSettings {
    static var testing: WorkerSettings {
        var settings = WorkerSettings()
        settings.pollInterval = .milliseconds(100)
        settings.unreachableLimit = .seconds(10)
        settings.handlesSignals = false
        return settings
    }
}

/// A worker running on a thread of its own, stopped and joined by `finish()`.
final class RunningWorker: Sendable {
    let worker: PostgresWorker
    private let thread: OSThread
    private let outcome = LockedState<Result<Void, any Error>?>(nil)

    init(_ worker: PostgresWorker) throws {
        self.worker = worker
        let outcome = self.outcome
        thread = OSThread(name: "test-worker") {
            let result = Result { try worker.run() }
            outcome.withLock { $0 = result }
        }
        try thread.start()
    }

    /// Stops the worker and waits (bounded) for `run()` to return; returns its result.
    @discardableResult
    func finish() throws -> Result<Void, any Error>? {
        worker.stop()
        #expect(try thread.join(timeout: Delay.bound), "the worker's run() did not return")
        return outcome.withLock { $0 }
    }

    /// Waits (bounded) for `run()` to return by itself (it failed), and returns its result.
    func ended() throws -> Result<Void, any Error>? {
        #expect(try thread.join(timeout: Delay.bound), "the worker's run() did not return")
        return outcome.withLock { $0 }
    }
}
