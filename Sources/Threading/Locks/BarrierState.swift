/// The state of a `Barrier`: who has arrived in the current generation, and its phase.
///
/// Phases and transitions (CPython's filling / draining / broken; see `Phase`):
///
///     filling  --last party arrives-->  draining(thenBroken: false)  (the action runs)
///     draining(b)  --action finished-->  b ? broken : filling
///     draining(_)  --abort-->  draining(thenBroken: true)
///     draining(_)  --reset-->  draining(thenBroken: false)
///     filling  --a waiter times out, or abort-->  broken  (every waiter is told "broken")
///     filling  --reset-->  filling  (every waiter is told "broken")
///     broken   --reset-->  filling
///
/// CPython also has a "resetting" phase, in which new arrivals wait until the threads
/// that a reset broke have left. It is not needed here: a waker decides each woken
/// waiter's outcome under the lock (`outcomes`), so those threads need nothing more from
/// the state, and the barrier is reusable at once. "Draining" remains only while the
/// action runs: the tripped generation is released after it, and arrivals for the next
/// generation wait in `entering` until then, so actions never overlap.
struct BarrierState: Sendable {
    enum Phase: Equatable, Sendable {
        /// Parties are arriving.
        case filling
        /// Every party arrived; the last one runs the action. `thenBroken`: `abort()` was
        /// called meanwhile, so the barrier is broken once the action finishes.
        case draining(thenBroken: Bool)
        /// A waiter timed out or `abort()` was called; every `wait` throws until `reset()`.
        case broken
    }

    /// How a listed waiter's wait ended, decided by the thread that woke it.
    enum Outcome: Equatable, Sendable {
        case passed
        case broken
    }

    /// What `arrive(_:)` decided.
    enum ArriveAction {
        /// Listed with this arrival index; wait for the other parties.
        case wait(index: Int)
        /// The last party (index `parties - 1`): run the action, resume `release` (they all
        /// passed), then call `actionFinished()`.
        case trip(index: Int, release: [Waiter])
        /// The previous generation is still draining: listed in `entering`; arrive again
        /// when woken.
        case enterLater
        /// The barrier is broken: throw `BrokenBarrierError`.
        case broken
    }

    /// What `withdraw(id:)` decided for a waiter whose time ran out.
    enum WithdrawAction {
        /// It was still waiting, so the barrier broke: resume `wake` (told "broken") and
        /// throw `BrokenBarrierError`.
        case broke(wake: [Waiter])
        /// A waker already took it; its outcome is decided and its wake-up on its way.
        case alreadyWoken
    }

    let parties: Int
    private(set) var phase = Phase.filling
    /// The current generation's waiters, in arrival order.
    private(set) var arrived = WaitList<Waiter>()
    /// Threads that arrived while the previous generation drained.
    private(set) var entering = WaitList<Waiter>()
    /// Outcomes decided for woken waiters that have not collected them yet.
    private(set) var outcomes: [UInt64: Outcome] = [:]

    init(parties: Int) {
        self.parties = parties
    }

    /// Parties waiting in the current generation: 0 unless filling.
    var waitingCount: Int { phase == .filling ? arrived.count : 0 }

    /// Broken, or about to be once the running action finishes.
    var isBroken: Bool { phase == .broken || phase == .draining(thenBroken: true) }

    /// A party arrives.
    mutating func arrive(_ waiter: Waiter) -> ArriveAction {
        switch phase {
        case .broken:
            return .broken
        case .draining:
            entering.append(waiter, id: waiter.id)
            return .enterLater
        case .filling:
            let index = arrived.count
            guard index + 1 == parties else {
                arrived.append(waiter, id: waiter.id)
                return .wait(index: index)
            }
            let release = arrived.removeAll()
            for waiter in release { outcomes[waiter.id] = .passed }
            phase = .draining(thenBroken: false)
            return .trip(index: index, release: release)
        }
    }

    /// The tripping party's action finished: the next generation may fill. Returns the
    /// threads that arrived meanwhile, to resume (each arrives again).
    mutating func actionFinished() -> [Waiter] {
        if case .draining(let thenBroken) = phase {
            phase = thenBroken ? .broken : .filling
        }
        return entering.removeAll()
    }

    /// A waiter's time ran out.
    mutating func withdraw(id: UInt64) -> WithdrawAction {
        guard arrived.remove(id: id) != nil else { return .alreadyWoken }
        return .broke(wake: breakGeneration(then: .broken))
    }

    /// A woken waiter learns how its wait ended (and forgets it). `nil` only for a waiter
    /// that was never told, which the barrier treats as broken.
    mutating func collect(id: UInt64) -> Outcome? {
        outcomes.removeValue(forKey: id)
    }

    /// `abort()`: the barrier breaks; returns the waiters to resume (told "broken").
    mutating func abort() -> [Waiter] {
        switch phase {
        case .filling: return breakGeneration(then: .broken)
        case .draining: phase = .draining(thenBroken: true)
        case .broken: break
        }
        return []
    }

    /// `reset()`: current waiters are told "broken", and the barrier is ready for a new
    /// generation; returns the waiters to resume.
    mutating func reset() -> [Waiter] {
        switch phase {
        case .filling: return breakGeneration(then: .filling)
        case .draining: phase = .draining(thenBroken: false)
        case .broken: phase = .filling
        }
        return []
    }

    private mutating func breakGeneration(then next: Phase) -> [Waiter] {
        let wake = arrived.removeAll()
        for waiter in wake { outcomes[waiter.id] = .broken }
        phase = next
        return wake
    }

    func checkInvariants() -> Bool {
        let noListedOutcome = outcomes.keys.allSatisfy {
            !arrived.contains(id: $0) && !entering.contains(id: $0)
        }
        switch phase {
        case .filling:
            return noListedOutcome && entering.isEmpty && arrived.count < parties
        case .draining:
            return noListedOutcome && arrived.isEmpty
        case .broken:
            return noListedOutcome && arrived.isEmpty && entering.isEmpty
        }
    }
}
