// Two OS threads feed one `Queue`; a task group of two async consumers drains it with
// `for try await`. After N items (argument, default 1000) main cancels the group, then
// shuts the queue down, which ends the producers' blocked puts. Every item is counted.
import Synchronization
import Threading

/// A counter threads and tasks share.
final class Count: Sendable {
    private let value = Atomic<Int>(0)
    func add() -> Int { value.add(1, ordering: .relaxed).newValue }
    var now: Int { value.load(ordering: .relaxed) }
}

// In an async function: at main.swift's top level Swift picks the blocking `join()`.
func run(n: Int) async throws {
    let queue = Queue<Int>(maxsize: 64)
    let (produced, consumed) = (Count(), Count())
    let reachedN = Event()
    let producers = (0..<2).map { p in
        OSThread(name: "producer-\(p)") {
            do {
                for i in 0..<1_000_000 {
                    try queue.put(p * 1_000_000 + i)
                    _ = produced.add()
                }
            } catch QueueError.shutDown {
                return  // main shut the queue down: done
            }
        }
    }
    for producer in producers { try producer.start() }
    let stoppedBy = await withTaskGroup(of: String.self) { group in
        for _ in 0..<2 {
            group.addTask {
                do {
                    for try await _ in queue {
                        if consumed.add() == n { reachedN.set() }
                    }
                    return "end of queue"
                } catch {
                    return "\(type(of: error))"
                }
            }
        }
        try? await reachedN.wait()
        group.cancelAll()
        return await group.reduce(into: [String]()) { $0.append($1) }.joined(separator: ", ")
    }
    queue.shutdown()  // puts throw QueueError.shutDown from now on; the items left stay
    var left = 0
    while (try? queue.getNowait()) != nil { left += 1 }
    for producer in producers { try await producer.join() }
    let (p, c) = (produced.now, consumed.now)
    print("consumers stopped by: \(stoppedBy)")
    print("asked to stop after \(n) items: consumed \(c) (\(c >= n ? "at least N" : "fewer than N"))")
    print("produced \(p) = consumed \(c) + left in the queue \(left): \(p == c + left)")
}

try await run(n: max(1, CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1000))
