import Foundation

/// A FIFO in a fresh temporary directory, through which a task in another thread or
/// process tells a test that it started: `BlockAndReport`, `HoldTask` and `ReportTask`
/// write their pid into it.
package struct Fifo: Sendable {
    package let path: String

    package init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("fifo").path
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Blocks until a task opened the FIFO and wrote its pid, at most `bound`; `nil` when
    /// none did. The read end opens without waiting for a writer, then `poll` sleeps until
    /// the pid arrives (a writer that closes without writing wakes it too).
    package func readPID(within bound: Duration = Delay.bound) -> Int32? {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let deadline = ContinuousClock.now + bound
        var bytes: [UInt8] = []
        while true {
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            if got == 1 {
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
                continue
            }
            if got == 0, !bytes.isEmpty { break }  // the writer closed mid-line
            guard got == 0 || errno == EAGAIN || errno == EINTR else { return nil }
            // Nothing yet (no writer, or nothing written): sleep until data or a hang-up.
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return nil }
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = pollMilliseconds(left)
            if poll(&pending, 1, milliseconds) == 0 { return nil }
            if pending.revents & Int16(POLLHUP) != 0, pending.revents & Int16(POLLIN) == 0 { return nil }
        }
        return Int32(String(decoding: bytes, as: UTF8.self))
    }

    /// Opens the FIFO for writing and closes it: the task reading it (`HoldTask`'s release)
    /// sees end-of-file and goes on. Blocks until that task has opened its end.
    package func hangUp() {
        let fd = open(path, O_WRONLY)
        if fd >= 0 { close(fd) }
    }

    /// Removes the FIFO: a later task that tries to report finds nothing to open and goes
    /// on without blocking.
    package func remove() {
        try? FileManager.default.removeItem(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }
}

/// `poll`'s timeout for `duration`, rounded up (so a wait never ends before it).
package func pollMilliseconds(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
}
