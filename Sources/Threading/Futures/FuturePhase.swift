/// Where a future is: Python's PENDING, RUNNING, CANCELLED and FINISHED, with FINISHED split
/// by outcome. A succeeded future's value is in the state's `FutureValueSlot`, so this type
/// (and the state's layout) does not depend on the value's type.
@usableFromInline
enum FuturePhase: Sendable {
    case pending
    case running
    case cancelled
    case succeeded
    case failed(any Error)
}
