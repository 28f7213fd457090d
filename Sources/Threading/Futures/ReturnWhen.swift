/// When `wait(_:timeout:returnWhen:)` returns, Python's `FIRST_COMPLETED`,
/// `FIRST_EXCEPTION` and `ALL_COMPLETED`.
public enum ReturnWhen: Sendable {
    /// As soon as any future is done (finished or cancelled).
    case firstCompleted
    /// As soon as any future finishes with an error; when none does, once all are done.
    /// A cancelled future does not count as an error.
    case firstException
    /// Once every future is done.
    case allCompleted
}
