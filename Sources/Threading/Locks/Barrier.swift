/// A barrier for a fixed number of threads, Python's `threading.Barrier`: each thread
/// calls `wait()`, and all of them are released together once `parties` have arrived.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `wait()` | the other parties (at most the barrier's `timeout`, if it has one) | the arrival index |
/// | `wait(timeout:)` | the other parties, at most `timeout` | the arrival index |
///
/// Each `wait` returns the caller's arrival index, `0` for the first to arrive up to
/// `parties - 1` for the last, which also runs `action` (once per generation, before any
/// party is released). The barrier is then ready for the next generation; threads that
/// arrive while the action runs wait for it to finish and join the next generation.
///
/// A `wait` throws `BrokenBarrierError` when the barrier breaks: a waiting party timed out
/// (that party throws too), `abort()` was called, `reset()` was called while it waited, or
/// it was already broken on arrival. A broken barrier stays broken until `reset()`.
///
/// Happens-before: everything each party did before `wait` → `action` → every party's
/// `wait` returning.
public final class Barrier: Sendable, CustomStringConvertible {
    private let state: StateLock<BarrierState>
    private let action: (@Sendable () -> Void)?
    private let timeout: Duration?

    /// The number of threads that must arrive to trip the barrier.
    public let parties: Int

    /// Makes a barrier for `parties` threads. `timeout` is the default for `wait()` (`nil`:
    /// none); `action` runs on the last arriving thread before the others are released.
    /// Throws `.invalidArgument` when `parties < 1` or `timeout` is negative.
    public init(
        parties: Int, timeout: Duration? = nil, action: (@Sendable () -> Void)? = nil
    ) throws {
        guard parties >= 1 else {
            throw ThreadingError.invalidArgument("Barrier: parties must be > 0, got \(parties)")
        }
        if let timeout { try checkTimeout(timeout) }
        self.parties = parties
        self.timeout = timeout
        self.action = action
        state = StateLock(BarrierState(parties: parties))
    }

    /// How many parties wait in the current generation: a snapshot.
    public var waitingCount: Int { state.withLock { $0.waitingCount } }

    /// Whether the barrier is broken: a snapshot.
    public var isBroken: Bool { state.withLock { $0.isBroken } }

    public var description: String {
        state.withLock { state in
            state.isBroken ? "<Barrier broken>" : "<Barrier waiters=\(state.waitingCount)/\(parties)>"
        }
    }

    /// Waits for the other parties, at most the barrier's default `timeout` if it has one;
    /// returns the arrival index. Throws `BrokenBarrierError` as described on the type.
    @available(
        *, noasync,
        message:
            "blocks the thread until every party arrives; Barrier has no async twin: in async code use a task group"
    )
    public func wait() throws -> Int {
        try wait(deadline: .after(timeout))
    }

    /// Waits at most `timeout` for the other parties; returns the arrival index. When the
    /// time runs out the barrier breaks and this call throws `BrokenBarrierError`, as do the
    /// other waiting parties. Throws `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message:
            "blocks the thread until every party arrives; Barrier has no async twin: in async code use a task group"
    )
    public func wait(timeout: Duration) throws -> Int {
        try checkTimeout(timeout)
        return try wait(deadline: .after(timeout))
    }

    private func wait(deadline: Deadline) throws -> Int {
        while true {
            let parker = ThreadParker()
            let waiter = Waiter(id: Waiter.nextID(), handle: .thread(parker))
            switch state.withLock({ $0.arrive(waiter) }) {
            case .broken:
                throw BrokenBarrierError()
            case .trip(let index, let release):
                action?()
                let entering = state.withLock { $0.actionFinished() }
                if DiagnosticsHooks.isActive { DiagnosticsHooks.signaled(.barrier, object: self) }
                for waiter in release { waiter.resume() }
                for waiter in entering { waiter.resume() }
                return index
            case .enterLater:
                // As CPython's `_enter`: wait, without the timeout, for the running action
                // to finish, then arrive again.
                parker.park()
            case .wait(let index):
                let trace =
                    DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.barrier, object: self) : nil
                if !parker.park(until: deadline) {
                    switch state.withLock({ $0.withdraw(id: waiter.id) }) {
                    case .broke(let wake):
                        DiagnosticsHooks.waitEnded(trace, satisfied: false)
                        for other in wake { other.resume() }
                        throw BrokenBarrierError()
                    case .alreadyWoken:
                        parker.park()
                    }
                }
                let passed = state.withLock({ $0.collect(id: waiter.id) }) == .passed
                DiagnosticsHooks.waitEnded(trace, satisfied: passed)
                guard passed else { throw BrokenBarrierError() }
                return index
            }
        }
    }

    /// Breaks any waiting parties free and makes the barrier usable again: parties waiting
    /// now throw `BrokenBarrierError`; later arrivals start a new generation.
    public func reset() {
        let wake = state.withLock { $0.reset() }
        for waiter in wake { waiter.resume() }
    }

    /// Breaks the barrier: parties waiting now, and every later `wait` until `reset()`,
    /// throw `BrokenBarrierError`.
    public func abort() {
        let wake = state.withLock { $0.abort() }
        for waiter in wake { waiter.resume() }
    }
}
