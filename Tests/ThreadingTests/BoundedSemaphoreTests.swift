import Testing
import ThreadingTestSupport

@testable import Threading

/// What `BoundedSemaphore` adds to `Semaphore` (the shared API is in `SemaphoreTests`).
@Suite(.hangGuard)
struct BoundedSemaphoreTests {
    /// lock_tests.py BoundedSemaphoreTests.test_release_unacquired.
    @Test func releaseAboveInitialValueThrows() throws {
        let semaphore = try BoundedSemaphore()
        #expect(throws: ThreadingError.tooManyReleases) { try semaphore.release() }
        semaphore.acquire()
        try semaphore.release()
        #expect(throws: ThreadingError.tooManyReleases) { try semaphore.release() }
        #expect(semaphore.value == 1)
    }

    /// `release(n)` that would overshoot changes nothing, even partly.
    @Test func overshootingReleaseChangesNothing() throws {
        let semaphore = try BoundedSemaphore(3)
        semaphore.acquire()
        semaphore.acquire()
        #expect(throws: ThreadingError.tooManyReleases) { try semaphore.release(3) }
        #expect(semaphore.value == 1)
        try semaphore.release(2)
        #expect(semaphore.value == 3)
    }

    /// Permits handed to waiters count as taken: with waiters, the bound still holds.
    @Test func boundCountsPermitsHandedToWaiters() throws {
        let semaphore = try BoundedSemaphore(1)
        semaphore.acquire()
        let waiter = try spawn {
            semaphore.acquire()
        }
        waitUntil("the waiter is listed") { semaphore.waiterCount == 1 }
        try semaphore.release()  // handed to the waiter, which now holds it
        try joinAll([waiter])
        #expect(semaphore.value == 0)
        try semaphore.release()
        #expect(throws: ThreadingError.tooManyReleases) { try semaphore.release() }
    }

    @Test func zeroBoundNeverReleases() throws {
        let semaphore = try BoundedSemaphore(0)
        #expect(!semaphore.tryAcquire())
        #expect(throws: ThreadingError.tooManyReleases) { try semaphore.release() }
    }

    @Test func descriptionShowsValueAndBound() throws {
        let semaphore = try BoundedSemaphore(3)
        #expect(semaphore.description == "<BoundedSemaphore value=3/3>")
        semaphore.acquire()
        #expect(semaphore.description == "<BoundedSemaphore value=2/3>")
        #expect(semaphore.initialValue == 3)
    }
}
