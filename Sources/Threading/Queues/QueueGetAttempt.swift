/// What a get that may not wait found.
@usableFromInline
enum QueueGetAttempt<Element: Sendable>: Sendable {
    case item(Element, WakeUp)
    case empty
    case shutDown
}
