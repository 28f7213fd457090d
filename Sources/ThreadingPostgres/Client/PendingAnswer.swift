import Multiprocessing

/// A future waiting for its job's row to end, whatever its output type.
protocol PendingAnswer: AnyObject, Sendable {
    /// Completes the future from the ended row.
    func finish(_ job: EndedJob)
    /// Fails the future (the database is gone, the executor gave up).
    func fail(_ error: any Error)
    /// The future's cancel gate, to mark a job the database already cancelled.
    var gate: JobCancelGate { get }
    /// Blocks until the future is done (woken by whoever completes it).
    func waitUntilDone()
}

/// The future of one job: `submit`'s (one output) or a `map` chunk's (all its outputs).
final class JobAnswer<Output: Codable & Sendable, Value: Sendable>: PendingAnswer {
    let future: Future<Value>
    let gate: JobCancelGate
    private let expected: Int
    private let wrap: @Sendable ([Output]) -> Value

    init(gate: JobCancelGate, expected: Int, wrap: @escaping @Sendable ([Output]) -> Value) {
        self.gate = gate
        self.expected = expected
        self.wrap = wrap
        future = Future(cancelGate: gate)
    }

    func finish(_ job: EndedJob) {
        switch job.outcome {
        case .ok, .remote, .unknownTask:
            let status = Wire.Status(rawValue: UInt8(job.outcome.rawValue)) ?? .remote
            switch decodeTaskAnswer([Output].self, status: status, body: job.answer[...], taskName: job.task)
            {
            case .success(let outputs) where outputs.count == expected: try? future.setResult(wrap(outputs))
            case .success(let outputs):
                fail(
                    ProcessPoolError.remote(
                        type: "DecodingError", message: "expected \(expected) outputs, got \(outputs.count)"))
            case .failure(let error): fail(error)
            }
        case .cancelled:
            gate.markCancelled()
            _ = future.cancel()
        case .workerDied:
            let host = job.workerHost ?? "an unknown host"
            fail(ProcessPoolError.workerDied(pid: job.workerPID ?? 0, detail: "on \(host): lease expired"))
        case .timedOut:
            fail(TimeoutError())
        }
    }

    func fail(_ error: any Error) { try? future.setError(error) }

    func waitUntilDone() { _ = future.exception() }
}
