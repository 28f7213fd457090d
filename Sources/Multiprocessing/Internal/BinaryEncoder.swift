/// A compact, self-describing binary form of `Encodable` values, used for every task and
/// result that crosses a pipe (JSON would cost several times more per tiny task).
///
/// Each value starts with a tag byte (`BinaryTag`); integers are 8 bytes little-endian,
/// strings a 32-bit length and UTF-8, keyed containers a 32-bit entry count and
/// (16-bit key length, key, value) entries, unkeyed containers a count and the values.
/// The format is self-describing so that a decoder can skip a value it is not asked for
/// and reject garbage with a `DecodingError` instead of reading past the end.
///
/// Nested containers must be filled before their parent goes on, as synthesized `Codable`
/// conformances do: all containers append to one buffer.
struct BinaryEncoder {
    /// Appends the encoding of `value` to `bytes`.
    static func encode<T: Encodable>(_ value: T, into bytes: inout [UInt8]) throws {
        let sink = BinarySink(bytes: bytes)
        bytes = []
        defer { bytes = sink.take() }
        try sink.encodeValue(value, codingPath: [])
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, into: &bytes)
        return bytes
    }
}

enum BinaryTag: UInt8 {
    case null = 0
    case `false` = 1
    case `true` = 2
    case int = 3
    case uint = 4
    case double = 5
    case float = 6
    case string = 7
    case keyed = 8
    case unkeyed = 9
}

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

struct BinaryEncoderImpl: Encoder {
    let sink: BinarySink
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(
            BinaryKeyedEncoder<Key>(
                sink: sink, countOffset: sink.openContainer(.keyed), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        BinaryUnkeyedEncoder(sink: sink, countOffset: sink.openContainer(.unkeyed), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncoder(sink: sink, codingPath: codingPath)
    }
}

struct BinaryKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: BinarySink
    let countOffset: Int
    var codingPath: [any CodingKey]

    private func entry(_ key: Key) throws {
        sink.bumpCount(at: countOffset)
        try sink.key(key)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try entry(key)
        sink.tag(.null)
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try entry(key)
        sink.tag(value ? .true : .false)
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try entry(key)
        try sink.string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try entry(key)
        sink.tag(.double)
        sink.raw64(value.bitPattern)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try entry(key)
        sink.tag(.float)
        sink.raw32(value.bitPattern)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        try entry(key)
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
        try entry(key)
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        try entry(key)
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try entry(key)
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try entry(key)
        sink.int(value)
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try entry(key)
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        try entry(key)
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        try entry(key)
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        try entry(key)
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try entry(key)
        sink.uint(value)
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try entry(key)
        try sink.encodeValue(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        // `entry` throws only for keys over 64 KiB; such a key is recorded truncated-free by
        // writing an empty key instead, and the decoder then reports it missing.
        sink.bumpCount(at: countOffset)
        writeKeyOrEmpty(key)
        return KeyedEncodingContainer(
            BinaryKeyedEncoder<NestedKey>(
                sink: sink, countOffset: sink.openContainer(.keyed), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        sink.bumpCount(at: countOffset)
        writeKeyOrEmpty(key)
        return BinaryUnkeyedEncoder(
            sink: sink, countOffset: sink.openContainer(.unkeyed), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        sink.bumpCount(at: countOffset)
        writeKeyOrEmpty(SuperKey())
        return BinaryEncoderImpl(sink: sink, codingPath: codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        sink.bumpCount(at: countOffset)
        writeKeyOrEmpty(key)
        return BinaryEncoderImpl(sink: sink, codingPath: codingPath + [key])
    }

    private func writeKeyOrEmpty(_ key: some CodingKey) {
        do { try sink.key(key) } catch { sink.buffer.pointee.append(contentsOf: [0, 0]) }
    }
}

struct BinaryUnkeyedEncoder: UnkeyedEncodingContainer {
    let sink: BinarySink
    let countOffset: Int
    var codingPath: [any CodingKey]
    private(set) var count = 0

    init(sink: BinarySink, countOffset: Int, codingPath: [any CodingKey]) {
        self.sink = sink
        self.countOffset = countOffset
        self.codingPath = codingPath
    }

    private mutating func element() {
        sink.bumpCount(at: countOffset)
        count += 1
    }

    mutating func encodeNil() throws {
        element()
        sink.tag(.null)
    }
    mutating func encode(_ value: Bool) throws {
        element()
        sink.tag(value ? .true : .false)
    }
    mutating func encode(_ value: String) throws {
        element()
        try sink.string(value)
    }
    mutating func encode(_ value: Double) throws {
        element()
        sink.tag(.double)
        sink.raw64(value.bitPattern)
    }
    mutating func encode(_ value: Float) throws {
        element()
        sink.tag(.float)
        sink.raw32(value.bitPattern)
    }
    mutating func encode(_ value: Int) throws {
        element()
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int8) throws {
        element()
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int16) throws {
        element()
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int32) throws {
        element()
        sink.int(Int64(value))
    }
    mutating func encode(_ value: Int64) throws {
        element()
        sink.int(value)
    }
    mutating func encode(_ value: UInt) throws {
        element()
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt8) throws {
        element()
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt16) throws {
        element()
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt32) throws {
        element()
        sink.uint(UInt64(value))
    }
    mutating func encode(_ value: UInt64) throws {
        element()
        sink.uint(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        element()
        try sink.encodeValue(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        element()
        return KeyedEncodingContainer(
            BinaryKeyedEncoder<NestedKey>(
                sink: sink, countOffset: sink.openContainer(.keyed), codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        element()
        return BinaryUnkeyedEncoder(
            sink: sink, countOffset: sink.openContainer(.unkeyed), codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        element()
        return BinaryEncoderImpl(sink: sink, codingPath: codingPath)
    }
}

struct BinarySingleValueEncoder: SingleValueEncodingContainer {
    let sink: BinarySink
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { sink.tag(.null) }
    mutating func encode(_ value: Bool) throws { sink.tag(value ? .true : .false) }
    mutating func encode(_ value: String) throws { try sink.string(value) }
    mutating func encode(_ value: Double) throws {
        sink.tag(.double)
        sink.raw64(value.bitPattern)
    }
    mutating func encode(_ value: Float) throws {
        sink.tag(.float)
        sink.raw32(value.bitPattern)
    }
    mutating func encode(_ value: Int) throws { sink.int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { sink.int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { sink.int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { sink.int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { sink.int(value) }
    mutating func encode(_ value: UInt) throws { sink.uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { sink.uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { sink.uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { sink.uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { sink.uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try sink.encodeValue(value, codingPath: codingPath)
    }
}

/// The key `superEncoder()` / `superDecoder()` use, as `JSONEncoder` does.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { if stringValue != "super" { return nil } }
    init?(intValue: Int) { nil }
}

/// `[Int].self`, looked up once: comparing against `[Int].self` directly instantiates the
/// generic metadata on every call, which showed up in profiles.
let intArrayType = ObjectIdentifier([Int].self)
