import Synchronization
import Threading

/// A simulation of CPython's global interpreter lock ("new GIL", Python 3.2+), to make
/// its effect visible from Swift, which has no GIL.
///
/// A thread runs "Python code" only while it holds the GIL. The holder keeps it until
/// another thread has asked for it *and* a whole switch interval (CPython's default 5 ms)
/// has passed without a switch; at its next `check()` (the interpreter's "eval breaker",
/// called every few hundred iterations of a CPU-bound loop) it then hands it straight to
/// the requester. Blocking calls (sleep, I/O) release it around the call
/// (`allowingThreads`), as CPython's `Py_BEGIN_ALLOW_THREADS` does.
///
/// - Blocking: `acquire()` waits on a per-waiter `Event` with a timeout of one switch
///   interval — the `COND_TIMED_WAIT` of CPython's `take_gil`, a real timed wait, not a
///   polling loop: each timeout is the moment a drop request is due.
/// - Wakes: the holder's `release()` (or its `check()` after a drop request) hands the GIL
///   to the first waiter and sets that waiter's event.
/// - Happens-before: everything a holder did before giving the GIL up is visible to the
///   thread that gets it next.
package final class GlobalInterpreterLock: Sendable {
    /// The switch interval (`sys.setswitchinterval`).
    package let switchInterval: Duration
    private let state = LockedState(GILState<Event>())
    // Mirrors `state.dropRequested` so `check()` costs one relaxed load.
    private let dropFlag = Atomic<Bool>(false)
    private let nextID = Atomic<UInt64>(1)

    /// A free GIL. A negative or zero interval is treated as 1 µs.
    package init(switchInterval: Duration = .milliseconds(5)) {
        self.switchInterval = max(switchInterval, .microseconds(1))
    }

    /// Who holds the GIL: the value `acquire()` returned, passed back to `release`,
    /// `check` and `allowingThreads`.
    package struct Holder: Sendable, Equatable {
        fileprivate let id: UInt64
    }

    /// Blocks until the calling thread holds the GIL.
    package func acquire() -> Holder {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let wakeUp = Event()
        let action = state.withLock { $0.take(id: id, token: wakeUp) }
        guard case .mustWait(var seen) = action else { return Holder(id: id) }
        while true {
            // `wait(timeout:)` only throws for a negative timeout, which init rules out.
            if (try? wakeUp.wait(timeout: switchInterval)) == true { return Holder(id: id) }
            let outcome: GILState<Event>.TimeoutAction = state.withLock {
                let outcome = $0.timedOut(id: id, seen: seen)
                dropFlag.store($0.dropRequested, ordering: .relaxed)
                return outcome
            }
            switch outcome {
            case .acquired: return Holder(id: id)
            case .keepWaiting(let next): seen = next
            }
        }
    }

    /// Gives the GIL up: to the first waiting thread if there is one, otherwise it becomes
    /// free. Releasing a GIL one does not hold does nothing.
    package func release(_ holder: Holder) {
        let action = state.withLock {
            let action = $0.drop(id: holder.id)
            dropFlag.store($0.dropRequested, ordering: .relaxed)
            return action
        }
        if case .handedOver(let next) = action { next.set() }
    }

    /// The eval breaker: cheap unless a drop was requested, in which case the GIL goes to
    /// the waiting thread and the caller queues up to get it back. Returns the (possibly
    /// new) holder value.
    @inline(__always)
    package func check(_ holder: Holder) -> Holder {
        guard dropFlag.load(ordering: .relaxed) else { return holder }
        return yield(holder)
    }

    @inline(never)
    private func yield(_ holder: Holder) -> Holder {
        release(holder)
        return acquire()
    }

    /// Runs a blocking call (sleep, I/O) without the GIL, then takes it back.
    package func allowingThreads<R>(_ holder: inout Holder, _ body: () throws -> R) rethrows -> R {
        release(holder)
        defer { holder = acquire() }
        return try body()
    }

    /// Counters for the demo.
    package struct Statistics: Sendable, Equatable {
        /// Drop requests made by waiters whose interval ran out.
        package var dropRequests: Int
        /// Hand-overs from a holder straight to a waiter.
        package var forcedSwitches: Int
    }

    /// A snapshot of the counters.
    package var statistics: Statistics {
        state.withLock { Statistics(dropRequests: $0.dropRequests, forcedSwitches: $0.forcedSwitches) }
    }
}
