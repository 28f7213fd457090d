import CThreadingShims
import Dispatch
import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The thread parts of CPython's `test_threading.py`, and API.md's OSThread contract.
@Suite(.hangGuard)
struct OSThreadTests {
    @Test func runsBodyAndJoins() throws {
        let ran = Counter()
        let thread = try spawn { ran.increment() }
        try thread.join()
        #expect(ran.count == 1)
    }

    @Test func startTwiceThrows() throws {
        let thread = OSThread(daemon: true) {}
        try thread.start()
        #expect(throws: ThreadingError.alreadyStarted) { try thread.start() }
        try joinAll([thread])
        #expect(throws: ThreadingError.alreadyStarted) { try thread.start() }
    }

    @Test func joinBeforeStartThrows() {
        let thread = OSThread(daemon: true) {}
        #expect(throws: ThreadingError.notStarted) { try thread.join() }
        #expect(throws: ThreadingError.notStarted) { _ = try thread.join(timeout: .zero) }
    }

    @Test func joiningItselfThrows() throws {
        let result = StateLock<ThreadingError?>(nil)
        let thread = try spawn {
            do {
                try OSThread.current.join()
            } catch let error as ThreadingError {
                result.withLock { $0 = error }
            }
            do {
                _ = try OSThread.current.join(timeout: .seconds(1))
            } catch let error as ThreadingError {
                result.withLock { $0 = $0 == error ? error : .invalidState("second join differed") }
            }
        }
        try joinAll([thread])
        #expect(result.withLock { $0 } == .joinCurrentThread)
    }

    @Test func joinTimeoutForms() throws {
        let release = Event()
        let thread = try spawn { release.wait() }
        let start = ContinuousClock.now
        #expect(try !thread.join(timeout: Delay.short))
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(thread.isAlive)
        #expect(try !thread.join(timeout: .zero))
        #expect(throws: ThreadingError.self) { _ = try thread.join(timeout: .milliseconds(-1)) }
        release.set()
        #expect(try thread.join(timeout: Delay.bound))
        #expect(try thread.join(timeout: .zero))  // finished: true at once
        #expect(try thread.join(timeout: .seconds(Int64.max)))  // huge timeout: no trap
    }

    @Test func negativeJoinTimeoutIsInvalidArgument() throws {
        let thread = try spawn {}
        do {
            _ = try thread.join(timeout: .seconds(-1))
            Issue.record("expected a throw")
        } catch ThreadingError.invalidArgument {
        }
        try joinAll([thread])
    }

    @Test func identifiersNilUntilStarted() throws {
        let inside = StateLock<(ident: UInt, tid: Int)?>(nil)
        let thread = OSThread(daemon: true) {
            inside.withLock { $0 = (UInt(pthread_self()), Int(cthreading_gettid())) }
        }
        #expect(thread.ident == nil)
        #expect(thread.nativeID == nil)
        try thread.start()
        // Set by the time start() returns.
        #expect(thread.ident != nil)
        #expect(thread.nativeID != nil)
        try joinAll([thread])
        let seen = try #require(inside.withLock { $0 })
        #expect(thread.ident == seen.ident)
        #expect(thread.nativeID == seen.tid)
        #expect(thread.nativeID != Int(getpid()))
    }

    @Test func isAliveTransitions() throws {
        let release = Event()
        let thread = OSThread(daemon: true) { release.wait() }
        #expect(!thread.isAlive)
        try thread.start()
        #expect(thread.isAlive)
        release.set()
        try joinAll([thread])
        #expect(!thread.isAlive)
    }

    @Test func defaultNamesCountUp() throws {
        let first = OSThread(daemon: true) {}
        let second = OSThread(daemon: true) {}
        let n1 = try #require(Int(first.name.dropFirst("Thread-".count)))
        let n2 = try #require(Int(second.name.dropFirst("Thread-".count)))
        #expect(first.name.hasPrefix("Thread-"))
        #expect(second.name.hasPrefix("Thread-"))
        #expect(n2 > n1)
        #expect(n1 >= 1)
    }

    @Test func namesCanBeGivenAndChanged() throws {
        let seen = StateLock<[String]>([])
        let proceed = Event()
        let named = Event()
        let thread = OSThread(name: "Worker", daemon: true) {
            seen.withLock { $0.append(OSThread.current.name) }
            named.set()
            proceed.wait()
            seen.withLock { $0.append(OSThread.current.name) }
        }
        #expect(thread.name == "Worker")
        try thread.start()
        #expect(try named.wait(timeout: Delay.bound))
        thread.name = "Renamed with a very long name, ünïcode"
        proceed.set()
        try joinAll([thread])
        #expect(seen.withLock { $0 } == ["Worker", "Renamed with a very long name, ünïcode"])
        #expect(thread.description.contains("Renamed"))
    }

    @Test func currentInsideAThreadIsThatThread() throws {
        let same = StateLock(false)
        let holder = StateLock<OSThread?>(nil)
        let ready = Event()
        let thread = OSThread(daemon: true) {
            ready.wait()
            same.withLock { $0 = OSThread.current === holder.withLock { $0 } }
        }
        holder.withLock { $0 = thread }
        try thread.start()
        ready.set()
        try joinAll([thread])
        #expect(same.withLock { $0 })
    }

