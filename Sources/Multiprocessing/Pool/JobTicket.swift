import Synchronization
import Threading

/// One job's `TicketState` in a lock: the future's cancel gate, and what the pool asks
/// before sending the job and after its worker died.
///
/// Its lock is a leaf: taken under the pool's lock and under the future's, it never
/// takes another and never calls out.
final class JobTicket: FutureCancelGate {
    private let state = Mutex(TicketState())

    init() {}

    func closeBeforeStart() -> Bool { state.withHandoff(self) { $0.cancel() } }

    func send(page: SharedPage, sequence: Int) -> Bool {
        state.withHandoff(self) { $0.send(page: page, sequence: sequence) }
    }

    func finish() { state.withHandoff(self) { $0.finish() } }

    func takeBack() -> Bool { state.withHandoff(self) { $0.takeBack() } }

    var isCancelled: Bool { state.withHandoff(self) { $0.isCancelled } }
}
