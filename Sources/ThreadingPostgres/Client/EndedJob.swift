/// An ended job row as the client reads it: what a future needs to finish.
struct EndedJob: Sendable {
    var id: Int64
    var outcome: JobOutcome
    var answer: [UInt8]
    var task: String
    var workerHost: String?
    var workerPID: Int32?
}
