import Synchronization

/// Hands out futures as they complete, Python's `concurrent.futures.as_completed`.
///
/// Futures already done come first, then the others in the order they finish or are
/// cancelled; each future once, even if it was given twice. The `timeout`, if any, is
/// measured from the `asCompleted` call.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `while let f = try it.next()` | the next completion, blocking | a future; `nil` when all were handed out; `TimeoutError` at the deadline |
/// | `for try await f in asCompleted(fs)` | the next completion, holding no thread | as above; `CancellationError` when the task is cancelled |
/// | `for f in asCompleted(fs)` | the next completion, blocking | the loop ends when all were handed out — or at the deadline, which `didTimeOut` then reports |
///
/// A `Sequence`'s iterator cannot throw, so a plain `for` loop ends early at the deadline
/// instead of throwing; check `didTimeOut` after it, or use `next()`. Once the deadline
/// has passed, `next()` still hands out futures that completed and throws `TimeoutError`
/// only when none is left to hand out. A negative timeout makes `next()` throw
/// `.invalidArgument`.
///
/// Copies share one iteration, as a Python iterator does: what one copy hands out,
/// another does not. Happens-before: a future's work → that future being handed out.
public struct AsCompleted<T: Sendable>: Sequence, AsyncSequence, Sendable {
    /// Each step hands out one done future.
    public typealias Element = Future<T>
    /// `TimeoutError`, `CancellationError` or `.invalidArgument`.
    public typealias Failure = any Error

    let box: AsCompletedBox<T>

    init(_ futures: [Future<T>], timeout: Duration?) {
        box = AsCompletedBox(futures, timeout: timeout)
    }

    /// Blocks until a future completes and returns it; `nil` once every future was handed
    /// out. Throws `TimeoutError` when the deadline passed with none ready, and
    /// `.invalidArgument` when the timeout was negative.
    @available(*, noasync, message: "use `for try await f in asCompleted(…)`, which does not block a thread")
    public mutating func next() throws -> Future<T>? {
        try box.next()
    }

    /// Whether an iteration stopped at the deadline with futures still running.
    public var didTimeOut: Bool { box.didTimeOut }

    // MARK: Sequence

    /// The blocking iterator of a `for` loop over the shared iteration.
    public func makeIterator() -> Iterator { Iterator(box: box) }

    /// The blocking iterator of a `for` loop: ends at the deadline (see `didTimeOut`).
    public struct Iterator: IteratorProtocol {
        let box: AsCompletedBox<T>

        /// Blocks for the next done future; `nil` when all were handed out or the deadline
        /// passed (then `didTimeOut` is `true`) or the timeout was negative.
        public mutating func next() -> Future<T>? {
            do { return try box.next() } catch { return nil }
        }
    }

    // MARK: AsyncSequence

    /// The iterator of `for try await` over the shared iteration.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(box: box) }

    /// The iterator of `for try await`: suspends without holding a thread; throws
    /// `TimeoutError` at the deadline and `CancellationError` when the task is cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let box: AsCompletedBox<T>

        /// Suspends until the next future is done and returns it; `nil` when all were
        /// handed out.
        public mutating func next() async throws -> Future<T>? {
            try await box.nextAsync()
        }
    }
}

/// Returns an `AsCompleted` that hands out `futures` as they complete (see there).
/// `timeout` is measured from this call; `nil` means no limit.
public func asCompleted<T>(_ futures: [Future<T>], timeout: Duration? = nil) -> AsCompleted<T> {
    AsCompleted(futures, timeout: timeout)
}

/// The shared progress of one `asCompleted` iteration.
final class AsCompletedBox<T: Sendable>: Sendable {
    private let shared: AsCompletedShared<T>
    private let deadline: Deadline
    private let badTimeout: Duration?
    // Observers on the futures still pending at the start, withdrawn when the iteration
    // is dropped; set once in `init`.
    private let observers: [(Future<T>, UInt64)]

