// The tasks that do work: the benchmarks' (W6, W7) and the plain ones the tests run.
import Glibc
import Multiprocessing

/// x → x + 1 (W7).
package struct AddOne: ProcessTask {
    package static var taskName: String { "probe.AddOne" }
    package var x: Int
    package init(x: Int) { self.x = x }
    package func run() -> Int { x + 1 }
}

/// Σ (i·i) mod 7 for i in [lower, upper) (W6).
package struct SumSquaresMod7: ProcessTask {
    package static var taskName: String { "probe.SumSquaresMod7" }
    package var lower: Int
    package var upper: Int
    package init(lower: Int, upper: Int) {
        self.lower = lower
        self.upper = upper
    }
    package func run() -> Int {
        var total = 0
        var i = lower
        while i < upper {
            total &+= (i &* i) % 7
            i += 1
        }
        return total
    }
}

/// x → x².
struct Square: ProcessTask {
    static var taskName: String { "probe.Square" }
    var x: Int
    func run() -> Int { x * x }
}

/// Sleeps, then returns its worker's pid.
package struct SleepTask: ProcessTask {
    package static var taskName: String { "probe.SleepTask" }
    package var milliseconds: Int
    package init(milliseconds: Int) { self.milliseconds = milliseconds }
    package func run() -> Int32 {
        // The task's simulated work (a stand-in for a slow user task), not a wait for
        // anything: the pool's timeout and shutdown tests need a task that takes time.
        usleep(UInt32(milliseconds) * 1000)
        return getpid()
    }
}

/// Returns its text reversed (large messages cross the channel in many reads and writes).
struct EchoTask: ProcessTask {
    static var taskName: String { "probe.EchoTask" }
    var text: String
    func run() -> String { String(text.reversed()) }
}

/// Returns its worker's pid.
struct PidTask: ProcessTask {
    static var taskName: String { "probe.PidTask" }
    var tag: Int
    func run() -> Int32 { getpid() }
}
