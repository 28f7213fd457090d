import Glibc

/// What a non-lock wait was waiting for.
enum TraceWaitKind: UInt8, Sendable, CaseIterable {
    case condition, event, semaphore, barrier, queuePut, queueGet, futureResult, threadJoin, other

    var title: String {
        switch self {
        case .condition: "condition wait"
        case .event: "event wait"
        case .semaphore: "semaphore acquire"
        case .barrier: "barrier wait"
        case .queuePut: "queue put (full)"
        case .queueGet: "queue get (empty)"
        case .futureResult: "future result"
        case .threadJoin: "thread join"
        case .other: "wait"
        }
    }
}
