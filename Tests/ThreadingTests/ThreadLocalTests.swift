import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// Counts live instances, to check that thread-local values are released.
final class Tracked: Sendable {
    let deinits: Counter
    let tag: Int
    init(_ tag: Int, deinits: Counter) {
        self.tag = tag
        self.deinits = deinits
    }
    deinit { deinits.increment() }
}

/// Python's `threading.local` (`test_threading_local.py`).
@Suite(.hangGuard)
struct ThreadLocalTests {
    @Test func eachThreadSeesItsOwnValue() throws {
        let local = ThreadLocal { 0 }
        let seen = StateLock<[Int: Int]>([:])
        var threads: [OSThread] = []
        for i in 1...4 {
            threads.append(
                try spawn {
                    #expect(local.value == 0)
                    local.value = i
                    local.value += 100
                    seen.withLock { $0[i] = local.value }
                })
        }
        try joinAll(threads)
        #expect(seen.withLock { $0 } == [1: 101, 2: 102, 3: 103, 4: 104])
    }

    @Test func initialValueMadeOncePerThread() throws {
        let made = Counter()
        let local = ThreadLocal<[Int]> {
            made.increment()
            return [1]
        }
        let thread = try spawn {
            local.value.append(2)
            local.value.append(3)
            #expect(local.value == [1, 2, 3])
        }
        try joinAll([thread])
        #expect(made.count == 1)
        let other = try spawn { #expect(local.value == [1]) }
        try joinAll([other])
        #expect(made.count == 2)
    }

    @Test func writeBeforeReadSkipsTheInitialValue() throws {
        let made = Counter()
        let local = ThreadLocal<Int> {
            made.increment()
            return 0
        }
        let thread = try spawn {
            local.value = 5
            #expect(local.value == 5)
        }
        try joinAll([thread])
        #expect(made.count == 0)
    }

    @Test func valuesAreReleasedWhenTheirThreadExits() throws {
        let deinits = Counter()
        let local = ThreadLocal<Tracked?> { nil }
        let other = ThreadLocal<Tracked?> { nil }
        var threads: [OSThread] = []
        for i in 0..<3 {
            threads.append(
                try spawn {
                    local.value = Tracked(i, deinits: deinits)
                    other.value = Tracked(i, deinits: deinits)
                    local.value = Tracked(i + 10, deinits: deinits)  // replaces: one released now
                })
        }
        try joinAll(threads)
        // Released before join returned: 3 replaced + 6 at exit.
        #expect(deinits.count == 9)
        withExtendedLifetime((local, other)) {}
    }

    @Test func valuesAreReleasedWhenTheThreadLocalIsDropped() throws {
        let deinits = Counter()
        let stored = Event()
        let dropped = Event()
        let result = StateLock<Int?>(nil)
        var local: ThreadLocal<Tracked>? = ThreadLocal { Tracked(0, deinits: deinits) }
        let weak = StateLock<ThreadLocal<Tracked>?>(local)
        let thread = try spawn {
            _ = weak.withLock { $0 }?.value
            stored.set()
            dropped.wait()
            result.withLock { $0 = deinits.count }  // the thread is still alive here
        }
        #expect(try stored.wait(timeout: Delay.bound))
        weak.withLock { $0 = nil }
        local = nil
        #expect(local == nil)
        #expect(deinits.count == 1)
        dropped.set()
        try joinAll([thread])
        #expect(result.withLock { $0 } == 1)
    }

    /// More instances than the system's pthread keys (1024 on Linux): they share one key.
    @Test func unlimitedInstances() throws {
        let locals = (0..<3000).map { i in ThreadLocal { i } }
        let thread = try spawn {
            for (i, local) in locals.enumerated() {
                #expect(local.value == i)
                local.value = -i
            }
            for (i, local) in locals.enumerated() where local.value != -i {
                Issue.record("slot \(i) lost its value")
            }
        }
        try joinAll([thread])
    }

    @Test func worksOnForeignThreads() async throws {
        let local = ThreadLocal { "initial" }
        local.value = "task thread"
        #expect(local.value == "task thread")
    }
}
