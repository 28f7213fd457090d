/// Reads what `BinaryEncoder` wrote. Every read is bounds-checked and every tag checked,
/// so garbage ends in a `DecodingError`, never a trap or a read past the end.
package struct BinaryDecoder {
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let input = BinaryInput(bytes: bytes)
        var position = 0
        let value = try input.decodeValue(type, at: &position, codingPath: [])
        guard position == bytes.count else {
            throw input.corrupt([], "\(bytes.count - position) bytes left after the value")
        }
        return value
    }
}
