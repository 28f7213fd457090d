import CThreadingShims
import Glibc
import Synchronization

/// A failed system call: which C function and the `errno` it left.
struct SystemCallError: Error, CustomStringConvertible {
    var function: String
    var code: Int32

    var description: String {
        "\(function) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// Every pipe / posix_spawn / waitpid / kill / read / write call of the module sits here:
/// each checks its return code, retries `EINTR` in `retryingInterrupts`, and names the C
/// function it wraps. Nothing here forks: workers are started with `posix_spawn`, so a
/// parent with many threads and held locks cannot hand a half-copied state to a child.
enum ProcessSyscalls {
    /// Runs `call` again while it fails with `EINTR`; throws for any other failure.
    @inline(__always)
    static func retryingInterrupts<R: BinaryInteger>(_ function: String, _ call: () -> R)
        throws(SystemCallError) -> R
    {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemCallError(function: function, code: code)
        }
    }

    /// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): one two-way channel per worker.
    /// A socket rather than two pipes so that the parent can write with `MSG_NOSIGNAL`:
    /// writing to a dead worker then fails with `EPIPE` instead of killing the parent
    /// with `SIGPIPE`, without touching the process-wide signal disposition.
    static func makeSocketPair() throws(SystemCallError) -> (parent: Int32, child: Int32) {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let rc = fds.withUnsafeMutableBufferPointer { socketpair(AF_UNIX, type, 0, $0.baseAddress!) }
        if rc != 0 { throw SystemCallError(function: "socketpair", code: errno) }
        return (fds[0], fds[1])
    }

    /// pipe2(O_CLOEXEC): (read end, write end). The child gets its end through `spawn`'s
    /// mapping, so neither end leaks into other children.
    static func makePipe() throws(SystemCallError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = fds.withUnsafeMutableBufferPointer { cthreading_pipe_cloexec($0.baseAddress!) }
        if rc != 0 { throw SystemCallError(function: "pipe2", code: -rc) }
        return (fds[0], fds[1])
    }

    /// Writes `lines` to a new file `path` (mode 0600), one per line; false when it cannot.
    static func writeFile(_ path: String, lines: [String]) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = lines.joined(separator: "\n") + "\n"
        return text.withUTF8 { (try? writeAll(fd, UnsafeRawBufferPointer($0))) != nil }
    }

    /// The folder for temporary files: `$TMPDIR`, or /tmp.
    static func temporaryDirectory() -> String {
        environmentValue("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// send(MSG_NOSIGNAL) until every byte is sent.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = try retryingInterrupts("send") {
                send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            offset += n
        }
    }

    /// shutdown(SHUT_WR): the peer reads end-of-file but can still send back.
    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    private static let sharedCounterSerial = Atomic<Int>(0)

    /// `size` bytes shared with a worker: a file in /dev/shm (unlinked at once), mapped
    /// `MAP_SHARED` here and, through the descriptor, in the worker (`SharedLayout`).
    static func makeSharedMemory(size: Int) throws(SystemCallError) -> (
        fd: Int32, memory: UnsafeMutableRawPointer
    ) {
        let serial = sharedCounterSerial.wrappingAdd(1, ordering: .relaxed).newValue
        var fd: Int32 = -1
        var lastError: Int32 = 0
        for directory in ["/dev/shm", "/tmp"] {
            let path = "\(directory)/swift-threading-\(getpid())-\(serial)"
            repeat {
                fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            } while fd < 0 && errno == EINTR
            if fd >= 0 {
                _ = unlink(path)
                break
            }
            lastError = errno
        }
        if fd < 0 { throw SystemCallError(function: "open", code: lastError) }
        if ftruncate(fd, off_t(size)) != 0 {
            let code = errno
            close(fd)
            throw SystemCallError(function: "ftruncate", code: code)
        }
        guard let memory = try? mapShared(fd, size: size) else {
            let code = errno
            close(fd)
            throw SystemCallError(function: "mmap", code: code)
        }
        return (fd, memory)
    }

    /// mmap(MAP_SHARED) of the first `size` bytes of `fd`.
    static func mapShared(_ fd: Int32, size: Int) throws(SystemCallError) -> UnsafeMutableRawPointer {
        let pointer = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let pointer, pointer != MAP_FAILED else { throw SystemCallError(function: "mmap", code: errno) }
        return pointer
    }

    /// munmap(2) of a mapping `mapShared` returned.
    static func unmapShared(_ memory: UnsafeMutableRawPointer, size: Int) {
        _ = munmap(memory, size)
    }

    /// fcntl(F_DUPFD_CLOEXEC): a close-on-exec copy of `fd` numbered at least `minimum`.
    static func duplicate(_ fd: Int32, atLeast minimum: Int32) throws(SystemCallError) -> Int32 {
        try retryingInterrupts("fcntl(F_DUPFD_CLOEXEC)") { fcntl(fd, F_DUPFD_CLOEXEC, minimum) }
    }

