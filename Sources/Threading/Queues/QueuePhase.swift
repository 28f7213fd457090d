/// Whether a queue still accepts items. `open` → `shutDown`, never back.
@usableFromInline
enum QueuePhase: Equatable, Sendable {
    case open
    case shutDown
}
