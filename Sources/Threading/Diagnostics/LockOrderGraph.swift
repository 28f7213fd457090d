/// The order graph the lock-order checker learns: an edge `A → B` says some thread
/// acquired `B` while holding `A`. A plain struct (no locks, threads or clocks), held by
/// `LockOrderChecker` under one lock.
struct LockOrderGraph {
    struct EdgeKey: Hashable, Sendable {
        let from: UInt64
        let to: UInt64
    }

    /// The first time an edge was seen: by which thread and where.
    struct Edge: Sendable {
        let from: UInt64
        let to: UInt64
        let fromName: String
        let toName: String
        /// Where `from` had been acquired.
        let fromSite: AcquisitionSite
        /// Where `to` was acquired while `from` was held.
        let toSite: AcquisitionSite
        let threadName: String
        let threadID: Int64
    }

    private(set) var successors: [UInt64: [UInt64: Edge]] = [:]
    /// Cycles already reported, as node lists rotated to start at their smallest id.
    private var reported: Set<[UInt64]> = []

    var edgeCount: Int { successors.values.reduce(0) { $0 + $1.count } }

    func contains(_ key: EdgeKey) -> Bool { successors[key.from]?[key.to] != nil }

    /// Adds `edge` (if new). When it closes a cycle not reported before, returns the
    /// shortest such cycle as its edges, starting with `edge`.
    mutating func add(_ edge: Edge) -> [Edge]? {
        guard edge.from != edge.to, successors[edge.from]?[edge.to] == nil else { return nil }
        let back = shortestPath(from: edge.to, to: edge.from)
        successors[edge.from, default: [:]][edge.to] = edge
        guard let back else { return nil }
        let cycle = [edge] + back
        guard reported.insert(Self.canonical(cycle.map(\.from))).inserted else { return nil }
        return cycle
    }

    /// Breadth-first search: the fewest edges leading from `start` to `goal`.
    func shortestPath(from start: UInt64, to goal: UInt64) -> [Edge]? {
        var cameBy: [UInt64: Edge] = [:]
        var frontier = [start]
        var seen: Set<UInt64> = [start]
        while !frontier.isEmpty {
            var next: [UInt64] = []
            for node in frontier {
                // Sorted so the cycle reported does not depend on dictionary order.
                for (to, edge) in (successors[node] ?? [:]).sorted(by: { $0.key < $1.key })
                where seen.insert(to).inserted {
                    cameBy[to] = edge
                    if to == goal {
                        var path: [Edge] = []
                        var at = goal
                        while at != start, let step = cameBy[at] {
                            path.append(step)
                            at = step.from
                        }
                        return path.reversed()
                    }
                    next.append(to)
                }
            }
            frontier = next
        }
        return nil
    }

    static func canonical(_ nodes: [UInt64]) -> [UInt64] {
        guard let smallest = nodes.indices.min(by: { nodes[$0] < nodes[$1] }) else { return nodes }
        return Array(nodes[smallest...] + nodes[..<smallest])
    }
}
