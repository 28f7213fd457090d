import CThreadingShims

/// The environment variable that makes a program a worker. Its value is
/// `CHANNEL_FD,COUNTER_FD,PARENT_PID`.
let workerEnvironmentKey = "SWIFT_THREADING_WORKER"

/// The worker side: read jobs, run them, answer in order, until end-of-file.
///
/// Per job, in this order: claim its cell in the shared memory (`SharedLayout`; when the
/// pool claimed it first the job was cancelled and is skipped, answered `.cancelled`),
/// count it as reached, run it, and append its answer both to the send buffer and, before
/// the next job starts, to the shared memory. So when the worker dies, every answer it
/// finished is either in the channel or in memory the pool reads after the death.
enum WorkerLoop {
    /// Answers are sent at the latest this long after the previous send, so that a long
    /// task does not hold back the answers of the short ones before it.
    static let flushIntervalNanoseconds: UInt64 = 50_000

    static func serve(channel: Int32, shared: UnsafeMutableRawPointer, handlers: [TaskHandler]) -> Never {
        let started = SharedLayout.word(shared, at: SharedLayout.startedWord)
        let unsent = SharedLayout.word(shared, at: SharedLayout.unsentWord)
        var parser = FrameParser()
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var sequence = 0
        var lastFlush = ProcessSyscalls.monotonicNanoseconds()
        var lastHandler: TaskHandler?

        func flush() {
            guard !out.isEmpty else { return }
            do {
                try out.withUnsafeBytes { bytes in try ProcessSyscalls.sendAll(channel, bytes) }
            } catch {
                // The pool is gone: nobody wants the answers.
                ProcessSyscalls.exitImmediately(0)
            }
            out.removeAll(keepingCapacity: true)
            // Sent: the pool has them (a death before this line only makes it skip them).
            cthreading_word_store_release(unsent, 0)
            lastFlush = ProcessSyscalls.monotonicNanoseconds()
        }

        // Makes the answer appended at `mark` outlive this process: copied to the shared
        // memory (the buffer mirrors `out` from its start), or sent when it does not fit.
        func keep(from mark: Int) {
            guard out.count <= SharedLayout.answersCapacity else {
                flush()
                return
            }
            out.withUnsafeBytes { bytes in
                (shared + SharedLayout.answersOffset + mark).copyMemory(
                    from: bytes.baseAddress! + mark, byteCount: bytes.count - mark)
            }
            cthreading_word_store_release(unsent, UInt32(out.count))
        }

        while true {
            let count: Int
            do {
                count = try ProcessSyscalls.read(channel, into: &chunk)
            } catch {
                ProcessSyscalls.exitImmediately(0)
            }
            if count == 0 {
                // End of file: the pool has no more work for this worker.
                flush()
                ProcessSyscalls.exitImmediately(0)
            }
            chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            while true {
                let frame: Frame
                do {
                    guard let next = try parser.next(expecting: Wire.jobKind) else { break }
                    frame = next
                } catch {
                    ProcessSyscalls.writeStandardError("swift-threading worker: \(error)\n")
                    ProcessSyscalls.exitImmediately(70)
                }
                sequence += 1
                let claimed = SharedLayout.claimCell(shared, sequence: sequence, to: SharedLayout.started)
                cthreading_word_store_release(started, UInt32(truncatingIfNeeded: sequence))
                let mark = out.count
                if claimed {
                    answer(frame, into: &out, handlers: handlers, lastHandler: &lastHandler)
                } else {
                    let start = Wire.startFrame(&out, kind: Wire.resultKind, id: frame.id)
                    out.append(Wire.Status.cancelled.rawValue)
                    try? Wire.finishFrame(&out, start: start)
                }
                keep(from: mark)
                if out.count >= 1 << 16
                    || ProcessSyscalls.monotonicNanoseconds() &- lastFlush >= flushIntervalNanoseconds
                {
                    flush()
                }
            }
            flush()
        }
    }

    private static func answer(
        _ frame: Frame, into out: inout [UInt8], handlers: [TaskHandler], lastHandler: inout TaskHandler?
    ) {
        let start = Wire.startFrame(&out, kind: Wire.resultKind, id: frame.id)
        let rest = frame.rest
        if rest.count < 2 {
            TaskHandler.appendRemote(Wire.ProtocolError(description: "job without a task name"), to: &out)
        } else {
            let nameCount = Int(rest[rest.startIndex]) | Int(rest[rest.startIndex + 1]) << 8
            let nameStart = rest.startIndex + 2
            if nameStart + nameCount > rest.endIndex {
                TaskHandler.appendRemote(
                    Wire.ProtocolError(description: "task name runs past the end"), to: &out)
            } else {
                let name = rest[nameStart..<nameStart + nameCount]
                let body = rest[(nameStart + nameCount)...]
                if let handler = lastHandler, handler.name.elementsEqual(name) {
                    handler.run(body, &out)
                } else if let handler = handlers.first(where: { $0.name.elementsEqual(name) }) {
                    lastHandler = handler
                    handler.run(body, &out)
                } else {
                    out.append(Wire.Status.unknownTask.rawValue)
                }
            }
        }
        do {
            try Wire.finishFrame(&out, start: start)
        } catch {
            out.removeSubrange(start...)
            _ = Wire.startFrame(&out, kind: Wire.resultKind, id: frame.id)
            TaskHandler.appendRemote(error, to: &out)
            try? Wire.finishFrame(&out, start: start)
        }
    }
}
