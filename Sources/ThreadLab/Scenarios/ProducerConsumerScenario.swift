import Threading

/// Tutorial 3.5: a producer puts random 1…11 into `Queue(maxsize: 10)` until an `Event` is
/// set; a consumer takes them; main sets the event after 0.1 s. Run twice:
///
/// 1. **The tutorial's loop** — `while !event.isSet || !queue.isEmpty { get() }` — with
///    the one interleaving that hangs it forced: the consumer checks the condition while
///    the event is still clear and the queue empty, then main sets the event and the
///    producer leaves without another put. A plain `get()` would wait forever (it does, in
///    about 9 runs of 100 left to chance); here a timed get stands in for it, so the hang
///    is caught by a bound and reported.
/// 2. **The fix** the docs teach: the producer calls `queue.shutdown()` when it leaves and
///    the consumer is `for message in queue.items`, which ends once the queue is shut down
///    and drained. No second event, no timeout, nothing left behind.
package enum ProducerConsumerScenario {
    package struct Result: Sendable {
        /// Whether the tutorial's loop was left waiting in `get()` after the producer had
        /// gone (caught by the bound).
        package var tutorialLoopHung: Bool
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
        consumerPace: Duration = .milliseconds(4),
        hangBound: Duration = .milliseconds(200)
    ) throws -> Result {
        let log = context.log
        let hung = try tutorialLoop(log, bound: hangBound)
        let maxsize = 10
        let pipeline = Queue<Int>(maxsize: maxsize)
        let event = Event()
        let produced = SharedInt()
        let consumed = SharedInt()
        let maxSize = SharedInt()
        // Main's clock starts at the first put, so a late pool thread still produces.
        let firstPut = Event()
        @Sendable func shouldLog(_ count: Int) -> Bool { count <= 5 || count % 10 == 0 }

        log("The fix: the producer shuts the queue down; the consumer is `for message in queue.items`")
        try withThreadPool(maxWorkers: 2, threadNamePrefix: "ThreadPoolExecutor-0") { executor in
            _ = try executor.submit {
                // The consumer's loop ends once the queue is shut down and drained.
                defer { pipeline.shutdown() }
                while !event.isSet {
                    let message = Int.random(in: 1...11)
                    LabClock.sleep(producerPace)  // "the network"
                    try pipeline.put(message)
                    let count = produced.add(1)
                    firstPut.set()
                    maxSize.raise(to: pipeline.count)
                    if shouldLog(count) { log("Producer got message: \(message) (#\(count))") }
                }
                log("Producer received event. Shutting the queue down")
            }
            _ = try executor.submit {
                for message in pipeline.items {
                    let count = consumed.add(1)
                    let size = pipeline.count
                    maxSize.raise(to: size)
                    if shouldLog(count) { log("Consumer storing message: \(message) (size=\(size))") }
                    LabClock.sleep(consumerPace)
                }
                log("Consumer: the queue is shut down and drained. Exiting")
            }
            firstPut.wait()
            LabClock.sleep(runFor)
            log("Main: about to set event")
            event.set()
        }
        let (p, c, m) = (produced.value, consumed.value, maxSize.value)
        let tutorial =
            hung
            ? "the tutorial's loop was still waiting in get() after the producer had gone (caught by a \(hangBound) bound)"
            : "the tutorial's loop did not hang (the forced interleaving failed)"
        let summary =
            "\(tutorial); with shutdown() + queue.items \(p) items produced, \(c) consumed;"
            + " the queue never held more than \(m) (maxsize \(maxsize))"
        return Result(
            tutorialLoopHung: hung, produced: p, consumed: c, maxSize: m, maxsize: maxsize,
            verdict: Verdict(
                name: "producer-consumer", summary: summary,
                matched: hung && p == c && m <= maxsize && p > 0))
    }

    /// The tutorial's consumer loop with the interleaving that hangs it forced; returns
    /// whether its `get` was left waiting once the producer had gone.
    static func tutorialLoop(_ log: LabLog, bound: Duration) throws -> Bool {
        let queue = Queue<Int>(maxsize: 10)
        let event = Event()
        let total = 3
        let hung = SharedInt()
        log("The tutorial's loop: while !event.isSet || !queue.isEmpty { get() }")
        let producer = OSThread(name: "Producer") {
            for message in 1...total { try queue.put(message) }
            // The producer is busy elsewhere ("the network") when main sets the event…
            event.wait()
            // …and its `while !event.isSet` check sends it home without another put.
            log("Producer received event. Exiting")
        }
        let consumer = OSThread(name: "Consumer") {
            var consumed = 0
            while !event.isSet || !queue.isEmpty {
                if consumed == total {
                    // The condition was true (event clear); main's `set()` lands right here.
                    log("Main sets the event between the consumer's check and its get()")
                    event.set()
                }
                do {
                    // The producer's puts all come: wait for them without a bound. After
                    // them a plain `get()` would never return; the bound catches the hang.
                    let message = consumed < total ? try queue.get() : try queue.get(timeout: bound)
                    consumed += 1
                    log("Consumer storing message: \(message)")
                } catch QueueError.empty {
                    log("Consumer: get() still waiting \(bound) after the producer left: the hang")
                    _ = hung.add(1)
                    return
                }
            }
        }
        try producer.start()
        try consumer.start()
        try producer.join()
        try consumer.join()
        return hung.value == 1
    }
}
