// The tutorial's producer–consumer, ended the way the docs teach: the producer stops when
// main sets an event and shuts the queue down on its way out; the consumer iterates
// `queue.items`, which ends once the queue is shut down and drained.
//
// Usage: ProducerConsumer [RUNS]   (default 1; every run must consume every item produced)
import Threading

/// One run of the tutorial: returns how many items were produced and consumed.
func runOnce() throws -> (produced: Int, consumed: Int) {
    let queue = Queue<Int>(maxsize: 10)
    let event = Event()
    return try withThreadPool(maxWorkers: 2) { pool in
        let producer = try pool.submit { () throws -> Int in
            defer { queue.shutdown() }  // however the producer leaves
            var count = 0
            while !event.isSet {
                try queue.put(Int.random(in: 1...11))
                count += 1
            }
            return count
        }
        let consumer = try pool.submit { () -> Int in
            var count = 0
            for _ in queue.items { count += 1 }  // ends once shut down and drained
            return count
        }
        try OSThread.sleep(for: .microseconds(300))
        event.set()
        return (try producer.result(), try consumer.result())
    }
}

let runs = max(1, CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1)
var mismatches = 0
var items = 0
for run in 1...runs {
    let (produced, consumed) = try runOnce()
    items += consumed
    if produced != consumed {
        mismatches += 1
        print("run \(run): \(produced) produced, \(consumed) consumed")
    }
}
print("\(runs) runs, \(items) items consumed, \(mismatches) mismatches")
