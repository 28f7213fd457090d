import ThreadingPostgres
import ThreadingTestSupport

/// How many times each `CountedTask` ran in this process: the tests' side table.
let runCounts = LockedState<[Int: Int]>([:])

/// Counts its run under its number, then returns it.
struct CountedTask: ProcessTask {
    static var taskName: String { "test.CountedTask" }
    var number: Int
    func run() -> Int {
        runCounts.withLock { $0[number, default: 0] += 1 }
        return number
    }
}
