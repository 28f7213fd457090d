/// What a put that may not wait did.
@usableFromInline
enum QueuePutAttempt: Sendable {
    case enqueued(WakeUp)
    case full
    case shutDown
}
