// Shows, on the standard library alone, the report that .ci/tsan-suppressions.txt suppresses
// as `sScc6resume9returningyxn_tF`: a thread resumes each continuation as soon as the task
// has registered it, often before the task has suspended. Though the continuation carries
// nothing (Void, non-throwing), TSan (Swift 6.3.1, Linux, -Onone as `swift test` builds)
// reports the resumer's read inside `UnsafeContinuation.resume(returning:)` as racing with
// the task's later write of the same slot of its async frame: the runtime's hand-off is
// not visible to TSan on that path. The package's waiters resume exactly like this.
import Foundation
final class Slot: @unchecked Sendable {
    // `continuation` and `done` are guarded by `condition`.
    var continuation: UnsafeContinuation<Void, Never>?
    var done = false
    let condition = NSCondition()
}
let slot = Slot()
let resumer = Thread {
    while true {
        slot.condition.lock()
        while slot.continuation == nil && !slot.done { slot.condition.wait() }
        if slot.done { slot.condition.unlock(); return }
        let c = slot.continuation!
        slot.continuation = nil
        slot.condition.unlock()
        c.resume()
    }
}
resumer.start()
func run() async {
    for _ in 0..<100_000 {
        await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
            slot.condition.lock(); slot.continuation = c; slot.condition.signal(); slot.condition.unlock()
        }
    }
}
let finished = DispatchSemaphore(value: 0)
Task(priority: .high) { await run(); finished.signal() }
finished.wait()
slot.condition.lock(); slot.done = true; slot.condition.signal(); slot.condition.unlock()
print("finished")
