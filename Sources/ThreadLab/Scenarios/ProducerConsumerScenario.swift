import Threading

/// Tutorial 3.5: a producer puts random 1…11 into `Queue(maxsize: 10)` until an `Event` is
/// set; a consumer drains until the producer is done and the queue is empty; main sets the
/// event after 0.1 s.
///
/// The tutorial's consumer stops when the event is set and the queue is empty, which can
/// leave the producer's last `put` behind; here it waits for the producer to finish
/// (a second event) before its last empty check, so every item is consumed.
package enum ProducerConsumerScenario {
    package struct Result: Sendable {
        package var produced: Int
        package var consumed: Int
        /// The largest queue size observed (after each put and each get).
        package var maxSize: Int
        package var maxsize: Int
        package var verdict: Verdict
    }

    package static func run(
        _ context: LabContext, runFor: Duration = .milliseconds(100),
        producerPace: Duration = .milliseconds(1),
        consumerPace: Duration = .milliseconds(4)
    ) throws -> Result {
        let log = context.log
        let maxsize = 10
        let pipeline = Queue<Int>(maxsize: maxsize)
        let event = Event()
        let producerDone = Event()
        let produced = SharedInt()
        let consumed = SharedInt()
        let maxSize = SharedInt()
        @Sendable func shouldLog(_ count: Int) -> Bool { count <= 5 || count % 10 == 0 }

        try withThreadPool(maxWorkers: 2, threadNamePrefix: "ThreadPoolExecutor-0") { executor in
            _ = try executor.submit {
                defer { producerDone.set() }
                while !event.isSet {
                    let message = Int.random(in: 1...11)
                    LabClock.sleep(producerPace)  // "the network"
                    try pipeline.put(message)
                    let count = produced.add(1)
                    maxSize.raise(to: pipeline.count)
                    if shouldLog(count) { log("Producer got message: \(message) (#\(count))") }
                }
                log("Producer received event. Exiting")
            }
            _ = try executor.submit {
                while !producerDone.isSet || !pipeline.isEmpty {
                    guard let message = try? pipeline.get(timeout: .milliseconds(10)) else { continue }
                    let count = consumed.add(1)
                    let size = pipeline.count
                    maxSize.raise(to: size)
                    if shouldLog(count) { log("Consumer storing message: \(message) (size=\(size))") }
                    LabClock.sleep(consumerPace)
                }
                log("Consumer received event. Exiting")
            }
            LabClock.sleep(runFor)
            log("Main: about to set event")
            event.set()
        }
        let (p, c, m) = (produced.value, consumed.value, maxSize.value)
        let summary =
            "\(p) items produced, \(c) consumed; the queue never held more than \(m) (maxsize \(maxsize))"
        return Result(
            produced: p, consumed: c, maxSize: m, maxsize: maxsize,
            verdict: Verdict(
                name: "producer-consumer", summary: summary, matched: p == c && m <= maxsize && p > 0))
    }
}
