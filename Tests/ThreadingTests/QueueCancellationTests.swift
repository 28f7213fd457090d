import Testing
import ThreadingTestSupport

@testable import Threading

/// What the async twins promise about cancellation in loops that never wait: a check on
/// every call, and a `Task.yield()` every `FairnessYield.period` calls on a thread.
@Suite(.hangGuard)
struct QueueCancellationTests {
    /// A consumer that cancels itself after `n` items: its next `get` throws even though
    /// items are ready, and takes none.
    @Test(arguments: QueueKind.allCases)
    func cancelledGetTakesNothingEvenWithItemsReady(kind: QueueKind) async throws {
        let q = kind.make()
        for i in 0..<100 { try q.putNowait(i) }
        let outcome = await inTask { () async -> (consumed: Int, cancelled: Bool) in
            var consumed = 0
            do {
                while true {
                    _ = try await q.get()
                    consumed += 1
                    if consumed == 10 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            } catch {
                return (consumed, error is CancellationError)
            }
        }.value
        #expect(outcome.consumed == 10)
        #expect(outcome.cancelled)
        #expect(q.count == 90)
        // A cancelled put puts nothing either.
        let put = await inTask { () async -> Bool in
            withUnsafeCurrentTask { $0?.cancel() }
            do { try await q.put(-1) } catch { return error is CancellationError }
            return false
        }.value
        #expect(put)
        #expect(q.count == 90)
    }

    @Test func cancelledIterationStopsAtTheNextStep() async throws {
        let q = Queue<Int>()
        for i in 0..<100 { try q.putNowait(i) }
        let outcome = await inTask { () async -> (consumed: Int, cancelled: Bool) in
            var consumed = 0
            do {
                for try await _ in q {
                    consumed += 1
                    if consumed == 10 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            } catch {
                return (consumed, error is CancellationError)
            }
            return (consumed, false)
        }.value
        #expect(outcome.consumed == 10 && outcome.cancelled)
        #expect(q.count == 90)
    }

    /// On a one-thread executor a consumer that always finds items ready is the only
    /// thing that runs until it gives the thread up. The parent, resumed by the consumer
    /// at item `n`, can cancel it only after the consumer's next fairness yield: within
    /// `FairnessYield.period` items. (Without the yield the consumer would drain all
    /// 10,000 items first.)
    @Test(arguments: [false, true])
    func cancellerRunsWithinOneYieldPeriod(iterate: Bool) async throws {
        let total = 10_000
        let n = 500
        let q = Queue<Int>()
        for i in 0..<total { try q.putNowait(i) }
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown(wait: false) }
        let consumed = Counter()
        let reached = Event()
        let stoppedBy = await Task(executorPreference: pool) { () async -> String in
            await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do {
                        if iterate {
                            for try await _ in q {
                                consumed.increment()
                                if consumed.count == n { reached.set() }
                            }
                        } else {
                            while true {
                                _ = try await q.get()
                                consumed.increment()
                                if consumed.count == n { reached.set() }
                            }
                        }
                        return "the end of the queue"
                    } catch {
                        return "\(type(of: error))"
                    }
                }
                try? await reached.wait()
                group.cancelAll()
                return await group.next() ?? "nothing"
            }
        }.value
        #expect(stoppedBy == "CancellationError")
        #expect(consumed.count >= n)
        // The documented promise: a yield at least every 64 calls on a thread.
        #expect(consumed.count <= n + 64)
        #expect(q.count == total - consumed.count)
    }
}
