import Foundation
import NIOCore
import Testing
import ThreadingTestSupport

@testable import ThreadingPostgres

/// The pure parts, without a server: URLs, the backoff schedule, the two books.
@Suite(.hangGuard)
struct ModelTests {
    @Test func urlsOfBothForms() throws {
        let tcp = try PostgresURL("postgres://alice:s%40cret@db.example:5433/jobs")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 5433))
        #expect(tcp.user == "alice" && tcp.password == "s@cret" && tcp.database == "jobs")
        let plain = try PostgresURL("postgresql://bob@127.0.0.1/app")
        #expect(plain.endpoint == .tcp(host: "127.0.0.1", port: 5432) && plain.password == nil)
        let socket = try PostgresURL("postgres://carol@/app?host=/run/pg&port=6000")
        #expect(socket.endpoint == .unixSocket(path: "/run/pg/.s.PGSQL.6000"))
    }

    @Test(arguments: [
        "", "db.example/jobs", "mysql://a@b/c", "postgres://host/db", "postgres://@host/db",
        "postgres://a@host", "postgres://a@host:99999/db", "postgres://a@host:x/db", "postgres://a@/db",
        "postgres://a@/db?host=relative", "postgres://a%zz@host/db",
    ])
    func badURLsThrowInvalidURL(_ text: String) {
        #expect {
            _ = try PostgresURL(text)
        } throws: { error in
            guard case .invalidURL = error as? PostgresExecutorError else { return false }
            return true
        }
    }

    @Test func backoffDoublesWithJitterUpToFiveMinutes() {
        for attempt in 1...12 {
            let low = RetryBackoff.delay(afterAttempt: attempt, random: 0)
            let high = RetryBackoff.delay(afterAttempt: attempt, random: 0.999_999)
            let base = Double(1 << (attempt - 1))
            #expect(low == min(.milliseconds(Int64(base * 750)), RetryBackoff.cap))
            #expect(high <= min(.milliseconds(Int64(base * 1250)), RetryBackoff.cap))
            #expect(high >= low)
        }
        #expect(RetryBackoff.delay(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(RetryBackoff.delay(afterAttempt: 1_000, random: 0.999) == .seconds(300))
    }

    final class Recorder: PendingAnswer {
        let gate: JobCancelGate
        let ended = LockedState<[EndedJob]>([])
        init(_ id: Int64) { gate = JobCancelGate(id: id, client: nil) }
        func finish(_ job: EndedJob) { ended.withLock { $0.append(job) } }
        func fail(_ error: any Error) {}
        func waitUntilDone() {}
    }

    @Test func answerBookFetchesHeardIDsItWaitsFor() {
        var book = AnswerBook()
        #expect(book.nextWork(listening: true) == .listen)
        book.listening()
        #expect(book.nextWork(listening: true) == .idle)  // nothing pending: no sweep
        let rings1 = book.register(1, Recorder(1), own: true, since: book.ticket)
        #expect(!rings1)
        book.heard([1, 2])
        #expect(book.nextWork(listening: true) == .fetch([1]))
        #expect(book.nextWork(listening: true) == .idle)
        // Job 2 ended before its future was registered: registering it fetches at once.
        let rings2 = book.register(2, Recorder(2), own: false, since: book.ticket)
        #expect(rings2)
        #expect(book.nextWork(listening: true) == .fetch([2]))
        let removed = book.remove(1)
        #expect(removed.count == 1 && book.own.isEmpty)
    }

    @Test func answerBookSweepsWhenItForgotIDsDuringARegistration() {
        var book = AnswerBook()
        _ = book.nextWork(listening: true)
        book.listening()
        let ticket = book.ticket
        book.heard(Int64(100)..<Int64(100 + AnswerBook.recentCapacity + 1))
        let rings = book.register(7, Recorder(7), own: true, since: ticket)
        #expect(rings)
        #expect(book.nextWork(listening: true) == .sweep([7]))
    }

    @Test func answerBookFetchesARegistrationThatLISTENDidNotCoverThroughout() {
        var book = AnswerBook()
        let before = book.ticket  // taken before LISTEN was in effect
        _ = book.nextWork(listening: true)
        book.listening()
        let early = book.register(1, Recorder(1), own: true, since: before)
        #expect(early)
        #expect(book.nextWork(listening: true) == .sweep([1]))  // the sweep after listening
        let during = book.ticket
        book.lostListener()
        _ = book.nextWork(listening: true)
        book.listening()
        _ = book.nextWork(listening: true)
        let lost = book.register(2, Recorder(2), own: true, since: during)
        #expect(lost)
        #expect(book.nextWork(listening: true) == .fetch([2]))
        let steady = book.register(3, Recorder(3), own: true, since: book.ticket)
        #expect(!steady)
    }

    @Test func answerBookReListensAfterALostConnectionAndExitsWhenDone() {
        var book = AnswerBook()
        _ = book.nextWork(listening: true)
        _ = book.register(3, Recorder(3), own: true, since: book.ticket)
        book.lostListener()
        #expect(book.nextWork(listening: true) == .listen)
        #expect(book.nextWork(listening: true) == .sweep([3]))
        book.stop()
        #expect(book.nextWork(listening: true) == .idle)
        _ = book.remove(3)
        #expect(book.nextWork(listening: true) == .exit)
    }

    @Test func workerBookClaimsOnlyFreeThreadsAndDrains() {
        var book = WorkerBook(concurrency: 3)
        #expect(book.next() == .claim(limit: 3))
        var ticket = book.wakeups
        book.jobsMayBeWaiting()  // a notification while the claim ran
        book.claimed([(1, .init(attempt: 1, timeout: nil))], full: false, since: ticket)
        #expect(book.next() == .claim(limit: 2))  // so a short answer is not the last word
        ticket = book.wakeups
        book.claimed([(2, .init(attempt: 1, timeout: nil))], full: false, since: ticket)
        #expect(book.next() == .wait)  // the claim came back short: wait to be told
        book.jobsMayBeWaiting()
        #expect(book.next() == .claim(limit: 1))
        book.ran(1, outcome: .ok, answer: ByteBuffer(), backoff: .zero, runTime: .seconds(1))
        #expect(book.takeCompletions().map(\.id) == [1])
        book.drain()
        #expect(book.next() == .wait)  // job 2 still runs
        book.ran(2, outcome: .remote, answer: ByteBuffer(), backoff: .seconds(1), runTime: .seconds(1))
        #expect(book.next() == .wait)  // its answer is not written yet
        #expect(book.takeCompletions().map(\.outcome) == [.remote])
        #expect(book.next() == .finish)
    }

    @Test func workerBookTimesOutAndDropsAbandonedAnswers() {
        var book = WorkerBook(concurrency: 2)
        let now = ContinuousClock.now
        book.claimed(
            [(1, .init(attempt: 2, timeout: .seconds(1))), (2, .init(attempt: 1, timeout: nil))], full: true,
            since: book.wakeups)
        #expect(book.nextDeadline == nil)  // the timeout counts from the start
        _ = book.started(1, at: now)
        _ = book.started(2, at: now)
        #expect(book.nextDeadline == now + .seconds(1))
        let early = book.expire(now: now) { _ in .zero }
        #expect(!early)
        let late = book.expire(now: now + .seconds(2)) { _ in .seconds(3) }
        #expect(late)
        let timedOut = book.takeCompletions()
        #expect(timedOut.map(\.outcome) == [.timedOut] && timedOut.map(\.attempt) == [2])
        #expect(book.room == 0)  // the timed-out task still holds its thread
        #expect(book.answeringIDs == [2])
        book.lost(asked: [2], kept: [])
        book.ran(1, outcome: .ok, answer: ByteBuffer(), backoff: .zero, runTime: .seconds(1))
        book.ran(2, outcome: .ok, answer: ByteBuffer(), backoff: .zero, runTime: .seconds(1))
        #expect(book.takeCompletions().isEmpty)
        #expect(book.room == 2)
    }

    @Test func workerBookBuffersJobsOnlyWhileTheyAreShort() {
        var book = WorkerBook(concurrency: 2)
        #expect(book.capacity == 2)  // nothing known yet: one job per thread
        book.claimed([(1, .init(attempt: 1, timeout: nil))], full: true, since: book.wakeups)
        book.ran(1, outcome: .ok, answer: ByteBuffer(), backoff: .zero, runTime: .microseconds(10))
        #expect(book.capacity == 2 * (1 + WorkerBook.maxBufferPerThread))
        for id in Int64(2)...Int64(40) {
            book.claimed([(id, .init(attempt: 1, timeout: nil))], full: true, since: book.wakeups)
            book.ran(id, outcome: .ok, answer: ByteBuffer(), backoff: .zero, runTime: .seconds(2))
        }
        #expect(book.capacity == 2)  // long jobs: no buffer, so a dead worker strands none
        book.claimed([(50, .init(attempt: 1, timeout: nil))], full: true, since: book.wakeups)
        #expect(book.room == 1)
    }
}

/// Under CI a missing server is a failure, not a skip: the suites that need one would
/// otherwise pass by skipping.
@Suite(.hangGuard)
struct ServerAvailabilityTests {
    @Test func aServerIsAvailableWhereCIRuns() {
        let underCI = ProcessInfo.processInfo.environment["CI"] == "true"
        if underCI, let why = TestDatabase.unavailable {
            Issue.record("CI=true but the ThreadingPostgres tests cannot run: \(why)")
        }
    }
}
