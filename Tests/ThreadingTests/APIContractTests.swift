import Foundation
import Testing
import Threading  // no @testable: only what a user sees
import ThreadingTestSupport

/// Every call form of the module's API contract, written as a user would write it, so a
/// change that breaks one fails the build. Each form runs on real objects too, along a
/// path that cannot block (a free lock, a set event, a queue with an item in it), and the
/// outcomes are checked.
@Suite(.hangGuard)
struct APIContractTests {
    @Test func errorsAreTheContractsCases() {
        let errors: [ThreadingError] = [
            .alreadyStarted, .notStarted, .joinCurrentThread, .releaseUnlocked, .notOwner, .tooManyReleases,
            .invalidState("x"), .invalidArgument("y"),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(TimeoutError() == TimeoutError() && BrokenBarrierError() == BrokenBarrierError())
        let queueErrors: [QueueError] = [.empty, .full, .shutDown, .tooManyTaskDone]
        #expect(queueErrors.count == 4)
        #expect(ExecutorError.broken("b") != ExecutorError.shutDown)
    }

    @Test func threads() throws {
        let ran = Event()
        let thread = OSThread(name: "contract", daemon: false) { ran.set() }
        try thread.start()
        #expect(try thread.join(timeout: .seconds(30)))
        try thread.join()
        #expect(ran.isSet && !thread.isAlive && thread.name == "contract" && !thread.isDaemon)
        #expect(thread.ident != nil && thread.nativeID != nil)
        thread.name = "renamed"
        #expect(thread.description.contains("renamed"))
        #expect(OSThread.main.name == "MainThread" && OSThread.activeCount >= 1 && !OSThread.all.isEmpty)
        #expect(OSThread.current.isAlive)
        let hash: Set<OSThread> = [thread, OSThread.current]
        #expect(hash.count == 2)

        let timer = TimerThread(after: .milliseconds(1), name: "timer") {}
        try timer.start()
        #expect(try timer.join(timeout: .seconds(30)))
        timer.cancel()
        try timer.join()
        #expect(!timer.isAlive)

        let local = ThreadLocal { 1 }
        local.value += 1
        #expect(local.value == 2)
    }

    @Test func locks() throws {
        let lock = Lock(name: "a")
        lock.acquire()
        #expect(lock.isLocked && !lock.tryAcquire())
        try lock.release()
        #expect(try lock.acquire(timeout: .zero))
        try lock.release()
        #expect(lock.withLock { 7 } == 7)

        let rlock = RLock(name: "r")
        rlock.acquire()
        rlock.acquire()
        try rlock.release()
        try rlock.release()
        #expect(throws: ThreadingError.notOwner) { try rlock.release() }

        let condition = Condition(Lock())
        let defaultCondition = Condition()
        try condition.withLock {
            try condition.notify()
            try condition.notify(2)
            try condition.notifyAll()
            #expect(try !condition.wait(timeout: .zero))
            try condition.wait(until: { true })
            #expect(try condition.wait(until: { true }, timeout: .zero))
        }
        #expect(throws: ThreadingError.self) { try defaultCondition.wait() }

        let semaphore = try Threading.Semaphore(2)
        semaphore.acquire()
        #expect(semaphore.tryAcquire() && !semaphore.tryAcquire())
        #expect(try !semaphore.acquire(timeout: .zero))
        try semaphore.release(2)
        let bounded = try BoundedSemaphore(1)
        #expect(throws: ThreadingError.tooManyReleases) { try bounded.release() }
        #expect(throws: ThreadingError.self) { try Threading.Semaphore(-1) }

        let event = Event()
        event.set()
        event.wait()
        let wasSet = try event.wait(timeout: .zero)
        #expect(event.isSet && wasSet)
        event.clear()
        #expect(try !event.wait(timeout: .zero))

        let barrier = try Barrier(parties: 1, timeout: .seconds(1), action: {})
        #expect(try barrier.wait() == 0)
        #expect(try barrier.wait(timeout: .seconds(1)) == 0)
        #expect(barrier.parties == 1 && barrier.waitingCount == 0 && !barrier.isBroken)
        barrier.reset()
        barrier.abort()
        #expect(barrier.isBroken)
    }

    @Test func asyncTwins() async throws {
        let semaphore = try Threading.Semaphore(1)
        try await semaphore.acquire()
        let event = Event()
        event.set()
        try await event.wait()
        let queue = Queue<Int>(maxsize: 1)
        try await queue.put(1)
        #expect(try await queue.get() == 1)
        let future = Future<Int>()
        try future.setResult(3)
        #expect(try await future.value == 3)
    }

    @Test func queues() throws {
        func exercise(_ queue: some BlockingQueue<Int>) throws {
            #expect(queue.maxsize == 2 && queue.isEmpty && !queue.isFull && queue.count == 0)
            try queue.put(1)
            try queue.put(2, timeout: .zero)
            #expect(throws: QueueError.full) { try queue.putNowait(3) }
            #expect(queue.isFull && queue.qsize() == 2 && queue.full() && !queue.empty())
            _ = try queue.get()
            _ = try queue.get(timeout: .zero)
            #expect(throws: QueueError.empty) { try queue.getNowait() }
            try queue.taskDone()
            try queue.taskDone()
            #expect(throws: QueueError.tooManyTaskDone) { try queue.taskDone() }
            queue.join()
            queue.shutdown()
            queue.shutdown(immediate: true)
            #expect(throws: QueueError.shutDown) { try queue.put(4) }
        }
        try exercise(Queue<Int>(maxsize: 2))
        try exercise(LifoQueue<Int>(maxsize: 2))
        try exercise(PriorityQueue<Int>(maxsize: 2))

        let simple = SimpleQueue<String>()
        simple.put("a")
        simple.put("b")
        #expect(simple.count == 2 && !simple.isEmpty)
        #expect(simple.get() == "a")
        #expect(try simple.get(timeout: .zero) == "b")
        #expect(throws: QueueError.empty) { try simple.getNowait() }
    }

    @Test func futuresAndExecutors() throws {
        let future = Future<Int>()
        #expect(try future.setRunningOrNotifyCancel())
        #expect(future.isRunning && !future.cancel() && !future.isCancelled)
        future.addDoneCallback { _ in }
        try future.setResult(1)
        let (result, timed) = (try future.result(), try future.result(timeout: .zero))
        #expect(future.isDone && result == 1 && timed == 1)
        #expect(future.exception() == nil)
        let failed = Future<Int>()
        try failed.setError(TimeoutError())
        #expect(failed.exception() is TimeoutError)

        let pool = try ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "contract", initializer: {})
        #expect(pool.maxWorkers == 2)
        let submitted = try pool.submit { 6 * 7 }
        #expect(try submitted.result(timeout: .seconds(30)) == 42)
        #expect(try pool.map([1, 2, 3], timeout: .seconds(30)) { $0 * 2 } == [2, 4, 6])
        let (done, notDone) = wait([submitted], timeout: .seconds(30), returnWhen: .allCompleted)
        #expect(done.count == 1 && notDone.isEmpty)
        _ = wait([submitted], returnWhen: .firstCompleted)
        _ = wait([submitted], returnWhen: .firstException)
        var completed = asCompleted([submitted], timeout: .seconds(30))
        #expect(try completed.next() === submitted)
        pool.shutdown(wait: true, cancelFutures: false)
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 0 } }
        let general: any PoolExecutor = try ThreadPoolExecutor()
        general.shutdown()
        #expect(throws: ThreadingError.self) { try ThreadPoolExecutor(maxWorkers: 0) }

        let sum = try withThreadPool(maxWorkers: 1, threadNamePrefix: "with") { pool in
            try pool.submit { 5 }.result()
        }
        #expect(sum == 5)
    }

    @Test func asCompletedIteratesAsynchronously() async throws {
        let future = Future<Int>()
        try future.setResult(1)
        var seen = 0
        for try await done in asCompleted([future]) { seen += try await done.value }
        #expect(seen == 1)
    }

    /// Process-wide settings, which other tests running at the same time rely on: these
    /// forms are compiled, never run here (their own suites run them, one at a time).
    static func processWideForms() throws {
        OSThread.setExceptHook { thread, error in print("Exception in thread \(thread.name): \(error)") }
        let before = LockOrderChecking.mode
        LockOrderChecking.mode = .report
        LockOrderChecking.setReportHandler { violation in print(violation.cycle, violation.description) }
        LockOrderChecking.reset()
        LockOrderChecking.mode = before
        _ = [LockOrderChecking.Mode.off, .report, .abort]
        Tracing.start()
        let trace: Trace = Tracing.stop()
        _ = trace.eventCount
        try trace.writeChromeTrace(to: "/tmp/trace.json")
        try trace.writeTimeline(to: "/tmp/trace.html")
    }
}
