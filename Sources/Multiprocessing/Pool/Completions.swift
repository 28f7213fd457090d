/// The future of one `submit`: the worker answers with a one-element array.
final class SingleCompletion<Output: Codable & Sendable>: JobCompletion {
    let future: Future<Output>

    init(ticket: JobTicket) { future = Future(cancelGate: ticket) }

    func cancel() -> Bool { future.cancel() }

    func finish(status: Wire.Status, body: ArraySlice<UInt8>, taskName: String) {
        switch decodeAnswer([Output].self, status: status, body: body, taskName: taskName) {
        case .success(let outputs) where outputs.count == 1: try? future.setResult(outputs[0])
        case .success(let outputs):
            try? future.setError(
                ProcessPoolError.remote(
                    type: "DecodingError", message: "expected 1 output, got \(outputs.count)"))
        case .failure(let error): try? future.setError(error)
        }
    }

    func fail(_ error: any Error) { try? future.setError(error) }
}

/// The future of one chunk of `map`: all of the chunk's outputs, or its first error.
final class ChunkCompletion<Output: Codable & Sendable>: JobCompletion {
    let future: Future<[Output]>
    let expected: Int

    init(expected: Int, ticket: JobTicket) {
        self.expected = expected
        future = Future(cancelGate: ticket)
    }

    func cancel() -> Bool { future.cancel() }

    func finish(status: Wire.Status, body: ArraySlice<UInt8>, taskName: String) {
        switch decodeAnswer([Output].self, status: status, body: body, taskName: taskName) {
        case .success(let outputs) where outputs.count == expected: try? future.setResult(outputs)
        case .success(let outputs):
            try? future.setError(
                ProcessPoolError.remote(
                    type: "DecodingError", message: "expected \(expected) outputs, got \(outputs.count)"))
        case .failure(let error): try? future.setError(error)
        }
    }

    func fail(_ error: any Error) { try? future.setError(error) }
}

/// Turns a worker's answer into outputs or the `ProcessPoolError` it stands for. An answer
/// that does not decode fails this one task with `.remote(type: "DecodingError", …)`.
private func decodeAnswer<T: Decodable>(
    _ type: T.Type, status: Wire.Status, body: ArraySlice<UInt8>, taskName: String
) -> Result<T, ProcessPoolError> {
    switch status {
    case .ok:
        do {
            return .success(try BinaryDecoder.decode(T.self, from: Array(body)))
        } catch {
            return .failure(
                .remote(type: String(describing: Swift.type(of: error)), message: String(describing: error)))
        }
    case .remote:
        guard let pair = try? BinaryDecoder.decode([String].self, from: Array(body)), pair.count == 2 else {
            return .failure(
                .remote(type: "DecodingError", message: "undecodable error report from the worker"))
        }
        return .failure(.remote(type: pair[0], message: pair[1]))
    case .unknownTask:
        return .failure(.unknownTask(taskName))
    case .cancelled:
        // The pool completes no future with this answer: the future was cancelled first.
        return .failure(.remote(type: "CancellationError", message: "cancelled before it started"))
    }
}
