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