    /// close(2). `EINTR` is not retried: on Linux the descriptor is gone either way.
    static func close(_ fd: Int32) {
        if fd >= 0 { _ = systemClose(fd) }
    }

    /// posix_spawn(3) of `path` with `arguments` and `environment`; `mapping` lists
    /// (parent descriptor, child descriptor) pairs that the child receives with dup2.
    /// The sources must not collide with the targets (callers pass descriptors ≥ 10).
    static func spawn(
        path: String, arguments: [String], environment: [String], mapping: [(Int32, Int32)]
    ) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var rc = posix_spawn_file_actions_init(&actions)
        if rc != 0 { throw SystemCallError(function: "posix_spawn_file_actions_init", code: rc) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in mapping {
            rc = posix_spawn_file_actions_adddup2(&actions, source, target)
            if rc != 0 { throw SystemCallError(function: "posix_spawn_file_actions_adddup2", code: rc) }
        }
        let argv = arguments.map { strdup($0) }
        let envp = environment.map { strdup($0) }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        rc = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envBuffer in
                posix_spawn(
                    &pid, path, &actions, nil,
                    UnsafeMutablePointer(mutating: argvBuffer.baseAddress!),
                    UnsafeMutablePointer(mutating: envBuffer.baseAddress!))
            }
        }
        if rc != 0 { throw SystemCallError(function: "posix_spawn", code: rc) }
        return pid
    }

    /// waitpid(2) without options: blocks until `pid` ends and says how.
    static func waitForExit(_ pid: pid_t) throws(SystemCallError) -> ExitStatus {
        var status: Int32 = 0
        _ = try retryingInterrupts("waitpid") { waitpid(pid, &status, 0) }
        return ExitStatus(rawStatus: status)
    }

    /// kill(SIGKILL). `ESRCH` (already gone) is not an error here.
    static func kill(_ pid: pid_t) {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// read(2) of at most `count` bytes; 0 means end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) throws(SystemCallError)
        -> Int
    {
        try retryingInterrupts("read") { Glibc.read(fd, buffer, count) }
    }

    /// read(2) into the whole of `chunk` (the caller's reusable buffer); the count read,
    /// 0 at end-of-file.
    static func read(_ fd: Int32, into chunk: inout [UInt8]) throws -> Int {
        try chunk.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            return try read(fd, into: base, count: buffer.count)
        }
    }

    /// write(2) until every byte is written.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = try retryingInterrupts("write") {
                Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += n
        }
    }

    /// write(2) of `message` to standard error, ignoring failures.
    static func writeStandardError(_ message: String) {
        var message = message
        message.withUTF8 { try? writeAll(2, UnsafeRawBufferPointer($0)) }
    }

    /// sysconf(_SC_NPROCESSORS_ONLN), at least 1.
    static func processorCount() -> Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// close(2) of every descriptor from `lowest` up, found by reading /proc/self/fd with
    /// opendir/readdir: a worker must not keep open what its parent let it inherit by
    /// accident (a pipe's write end kept open elsewhere hides that pipe's end-of-file).
    static func closeDescriptors(from lowest: Int32) {
        guard let directory = opendir("/proc/self/fd") else { return }
        let own = dirfd(directory)
        var toClose: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd >= lowest, fd != own { toClose.append(fd) }
        }
        closedir(directory)
        for fd in toClose { close(fd) }
    }

    /// access(X_OK): whether `path` names a file this process may execute.
    static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }

    /// readlink("/proc/self/exe"): the path of the running program.
    static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/exe", $0.baseAddress!, 4096) }
        if n <= 0 { return nil }
        return buffer.withUnsafeBufferPointer {
            String(decoding: UnsafeRawBufferPointer($0).prefix(n), as: UTF8.self)
        }
    }

    /// prctl(PR_SET_PDEATHSIG, SIGKILL) through the package's shim: the kernel kills this
    /// process when the thread that spawned it ends.
    static func dieWithParent() {
        _ = cthreading_set_parent_death_signal(SIGKILL)
    }

    static func parentProcessID() -> pid_t { getppid() }
    static func processID() -> pid_t { getpid() }

    /// _exit(2): ends a worker without running the parent program's `atexit` handlers.
    static func exitImmediately(_ code: Int32) -> Never { _exit(code) }

    /// getenv(3).
    static func environmentValue(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// unsetenv(3).
    static func removeEnvironmentValue(_ name: String) {
        _ = unsetenv(name)
    }

    /// The current environment as `NAME=value` strings.
    static func environment() -> [String] {
        var result: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            result.append(String(cString: entry))
            pointer += 1
        }
        return result
    }

    /// clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }

/// How a process ended, as `waitpid` reported it.
enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(rawStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by \(ExitStatus.signalName(signal))"
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGTERM: "SIGTERM"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL"
        case SIGFPE: "SIGFPE"
        case SIGPIPE: "SIGPIPE"
        case SIGINT: "SIGINT"
        case SIGTRAP: "SIGTRAP"
        default: "signal \(signal)"
        }
    }
}
