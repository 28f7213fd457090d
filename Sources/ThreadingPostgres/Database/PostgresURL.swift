import PostgresNIO

/// A parsed `postgres://` URL: where the server is and who logs in.
///
/// Forms: `postgres://user[:password]@host[:port]/database` (TCP; port 5432 by default) and
/// `postgres://user[:password]@/database?host=/socket/dir[&port=N]` (a Unix socket,
/// `/socket/dir/.s.PGSQL.N`). `postgresql://` is the same. User and password may be
/// percent-encoded. TLS is not used: the server is on a trusted network or this machine.
struct PostgresURL: Equatable, Sendable {
    enum Endpoint: Equatable, Sendable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    var endpoint: Endpoint
    var user: String
    var password: String?
    var database: String

    init(_ text: String) throws(PostgresExecutorError) {
        var rest = Substring(text)
        guard let schemeEnd = rest.range(of: "://") else {
            throw .invalidURL("\(text.debugDescription) has no scheme (postgres://…)")
        }
        let scheme = rest[..<schemeEnd.lowerBound]
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL("scheme \(String(scheme).debugDescription) is not postgres")
        }
        rest = rest[schemeEnd.upperBound...]
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw .invalidURL("query item \(String(pair).debugDescription)")
                }
                query[String(parts[0])] = try PostgresURL.percentDecoded(parts[1])
            }
            rest = rest[..<mark]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw .invalidURL("\(text.debugDescription) names no user (postgres://user@host/db)")
        }
        let credentials = rest[..<at]
        var hostPart = rest[rest.index(after: at)...]
        var databasePart: Substring = ""
        if let slash = hostPart.firstIndex(of: "/") {
            databasePart = hostPart[hostPart.index(after: slash)...]
            hostPart = hostPart[..<slash]
        }
        if let colon = credentials.firstIndex(of: ":") {
            user = try PostgresURL.percentDecoded(credentials[..<colon])
            password = try PostgresURL.percentDecoded(credentials[credentials.index(after: colon)...])
        } else {
            user = try PostgresURL.percentDecoded(credentials)
            password = nil
        }
        guard !user.isEmpty else { throw .invalidURL("\(text.debugDescription) names no user") }
        database = try PostgresURL.percentDecoded(databasePart)
        guard !database.isEmpty else { throw .invalidURL("\(text.debugDescription) names no database") }

        var port = 5432
        if let portText = query["port"] {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .invalidURL("port \(portText.debugDescription)")
            }
            port = value
        }
        if hostPart.isEmpty {
            guard let directory = query["host"], directory.hasPrefix("/") else {
                throw .invalidURL(
                    "\(text.debugDescription) has no host; for a Unix socket add ?host=/socket/dir")
            }
            endpoint = .unixSocket(path: "\(directory)/.s.PGSQL.\(port)")
        } else {
            var host = hostPart
            if let colon = hostPart.lastIndex(of: ":") {
                let portText = hostPart[hostPart.index(after: colon)...]
                guard let value = Int(portText), (1...65535).contains(value) else {
                    throw .invalidURL("port \(String(portText).debugDescription)")
                }
                port = value
                host = hostPart[..<colon]
            }
            guard !host.isEmpty else { throw .invalidURL("\(text.debugDescription) has an empty host") }
            endpoint = .tcp(host: String(host), port: port)
        }
    }

    /// The connection settings postgres-nio takes.
    var configuration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .unixSocket(let path):
            configuration = .init(
                unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Where the server is, in words, for error messages (never the password).
    var place: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)/\(database)"
        case .unixSocket(let path): "\(path)/\(database)"
        }
    }

    private static func percentDecoded(_ text: Substring) throws(PostgresExecutorError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else {
                throw .invalidURL("bad percent escape in \(String(text).debugDescription)")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
