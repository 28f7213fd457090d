import Threading

/// Usage: DiagnosticsOverhead off|checker|tracing
/// Prints `W4 <ns per pair>` and `W5 <increments per second>`. With tracing on, N is a
/// tenth of docs/WORKLOADS.md's (every operation keeps a record in memory); the figures are
/// rates, so they stay comparable.
let mode = CommandLine.arguments.dropFirst().first ?? "off"
let scale = mode == "tracing" ? 10 : 1
switch mode {
case "checker": LockOrderChecking.mode = .report
case "tracing": Tracing.start()
default: break
}

final class Box: @unchecked Sendable {
    // Guarded by `lock` in every workload below.
    var value = 0
}

func seconds(_ duration: Duration) -> Double {
    let (s, a) = duration.components
    return Double(s) + Double(a) / 1e18
}

// W4 lock_uncontended: one thread, N acquire + increment + release.
do {
    let n = 10_000_000 / scale
    let lock = Lock()
    let box = Box()
    let start = ContinuousClock.now
    for _ in 0..<n {
        lock.acquire()
        box.value &+= 1
        try lock.release()
    }
    let elapsed = ContinuousClock.now - start
    guard box.value == n else { fatalError("W4 sum \(box.value)") }
    print("W4 \(seconds(elapsed) * 1e9 / Double(n))")
}

// W5 lock_contended: 2 threads × 1,000,000 increments of one counter under one lock.
do {
    let perThread = 1_000_000 / scale
    let lock = Lock()
    let box = Box()
    let start = ContinuousClock.now
    let threads = (0..<2).map { _ in
        OSThread {
            for _ in 0..<perThread {
                lock.acquire()
                box.value &+= 1
                try lock.release()
            }
        }
    }
    for thread in threads { try thread.start() }
    for thread in threads { try thread.join() }
    let elapsed = ContinuousClock.now - start
    guard box.value == 2 * perThread else { fatalError("W5 sum \(box.value)") }
    print("W5 \(Double(2 * perThread) / seconds(elapsed))")
}
if mode == "tracing" { print("records \(Tracing.stop().eventCount)") }
