// A ThreadSanitizer report on the standard library alone that the package avoids instead
// of suppressing: a value resumed into a task through `UnsafeContinuation.resume(returning:)`
// from another thread is reported as racing with the task's read of it (Swift 6.3.1,
// Linux). The package's waiters therefore resume continuations that carry nothing
// (Sources/Threading/Internal/Waiter.swift); the value travels under a lock.
// Build and run: swiftc -sanitize=thread -O ContinuationValueRace.swift && ./ContinuationValueRace
import Foundation

final class Box: @unchecked Sendable {
    // `continuation` is guarded by `lock`.
    var continuation: UnsafeContinuation<Int, any Error>?
    let lock = NSLock()
}

func run() async {
    for i in 0..<20_000 {
        let box = Box()
        let value: Int = try! await withUnsafeThrowingContinuation { continuation in
            box.lock.withLock { box.continuation = continuation }
            Thread {
                let continuation = box.lock.withLock { box.continuation! }
                continuation.resume(returning: i)
            }.start()
        }
        precondition(value == i)
    }
}

let finished = DispatchSemaphore(value: 0)
Task(priority: .high) {
    await run()
    finished.signal()
}
finished.wait()
print("finished")
