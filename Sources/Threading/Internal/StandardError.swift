import CThreadingShims
import Glibc

/// Writes to file descriptor 2 with one `write(2)` per message, so lines from several
/// threads do not interleave mid-line (the C `stderr` global is not concurrency-safe).
enum StandardError {
    static func write(_ message: String) {
        var message = message
        message.withUTF8 { _ = writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}

/// Writes to standard output through the C `stdout` stream, the one Swift's `print`
/// uses, so log lines and printed lines keep their order. The stream is locked for the
/// whole line and flushed, so each line leaves in one `write(2)` (with any printed text
/// still buffered before it) and lines from several threads never interleave.
enum StandardOutput {
    static func write(_ message: String) {
        var message = message
        message.withUTF8 { bytes in
            _ = cthreading_write_stdout(bytes.baseAddress, UInt(bytes.count))
        }
    }
}

/// write(2) until every byte is out, retrying `EINTR`. Returns 0, or the `errno` that
/// stopped it. `package`: the one write loop of the package (the lab's log uses it too).
package func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard let base = bytes.baseAddress else { return 0 }
    var offset = 0
    while offset < bytes.count {
        let n = systemWrite(fd, base + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return 0
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    Glibc.write(fd, buffer, count)
}
