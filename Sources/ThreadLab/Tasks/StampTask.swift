import Glibc
import Multiprocessing

/// D3's job: returns the moment its `run()` began, in CLOCK_MONOTONIC nanoseconds. That
/// clock is one for the whole machine on Linux, so the client compares it with its own.
package struct StampTask: ProcessTask {
    package var sequence: Int

    package init(_ sequence: Int) { self.sequence = sequence }

    package func run() -> UInt64 { StampTask.monotonicNanoseconds() }

    package static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
