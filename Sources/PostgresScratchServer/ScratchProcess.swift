import Glibc

/// The child processes and file-system calls `ScratchPostgresServer` needs. Nothing here
/// forks: the tests that start a server run many threads, and `posix_spawn` hands the child
/// none of their state (held locks, half-written buffers).
enum ScratchProcess {
    /// How a child ended, from the raw `waitpid` status.
    struct Exit: CustomStringConvertible {
        var status: Int32

        var succeeded: Bool { status == 0 }

        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros Swift cannot import.
        var description: String {
            let signal = status & 0x7f
            return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(signal)"
        }
    }

    /// Where the child's stdout and stderr go (its stdin is always /dev/null).
    enum Output {
        /// Both to /dev/null.
        case discard
        /// Both appended to the file at this path (created when missing).
        case append(String)
        /// stdout and stderr to these descriptors of ours.
        case descriptors(stdout: Int32, stderr: Int32)
    }

    /// Spawns `arguments` (the first is an absolute path) and blocks in `waitpid` until it ends.
    static func run(_ arguments: [String], output: Output) throws(ScratchPostgresServer.Failure) -> Exit {
        try wait(spawn(arguments, output: output))
    }

    /// Spawns `arguments` with stdout and stderr on sockets, blocks in `poll` reading both
    /// until end-of-file, then blocks in `waitpid` until it ends.
    static func capture(_ arguments: [String]) throws(ScratchPostgresServer.Failure) -> (
        exit: Exit, stdout: String, stderr: String
    ) {
        let out = try socketPair()
        let err: (ours: Int32, child: Int32)
        do { err = try socketPair() } catch {
            closeAll(out.ours, out.child)
            throw error
        }
        let pid: pid_t
        do { pid = try spawn(arguments, output: .descriptors(stdout: out.child, stderr: err.child)) } catch {
            closeAll(out.ours, out.child, err.ours, err.child)
            throw error
        }
        // Our copies of the child's ends go at once, or we would never read end-of-file.
        closeAll(out.child, err.child)
        let texts = readUntilEnd(out.ours, err.ours)
        closeAll(out.ours, err.ours)
        return (try wait(pid), texts[0], texts[1])
    }

    /// Spawns `/bin/sh`, in a session of its own, to wait for end-of-file on its stdin: a
    /// socket whose other end, close-on-exec, is returned to the caller and held by nobody
    /// else. When the caller closes it, or its process ends however it ends (a crash, a
    /// SIGKILL), the shell runs `arguments` (output discarded), then removes `directory`.
    /// Returns at once; the caller reaps the pid after closing the descriptor.
    static func spawnOnOwnerExit(_ arguments: [String], thenRemove directory: String)
        throws(ScratchPostgresServer.Failure) -> (pid: pid_t, descriptor: Int32)
    {
        let pair = try socketPair()
        let script = #"dir=$1; shift; while read -r _; do :; done; "$@" >/dev/null 2>&1; rm -rf -- "$dir""#
        let pid: pid_t
        do {
            pid = try spawn(
                ["/bin/sh", "-c", script, "sh", directory] + arguments, output: .discard, stdin: pair.child,
                ownSession: true)
        } catch {
            closeAll(pair.ours, pair.child)
            throw error
        }
        closeAll(pair.child)
        return (pid, pair.ours)
    }

    /// Blocks in waitpid until `pid`, a child of ours, ends.
    static func reap(_ pid: pid_t) {
        _ = try? wait(pid)
    }

