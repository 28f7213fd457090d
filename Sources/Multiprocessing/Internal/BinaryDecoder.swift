/// Reads what `BinaryEncoder` wrote. Every read is bounds-checked and every tag checked,
/// so garbage ends in a `DecodingError`, never a trap or a read past the end.
struct BinaryDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let input = BinaryInput(bytes: bytes)
        var position = 0
        let value = try input.decodeValue(type, at: &position, codingPath: [])
        guard position == bytes.count else {
            throw input.corrupt([], "\(bytes.count - position) bytes left after the value")
        }
        return value
    }
}

/// The bytes of one message; a class so that containers share them without copying.
final class BinaryInput {
    let bytes: [UInt8]
    /// Deeper nesting than this is treated as garbage (it would otherwise exhaust the stack).
    static let maximumDepth = 256

    init(bytes: [UInt8]) { self.bytes = bytes }

    func corrupt(_ codingPath: [any CodingKey], _ message: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: message))
    }

    @inline(__always)
    func byte(at position: Int, _ codingPath: [any CodingKey]) throws -> UInt8 {
        guard position >= 0, position < bytes.count else {
            throw corrupt(codingPath, "unexpected end of data")
        }
        return bytes[position]
    }

    @inline(__always)
    func raw64(at position: Int, _ codingPath: [any CodingKey]) throws -> UInt64 {
        guard position >= 0, position + 8 <= bytes.count else {
            throw corrupt(codingPath, "unexpected end of data")
        }
        return bytes.withUnsafeBytes {
            UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        }
    }

    @inline(__always)
    func raw32(at position: Int, _ codingPath: [any CodingKey]) throws -> UInt32 {
        guard position >= 0, position + 4 <= bytes.count else {
            throw corrupt(codingPath, "unexpected end of data")
        }
        return bytes.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        }
    }

    func raw16(at position: Int, _ codingPath: [any CodingKey]) throws -> Int {
        Int(try byte(at: position, codingPath)) | Int(try byte(at: position + 1, codingPath)) << 8
    }

    func tag(at position: Int, _ codingPath: [any CodingKey]) throws -> BinaryTag {
        let raw = try byte(at: position, codingPath)
        guard let tag = BinaryTag(rawValue: raw) else { throw corrupt(codingPath, "unknown tag \(raw)") }
        return tag
    }

    func expect(_ expected: BinaryTag, at position: Int, _ codingPath: [any CodingKey], _ type: Any.Type)
        throws
    {
        let found = try tag(at: position, codingPath)
        guard found == expected else {
            throw DecodingError.typeMismatch(
                type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(found)"))
        }
    }

    /// The position just after the value that starts at `position`.
    func skip(at position: Int, depth: Int = 0, _ codingPath: [any CodingKey]) throws -> Int {
        guard depth < BinaryInput.maximumDepth else { throw corrupt(codingPath, "nesting too deep") }
        switch try tag(at: position, codingPath) {
        case .null, .false, .true: return position + 1
        case .int, .uint, .double: return position + 9
        case .float: return position + 5
        case .string:
            let end = position + 5 + Int(try raw32(at: position + 1, codingPath))
            guard end <= bytes.count else { throw corrupt(codingPath, "string runs past the end") }
            return end
        case .keyed:
            let count = Int(try raw32(at: position + 1, codingPath))
            var cursor = position + 5
            for _ in 0..<count {
                cursor += 2 + (try raw16(at: cursor, codingPath))
                cursor = try skip(at: cursor, depth: depth + 1, codingPath)
            }
            return cursor
        case .unkeyed:
            let count = Int(try raw32(at: position + 1, codingPath))
            var cursor = position + 5
            for _ in 0..<count { cursor = try skip(at: cursor, depth: depth + 1, codingPath) }
            return cursor
        }
    }

    func isNil(at position: Int, _ codingPath: [any CodingKey]) throws -> Bool {
        try byte(at: position, codingPath) == BinaryTag.null.rawValue
    }

    func bool(at position: inout Int, _ codingPath: [any CodingKey]) throws -> Bool {
        switch try tag(at: position, codingPath) {
        case .true:
            position += 1
            return true
        case .false:
            position += 1
            return false
        case let found:
            throw DecodingError.typeMismatch(
                Bool.self, .init(codingPath: codingPath, debugDescription: "expected a Bool, found \(found)"))
        }
    }

    func string(at position: inout Int, _ codingPath: [any CodingKey]) throws -> String {
        try expect(.string, at: position, codingPath, String.self)
        let count = Int(try raw32(at: position + 1, codingPath))
        let start = position + 5
        guard start + count <= bytes.count else { throw corrupt(codingPath, "string runs past the end") }
        position = start + count
        return String(decoding: bytes[start..<start + count], as: UTF8.self)
    }

    func double(at position: inout Int, _ codingPath: [any CodingKey]) throws -> Double {
        switch try tag(at: position, codingPath) {
        case .double:
            let bits = try raw64(at: position + 1, codingPath)
            position += 9
            return Double(bitPattern: bits)
        case .float:
            let bits = try raw32(at: position + 1, codingPath)
            position += 5
            return Double(Float(bitPattern: bits))
        case let found:
            throw DecodingError.typeMismatch(
                Double.self,
                .init(codingPath: codingPath, debugDescription: "expected a number, found \(found)"))
        }
    }

    func float(at position: inout Int, _ codingPath: [any CodingKey]) throws -> Float {
        switch try tag(at: position, codingPath) {
        case .float:
            let bits = try raw32(at: position + 1, codingPath)
            position += 5
            return Float(bitPattern: bits)
        case .double:
            let bits = try raw64(at: position + 1, codingPath)
            position += 9
            return Float(Double(bitPattern: bits))
        case let found:
            throw DecodingError.typeMismatch(
                Float.self,
                .init(codingPath: codingPath, debugDescription: "expected a number, found \(found)"))
        }
    }

    /// Any integer type; a value that does not fit throws rather than truncating.
    func integer<T: FixedWidthInteger>(_ type: T.Type, at position: inout Int, _ codingPath: [any CodingKey])
        throws -> T
    {
        let result: T?
        switch try tag(at: position, codingPath) {
        case .int: result = T(exactly: Int64(bitPattern: try raw64(at: position + 1, codingPath)))
        case .uint: result = T(exactly: try raw64(at: position + 1, codingPath))
        case let found:
            throw DecodingError.typeMismatch(
                T.self, .init(codingPath: codingPath, debugDescription: "expected an integer, found \(found)")
            )
        }
        guard let result else { throw corrupt(codingPath, "integer does not fit in \(T.self)") }
        position += 9
        return result
    }

    /// Primitives are read directly; everything else through its `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type, at position: inout Int, codingPath: [any CodingKey]) throws
        -> T
    {
        if T.self == Int.self, let value = try integer(Int.self, at: &position, codingPath) as? T {
            return value
        }
        if T.self == String.self, let value = try string(at: &position, codingPath) as? T { return value }
        if T.self == Bool.self, let value = try bool(at: &position, codingPath) as? T { return value }
        if T.self == Double.self, let value = try double(at: &position, codingPath) as? T { return value }
        if ObjectIdentifier(T.self) == intArrayType {
            try expect(.unkeyed, at: position, codingPath, T.self)
            let count = Int(try raw32(at: position + 1, codingPath))
            guard count <= (bytes.count - position) / 9 else {
                throw corrupt(codingPath, "array runs past the end")
            }
            var cursor = position + 5
            var result: [Int] = []
            result.reserveCapacity(count)
            for _ in 0..<count { result.append(try integer(Int.self, at: &cursor, codingPath)) }
            // The identifier check above makes this cast succeed.
            if let value = result as? T {
                position = cursor
                return value
            }
        }
        let end = try skip(at: position, codingPath)
        let value = try T(from: BinaryDecoderImpl(input: self, position: position, codingPath: codingPath))
        position = end
        return value
    }
}

