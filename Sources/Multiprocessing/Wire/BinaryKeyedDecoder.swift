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
