/// What a put's claim on the next position found.
@usableFromInline
enum RingClaim: Equatable, Sendable {
    case claimed(Int)
    case full
    case shutDown
}
