// Tasks whose input or output cannot cross the wire: each side's coding errors.
import Multiprocessing

/// An output whose encoding throws (in the worker).
struct Unencodable: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            0, .init(codingPath: [], debugDescription: "this output cannot be encoded"))
    }
}

struct BadOutputTask: ProcessTask {
    static var taskName: String { "probe.BadOutputTask" }
    var x: Int
    func run() -> Unencodable { Unencodable() }
}

/// Encodes fine in the pool; decoding it (in the worker) throws.
struct UndecodableInWorker: ProcessTask {
    static var taskName: String { "probe.UndecodableInWorker" }
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "this task cannot be decoded"))
    }
    func run() -> Int { x }
}

/// Its encoding throws (in the pool, at `submit`).
struct UnencodableTask: ProcessTask {
    static var taskName: String { "probe.UnencodableTask" }
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws { x = 0 }
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            x, .init(codingPath: [], debugDescription: "this task cannot be encoded"))
    }
    func run() -> Int { x }
}

/// An output that encodes in the worker but does not decode in the pool.
struct UndecodableOutput: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "this output cannot be decoded"))
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
    }
}

struct UndecodableOutputTask: ProcessTask {
    static var taskName: String { "probe.UndecodableOutputTask" }
    var x: Int
    func run() -> UndecodableOutput { UndecodableOutput() }
}
