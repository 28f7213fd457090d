/// Turns a worker's answer into outputs or the `ProcessPoolError` it stands for. An answer
/// that does not decode fails this one task with `.remote(type: "DecodingError", …)`.
package func decodeTaskAnswer<T: Decodable>(
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
