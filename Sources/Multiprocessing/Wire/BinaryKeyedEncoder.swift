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
