/// The future of one `submit`: the worker answers with a one-element array.
final class SingleCompletion<Output: Codable & Sendable>: JobCompletion {
    let future: Future<Output>

    init(ticket: JobTicket) { future = Future(cancelGate: ticket) }

    func cancel() -> Bool { future.cancel() }

    func finish(status: Wire.Status, body: ArraySlice<UInt8>, taskName: String) {
        switch decodeTaskAnswer([Output].self, status: status, body: body, taskName: taskName) {
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
        switch decodeTaskAnswer([Output].self, status: status, body: body, taskName: taskName) {
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
