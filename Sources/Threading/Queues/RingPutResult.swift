/// What an attempt to put into the ring did. Nobody is woken yet: the caller may hold the
/// lock, and wakes after unlocking.
@usableFromInline
enum RingPutResult: Equatable, Sendable {
    case put
    case full
    case shutDown
}
