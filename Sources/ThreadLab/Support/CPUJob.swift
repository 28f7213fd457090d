/// W6's CPU-bound job, `cpu(a, b) = Σ (i·i) mod 7 for i in [a, b)`, plain and under the
/// simulated GIL.
package enum CPUJob {
    /// The job as Swift runs it.
    package static func cpu(_ a: Int, _ b: Int) -> Int {
        var sum = 0
        var i = a
        while i < b {
            sum &+= (i &* i) % 7
            i += 1
        }
        return sum
    }

    /// The job as "Python code": only while holding `gil`, calling its eval breaker every
    /// `checkEvery` iterations. `running` counts the threads inside the CPU part at once
    /// and `maxRunning` keeps the largest count seen (1 under a working GIL).
    package static func cpu(
        _ a: Int, _ b: Int, gil: GlobalInterpreterLock, checkEvery: Int = 200,
        running: SharedInt? = nil, maxRunning: SharedInt? = nil
    ) -> Int {
        var holder = gil.acquire()
        var sum = 0
        var i = a
        while i < b {
            if let running, let maxRunning { maxRunning.raise(to: running.add(1)) }
            let end = min(b, i + checkEvery)
            while i < end {
                sum &+= (i &* i) % 7
                i += 1
            }
            running?.add(-1)
            holder = gil.check(holder)
        }
        gil.release(holder)
        return sum
    }

    /// The exact answer for `[a, b)`, from the period of i² mod 7 (0 1 4 2 2 4 1, sum 14),
    /// to check every run.
    package static func expected(_ a: Int, _ b: Int) -> Int {
        prefix(b) - prefix(a)
    }

    private static func prefix(_ n: Int) -> Int {
        let residues = [0, 1, 4, 2, 2, 4, 1]
        return n / 7 * 14 + residues.prefix(n % 7).reduce(0, +)
    }
}
