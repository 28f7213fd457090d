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
package struct BinaryEncoder {
    /// Appends the encoding of `value` to `bytes`.
    package static func encode<T: Encodable>(_ value: T, into bytes: inout [UInt8]) throws {
        let sink = BinarySink(bytes: bytes)
        bytes = []
        defer { bytes = sink.take() }
        try sink.encodeValue(value, codingPath: [])
    }

    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, into: &bytes)
        return bytes
    }
}
