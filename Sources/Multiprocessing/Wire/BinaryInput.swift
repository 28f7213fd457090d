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
