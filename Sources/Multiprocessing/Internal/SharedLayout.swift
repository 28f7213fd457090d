import CThreadingShims

/// The memory a worker process shares with its pool (a `MAP_SHARED` file mapping). It
/// outlives the worker: after reaping a dead worker the pool still reads what it left.
///
/// - word 0: how many jobs the worker has reached (stored after it claimed the job's cell).
/// - word 1: how many bytes at `answersOffset` hold answers not yet known to be sent.
/// - `cellCount` words at `cellsOffset`: one per job in flight, at `sequence % cellCount`
///   (`sequence` counts the process's jobs from 1): `sent`, then `started` (the worker
///   claimed it) or `cancelled` (the pool claimed it first). One compare-and-swap decides.
/// - `answersOffset..<size`: the worker's unsent answers, byte for byte as they will go
///   over the channel, so a worker that dies loses none of the answers it had finished.
enum SharedLayout {
    static let startedWord = 0
    static let unsentWord = 4
    static let cellsOffset = 64
    /// At least `ProcessPoolExecutor.window`: a cell is reused only after its job's answer
    /// has arrived.
    static let cellCount = 256
    static let answersOffset = 4096
    static let answersCapacity = 1 << 16
    static let size = answersOffset + answersCapacity

    static let sent: UInt32 = 0
    static let started: UInt32 = 1
    static let cancelled: UInt32 = 2

    @inline(__always)
    static func word(_ base: UnsafeMutableRawPointer, at offset: Int) -> UnsafeMutablePointer<
        cthreading_word_t
    > {
        (base + offset).assumingMemoryBound(to: cthreading_word_t.self)
    }

    @inline(__always)
    static func cell(_ base: UnsafeMutableRawPointer, _ index: Int) -> UnsafeMutablePointer<cthreading_word_t>
    {
        word(base, at: cellsOffset + 4 * index)
    }

    /// The cell of the job with this (1-based) sequence number in its process.
    @inline(__always)
    static func cellIndex(sequence: Int) -> Int { sequence % cellCount }

    /// The pool, before sending a job: its cell says `sent`.
    static func resetCell(_ base: UnsafeMutableRawPointer, _ index: Int) {
        cthreading_word_store_release(cell(base, index), sent)
    }

    /// Moves a cell from `sent` to `to`; false when the other side claimed it first.
    static func claimCell(_ base: UnsafeMutableRawPointer, _ index: Int, to value: UInt32) -> Bool {
        var expected = sent
        return cthreading_word_cas(cell(base, index), &expected, value)
    }
}