    @Test func currentOnADispatchThreadIsADummyDaemon() throws {
        let found = StateLock<OSThread?>(nil)
        let again = StateLock<Bool>(false)
        let done = Event()
        DispatchQueue(label: "dummy-test").async {
            let thread = OSThread.current
            found.withLock { $0 = thread }
            again.withLock { $0 = OSThread.current === thread }
            done.set()
        }
        #expect(try done.wait(timeout: Delay.bound))
        let dummy = try #require(found.withLock { $0 })
        #expect(dummy.name.hasPrefix("Dummy-"))
        #expect(dummy.isDaemon)
        #expect(dummy.isAlive)
        #expect(dummy.ident != nil)
        #expect(again.withLock { $0 })
        #expect(dummy !== OSThread.main)
    }

    /// A foreign thread's Dummy leaves `all` when the thread exits (its per-thread slot's
    /// destructor), and threads it creates are daemons by default, as in Python.
    @Test func dummyIsForgottenWhenItsThreadExits() throws {
        let found = StateLock<(dummy: OSThread, childDaemon: Bool)?>(nil)
        let thread = Foundation.Thread {
            let dummy = OSThread.current
            found.withLock { $0 = (dummy, OSThread {}.isDaemon) }
        }
        thread.start()
        waitUntil("the foreign thread recorded its Dummy") { found.withLock { $0 } != nil }
        let (dummy, childDaemon) = try #require(found.withLock { $0 })
        #expect(dummy.name.hasPrefix("Dummy-"))
        #expect(childDaemon)
        waitUntil("the Dummy left `all`") { !OSThread.all.contains(dummy) }
        #expect(!dummy.isAlive)
        #expect(try dummy.join(timeout: Delay.bound))
    }

    @Test func mainThread() {
        let main = OSThread.main
        #expect(main.name == "MainThread")
        #expect(!main.isDaemon)
        #expect(main.isAlive)
        #expect(main.nativeID == Int(getpid()))
        #expect(OSThread.all.first === main)
        #expect(OSThread.main === main)
    }

    @Test func allListsStartedThreadsAndDropsFinishedOnes() throws {
        let release = Event()
        let thread = try spawn { release.wait() }
        #expect(OSThread.all.contains(thread))
        #expect(OSThread.all.contains(OSThread.main))
        #expect(OSThread.activeCount >= 2)
        release.set()
        try joinAll([thread])
        #expect(!OSThread.all.contains(thread))
    }

    @Test func daemonIsInheritedFromTheCreator() throws {
        let inherited = StateLock<[Bool]>([])
        func childDaemonFlag(parentDaemon: Bool) throws {
            let parent = OSThread(daemon: parentDaemon) {
                let child = OSThread {}
                let explicit = OSThread(daemon: !parentDaemon) {}
                inherited.withLock { $0 += [child.isDaemon, explicit.isDaemon] }
            }
            try parent.start()
            try joinAll([parent])
        }
        try childDaemonFlag(parentDaemon: true)
        try childDaemonFlag(parentDaemon: false)
        #expect(inherited.withLock { $0 } == [true, false, false, true])
    }

    @Test func exceptHookReceivesTheError() throws {
        struct Boom: Error, Equatable { let code: Int }
        let received = StateLock<[(String, Int)]>([])
        OSThread.setExceptHook { thread, error in
            if let boom = error as? Boom {
                received.withLock { $0.append((thread.name, boom.code)) }
            } else {
                StandardError.write("Exception in thread \(thread.name): \(error)\n")
            }
        }
        defer { OSThread.resetExceptHook() }
        let failing = OSThread(name: "Failing", daemon: true) { throw Boom(code: 7) }
        let fine = Counter()
        let other = try spawn { fine.increment() }
        try failing.start()
        try joinAll([failing, other])
        // The hook ran before join returned; the other thread was not affected.
        let got = received.withLock { $0 }
        #expect(got.count == 1)
        #expect(got.first?.0 == "Failing")
        #expect(got.first?.1 == 7)
        #expect(fine.count == 1)
        #expect(!failing.isAlive)
    }

    @Test func hashableByIdentity() throws {
        let a = OSThread(daemon: true) {}
        let b = OSThread(daemon: true) {}
        #expect(a == a)
        #expect(a != b)
        #expect(Set([a, b, a]).count == 2)
        #expect(a.description.contains("initial"))
    }

    /// Many threads started and joined one after another (W9's shape): none leaks into `all`.
    @Test func manyStartsAndJoins() throws {
        let count = Counter()
        let n = Stress.size(500)
        for _ in 0..<n {
            let thread = try spawn { count.increment() }
            try thread.join()
        }
        #expect(count.count == n)
    }
}

/// `ThreadLifecycle` on its own.
@Suite(.hangGuard) struct ThreadLifecycleTests {
    @Test func transitions() {
        var life = ThreadLifecycle.initial
        #expect(!life.isStarted && !life.isAlive && life.ident == nil && life.nativeID == nil)
        #expect(life.start() == .spawn)
        #expect(life.isStarted && life.isAlive && life.ident == nil)
        #expect(life.start() == .alreadyStarted)
        life.didBegin(ident: 5, nativeID: 6)
        #expect(life.isAlive && life.ident == 5 && life.nativeID == 6)
        #expect(life.start() == .alreadyStarted)
        life.didFinish()
        #expect(!life.isAlive && life.isStarted && life.ident == 5 && life.nativeID == 6)
        #expect(life.start() == .alreadyStarted)
        life.didFinish()
        #expect(life == .finished(ident: 5, nativeID: 6))
    }
}
