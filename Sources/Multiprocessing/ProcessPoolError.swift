/// Why a task sent to a `ProcessPoolExecutor` did not produce its output.
///
/// A task whose `run()` threw finished normally: its future holds `.remote`.
public enum ProcessPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The worker running the task exited, was killed, or broke the protocol before
    /// answering. `detail` says the exit code, the signal (`"killed by SIGKILL"`), or what
    /// was wrong with its messages. The pool starts a replacement; other tasks go on.
    case workerDied(pid: Int32, detail: String)
    /// The task threw in its worker (or could not be decoded there, or its output could not
    /// be encoded): the error's type name and `String(describing:)`.
    case remote(type: String, message: String)
    /// The task type was not registered in `tasks:` (by `submit`), or the worker program
    /// does not know it (the future fails with this).
    case unknownTask(String)

    public var description: String {
        switch self {
        case .workerDied(let pid, let detail): "worker process \(pid) died: \(detail)"
        case .remote(let type, let message): "\(type) in worker: \(message)"
        case .unknownTask(let name): "unknown process task type \(name)"
        }
    }
}
