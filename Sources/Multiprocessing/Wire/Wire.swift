/// The messages between the pool and a worker, framed for a byte stream.
///
/// Every frame is a 32-bit little-endian payload length followed by the payload; the
/// payload's first byte says its kind. Frames are appended to one buffer and sent with
/// one `send` / `write`, so a burst of tasks or results costs one system call.
///
/// - job (pool → worker): `0xB1`, job id (u64), task name length (u16), task name (the
///   `ProcessTask.taskName` the worker looks up), then the tasks as a `BinaryEncoder`
///   array (one element for `submit`, a chunk for `map`).
/// - result (worker → pool): `0xC1`, job id (u64), status (u8), then for `.ok` the outputs
///   as a `BinaryEncoder` array, for `.remote` the error's type name and message as an
///   array of two strings, for `.unknownTask` and `.cancelled` (the pool claimed the job's
///   cell first, so the worker skipped it) nothing.
///
/// A worker answers jobs in the order it received them.
package enum Wire {
    static let jobKind: UInt8 = 0xB1
    static let resultKind: UInt8 = 0xC1
    /// A longer frame is treated as garbage (a stray `print` to the channel reads as a
    /// length of about 1.7 GB).
    static let maximumFrame = 1 << 30

    package enum Status: UInt8, Sendable {
        case ok = 0
        case remote = 1
        case unknownTask = 2
        case cancelled = 3
    }

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    /// Appends a frame header; `finishFrame` fills in the length once the payload is written.
    static func startFrame(_ bytes: inout [UInt8], kind: UInt8, id: UInt64) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0, kind])
        appendUInt64(&bytes, id)
        return start
    }

    static func finishFrame(_ bytes: inout [UInt8], start: Int) throws(ProtocolError) {
        let length = bytes.count - start - 4
        guard length <= maximumFrame else {
            throw ProtocolError(description: "message of \(length) bytes is too long")
        }
        bytes[start] = UInt8(truncatingIfNeeded: length)
        bytes[start + 1] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[start + 2] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[start + 3] = UInt8(truncatingIfNeeded: length >> 24)
    }

    static func appendUInt64(_ bytes: inout [UInt8], _ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A job frame for tasks of type `T`: its header and the tasks as one array.
    static func jobFrame<T: ProcessTask, C: Collection<T>>(
        id: UInt64, name: [UInt8], tasks: C, into bytes: inout [UInt8]
    ) throws {
        let start = startFrame(&bytes, kind: jobKind, id: id)
        bytes.append(UInt8(truncatingIfNeeded: name.count))
        bytes.append(UInt8(truncatingIfNeeded: name.count >> 8))
        bytes.append(contentsOf: name)
        let sink = BinarySink(bytes: bytes)
        bytes = []
        defer { bytes = sink.take() }
        let countOffset = sink.openContainer(.unkeyed)
        for task in tasks {
            sink.bumpCount(at: countOffset)
            try sink.encodeValue(task, codingPath: [])
        }
        try finishFrame(&sink.buffer.pointee, start: start)
    }
}

/// A frame read off the channel: its kind, job id and the rest of its payload.
struct Frame {
    var kind: UInt8
    var id: UInt64
    var rest: ArraySlice<UInt8>
}

/// Cuts a byte stream into frames; any inconsistency is a `Wire.ProtocolError`.
struct FrameParser {
    private var buffer: [UInt8] = []
    private var start = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished frame are waiting.
    var hasPartialFrame: Bool { start < buffer.count }

    mutating func next(expecting kind: UInt8) throws(Wire.ProtocolError) -> Frame? {
        let available = buffer.count - start
        guard available >= 4 else { return nil }
        var length = Int(buffer[start]) | Int(buffer[start + 1]) << 8
        length |= Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 24
        guard length >= 9, length <= Wire.maximumFrame else {
            throw Wire.ProtocolError(description: "bad message length \(length)")
        }
        guard available < 5 || buffer[start + 4] == kind else {
            throw Wire.ProtocolError(description: "bad message kind \(buffer[start + 4])")
        }
        guard available >= 4 + length else { return nil }
        var id: UInt64 = 0
        for i in 0..<8 { id |= UInt64(buffer[start + 5 + i]) << (8 * UInt64(i)) }
        let frame = Frame(kind: kind, id: id, rest: buffer[(start + 13)..<(start + 4 + length)])
        start += 4 + length
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return frame
    }
}
