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
