/// Runs tasks of one registered type in a worker: the task registry that the process
/// pool's workers and ThreadingPostgres's workers share. An answer is a `Wire.Status` byte
/// followed by its body (the outputs, or the error's type name and message).
package struct TaskHandler: Sendable {
    /// `ProcessTask.taskName` of the type, as UTF-8.
    package let name: [UInt8]
    /// Appends status and body of the answer for the tasks in `body`.
    package let run: @Sendable (ArraySlice<UInt8>, inout [UInt8]) -> Void

    package init<T: ProcessTask>(_ type: T.Type) {
        name = Array(T.taskName.utf8)
        run = { body, out in TaskHandler.run(T.self, body: body, into: &out) }
    }

    private static func run<T: ProcessTask>(_ type: T.Type, body: ArraySlice<UInt8>, into out: inout [UInt8])
    {
        let tasks: [T]
        do {
            tasks = try BinaryDecoder.decode([T].self, from: Array(body))
        } catch {
            appendRemote(error, to: &out)
            return
        }
        var outputs: [T.Output] = []
        outputs.reserveCapacity(tasks.count)
        for task in tasks {
            do {
                outputs.append(try task.run())
            } catch {
                appendRemote(error, to: &out)
                return
            }
        }
        let mark = out.count
        out.append(Wire.Status.ok.rawValue)
        do {
            try BinaryEncoder.encode(outputs, into: &out)
        } catch {
            out.removeSubrange(mark...)
            appendRemote(error, to: &out)
        }
    }

    package static func appendRemote(_ error: any Error, to out: inout [UInt8]) {
        out.append(Wire.Status.remote.rawValue)
        let pair = [String(describing: type(of: error)), String(describing: error)]
        // Encoding two strings cannot fail short of 4 GiB messages.
        if (try? BinaryEncoder.encode(pair, into: &out)) == nil {
            try? BinaryEncoder.encode(["EncodingError", "error message too long"], into: &out)
        }
    }
}
