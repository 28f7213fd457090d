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
