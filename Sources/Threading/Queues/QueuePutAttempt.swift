/// What a put that may not wait did. Not nested in the generic `QueueState` (as
/// `QueueState.GetAttempt` is): nested, it would be generic too, and the inlinable fast
/// path would look up its metadata.
@usableFromInline
enum QueuePutAttempt: Sendable {
    case enqueued(WakeUp)
    case full
    case shutDown
}
