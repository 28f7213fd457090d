/// Why an executor refused or failed work.
public enum ExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `submit` was called after `shutdown`.
    case shutDown
    /// The pool cannot run work any more, e.g. because its initializer threw.
    case broken(String)

    public var description: String {
        switch self {
        case .shutDown: "cannot schedule new work after shutdown"
        case .broken(let message): "the pool is broken: \(message)"
        }
    }
}