    init(_ futures: [Future<T>], timeout: Duration?) {
        if let timeout, timeout < .zero { badTimeout = timeout } else { badTimeout = nil }
        deadline = .after(timeout)
        var seen = Set<ObjectIdentifier>()
        let unique = futures.filter { seen.insert(ObjectIdentifier($0)).inserted }
        // One look per future: a future that ends between two looks must land in exactly
        // one of the lists.
        var done: [Future<T>] = []
        var pending: [Future<T>] = []
        for future in unique {
            if future.isDone { done.append(future) } else { pending.append(future) }
        }
        let shared = AsCompletedShared(AsCompletedState<T>(pending: pending.count, finished: done))
        self.shared = shared
        var observers: [(Future<T>, UInt64)] = []
        for future in pending {
            // The observer holds the state, not the box, so a dropped iteration is freed.
            let complete: @Sendable (Future<T>) -> Void = { future in
                let wake = shared.state.withHandoff(shared) { $0.complete(future) }
                for waiter in wake { waiter.resume() }
            }
            if let id = future.addObserver(complete) {
                observers.append((future, id))
            } else {
                complete(future)  // done meanwhile
            }
        }
        self.observers = observers
    }

    deinit {
        for (future, id) in observers { future.removeObserver(id: id) }
    }

    var didTimeOut: Bool { shared.state.withHandoff(shared) { $0.timedOut } }
    var waiterCount: Int { shared.state.withHandoff(shared) { $0.waiterCount } }

    private func checkTimeout() throws {
        if let badTimeout {
            throw ThreadingError.invalidArgument(
                "asCompleted: timeout must be non-negative, got \(badTimeout)")
        }
    }

    private func take() -> AsCompletedState<T>.TakeAction {
        shared.state.withHandoff(shared) { $0.take() }
    }

    private func timedOut() -> TimeoutError {
        shared.state.withHandoff(shared) { $0.timedOut = true }
        return TimeoutError()
    }

    func next() throws -> Future<T>? {
        try checkTimeout()
        while true {
            switch take() {
            case .future(let future): return future
            case .exhausted: return nil
            case .mustWait: break
            }
            if deadline.hasPassed { throw timedOut() }
            let woken = blockAsWaiter(deadline: deadline) { waiter in
                shared.state.withHandoff(shared) { $0.wait(waiter) }
            } withdraw: { id in
                shared.state.withHandoff(shared) { $0.withdraw(id: id) } != nil
            }
            if !woken, case .mustWait = take() { throw timedOut() }
        }
    }

    func nextAsync() async throws -> Future<T>? {
        try checkTimeout()
        while true {
            switch take() {
            case .future(let future): return future
            case .exhausted: return nil
            case .mustWait: break
            }
            guard let instant = deadline.instant else {
                try await waitAsync()
                continue
            }
            if deadline.hasPassed { throw timedOut() }
            // Race the wait against a sleep until the deadline; the loser is cancelled
            // (a cancelled wait withdraws its waiter).
            let woken = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await self.waitAsync()
                    return true
                }
                group.addTask {
                    try await Task.sleep(until: instant, clock: .continuous)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            if !woken, case .mustWait = take() { throw timedOut() }
        }
    }

    private func waitAsync() async throws {
        let shared = self.shared
        try await suspendAsWaiter { waiter in
            shared.state.withHandoff(shared) { state in
                let registration = state.wait(waiter)
                if registration == .listed, Task.isCancelled {
                    _ = state.withdraw(id: waiter.id)
                    return .cancelled
                }
                return registration
            }
        } withdraw: { id in
            shared.state.withHandoff(shared) { $0.withdraw(id: id) }
        }
    }
}

/// The lock of an `asCompleted` iteration, apart from its box so the futures' observers
/// can hold it without keeping the box (and its observers) alive.
final class AsCompletedShared<T: Sendable>: Sendable {
    let state: Mutex<AsCompletedState<T>>

    init(_ initial: AsCompletedState<T>) {
        state = Mutex(initial)
    }
}
