import DequeModule

/// A FIFO list of waiters with removal by id, for timeouts and cancellation.
///
/// Plain data: the primitive that owns it keeps it under its lock. Removal by id is a
/// linear scan; it happens only on timeouts and cancellation, and lists are short.
struct WaitList<Element>: Sendable where Element: Sendable {
    private var entries: Deque<(id: UInt64, element: Element)> = []

    init() {}

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Whether every listed id is listed once, for the state machines' invariant checks.
    var hasUniqueIDs: Bool { Set(entries.lazy.map(\.id)).count == entries.count }

    mutating func append(_ element: Element, id: UInt64) {
        entries.append((id, element))
    }

    /// Lists a waiter ahead of every other, for one that has already waited longest.
    mutating func prepend(_ element: Element, id: UInt64) {
        entries.prepend((id, element))
    }

    /// The oldest waiter, removed.
    mutating func popFirst() -> Element? {
        entries.popFirst()?.element
    }

    /// Removes the waiter `id`; `nil` when it is no longer listed (already woken).
    mutating func remove(id: UInt64) -> Element? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        return entries.remove(at: index).element
    }

    func contains(id: UInt64) -> Bool {
        entries.contains { $0.id == id }
    }

    /// Every waiter, oldest first, removed.
    mutating func removeAll() -> [Element] {
        defer { entries.removeAll() }
        return entries.map(\.element)
    }

    /// The first `n` waiters, oldest first, removed.
    mutating func removeFirst(upTo n: Int) -> [Element] {
        let k = Swift.min(n, entries.count)
        var taken: [Element] = []
        taken.reserveCapacity(k)
        for _ in 0..<k { taken.append(entries.removeFirst().element) }
        return taken
    }
}
