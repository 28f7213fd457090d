import PostgresNIO

/// Small administrative statements for the lab and the tests (package access): making
/// a database for a run, reading a figure from the jobs table.
package enum PostgresAdmin {
    /// Creates database `name` on the server `url` points at (its own database is only
    /// used to connect) and returns the URL of the new one. Blocks on the server.
    package static func createDatabase(_ name: String, on url: String) throws -> String {
        let link = DatabaseLink(url: try PostgresURL(url), unreachableLimit: .seconds(10))
        defer { link.close() }
        try link.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        return replacingDatabase(of: url, with: name)
    }

    /// The first column of each row of `sql`, as text. Blocks on the server.
    package static func column(_ sql: String, on url: String) throws -> [String] {
        let link = DatabaseLink(url: try PostgresURL(url), unreachableLimit: .seconds(10))
        defer { link.close() }
        return try link.run(PostgresQuery(unsafeSQL: sql)).rows.map { row in
            (try? row.makeRandomAccess()[0].decode(String.self)) ?? ""
        }
    }

    /// `url` naming database `name` instead (user, host, port and query items kept).
    package static func replacingDatabase(of url: String, with name: String) -> String {
        let queryStart = url.firstIndex(of: "?") ?? url.endIndex
        let base = url[..<queryStart]
        let afterAt = base.lastIndex(of: "@").map { base.index(after: $0) } ?? base.startIndex
        let slash = base[afterAt...].firstIndex(of: "/") ?? base.endIndex
        return "\(base[..<slash])/\(name)\(url[queryStart...])"
    }
}
