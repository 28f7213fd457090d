/// The key `superEncoder()` / `superDecoder()` use, as `JSONEncoder` does.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { if stringValue != "super" { return nil } }
    init?(intValue: Int) { nil }
}

/// `[Int].self`, looked up once: comparing against `[Int].self` directly instantiates the
/// generic metadata on every call, which showed up in profiles.
let intArrayType = ObjectIdentifier([Int].self)
