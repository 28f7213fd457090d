import NIOCore
import PostgresNIO
import Testing
import ThreadingTestSupport

@testable import ThreadingPostgres

/// The link's own bookkeeping of its connection, below the executor and the worker.
@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct DatabaseLinkTests {
    /// postgres-nio asserts (in debug builds) that a connection is closed when it is
    /// deinitialized. A statement that lost its connection drops it and returns at once, so
    /// its reference may be the last one while the close is still on its way: the link
    /// must keep the connection alive until it is closed.
    @Test func aDroppedConnectionLivesUntilItIsClosed() throws {
        let link = DatabaseLink(
            url: try PostgresURL(try TestDatabase.adminURL()), unreachableLimit: .seconds(10))
        defer { link.close() }
        let closed: EventLoopFuture<Void>
        let firstGeneration: Int
        do {
            let first = try link.current()
            firstGeneration = first.generation
            closed = link.drop(first.connection)
        }
        // The test's reference ended with the block, before the close had a turn on the
        // event loop: only the link can keep the connection alive now.
        try closed.wait()
        let second = try link.current()
        #expect(second.generation == firstGeneration + 1)
        #expect(!second.connection.isClosed)
    }

    /// Dropping a connection the link has already replaced leaves the new one in place.
    @Test func droppingAReplacedConnectionKeepsTheCurrentOne() throws {
        let link = DatabaseLink(
            url: try PostgresURL(try TestDatabase.adminURL()), unreachableLimit: .seconds(10))
        defer { link.close() }
        let first = try link.current()
        try link.drop(first.connection).wait()
        let second = try link.current()
        try link.drop(first.connection).wait()
        let third = try link.current()
        #expect(third.connection === second.connection)
        #expect(third.generation == second.generation)
        #expect(try link.run("SELECT 1").rows.count == 1)
    }

    /// A link let go without `close()` (an executor or worker whose `init` failed after it
    /// connected, a worker never run) closes its connection itself.
    @Test func aLinkLetGoWithoutCloseClosesItsConnection() throws {
        let closed: EventLoopFuture<Void>
        do {
            let link = DatabaseLink(
                url: try PostgresURL(try TestDatabase.adminURL()), unreachableLimit: .seconds(10))
            closed = try link.current().connection.closeFuture
        }
        try closed.wait()
    }
}
