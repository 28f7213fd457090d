// The ThreadSanitizer canary: two threads of this package write one plain integer with
// nothing ordering the writes. Under `swift test --sanitize=thread` the test
// `ThreadSanitizerCanaryTests` runs this program and expects TSan to report the race: it
// proves that CI's TSan step can still fail (a suppression or an option that blinded it
// would make that test fail). Built without TSan it just runs and prints the sum.
import Synchronization
import Threading

/// One integer written by two threads with no lock: the race the canary exists for.
final class CanaryCell: @unchecked Sendable {
    // Deliberately guarded by nothing: this unordered access is what TSan must report.
    var value = 0
    /// Both threads arrive here before writing. Relaxed operations give TSan no
    /// happens-before edge, so the lock the threads' start-up and exit take cannot order
    /// one thread's write before the other's.
    let arrived = Atomic<Int>(0)
}

/// Waits for the other thread (a spin of a few microseconds: both are already started),
/// then writes. A named function, so the report's first frame in our code says what raced.
@inline(never)
func canaryWrite(_ cell: CanaryCell, _ value: Int) {
    cell.arrived.add(1, ordering: .relaxed)
    while cell.arrived.load(ordering: .relaxed) < 2 {}
    cell.value &+= value
}

let cell = CanaryCell()
let threads = (1...2).map { index in
    OSThread(name: "canary-\(index)") { canaryWrite(cell, index) }
}
do {
    for thread in threads { try thread.start() }
    for thread in threads { try thread.join() }
    print("canary finished: \(cell.value)")
} catch {
    print("canary could not run its threads: \(error)")
}
