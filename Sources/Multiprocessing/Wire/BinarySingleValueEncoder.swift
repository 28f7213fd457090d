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
