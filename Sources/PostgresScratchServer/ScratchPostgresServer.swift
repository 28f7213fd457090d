import Glibc
import Synchronization

/// A throwaway PostgreSQL server for tests and the lab: a new cluster in a temp dir under
/// /tmp, listening on 127.0.0.1 and a Unix socket in that dir only, with trust
/// authentication for the `postgres` superuser and durability off (fsync, full-page
/// writes, synchronous commit), so it starts in about a second and is gone after `stop()`.
///
/// When the process runs as root (CI), the server programs run as the `postgres` user
/// through runuser, because PostgreSQL refuses to run as root.
///
/// A process that ends without `stop()` (a crash, a SIGKILL) still leaves no server
/// behind: a shell it spawned waits for that end and stops the server.
package final class ScratchPostgresServer: Sendable {
    /// The TCP port the server listens on, on 127.0.0.1 only.
    package let port: Int
    /// The directory holding the server's Unix socket (`.s.PGSQL.<port>`); it is the temp
    /// dir that also holds the cluster and the logs, and goes with `stop()`.
    package let socketDirectory: String

    private let dataDirectory: String
    private let binDirectory: String
    private let psqlPath: String
    /// Put before each initdb / pg_ctl command: runuser when we are root, else nothing.
    private let asServerUser: [String]
    /// True once `stop()` began; held while it runs, so a second caller returns only after
    /// the server is gone.
    private let stopped = Mutex(false)
    /// The shell that stops the server and removes the temp dir when this process ends
    /// without `stop()` (a crash, a SIGKILL), and the descriptor whose closing wakes it.
    private let ownerExitGuard: (pid: pid_t, descriptor: Int32)?

    /// A failed step, with the tail of its log.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String

        package init(_ description: String) {
            self.description = description
        }
    }

    /// One line for a skip message: how to get a server these tests can start.
    package static let installHint =
        "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql), "
        + "or set THREADING_PG_BIN to the directory holding initdb"

    /// The directory holding initdb, pg_ctl and postgres: `$THREADING_PG_BIN` when set (made
    /// absolute; nil when it has no initdb: an explicit choice is not silently replaced), else
    /// /usr/lib/postgresql/<highest version>/bin, else `pg_config --bindir` when pg_config is
    /// on `PATH`; nil when none has initdb. Blocks only in the last case, while pg_config runs.
    package static func binaryDirectory() -> String? {
        if let explicit = getenv("THREADING_PG_BIN"), explicit.pointee != 0 {
            // Absolute, because the programs are started in "/".
            guard let resolved = realpath(explicit, nil) else { return nil }
            defer { free(resolved) }
            let directory = String(cString: resolved)
            return hasInitdb(directory) ? directory : nil
        }
        if let directory = debianBinaryDirectory() { return directory }
        guard let pgConfig = ScratchProcess.findOnPath("pg_config"),
            let result = try? ScratchProcess.capture([pgConfig, "--bindir"]), result.exit.succeeded
        else { return nil }
        let directory = trimmed(result.stdout)
        return hasInitdb(directory) ? directory : nil
    }

    /// Creates a cluster in a new temp dir (initdb) and starts the server on a free port
    /// (`pg_ctl start -w`), trying up to three ports when a start fails (another process
    /// may take the port between our probe and the server's bind). Blocks until the server
    /// accepts connections: about a second, nearly all of it initdb. Throws `Failure`, with
    /// the tail of the step's log, when no server is installed or a step fails; the temp
    /// dir is removed then.
    package init() throws {
        guard let binDirectory = Self.binaryDirectory() else {
            throw Failure("no PostgreSQL server found: \(Self.installHint)")
        }
        let asServerUser = try Self.serverUserPrefix()
        let directory = try Self.makeTemporaryDirectory(chownToPostgres: !asServerUser.isEmpty)
        let dataDirectory = directory + "/data"
        do {
            port = try Self.createAndStart(
                bin: binDirectory, data: dataDirectory, directory: directory, asServerUser: asServerUser)
        } catch {
            ScratchProcess.removeTree(directory)
            throw error
        }
        let stopCommand =
            asServerUser + ["\(binDirectory)/pg_ctl", "stop", "-m", "immediate", "-w", "-D", dataDirectory]
        // Without it a crashed test run would leave its server running for good: pg_ctl
        // starts the server in a session of its own, and nothing else stops it. A failure
        // to spawn the guard leaves only that safety net out.
        ownerExitGuard = try? ScratchProcess.spawnOnOwnerExit(stopCommand, thenRemove: directory)
        self.binDirectory = binDirectory
        self.asServerUser = asServerUser
        self.dataDirectory = dataDirectory
        socketDirectory = directory
        let packaged = binDirectory + "/psql"
        psqlPath =
            ScratchProcess.isExecutable(packaged) ? packaged : ScratchProcess.findOnPath("psql") ?? packaged
    }

    deinit {
        stop()
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication: no password).
    /// No I/O: built from `port`.
    package var url: String {
        "postgres://postgres@127.0.0.1:\(port)/postgres"
    }

    /// `postgres://postgres@/postgres?host=<socketDirectory>&port=<port>`: the same server
    /// through its Unix socket. No I/O: built from `socketDirectory` and `port`.
    package var socketURL: String {
        "postgres://postgres@/postgres?host=\(socketDirectory)&port=\(port)"
    }

    /// Stops the server (`pg_ctl stop -m immediate -w`: no checkpoint, backends killed) and
    /// removes the temp dir. Blocks until pg_ctl saw the server exit, a fraction of a
    /// second; a concurrent caller blocks until the first one is done. Idempotent; deinit
    /// calls it. A failure to stop is not reported: the dir goes either way.
    package func stop() {
        stopped.withLock { stopped in
            guard !stopped else { return }
            stopped = true
            let command = ["\(binDirectory)/pg_ctl", "stop", "-m", "immediate", "-w", "-D", dataDirectory]
            _ = try? ScratchProcess.run(asServerUser + command, output: .discard)
            ScratchProcess.removeTree(socketDirectory)
            if let ownerExitGuard {
                // Its pg_ctl finds no cluster now, and its rm nothing to remove.
                _ = close(ownerExitGuard.descriptor)
                ScratchProcess.reap(ownerExitGuard.pid)
            }
        }
    }

    /// Runs `sql` through `psql -X -A -t -q -v ON_ERROR_STOP=1` as the `postgres` superuser
    /// over TCP and returns its stdout without leading and trailing white space: unaligned
    /// rows, one a line, columns split by `|`. Blocks until psql exits. Throws `Failure`,
    /// with psql's stderr, when it exits non-zero (an SQL error, or the server is stopped).
    package func psql(_ sql: String) throws -> String {
        let command = [
            psqlPath, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)",
            "-U", "postgres", "-d", "postgres", "-c", sql,
        ]
        let result = try ScratchProcess.capture(asServerUser + command)
        guard result.exit.succeeded else {
            throw Failure("psql -c \"\(sql)\" failed (\(result.exit)): \(Self.trimmed(result.stderr))")
        }
        return Self.trimmed(result.stdout)
    }

    // MARK: - Starting

    /// initdb into `data`, then `pg_ctl start` on up to three free ports; returns the port.
    private static func createAndStart(bin: String, data: String, directory: String, asServerUser: [String])
        throws(Failure) -> Int
    {
        // One log per program, so a failure shows only its own; the server writes to serverLog.
        let initdbLog = directory + "/initdb.log"
        let pgCtlLog = directory + "/pg_ctl.log"
        let serverLog = directory + "/server.log"
        // Locale C accepts any encoding, whatever LANG the caller has.
        let initdb = [
            "\(bin)/initdb", "-D", data, "--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C",
        ]
        let created = try ScratchProcess.run(asServerUser + initdb, output: .append(initdbLog))
        guard created.succeeded else {
            throw Failure("initdb failed (\(created)):\n\(tail(initdbLog))")
        }
        var lastExit = created
        for _ in 1...3 {
            let port = try ScratchProcess.freePort()
            // pg_ctl hands these to the server through /bin/sh, hence the quotes.
            let options = [
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
                "-c listen_addresses=127.0.0.1", "-p \(port)", "-k '\(directory)'", "-c max_connections=200",
            ]
            let start = [
                "\(bin)/pg_ctl", "start", "-w", "-D", data, "-l", serverLog, "-o",
                options.joined(separator: " "),
            ]
            lastExit = try ScratchProcess.run(asServerUser + start, output: .append(pgCtlLog))
            if lastExit.succeeded { return port }
        }
        // A start that timed out may have left a server running in the dir we remove next.
        let stop = ["\(bin)/pg_ctl", "stop", "-m", "immediate", "-w", "-D", data]
        _ = try? ScratchProcess.run(asServerUser + stop, output: .discard)
        var message = "pg_ctl start failed 3 times (\(lastExit)):\n\(tail(pgCtlLog))"
        let serverTail = tail(serverLog)
        if !serverTail.isEmpty { message += "\nserver log:\n\(serverTail)" }
        throw Failure(message)
    }

    /// `[runuser -u postgres --]` when we are root, else `[]`. PostgreSQL refuses to run as
    /// root; CI runs the tests as root on a fresh machine.
    private static func serverUserPrefix() throws(Failure) -> [String] {
        guard geteuid() == 0 else { return [] }
        let runuser = "/usr/sbin/runuser"
        guard ScratchProcess.isExecutable(runuser) else {
            throw Failure("running as root, which PostgreSQL refuses, and \(runuser) is missing")
        }
        return [runuser, "-u", "postgres", "--"]
    }

    /// mkdtemp under /tmp (not $TMPDIR: the socket path must stay under 108 bytes). When
    /// `chownToPostgres`, the dir is given to the postgres user, who must write the cluster
    /// and the socket there; it stays mode 0700, and root passes regardless.
    private static func makeTemporaryDirectory(chownToPostgres: Bool) throws(Failure) -> String {
        var template = Array("/tmp/swift-threading-pg.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ScratchProcess.systemFailure("mkdtemp(/tmp)")
        }
        let directory = String(cString: made)
        guard chownToPostgres else { return directory }
        do throws(Failure) {
            let (uid, gid) = try postgresUser()
            guard chown(directory, uid, gid) == 0 else {
                throw ScratchProcess.systemFailure("chown(\(directory))")
            }
        } catch {
            ScratchProcess.removeTree(directory)
            throw error
        }
        return directory
    }

    /// The uid and gid of the postgres user (getpwnam_r: getpwnam's buffer is shared).
    private static func postgresUser() throws(Failure) -> (uid_t, gid_t) {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let rc = buffer.withUnsafeMutableBufferPointer {
            getpwnam_r("postgres", &entry, $0.baseAddress!, $0.count, &found)
        }
        guard rc == 0, found != nil else {
            throw Failure(
                "running as root, which PostgreSQL refuses, and there is no postgres user to run it as")
        }
        return (entry.pw_uid, entry.pw_gid)
    }

    // MARK: - Finding the binaries

    private static func hasInitdb(_ directory: String) -> Bool {
        ScratchProcess.isExecutable(directory + "/initdb")
    }

    /// The bin dir of the highest version under /usr/lib/postgresql (Debian's layout,
    /// where several versions can sit side by side) that has initdb.
    private static func debianBinaryDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ScratchProcess.entries(of: root).compactMap { name in
            version(name).map { (name: name, version: $0) }
        }
        let newestFirst = versions.sorted { $0.version.lexicographicallyPrecedes($1.version) }.reversed()
        return newestFirst.lazy.map { "\(root)/\($0.name)/bin" }.first(where: hasInitdb)
    }

    /// "15" → [15], "9.6" → [9, 6]; nil for a name that is not a version.
    private static func version(_ name: String) -> [Int]? {
        var parts: [Int] = []
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let number = Int(part), number >= 0 else { return nil }
            parts.append(number)
        }
        return parts
    }

    // MARK: - Text

    /// The last `count` lines of the file at `path`, for a failure message.
    private static func tail(_ path: String, count: Int = 20) -> String {
        let lines = trimmed(ScratchProcess.readFile(path)).split(
            separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(count).joined(separator: "\n")
    }

    private static func trimmed(_ text: String) -> String {
        var view = Substring(text)
        while view.first?.isWhitespace == true { view.removeFirst() }
        while view.last?.isWhitespace == true { view.removeLast() }
        return String(view)
    }
}
