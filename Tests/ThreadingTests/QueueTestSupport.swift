import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// What the tests read of every bounded queue beyond its public table: who waits now, and
/// the unfinished count (snapshots).
extension BlockingQueue {
    var waiting: (getters: Int, putters: Int, joiners: Int) { storage.backend.waitingCounts }
    var unfinishedTasks: Int { storage.backend.unfinishedTasks }
}

/// Which queue a conformance test runs over.
///
/// A bounded `Queue` keeps its items in a lock-free ring and an unbounded one under a
/// lock, so `fifo` (as asked) and `fifoRing` (a `Queue` bounded at `roomy` where a test
/// asks for an unbounded one) run every conformance test over both storages.
enum QueueKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case fifo, fifoRing, lifo, priority

    var description: String { rawValue }

    /// The bound `fifoRing` uses for "unbounded": more than any test puts.
    static let roomy = 4096

    func make(maxsize: Int = 0) -> any BlockingQueue<Int> {
        make(Int.self, maxsize: maxsize)
    }

    func make<Element: Sendable & Comparable>(_: Element.Type, maxsize: Int = 0) -> any BlockingQueue<Element>
    {
        switch self {
        case .fifo: Queue<Element>(maxsize: maxsize)
        case .fifoRing: Queue<Element>(maxsize: maxsize > 0 ? maxsize : Self.roomy)
        case .lifo: LifoQueue<Element>(maxsize: maxsize)
        case .priority: PriorityQueue<Element>(maxsize: maxsize)
        }
    }

    /// The order 111, 333, 222 come out in (CPython's `basic_queue_test`).
    var expectedOrder: [Int] {
        switch self {
        case .fifo, .fifoRing: [111, 333, 222]
        case .lifo: [222, 333, 111]
        case .priority: [111, 222, 333]
        }
    }
}

/// A thread-safe list of results, for threads to report into. Under `StateLock`, not
/// `Mutex`, whose kernel hand-off ThreadSanitizer cannot see.
final class Results<Value: Sendable>: Sendable {
    private let values = StateLock<[Value]>([])
    /// Appends, then tells `waitUntil` (its conditions read the values).
    func append(_ value: Value) {
        values.withLock { $0.append(value) }
        WaitingChanges.note()
    }
    var all: [Value] { values.withLock { $0 } }
}

/// Counts how many instances are alive, for exactly-once release checks.
final class QueueTracked: Sendable, Comparable {
    let value: Int
    let live: LiveCount
    init(_ value: Int, live: LiveCount) {
        self.value = value
        self.live = live
        live.add(1)
    }
    deinit { live.add(-1) }
    static func < (a: QueueTracked, b: QueueTracked) -> Bool { a.value < b.value }
    static func == (a: QueueTracked, b: QueueTracked) -> Bool { a.value == b.value }
}

/// An atomic counter that can go down.
final class LiveCount: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ delta: Int) { value.add(delta, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}
