/// The three waiter lists of a queue. Not generic, so the fast path reaches them with a
/// plain call and no metadata lookup.
@usableFromInline
struct QueueWaiters: Sendable {
    var getters = WaitList<Waiter>()
    var putters = WaitList<Waiter>()
    var joiners = WaitList<Waiter>()

    init() {}

    @usableFromInline
    mutating func popGetter() -> WakeUp { WakeUp(getters.popFirst()) }

    @usableFromInline
    mutating func popPutter() -> WakeUp { WakeUp(putters.popFirst()) }
}
