import Foundation
import Threading

/// The bodies of the workloads this package can run, each checking its result.
enum Workloads {
    typealias Sample = Workload.WorkloadSample

    /// W4: one thread, n × (acquire, increment, release). The note gives, from the same
    /// round, `pthread_mutex_t` and the bare pair of atomics (`PlatformLockFloor`).
    static func lockUncontended(_ n: Int) -> Sample {
        let lock = Lock(name: "W4")
        let counter = LockedCounter()
        let (_, elapsed) = LabClock.measure {
            for _ in 0..<n {
                lock.acquire()
                counter.value &+= 1
                // Cannot throw: this thread holds the lock.
                try? lock.release()
            }
        }
        let seconds = LabClock.seconds(elapsed)
        let pthread = PlatformLockFloor.pthreadMutexPair(n)
        let bare = PlatformLockFloor.atomicPair(n)
        let note =
            "same round: pthread_mutex_t " + String(format: "%.2f", pthread) + " ns/pair, bare atomics "
            + "(compare-exchange + exchange) " + String(format: "%.2f", bare) + " ns/pair"
        return Sample(value: seconds / Double(n) * 1e9, seconds: seconds, ok: counter.value == n, note: note)
    }

    /// W5: 2 threads × n increments of one counter under one lock. The note gives
    /// `pthread_mutex_t` in the same round (`PlatformLockFloor`).
    static func lockContended(_ n: Int) throws -> Sample {
        var sample = try lockContended(total: 2 * n, threads: 2)
        let pthread = try PlatformLockFloor.pthreadMutexContended(total: 2 * n, threads: 2)
        sample.note = "same round: pthread_mutex_t " + BenchReport.format(pthread) + " increments/s"
        return sample
    }

    /// `threads` threads share `total` increments (`total / threads` each) of one counter
    /// under one lock: W5, and its scaling curve.
    static func lockContended(total: Int, threads count: Int) throws -> Sample {
        let lock = Lock(name: "W5")
        let counter = LockedCounter()
        let share = total / count
        let (_, elapsed) = try LabClock.measure {
            let threads = (0..<count).map { _ in
                OSThread { for _ in 0..<share { lock.withLock { counter.value &+= 1 } } }
            }
            for thread in threads { try thread.start() }
            for thread in threads { try thread.join() }
        }
        let seconds = LabClock.seconds(elapsed)
        let done = share * count
        let counted = lock.withLock { counter.value }
        return Sample(value: Double(done) / seconds, seconds: seconds, ok: counted == done, note: nil)
    }

    /// W6: T1 (one thread), T2 (two threads on halves), P2 (two worker processes of a
    /// started `ProcessPoolExecutor` on halves).
    static func cpuSpeedup(_ n: Int, _ context: LabContext) throws -> Sample {
        let half = n / 2
        let expected = CPUJob.expected(0, n)
        let (one, t1) = try LabClock.measure { try GILScenario.onThreads([(0, n)]) { CPUJob.cpu($0, $1) } }
        let (two, t2) = try LabClock.measure {
            try GILScenario.onThreads([(0, half), (half, n)]) { CPUJob.cpu($0, $1) }
        }
        let (processes, p2) = try GILScenario.onProcessPool(context, [(0, half), (half, n)])
        let (s1, s2, sp) = (LabClock.seconds(t1), LabClock.seconds(t2), LabClock.seconds(p2))
        let note = String(format: "T1 %.3g s, T2 %.3g s, P2 %.3g s, T1/P2 %.2f", s1, s2, sp, s1 / sp)
        return Sample(
            value: s1 / s2, seconds: s1 + s2 + sp,
            ok: one == expected && two == expected && processes == expected,
            note: note)
    }

    /// W8: two threads bounce a token with two `Event`s, n round trips.
    static func eventPingPong(_ n: Int) throws -> Sample {
        let ping = Event()
        let pong = Event()
        let responder = OSThread(name: "W8-responder") {
            for _ in 0..<n {
                ping.wait()
                ping.clear()
                pong.set()
            }
        }
        try responder.start()
        let (_, elapsed) = LabClock.measure {
            for _ in 0..<n {
                ping.set()
                pong.wait()
                pong.clear()
            }
        }
        try responder.join()
        let seconds = LabClock.seconds(elapsed)
        return Sample(value: seconds / Double(n) * 1e6, seconds: seconds, ok: true, note: nil)
    }

    /// W9: create, start and join n threads one after another.
    static func threadSpawn(_ n: Int) throws -> Sample {
        let ran = SharedInt()
        let (_, elapsed) = try LabClock.measure {
            for _ in 0..<n {
                let thread = OSThread { ran.add(1) }
                try thread.start()
                try thread.join()
            }
        }
        let seconds = LabClock.seconds(elapsed)
        return Sample(value: Double(n) / seconds, seconds: seconds, ok: ran.value == n, note: nil)
    }

    /// W10: W6's threads under the simulated GIL.
    static func gilSim(_ n: Int, _ context: LabContext) throws -> Sample {
        let half = n / 2
        let expected = CPUJob.expected(0, n)
        let gil = GlobalInterpreterLock(switchInterval: context.switchInterval)
        let (one, t1) = try LabClock.measure {
            try GILScenario.onThreads([(0, n)]) { CPUJob.cpu($0, $1, gil: gil) }
        }
        let (two, t2) = try LabClock.measure {
            try GILScenario.onThreads([(0, half), (half, n)]) { CPUJob.cpu($0, $1, gil: gil) }
        }
        let (s1, s2) = (LabClock.seconds(t1), LabClock.seconds(t2))
        let switches = gil.statistics.forcedSwitches
        let note = String(format: "T1 %.3g s, T2 %.3g s, %d forced switches", s1, s2, switches)
        return Sample(value: s1 / s2, seconds: s1 + s2, ok: one == expected && two == expected, note: note)
    }
}
