import Glibc

/// Who holds a job: written into the rows a worker claims, and named in
/// `ProcessPoolError.workerDied` when its lease runs out.
struct WorkerIdentity: Sendable {
    /// `host:pid:random`, unique even when a pid is reused.
    var name: String
    var host: String
    var pid: Int32

    static func current() -> WorkerIdentity {
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "unknown"
        let pid = getpid()
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return WorkerIdentity(name: "\(host):\(pid):\(tag)", host: host, pid: pid)
    }
}
