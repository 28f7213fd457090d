// Shows, on the standard library alone, the ThreadSanitizer report that
// .ci/tsan-suppressions.txt suppresses: two threads build empty arrays with
// init(unsafeUninitializedCapacity: 0), and both write the count of the shared empty-array
// singleton (`_swiftEmptyArrayStorage`). Swift 6.3.1 on Linux reports a data race there.
import Foundation

func makeEmpty() -> [Int] { Array(unsafeUninitializedCapacity: 0) { _, count in count = 0 } }

let finished = DispatchSemaphore(value: 0)
for _ in 0..<2 {
    Thread {
        for _ in 0..<1000 { _ = makeEmpty() }
        finished.signal()
    }.start()
}
for _ in 0..<2 { finished.wait() }
print("finished")
