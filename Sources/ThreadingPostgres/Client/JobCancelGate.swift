import Synchronization
import Threading

/// What `Future.cancel()` asks for a job in the database: one statement that cancels the
/// row only while no worker has claimed it.
///
/// Unlike the process pool's gate it blocks, on the database's answer (a few hundred
/// microseconds), while the future's lock is held. That is safe because nothing that
/// answers the statement takes a future's lock: the statement's answer comes on
/// postgres-nio's event loop, and futures are completed only by the executor's watcher
/// thread, which holds no lock while it waits on the database. When the database cannot be
/// reached within the executor's limit, `cancel()` returns `false`.
final class JobCancelGate: FutureCancelGate {
    let id: Int64
    private weak let client: JobsClient?
    /// Set once the database said the job is cancelled; the next ask answers from it.
    private let knownCancelled = Atomic(false)

    init(id: Int64, client: JobsClient?) {
        self.id = id
        self.client = client
    }

    func markCancelled() { knownCancelled.store(true, ordering: .releasing) }

    func closeBeforeStart() -> Bool {
        if knownCancelled.load(ordering: .acquiring) { return true }
        guard let client, client.cancelInDatabase([id]).contains(id) else { return false }
        markCancelled()
        return true
    }
}
