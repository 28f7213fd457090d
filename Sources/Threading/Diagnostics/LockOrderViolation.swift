/// A cycle in the order in which threads acquire locks: a deadlock that can happen, even
/// if it did not this time.
///
/// `cycle` lists the lock names around the shortest cycle, starting with the lock whose
/// acquisition closed it; `description` says, for each edge of the cycle, which thread
/// acquired which lock where while holding the previous one (and where that one was
/// acquired).
public struct LockOrderViolation: Sendable, CustomStringConvertible {
    let edges: [LockOrderGraph.Edge]

    init(edges: [LockOrderGraph.Edge]) {
        self.edges = edges
    }

    /// The lock names around the shortest cycle: each one is acquired while holding the
    /// one before it (and the first while holding the last).
    public var cycle: [String] { edges.map(\.toName) }

    /// `file:line`, or a hint when the acquisition was a bare `acquire()`.
    static func place(_ site: AcquisitionSite) -> String {
        site == .unknown ? "an unknown place (a bare acquire(); withLock records its call site)" : "\(site)"
    }

    public var description: String {
        let names = cycle + (cycle.first.map { [$0] } ?? [])
        var text =
            "lock-order violation (potential deadlock): \(names.map { "\"\($0)\"" }.joined(separator: " -> "))\n"
        for (index, edge) in edges.enumerated() {
            let when = index == 0 ? "now" : "earlier"
            let verb = index == 0 ? "acquires" : "acquired"
            text +=
                "  \(when): thread \"\(edge.threadName)\" (tid \(edge.threadID)) \(verb) \"\(edge.toName)\" at \(Self.place(edge.toSite))"
                + " while holding \"\(edge.fromName)\" (acquired at \(Self.place(edge.fromSite)))\n"
        }
        text += "  Threads taking these locks at the same time can deadlock; take them in one global order.\n"
        return text
    }
}
