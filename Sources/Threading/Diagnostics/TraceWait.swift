import Glibc

/// What `DiagnosticsHooks.waitEnded` needs from `waitBegan`.
struct TraceWait: Sendable {
    let kind: TraceWaitKind
    let object: UInt64
    let label: String?
    let start: Int64
}
