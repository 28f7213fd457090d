/// The id of a job row: what `PostgresExecutor.enqueue` returns, and what
/// `PostgresExecutor.future(for:of:)` takes in another process. Codable as a bare integer.
public struct JobID: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { "job \(rawValue)" }
}
