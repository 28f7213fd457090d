import DequeModule

extension PoolExecutor {
    /// Runs `transform` over `items` — which may be huge or endless — keeping at most
    /// `buffersize` items in flight: Python 3.14's `Executor.map(fn, items, buffersize=)`.
    ///
    /// Submits the first `buffersize` items now; each result handed out by `next()` lets
    /// one more item be taken from `items` (on the calling thread) and submitted, so at
    /// most `buffersize` items are submitted and not yet handed out at any time. Results
    /// come in input order:
    /// ```swift
    /// var results = try pool.map(lines, buffersize: 64) { parse($0) }
    /// while let record = try results.next() { store(record) }
    /// ```
    /// Throws `.invalidArgument` when `buffersize` is below 1 or `timeout` is negative, and
    /// what `submit` throws. See `BufferedMap.next()` for how each result ends.
    public func map<S: Sequence, T: Sendable>(
        _ items: S, buffersize: Int, timeout: Duration? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> BufferedMap<S.Iterator, T> where S.Element: Sendable {
        guard buffersize >= 1 else {
            throw ThreadingError.invalidArgument("buffersize must be at least 1, got \(buffersize)")
        }
        if let timeout { try checkTimeout(timeout) }
        return try BufferedMap(
            executor: self, source: items.makeIterator(), buffersize: buffersize,
            deadline: .after(timeout), transform: transform)
    }
}

/// The results of `map(_:buffersize:timeout:_:)`, handed out in input order while at most
/// `buffersize` items are in flight.
///
/// Not copyable: it owns the items in flight. Dropping it before the end cancels the
/// submitted items that have not started (Python closes its result generator the same
/// way).
public struct BufferedMap<Source: IteratorProtocol, T: Sendable>: ~Copyable where Source.Element: Sendable {
    private let executor: any PoolExecutor
    private var source: Source
    private var sourceEnded = false
    private var inFlight: Deque<Future<T>> = []
    private let deadline: Deadline
    private let transform: @Sendable (Source.Element) throws -> T

    init(
        executor: any PoolExecutor, source: Source, buffersize: Int, deadline: Deadline,
        transform: @escaping @Sendable (Source.Element) throws -> T
    ) throws {
        self.executor = executor
        self.source = source
        self.deadline = deadline
        self.transform = transform
        do {
            for _ in 0..<buffersize where try submitNext() == false { break }
        } catch {
            for future in inFlight { future.cancel() }
            throw error
        }
    }

    deinit {
        for future in inFlight { future.cancel() }
    }

    /// Takes the next item from the source and submits it; `false` when the source ended.
    private mutating func submitNext() throws -> Bool {
        guard !sourceEnded, let item = source.next() else {
            sourceEnded = true
            return false
        }
        let transform = self.transform
        inFlight.append(try executor.submit { try transform(item) })
        return true
    }

    /// Blocks for the oldest item's result and returns it, after submitting the next item;
    /// `nil` once every item was handed out.
    ///
    /// Rethrows the item's error, or throws `TimeoutError` when the deadline (measured
    /// from the `map` call) passes first, or what `submit` throws; each of these ends the
    /// iteration — the items in flight are cancelled and later calls return `nil`.
    @available(*, noasync, message: "blocks a thread until the next result is in")
    public mutating func next() throws -> T? {
        guard let oldest = inFlight.popFirst() else { return nil }
        do {
            let value = try oldest.result(until: deadline)
            _ = try submitNext()
            return value
        } catch {
            oldest.cancel()
            for future in inFlight { future.cancel() }
            inFlight.removeAll()
            sourceEnded = true
            throw error
        }
    }

    /// Items submitted and not yet handed out: at most `buffersize`.
    public var inFlightCount: Int { inFlight.count }
}
