/// The buffer every container of one encoding appends to; a class so containers share it.
final class BinarySink {
    /// Behind a pointer rather than a stored `var`: a class's stored property pays a
    /// dynamic exclusivity check on every append, which showed in profiles.
    let buffer: UnsafeMutablePointer<[UInt8]>

    init(bytes: [UInt8]) {
        buffer = .allocate(capacity: 1)
        buffer.initialize(to: bytes)
    }

    deinit {
        buffer.deinitialize(count: 1)
        buffer.deallocate()
    }

    /// Takes the bytes out, leaving the sink empty.
    func take() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &buffer.pointee)
        return bytes
    }

    @inline(__always) func tag(_ tag: BinaryTag) { buffer.pointee.append(tag.rawValue) }

    // Byte by byte: the generic `append(contentsOf:)` of a few bytes cost more than the
    // rest of encoding an integer.
    @inline(__always) func raw64(_ value: UInt64) {
        buffer.pointee.append(UInt8(truncatingIfNeeded: value))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 8))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 16))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 24))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 32))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 40))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 48))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 56))
    }

    @inline(__always) func raw32(_ value: UInt32) {
        buffer.pointee.append(UInt8(truncatingIfNeeded: value))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 8))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 16))
        buffer.pointee.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    func int(_ value: Int64) {
        tag(.int)
        raw64(UInt64(bitPattern: value))
    }

    func uint(_ value: UInt64) {
        tag(.uint)
        raw64(value)
    }

    func string(_ value: String) throws {
        var utf8Value = value
        tag(.string)
        try utf8Value.withUTF8 { utf8 in
            guard utf8.count <= UInt32.max else {
                throw EncodingError.invalidValue(
                    value, .init(codingPath: [], debugDescription: "string longer than 4 GiB"))
            }
            raw32(UInt32(utf8.count))
            buffer.pointee.append(contentsOf: utf8)
        }
    }

    func key(_ key: some CodingKey) throws {
        let name = key.stringValue
        var utf8Name = name
        try utf8Name.withUTF8 { utf8 in
            guard utf8.count <= UInt16.max else {
                throw EncodingError.invalidValue(
                    name, .init(codingPath: [key], debugDescription: "key longer than 65535 bytes"))
            }
            buffer.pointee.append(UInt8(truncatingIfNeeded: utf8.count))
            buffer.pointee.append(UInt8(truncatingIfNeeded: utf8.count >> 8))
            buffer.pointee.append(contentsOf: utf8)
        }
    }

    /// Starts a container: its tag and a count that `bumpCount(at:)` raises per element.
    func openContainer(_ tag: BinaryTag) -> Int {
        self.tag(tag)
        let offset = buffer.pointee.count
        raw32(0)
        return offset
    }

    func bumpCount(at offset: Int) {
        buffer.pointee.withUnsafeMutableBytes { raw in
            let count = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            raw.storeBytes(of: (count &+ 1).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// Writes primitives directly (no `Encoder` made for them), everything else through
    /// its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        // Metadata comparisons, not dynamic casts: this runs for every value.
        if T.self == Int.self {
            int(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == String.self {
            try string(unsafeBitCast(value, to: String.self))
        } else if T.self == Bool.self {
            tag(unsafeBitCast(value, to: Bool.self) ? .true : .false)
        } else if T.self == Double.self {
            tag(.double)
            raw64(unsafeBitCast(value, to: Double.self).bitPattern)
        } else if ObjectIdentifier(T.self) == intArrayType {
            let v = unsafeBitCast(value, to: [Int].self)
            if v.count > UInt32.max { throw tooLarge(value, codingPath) }
            tag(.unkeyed)
            raw32(UInt32(v.count))
            buffer.pointee.reserveCapacity(buffer.pointee.count + 9 * v.count)
            for element in v { int(Int64(element)) }
        } else {
            try value.encode(to: BinaryEncoderImpl(sink: self, codingPath: codingPath))
        }
    }

    private func tooLarge(_ value: Any, _ codingPath: [any CodingKey]) -> EncodingError {
        .invalidValue(value, .init(codingPath: codingPath, debugDescription: "more than 2^32 elements"))
    }
}
