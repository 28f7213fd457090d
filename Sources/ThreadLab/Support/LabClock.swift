import Foundation

/// Timing helpers for the scenarios and the benchmark.
package enum LabClock {
    /// Runs `body` and returns its result with the time it took.
    package static func measure<R>(_ body: () throws -> R) rethrows -> (R, Duration) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, ContinuousClock.now - start)
    }

    /// A duration in seconds.
    package static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// `0.123 s` / `45.6 ms`, for the logs.
    package static func format(_ duration: Duration) -> String {
        let value = seconds(duration)
        return value >= 1 ? String(format: "%.2f s", value) : String(format: "%.1f ms", value * 1000)
    }

    /// `12.3 M increments/s`.
    package static func formatRate(_ perSecond: Double, unit: String) -> String {
        switch perSecond {
        case 1e6...: String(format: "%.1f M %@/s", perSecond / 1e6, unit)
        case 1e3...: String(format: "%.1f k %@/s", perSecond / 1e3, unit)
        default: String(format: "%.1f %@/s", perSecond, unit)
        }
    }

    /// Sleeps the calling thread (a blocking call, as `time.sleep`).
    package static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }

    /// Context switches of the whole process so far (voluntary + involuntary), from
    /// `getrusage(RUSAGE_SELF)`: unlike `/proc/self/status`, whose counters cover only the
    /// main thread, it sums every thread, including those that have ended.
    package static func contextSwitches() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_nvcsw + usage.ru_nivcsw)
    }

    /// Resident memory of this process in kB (`VmRSS` in `/proc/self/status`).
    package static func residentKilobytes(pid: String = "self") -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
