import Glibc

/// A file being written by the trace writers: text is gathered in a buffer and written
/// with `write(2)` in large pieces. Every failure throws
/// `ThreadingError.invalidArgument("cannot write <path>: <reason>")`.
struct TraceFile: ~Copyable {
    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// open(2) with O_CREAT | O_TRUNC, mode 0644.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw Self.failure(path, errno) }
        descriptor = fd
        buffer.reserveCapacity(Self.chunk)
    }

    deinit { close(descriptor) }

    private static let chunk = 1 << 16

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Writes what is buffered; call once at the end.
    mutating func flush() throws {
        let code = buffer.withUnsafeBytes { writeAll(descriptor, $0) }
        if code != 0 { throw Self.failure(path, code) }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func failure(_ path: String, _ code: Int32) -> ThreadingError {
        .invalidArgument("cannot write \(path): \(String(cString: strerror(code)))")
    }
}

enum TraceText {
    /// `text` as a JSON string literal, quotes included (RFC 8259 escaping).
    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `text` safe inside HTML or SVG text and attribute values.
    static func html(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Nanoseconds as microseconds with three decimals, e.g. `1234.567`.
    static func microseconds(_ nanoseconds: Int64) -> String {
        let value = max(0, nanoseconds)
        let fraction = String(value % 1000)
        return "\(value / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A duration for people: `950 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`.
    static func duration(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds)
        if nanoseconds < 1000 { return "\(nanoseconds) ns" }
        if nanoseconds < 1_000_000 { return rounded(value / 1e3) + " µs" }
        if nanoseconds < 1_000_000_000 { return rounded(value / 1e6) + " ms" }
        return rounded(value / 1e9) + " s"
    }

    /// Three significant digits, without Foundation's formatting.
    static func rounded(_ value: Double) -> String {
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        if decimals == 0 { return String(scaled) }
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