    /// A TCP port on 127.0.0.1 nobody listens on now: bind port 0, ask which port the kernel
    /// chose, close. Another process may take it before the server binds it (the caller retries).
    static func freePort() throws(ScratchPostgresServer.Failure) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw systemFailure("socket") }
        defer { _ = close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw systemFailure("bind(127.0.0.1:0)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw systemFailure("getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Removes `path` and, for a directory, everything below it; symbolic links are removed,
    /// never followed. Best effort: what cannot be removed stays.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            _ = unlink(path)
            return
        }
        // The names are read first and removed after: removing while readdir runs may skip some.
        for name in entries(of: path) { removeTree(path + "/" + name) }
        _ = rmdir(path)
    }

    /// The names in directory `path` except "." and ".."; empty when it cannot be read.
    static func entries(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { _ = closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// True when `path` names a file we may execute.
    static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }

    /// The first executable `name` in the directories of `$PATH`, or nil.
    static func findOnPath(_ name: String) -> String? {
        guard let path = getenv("PATH") else { return nil }
        for directory in String(cString: path).split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// The whole file at `path` as text; empty when it cannot be read.
    static func readFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A failure naming the C function and the `errno` it left.
    static func systemFailure(_ function: String, code: Int32 = errno) -> ScratchPostgresServer.Failure {
        ScratchPostgresServer.Failure(
            "\(function) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    // MARK: - Spawning

    /// posix_spawn of `arguments[0]`, with stdin from /dev/null (or `stdin`), the working
    /// directory "/" and no descriptors of ours but the two of `output`; in a new session
    /// when `ownSession`, so that no signal of our terminal's reaches it.
    private static func spawn(
        _ arguments: [String], output: Output, stdin: Int32? = nil, ownSession: Bool = false
    ) throws(ScratchPostgresServer.Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var rc = posix_spawn_file_actions_init(&actions)
        guard rc == 0 else { throw systemFailure("posix_spawn_file_actions_init", code: rc) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The actions copy the paths, so the temporary C strings may go after each call.
        if let stdin {
            rc = posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        switch output {
        case .discard:
            if rc == 0 { rc = posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
            if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, 1, 2) }
        case .append(let path):
            let flags = O_WRONLY | O_CREAT | O_APPEND
            if rc == 0 { rc = posix_spawn_file_actions_addopen(&actions, 1, path, flags, 0o644) }
            if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, 1, 2) }
        case .descriptors(let stdout, let stderr):
            if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
            if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        }
        // Our working directory may be one the postgres user cannot enter (/root), which
        // makes pg_ctl and psql print a warning.
        if rc == 0, let addChdir = GlibcExtensions.addChdir { rc = addChdir(&actions, "/") }
        // The server outlives this call: a descriptor it inherited by accident (one opened
        // without O_CLOEXEC elsewhere in the process) would stay open until it stops.
        if rc == 0, let addClosefrom = GlibcExtensions.addClosefrom { rc = addClosefrom(&actions, 3) }
        guard rc == 0 else { throw systemFailure("posix_spawn_file_actions", code: rc) }

        var attributes = posix_spawnattr_t()
        rc = posix_spawnattr_init(&attributes)
        guard rc == 0 else { throw systemFailure("posix_spawnattr_init", code: rc) }
        defer { posix_spawnattr_destroy(&attributes) }
        // A mask or an ignored signal (SIGCHLD, SIGPIPE) of ours would be inherited through
        // exec and change how pg_ctl and the server wait and exit.
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        rc = posix_spawnattr_setsigmask(&attributes, &noSignals)
        if rc == 0 { rc = posix_spawnattr_setsigdefault(&attributes, &allSignals) }
        // POSIX_SPAWN_SETSID (glibc 2.26) is a _GNU_SOURCE macro, hence the number.
        let newSession: Int32 = ownSession ? 0x80 : 0
        if rc == 0 {
            rc = posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | newSession))
        }
        guard rc == 0 else { throw systemFailure("posix_spawnattr", code: rc) }

        let argv = arguments.map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        rc = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            posix_spawn(&pid, arguments[0], &actions, &attributes, argvBuffer.baseAddress!, environ)
        }
        guard rc == 0 else { throw systemFailure("posix_spawn(\(arguments[0]))", code: rc) }
        return pid
    }

    /// Blocks in waitpid until `pid` ends.
    private static func wait(_ pid: pid_t) throws(ScratchPostgresServer.Failure) -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw systemFailure("waitpid") }
        }
        return Exit(status: status)
    }

    /// A connected pair of close-on-exec stream sockets: (ours, the child's). Sockets rather
    /// than pipes because SOCK_CLOEXEC is set atomically; pipe2 is not visible from Swift,
    /// and a pipe made before its fcntl could leak into a child another thread spawns.
    private static func socketPair() throws(ScratchPostgresServer.Failure) -> (ours: Int32, child: Int32) {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let rc = fds.withUnsafeMutableBufferPointer { socketpair(AF_UNIX, type, 0, $0.baseAddress) }
        guard rc == 0 else { throw systemFailure("socketpair") }
        return (fds[0], fds[1])
    }

    /// Blocks in `poll` until every descriptor of `descriptors` reached end-of-file (or
    /// failed); returns what each delivered. Reading both at once keeps a child that
    /// fills one while we wait on the other from blocking forever.
    private static func readUntilEnd(_ descriptors: Int32...) -> [String] {
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var collected = [[UInt8]](repeating: [], count: descriptors.count)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var open = descriptors.count
        while open > 0 {
            let ready = polled.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), -1) }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in polled.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(polled[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index] += chunk[..<count]
                } else if count == 0 || errno != EINTR {
                    polled[index].fd = -1  // poll skips negative descriptors
                    open -= 1
                }
            }
        }
        return collected.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func closeAll(_ descriptors: Int32...) {
        for fd in descriptors { _ = close(fd) }
    }
}

/// glibc functions that need _GNU_SOURCE, which the Glibc module is not imported with:
/// looked up once at run time; nil on a glibc too old to have them (addchdir_np came in
/// 2.29, addclosefrom_np in 2.34), and the spawn goes on without that action.
private enum GlibcExtensions {
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddClosefrom =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    static let addChdir = function("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    static let addClosefrom = function("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)

    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        // dlopen(nil) is the program itself; dlsym on it searches libc too.
        guard let symbol = dlsym(dlopen(nil, RTLD_LAZY), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
