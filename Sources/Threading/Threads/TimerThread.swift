/// A thread that runs its body once after an interval unless cancelled first, Python's
/// `threading.Timer`.
///
/// `start()` starts the thread; it waits for the interval on an internal `Event` (a
/// futex sleep, no polling), then runs the body, unless `cancel()` set the event first.
/// Like any `OSThread`, its name defaults to `Thread-N` and it is a daemon thread if its
/// creator is one.
///
/// Happens-before: `start()` → the body; the body → `join()` returning.
public final class TimerThread: Sendable {
    private let thread: OSThread
    // Set by `cancel()` or when the body has run; the thread waits on it for the interval.
    private let finished: Event

    /// Makes a timer that runs `body` `interval` after `start()`. A negative interval
    /// means zero (Python's behaviour); a huge one means never.
    public init(after interval: Duration, name: String? = nil, _ body: @escaping @Sendable () -> Void) {
        let finished = Event()
        let interval = max(interval, .zero)
        self.finished = finished
        thread = OSThread(name: name) {
            // `interval` is never negative, so the timed wait cannot throw.
            let cancelled = (try? finished.wait(timeout: interval)) ?? true
            if !cancelled { body() }
            finished.set()
        }
    }

    /// Starts the timer's thread. Throws `ThreadingError.alreadyStarted` on a second call.
    public func start() throws { try thread.start() }

    /// Stops the timer if it is still waiting: the body will not run. No effect once the
    /// body has started. Never blocks.
    public func cancel() { finished.set() }

    /// Blocks until the timer's thread has finished (the body ran or the timer was
    /// cancelled). Throws `.notStarted` before `start()` and `.joinCurrentThread` from the
    /// body itself.
    @available(*, noasync, message: "use `try await join()`, which does not block a thread")
    public func join() throws { try thread.join() }

    /// Suspends the task until the timer's thread has finished, holding no thread. Throws
    /// as `join()` does, and `CancellationError` when the task is cancelled first.
    public func join() async throws { try await thread.join() }

    /// Blocks at most `timeout`; returns `true` when the timer's thread has finished.
    /// Throws as `join()` does, and `.invalidArgument` for a negative timeout.
    @available(*, noasync, message: "use `try await join(timeout:)`, which does not block a thread")
    public func join(timeout: Duration) throws -> Bool { try thread.join(timeout: timeout) }

    /// Suspends the task at most `timeout`, holding no thread; returns `true` when the
    /// timer's thread has finished. Throws as `join(timeout:)` does, and
    /// `CancellationError` when the task is cancelled first.
    public func join(timeout: Duration) async throws -> Bool { try await thread.join(timeout: timeout) }

    /// Whether the timer's thread has started and not finished: a snapshot.
    public var isAlive: Bool { thread.isAlive }

    /// The timer thread's name.
    public var name: String { thread.name }
}
