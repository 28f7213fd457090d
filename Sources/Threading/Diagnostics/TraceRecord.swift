import Glibc

/// One thing a thread did, with its monotonic time in nanoseconds since `TraceClock`'s
/// epoch.
struct TraceRecord: Sendable {
    var kind: TraceKind
    var time: Int64
    var start: Int64
    var object: UInt64
    var label: String?
    var value: Int64
    var waitKind: TraceWaitKind = .other
}
