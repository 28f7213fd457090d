import Synchronization

/// Blocks until the futures reach the condition `returnWhen`, or `timeout` passes;
/// returns which are done and which are not, Python's `concurrent.futures.wait`.
///
/// A future is *done* once finished (with a value or an error) or cancelled. Both lists
/// keep the input order, each future once even if it was given twice. Ends when the
/// condition holds (at once if it already does), or when `timeout` runs out — then the
/// lists say how far things got; it never throws. A negative timeout means zero; `nil`
/// means no limit.
///
/// Happens-before: the work of every future in `done` → this call returning.
@available(*, noasync, message: "blocks the thread; in async code use `for try await f in asCompleted(…)`")
public func wait<T>(
    _ futures: [Future<T>], timeout: Duration? = nil,
    returnWhen: ReturnWhen = .allCompleted
) -> (done: [Future<T>], notDone: [Future<T>]) {
    let unique = uniqued(futures)
    var (done, notDone) = partitionDone(unique)
    if satisfied(returnWhen, done: done, notDoneCount: notDone.count) { return (done, notDone) }

    // Count completions from here on; the last one needed sets the event.
    let reached = Event()
    let needed: Int = returnWhen == .firstCompleted ? 1 : notDone.count
    let progress = Mutex(0)
    var observers: [(Future<T>, UInt64)] = []
    observers.reserveCapacity(notDone.count)
    for future in notDone {
        let id = future.addObserver { future in
            let failed = returnWhen == .firstException && future.outcome?.isFailure == true
            let count = progress.withHandoff(reached) { count in
                count += 1
                return count
            }
            if count == needed || failed { reached.set() }
        }
        if let id {
            observers.append((future, id))
        } else {
            // Done meanwhile: count it as the observer would have.
            let failed = returnWhen == .firstException && future.outcome?.isFailure == true
            let count = progress.withHandoff(reached) { count in
                count += 1
                return count
            }
            if count == needed || failed { reached.set() }
        }
    }
    if let timeout {
        _ = try? reached.wait(timeout: max(.zero, timeout))
    } else {
        reached.wait()
    }
    for (future, id) in observers { future.removeObserver(id: id) }
    (done, notDone) = partitionDone(unique)
    return (done, notDone)
}

private func uniqued<T>(_ futures: [Future<T>]) -> [Future<T>] {
    var seen = Set<ObjectIdentifier>()
    return futures.filter { seen.insert(ObjectIdentifier($0)).inserted }
}

private func partitionDone<T>(_ futures: [Future<T>]) -> ([Future<T>], [Future<T>]) {
    var done: [Future<T>] = []
    var notDone: [Future<T>] = []
    for future in futures {
        if future.isDone { done.append(future) } else { notDone.append(future) }
    }
    return (done, notDone)
}

private func satisfied<T>(_ returnWhen: ReturnWhen, done: [Future<T>], notDoneCount: Int) -> Bool {
    if notDoneCount == 0 { return true }
    switch returnWhen {
    case .allCompleted: return false
    case .firstCompleted: return !done.isEmpty
    case .firstException: return done.contains { $0.outcome?.isFailure == true }
    }
}

extension FutureOutcome {
    /// Finished with an error (a cancellation is not one).
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