struct BinaryDecoderImpl: Decoder {
    let input: BinaryInput
    let position: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(
            try BinaryKeyedDecoder<Key>(input: input, position: position, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(input: input, position: position, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecoder(input: input, position: position, codingPath: codingPath)
    }
}

struct BinaryKeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let input: BinaryInput
    var codingPath: [any CodingKey]
    /// Where the first entry starts, and how many there are; lookups walk the entries
    /// (structs are small, and this saves an allocation per decoded value).
    private let firstEntry: Int
    private let count: Int

    init(input: BinaryInput, position: Int, codingPath: [any CodingKey]) throws {
        self.input = input
        self.codingPath = codingPath
        try input.expect(.keyed, at: position, codingPath, [String: Any].self)
        count = Int(try input.raw32(at: position + 1, codingPath))
        guard count <= (input.bytes.count - position) / 3 else {
            throw input.corrupt(codingPath, "container runs past the end")
        }
        firstEntry = position + 5
    }

    /// (key start, key length, value position) of each entry; valid after `init`.
    private func forEachEntry(_ body: (Int, Int, Int) -> Bool) {
        var cursor = firstEntry
        for _ in 0..<count {
            guard let keyCount = try? input.raw16(at: cursor, codingPath) else { return }
            let keyStart = cursor + 2
            if body(keyStart, keyCount, keyStart + keyCount) { return }
            guard let next = try? input.skip(at: keyStart + keyCount, codingPath) else { return }
            cursor = next
        }
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        forEachEntry { keyStart, keyCount, _ in
            if let key = Key(
                stringValue: String(decoding: input.bytes[keyStart..<keyStart + keyCount], as: UTF8.self))
            {
                keys.append(key)
            }
            return false
        }
        return keys
    }

    private func find(_ key: some CodingKey) -> Int? {
        var name = key.stringValue
        var found: Int?
        name.withUTF8 { utf8 in
            input.bytes.withUnsafeBufferPointer { all in
                forEachEntry { keyStart, keyCount, value in
                    guard keyCount == utf8.count, keyStart + keyCount <= all.count else { return false }
                    if memcmpEqual(all.baseAddress! + keyStart, utf8.baseAddress, utf8.count) {
                        found = value
                        return true
                    }
                    return false
                }
            }
        }
        return found
    }

    private func position(_ key: Key) throws -> Int {
        guard let position = find(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for the key"))
        }
        return position
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        try input.isNil(at: try position(key), codingPath)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        var p = try position(key)
        return try input.bool(at: &p, codingPath)
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        var p = try position(key)
        return try input.string(at: &p, codingPath)
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        var p = try position(key)
        return try input.double(at: &p, codingPath)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        var p = try position(key)
        return try input.float(at: &p, codingPath)
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        var p = try position(key)
        return try input.integer(Int.self, at: &p, codingPath)
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        var p = try position(key)
        return try input.integer(Int8.self, at: &p, codingPath)
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        var p = try position(key)
        return try input.integer(Int16.self, at: &p, codingPath)
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        var p = try position(key)
        return try input.integer(Int32.self, at: &p, codingPath)
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        var p = try position(key)
        return try input.integer(Int64.self, at: &p, codingPath)
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        var p = try position(key)
        return try input.integer(UInt.self, at: &p, codingPath)
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        var p = try position(key)
        return try input.integer(UInt8.self, at: &p, codingPath)
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        var p = try position(key)
        return try input.integer(UInt16.self, at: &p, codingPath)
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        var p = try position(key)
        return try input.integer(UInt32.self, at: &p, codingPath)
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        var p = try position(key)
        return try input.integer(UInt64.self, at: &p, codingPath)
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        var p = try position(key)
        return try input.decodeValue(T.self, at: &p, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(
            try BinaryKeyedDecoder<NestedKey>(
                input: input, position: try position(key), codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(input: input, position: try position(key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        guard let p = find(SuperKey()) else {
            throw DecodingError.keyNotFound(
                SuperKey(), .init(codingPath: codingPath, debugDescription: "no super"))
        }
        return BinaryDecoderImpl(input: input, position: p, codingPath: codingPath + [SuperKey()])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BinaryDecoderImpl(input: input, position: try position(key), codingPath: codingPath + [key])
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
    guard let b else { return count == 0 }
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}

struct BinaryUnkeyedDecoder: UnkeyedDecodingContainer {
    let input: BinaryInput
    var codingPath: [any CodingKey]
    let count: Int?
    private(set) var currentIndex = 0
    private var cursor: Int

    init(input: BinaryInput, position: Int, codingPath: [any CodingKey]) throws {
        self.input = input
        self.codingPath = codingPath
        try input.expect(.unkeyed, at: position, codingPath, [Any].self)
        let count = Int(try input.raw32(at: position + 1, codingPath))
        guard count <= input.bytes.count - position else {
            throw input.corrupt(codingPath, "array runs past the end")
        }
        self.count = count
        cursor = position + 5
    }

    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    private var path: [any CodingKey] { codingPath }

    private mutating func next<T>(_ read: (inout Int) throws -> T) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                T.self, .init(codingPath: codingPath, debugDescription: "unkeyed container is at its end"))
        }
        let value = try read(&cursor)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if try input.isNil(at: cursor, path) {
            cursor += 1
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let p = path
        let input = input
        return try next { try input.bool(at: &$0, p) }
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let p = path
        let input = input
        return try next { try input.string(at: &$0, p) }
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let p = path
        let input = input
        return try next { try input.double(at: &$0, p) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        let p = path
        let input = input
        return try next { try input.float(at: &$0, p) }
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let p = path
        let input = input
        return try next { try input.integer(T.self, at: &$0, p) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let p = path
        let input = input
        return try next { try input.decodeValue(T.self, at: &$0, codingPath: p) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let p = path
        let input = input
        return try next { position in
            let container = try BinaryKeyedDecoder<NestedKey>(input: input, position: position, codingPath: p)
            position = try input.skip(at: position, p)
            return KeyedDecodingContainer(container)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let p = path
        let input = input
        return try next { position in
            let container = try BinaryUnkeyedDecoder(input: input, position: position, codingPath: p)
            position = try input.skip(at: position, p)
            return container
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        let p = path
        let input = input
        return try next { position in
            let decoder = BinaryDecoderImpl(input: input, position: position, codingPath: p)
            position = try input.skip(at: position, p)
            return decoder
        }
    }
}

struct BinarySingleValueDecoder: SingleValueDecodingContainer {
    let input: BinaryInput
    let position: Int
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { (try? input.isNil(at: position, codingPath)) ?? false }
    func decode(_ type: Bool.Type) throws -> Bool {
        var p = position
        return try input.bool(at: &p, codingPath)
    }
    func decode(_ type: String.Type) throws -> String {
        var p = position
        return try input.string(at: &p, codingPath)
    }
    func decode(_ type: Double.Type) throws -> Double {
        var p = position
        return try input.double(at: &p, codingPath)
    }
    func decode(_ type: Float.Type) throws -> Float {
        var p = position
        return try input.float(at: &p, codingPath)
    }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        var p = position
        return try input.integer(T.self, at: &p, codingPath)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        var p = position
        return try input.decodeValue(T.self, at: &p, codingPath: codingPath)
    }
}
