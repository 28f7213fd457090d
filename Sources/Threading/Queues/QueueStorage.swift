import CThreadingShims
import Synchronization

/// The one implementation behind every queue class: it holds a `QueueState` in one lock
/// and does the waiting, for threads (blocking, with a deadline) and for tasks
/// (suspending, with cancellation). The public classes are thin wrappers that pick the
/// buffer and carry the documentation.
///
/// Decide under the lock, act after it: wake-ups are resumed, and dropped items released,
/// only after unlocking. The fast path of every call is one lock round trip with no
/// allocation; a waiter (and its parker) is made only when the call must wait.
final class QueueStorage<Buffer: QueueBuffer>: Sendable {
    typealias Element = Buffer.Element

    private let state: QueueLock<QueueState<Buffer>>
    let maxsize: Int
    /// The item count as of the last change, stored under the lock and read without it,
    /// only to decide whether a short spin before waiting should retry.
    private let countHint = Atomic<Int>(0)

    /// Runs `body` under the lock and refreshes `countHint`; for every event that can
    /// change the count.
    @inline(__always)
    private func changing<Result>(_ body: (inout QueueState<Buffer>) -> Result) -> Result {
        state.withLock { state in
            let result = body(&state)
            countHint.store(state.count, ordering: .relaxed)
            return result
        }
    }

    /// How many times a thread that found the queue empty (or full) re-reads the count
    /// before listing itself as a waiter. When producer and consumer run at similar speed
    /// the next item (or free slot) comes within a microsecond or two, and catching it
    /// here saves the waiter, the hand-off and often a futex sleep and wake (a 20–30 µs
    /// round trip on this machine). Bounded: afterwards the thread really waits.
    static var spinLimit: Int { 256 }

    /// Spins up to `spinLimit` times until `ready(count)`; returns whether it saw it.
    private func spin(until ready: (Int) -> Bool) -> Bool {
        for _ in 0..<Self.spinLimit {
            if ready(countHint.load(ordering: .relaxed)) { return true }
            cthreading_cpu_relax()
        }
        return false
    }

    init(maxsize: Int) {
        self.maxsize = maxsize
        state = QueueLock(QueueState(maxsize: maxsize))
    }

    // MARK: Snapshots

    var count: Int { state.withLock { $0.count } }
    var isEmpty: Bool { state.withLock { $0.count == 0 } }
    var isFull: Bool { state.withLock { $0.isFull } }
    var isShutDown: Bool { state.withLock { $0.phase == .shutDown } }
    var unfinishedTasks: Int { state.withLock { $0.unfinishedTasks } }

