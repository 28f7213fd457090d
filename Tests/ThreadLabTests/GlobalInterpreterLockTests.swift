import Synchronization
import Testing
import Threading
import ThreadingTestSupport

@testable import ThreadLab

@Suite("GlobalInterpreterLock", .hangGuard)
struct GlobalInterpreterLockTests {
    @Test func sumsAreRightWithAndWithoutTheGIL() throws {
        let n = 3_000_001
        #expect(CPUJob.cpu(0, n) == CPUJob.expected(0, n))
        #expect(CPUJob.expected(0, 7) == 14)
        let gil = GlobalInterpreterLock(switchInterval: .milliseconds(1))
        let sum = try GILScenario.onThreads([(0, n / 3), (n / 3, 2 * n / 3), (2 * n / 3, n)]) {
            CPUJob.cpu($0, $1, gil: gil)
        }
        #expect(sum == CPUJob.expected(0, n))
        let plain = try GILScenario.onThreads([(0, n / 2), (n / 2, n)]) { CPUJob.cpu($0, $1) }
        #expect(plain == CPUJob.expected(0, n))
    }

    @Test func neverTwoThreadsInTheCPUPartAtOnce() throws {
        let gil = GlobalInterpreterLock(switchInterval: .milliseconds(1))
        let running = SharedInt()
        let maxRunning = SharedInt()
        let n = 4_000_000
        let sum = try GILScenario.onThreads([(0, n / 4), (n / 4, n / 2), (n / 2, 3 * n / 4), (3 * n / 4, n)])
        {
            CPUJob.cpu($0, $1, gil: gil, checkEvery: 100, running: running, maxRunning: maxRunning)
        }
        #expect(sum == CPUJob.expected(0, n))
        #expect(maxRunning.value == 1)
        #expect(running.value == 0)
    }

    @Test func aWaitingThreadGetsTheGILByAForcedSwitchAfterAnInterval() throws {
        let interval = Duration.milliseconds(10)
        let gil = GlobalInterpreterLock(switchInterval: interval)
        let holding = Event()
        let stop = Event()
        let holder = OSThread(name: "holder") {
            var token = gil.acquire()
            holding.set()
            // A CPU-bound loop with its eval breaker, until told to stop.
            while !stop.isSet {
                _ = CPUJob.cpu(0, 500)
                token = gil.check(token)
            }
            gil.release(token)
        }
        try holder.start()
        #expect(try holding.wait(timeout: .seconds(10)))
        let (token, waited) = LabClock.measure { gil.acquire() }
        stop.set()
        gil.release(token)
        #expect(try holder.join(timeout: .seconds(10)))
        // Not before one quiet interval (the holder is not preempted early). The holder
        // never lets go on its own, so getting it at all shows the forced switch; how soon
        // after the interval is up to the scheduler, so no upper bound is checked.
        #expect(waited >= interval * 0.9)
        #expect(gil.statistics.dropRequests >= 1)
        #expect(gil.statistics.forcedSwitches >= 1)
    }

    @Test func blockingCallsReleaseTheGIL() throws {
        let gil = GlobalInterpreterLock(switchInterval: .seconds(5))
        var token = gil.acquire()
        let otherGotIt = Event()
        let other = OSThread(name: "other") {
            let mine = gil.acquire()
            otherGotIt.set()
            gil.release(mine)
        }
        try other.start()
        // With a 5 s interval the other thread only gets in through the blocking call.
        gil.allowingThreads(&token) {
            _ = try? otherGotIt.wait(timeout: .seconds(10))
        }
        #expect(otherGotIt.isSet)
        gil.release(token)
        #expect(try other.join(timeout: .seconds(10)))
    }

    @Test func releasingWithoutHoldingDoesNothing() {
        let gil = GlobalInterpreterLock()
        let token = gil.acquire()
        gil.release(token)
        gil.release(token)
        let again = gil.acquire()
        gil.release(again)
        #expect(gil.statistics.forcedSwitches == 0)
    }
}
