/// Where an `OSThread` is in its life.
///
/// Transitions: `initial` → `starting` (by `start()`) → `running` (the new thread has
/// recorded its ids) → `finished` (its body returned or threw). Threads this package
/// did not start (the main thread, "Dummy" threads) begin in `running`.
enum ThreadLifecycle: Equatable, Sendable {
    case initial
    case starting
    case running(ident: UInt, nativeID: Int)
    case finished(ident: UInt, nativeID: Int)

    enum StartAction: Equatable {
        case spawn
        case alreadyStarted
    }

    mutating func start() -> StartAction {
        guard case .initial = self else { return .alreadyStarted }
        self = .starting
        return .spawn
    }

    mutating func didBegin(ident: UInt, nativeID: Int) {
        self = .running(ident: ident, nativeID: nativeID)
    }

    mutating func didFinish() {
        if case .running(let ident, let nativeID) = self {
            self = .finished(ident: ident, nativeID: nativeID)
        }
    }

    var isStarted: Bool { self != .initial }

    var isAlive: Bool {
        switch self {
        case .starting, .running: true
        case .initial, .finished: false
        }
    }

    var ident: UInt? {
        switch self {
        case .running(let ident, _), .finished(let ident, _): ident
        case .initial, .starting: nil
        }
    }

    var nativeID: Int? {
        switch self {
        case .running(_, let nativeID), .finished(_, let nativeID): nativeID
        case .initial, .starting: nil
        }
    }
}
