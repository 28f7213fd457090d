import Threading

/// Tutorial 3.1: the main thread starts a sub-thread "First" that sleeps, and waits for it
/// with `join`.
package enum BasicScenario {
    /// What happened, in order.
    package struct Result: Sendable {
        /// The steps as they happened: `main:before-create`, `First:starting`, …
        package var steps: [String]
        /// How long `join()` kept the main thread waiting.
        package var joinWaited: Duration
        package var verdict: Verdict
    }

    /// Runs the scenario; `sleep` is the sub-thread's work (3 s in the tutorial).
    package static func run(_ context: LabContext, sleep: Duration = .milliseconds(300)) throws -> Result {
        let log = context.log
        let steps = LockedState<[String]>([])
        @Sendable func step(_ name: String, _ message: String) {
            steps.withLock { $0.append(name) }
            log(message)
        }
        step("main:before-create", "Main-Thread: before creating thread")
        let first = OSThread(name: "First") {
            step("First:starting", "Sub-Thread: First starting")
            LabClock.sleep(sleep)
            step("First:finishing", "Sub-Thread: First finishing")
        }
        step("main:before-run", "Main-Thread: before running thread")
        try first.start()
        step("main:wait", "Main-Thread: wait for the thread to finish")
        let (_, waited) = try LabClock.measure { try first.join() }
        step("main:done", "Main-Thread: all threads are done")

        let order = steps.withLock { $0 }
        let finishing = order.firstIndex(of: "First:finishing") ?? order.count
        let done = order.firstIndex(of: "main:done") ?? -1
        let matched = order.last == "main:done" && finishing < done && order.first == "main:before-create"
        let summary =
            "main logged \"all threads are done\" after First's finish (line \(done + 1) of \(order.count)); "
            + "join() waited \(LabClock.format(waited)) for First's \(LabClock.format(sleep)) sleep"
        return Result(
            steps: order, joinWaited: waited,
            verdict: Verdict(name: "basic", summary: summary, matched: matched))
    }
}
