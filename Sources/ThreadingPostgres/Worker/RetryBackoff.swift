/// How long a job waits before its next attempt after a thrown error (or a timeout).
///
/// Exponential with jitter: after attempt *n* failed, 2^(n-1) seconds times a random factor
/// in [0.75, 1.25), and never more than 5 minutes. So 1, 2, 4, 8 … s, each ±25 %, up to
/// attempt 9; from there on 5 minutes (the cap, also after jitter). The jitter keeps the
/// retries of many jobs that failed together from arriving together. A lost lease is not
/// an error of the task: the job is available again at once.
enum RetryBackoff {
    static let cap = Duration.seconds(300)

    /// The wait after `attempt` (1-based) failed; `random` is uniform in [0, 1).
    static func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let base = Double(1 << exponent)
        let seconds = base * (0.75 + 0.5 * min(max(random, 0), 1))
        return min(.milliseconds(Int64(seconds * 1000)), cap)
    }

    static func delay(afterAttempt attempt: Int) -> Duration {
        delay(afterAttempt: attempt, random: Double.random(in: 0..<1))
    }
}
