import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The untyped slot a finished future keeps its value in: which values live inline, that
/// each kind reads back, and that a future lets go of its value (inline or boxed) when it
/// goes away, so the slot neither leaks nor frees twice.
// Serialized: the tests count live `Tracked` instances, a count they share.
@Suite(.hangGuard, .serialized)
struct FutureValueSlotTests {
    /// Counts its live instances, to see values released.
    final class Tracked: Sendable {
        static let live = Atomic<Int>(0)
        let id: Int
        init(_ id: Int) {
            self.id = id
            Self.live.add(1, ordering: .relaxed)
        }
        deinit { Self.live.subtract(1, ordering: .relaxed) }
    }

    /// Four words: too large for the slot, so it goes in a box.
    struct Wide: Sendable, Equatable {
        var a: Int, b: Int, c: Int
        var name: String
    }

    /// Two words with a reference inside: inline, and must be released.
    struct Pair: Sendable {
        var tracked: Tracked
        var n: Int
    }

    @Test func whichValuesLiveInline() {
        #expect(FutureValueSlot.storesInline(Int.self))
        #expect(FutureValueSlot.storesInline(String.self))
        #expect(FutureValueSlot.storesInline([Int].self))
        #expect(FutureValueSlot.storesInline(Tracked.self))
        #expect(FutureValueSlot.storesInline(Pair.self))
        #expect(FutureValueSlot.storesInline(Int?.self))
        #expect(!FutureValueSlot.storesInline(Wide.self))
        #expect(!FutureValueSlot.storesInline((Int, Int, Int).self))
    }

    @Test func eachKindReadsBackAndIsDestroyedOnce() {
        var slot = FutureValueSlot()
        slot.store("a string too long for the small form of String")
        #expect(slot.load(as: String.self) == "a string too long for the small form of String")
        slot.destroy(as: String.self)

        let wide = Wide(a: 1, b: 2, c: 3, name: "wide")
        slot.store(wide)
        #expect(slot.load(as: Wide.self) == wide)
        #expect(slot.load(as: Wide.self) == wide)
        slot.destroy(as: Wide.self)

        let before = Tracked.live.load(ordering: .relaxed)
        do {
            slot.store(Pair(tracked: Tracked(7), n: 3))
            #expect(Tracked.live.load(ordering: .relaxed) == before + 1)
            let read = slot.load(as: Pair.self)
            #expect(read.tracked.id == 7 && read.n == 3)
        }
        slot.destroy(as: Pair.self)
        #expect(Tracked.live.load(ordering: .relaxed) == before)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFreedFutureReleasesItsValueInlineOrBoxed() throws {
        weak var inline: Tracked?
        weak var boxed: Tracked?
        try withThreadPool(maxWorkers: 2) { pool in
            let first = try pool.submit { Tracked(1) }
            let second = try pool.submit { (Tracked(2), 1, 2, 3) }
            inline = try first.result()
            boxed = try second.result().0
            // Read twice: reading copies, it does not move the value out.
            #expect(try first.result().id == 1)
            #expect(try second.result().0.id == 2)
            #expect(inline != nil && boxed != nil)
        }
        #expect(inline == nil)
        #expect(boxed == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func failedAndCancelledFuturesHoldNoValue() throws {
        struct Failure: Error {}
        let failed = Future<Tracked>()
        try failed.setError(Failure())
        #expect(throws: Failure.self) { try failed.result() }
        let cancelled = Future<Tracked>()
        #expect(cancelled.cancel())
        #expect(throws: CancellationError.self) { try cancelled.result() }
    }
}