    /// For tests: how many threads and tasks wait to get, to put, to join.
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) {
        state.withLock { ($0.getters.count, $0.putters.count, $0.joiners.count) }
    }

    // MARK: Put

    /// Puts `item`, waiting for room until `deadline`; `nil` means do not wait.
    func put(_ item: Element, deadline: Deadline?) throws(QueueError) {
        switch changing({ $0.put(item, waiter: nil) }) {
        case .enqueued(let wake):
            wake?.resume()
            return
        case .shutDown: throw .shutDown
        case .full, .listed: break
        }
        guard let deadline else { throw .full }
        let maxsize = maxsize
        if spin(until: { $0 < maxsize }),
            case .enqueued(let wake) = changing({ $0.put(item, waiter: nil) })
        {
            wake?.resume()
            return
        }
        while true {
            var action = QueueState<Buffer>.PutAction.full
            let woken = blockAsWaiter(deadline: deadline, spin: true) { waiter in
                action = changing { $0.put(item, waiter: waiter) }
                if case .listed = action { return .listed }
                return .proceed
            } withdraw: { id in
                state.withLock { $0.withdrawPutter(id: id) } != nil
            }
            switch action {
            case .enqueued(let wake):
                wake?.resume()
                return
            case .shutDown: throw .shutDown
            case .full: throw .full
            case .listed:
                // Woken: retry. Timed out and withdrawn: one last look, as Python does.
                if woken { continue }
                return try put(item, deadline: nil)
            }
        }
    }

    /// Puts `item`, suspending the task while the queue is full. A cancelled task never
    /// puts: it throws `CancellationError`, passing on any wake-up it was given.
    func put(_ item: Element) async throws {
        while true {
            var action = QueueState<Buffer>.PutAction.full
            try await suspendAsWaiter { waiter in
                let (registration, wake) = changing { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, state.abandonPut()) }
                    action = state.put(item, waiter: waiter)
                    switch action {
                    case .enqueued(let wake): return (.proceed, wake)
                    case .listed: return (.listed, nil)
                    case .full, .shutDown: return (.proceed, nil)
                    }
                }
                wake?.resume()
                return registration
            } withdraw: { id in
                state.withLock { $0.withdrawPutter(id: id) }
            }
            switch action {
            case .enqueued: return
            case .shutDown: throw QueueError.shutDown
            case .full, .listed: continue  // woken by a get or a shutdown: retry
            }
        }
    }

    // MARK: Get

    /// Gets an item, waiting for one until `deadline`; `nil` means do not wait.
    func get(deadline: Deadline?) throws(QueueError) -> Element {
        switch changing({ $0.get(waiter: nil) }) {
        case .item(let item, let wake):
            wake?.resume()
            return item
        case .shutDown: throw .shutDown
        case .empty, .listed: break
        }
        guard let deadline else { throw .empty }
        if spin(until: { $0 > 0 }), case .item(let item, let wake) = changing({ $0.get(waiter: nil) }) {
            wake?.resume()
            return item
        }
        while true {
            var action = QueueState<Buffer>.GetAction.empty
            let woken = blockAsWaiter(deadline: deadline, spin: true) { waiter in
                action = changing { $0.get(waiter: waiter) }
                if case .listed = action { return .listed }
                return .proceed
            } withdraw: { id in
                state.withLock { $0.withdrawGetter(id: id) } != nil
            }
            switch action {
            case .item(let item, let wake):
                wake?.resume()
                return item
            case .shutDown: throw .shutDown
            case .empty: throw .empty
            case .listed:
                if woken { continue }
                return try get(deadline: nil)
            }
        }
    }

    /// Gets an item, suspending the task while the queue is empty. A cancelled task never
    /// takes an item: it throws `CancellationError`, passing on any wake-up it was given.
    func get() async throws -> Element {
        while true {
            var action = QueueState<Buffer>.GetAction.empty
            try await suspendAsWaiter { waiter in
                let (registration, wake) = changing { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, state.abandonGet()) }
                    action = state.get(waiter: waiter)
                    switch action {
                    case .item(_, let wake): return (.proceed, wake)
                    case .listed: return (.listed, nil)
                    case .empty, .shutDown: return (.proceed, nil)
                    }
                }
                wake?.resume()
                return registration
            } withdraw: { id in
                state.withLock { $0.withdrawGetter(id: id) }
            }
            switch action {
            case .item(let item, _): return item
            case .shutDown: throw QueueError.shutDown
            case .empty, .listed: continue  // woken by a put or a shutdown: retry
            }
        }
    }

    // MARK: Tasks

    func taskDone() throws(QueueError) {
        switch state.withLock({ $0.taskDone() }) {
        case .tooMany: throw .tooManyTaskDone
        case .done(let wake): for waiter in wake { waiter.resume() }
        }
    }

    /// Blocks until the unfinished count reaches zero (at once if it is zero).
    func join() {
        _ = blockAsWaiter(deadline: .never) { waiter in
            state.withLock { $0.join(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdrawJoiner(id: id) } != nil
        }
    }

    func join() async throws {
        try await suspendAsWaiter { waiter in
            state.withLock { state in Task.isCancelled ? .cancelled : state.join(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdrawJoiner(id: id) }
        }
    }

    // MARK: Shutdown

    func shutdown(immediate: Bool) {
        var action = changing { $0.shutdown(immediate: immediate) }
        for waiter in action.wake { waiter.resume() }
        // The dropped items' deinits run here, outside the lock.
        action.dropped = nil
    }
}
