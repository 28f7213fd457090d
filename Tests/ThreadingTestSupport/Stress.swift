import Foundation

/// Stress sizes, scaled down under ThreadSanitizer (`THREADING_TSAN=1`, set by `.ci/run`),
/// which is 5–15× slower.
package enum Stress {
    /// Whether the run asked for ThreadSanitizer's sizes.
    package static let underTSan = ProcessInfo.processInfo.environment["THREADING_TSAN"] == "1"
    /// `full`, or a tenth of it under ThreadSanitizer.
    package static func size(_ full: Int) -> Int { underTSan ? max(1, full / 10) : full }
}
