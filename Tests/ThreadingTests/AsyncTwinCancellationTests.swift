import Testing
import ThreadingTestSupport

@testable import Threading

/// The cancellation check on every call of the `Event` and semaphore twins: a cancelled
/// task throws even when it could proceed at once, and takes nothing.
@Suite(.hangGuard)
struct AsyncTwinCancellationTests {
    /// Runs `body` in a task that is already cancelled; returns whether it threw
    /// `CancellationError`.
    func throwsWhenCancelled(_ body: @escaping @Sendable () async throws -> Void) async -> Bool {
        await inTask { () async -> Bool in
            withUnsafeCurrentTask { $0?.cancel() }
            do { try await body() } catch { return error is CancellationError }
            return false
        }.value
    }

    @Test func cancelledWaitThrowsEvenWhenTheEventIsSet() async {
        let event = Event()
        event.set()
        #expect(await throwsWhenCancelled { try await event.wait() })
        #expect(event.isSet)
    }

    @Test func cancelledAcquireThrowsAndTakesNoFreePermit() async throws {
        let semaphore = try Threading.Semaphore(2)
        #expect(await throwsWhenCancelled { try await semaphore.acquire() })
        #expect(semaphore.tryAcquire() && semaphore.tryAcquire())  // both permits still there
        let bounded = try BoundedSemaphore(1)
        #expect(await throwsWhenCancelled { try await bounded.acquire() })
        #expect(bounded.tryAcquire())
    }

    /// Past `FairnessYield.period` calls the count starts again; a thread's count is its
    /// own.
    @Test func fairnessCountIsDueOncePerPeriodOnAThread() throws {
        let dues = Counter()
        let thread = try spawn {
            for _ in 0..<(3 * FairnessYield.period) where FairnessYield.isDue() { dues.increment() }
        }
        try joinAll([thread])
        #expect(dues.count == 3)
    }
}
