import CThreadingShims

/// The memory a worker process shares with its pool (a `MAP_SHARED` file mapping). It
/// outlives the worker: after reaping a dead worker the pool still reads what it left.
///
/// - word 0: how many jobs the worker has reached (stored after it claimed the job's cell).
/// - word 1: how many bytes at `answersOffset` hold answers not yet known to be sent.
/// - `cellCount` words at `cellsOffset`: one per job in flight, at `sequence % cellCount`
///   (`sequence` counts the process's jobs from 1): `sent`, then `started` (the worker
///   claimed it) or `cancelled` (the pool claimed it first). One compare-and-swap decides.
///   A cell also holds its job's sequence number, so a claim meant for an older job that
///   used the same cell fails instead of hitting the newer one.
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

    /// The cell of the job with this (1-based) sequence number in its process.
    @inline(__always)
    static func cell(_ base: UnsafeMutableRawPointer, sequence: Int) -> UnsafeMutablePointer<
        cthreading_word_t
    > {
        word(base, at: cellsOffset + 4 * (sequence % cellCount))
    }

    /// What the cell of job `sequence` holds in `state`.
    @inline(__always)
    static func cellValue(sequence: Int, _ state: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: sequence) << 2 | state
    }

    /// The pool, before sending job `sequence`: its cell says `sent`.
    static func resetCell(_ base: UnsafeMutableRawPointer, sequence: Int) {
        cthreading_word_store_release(cell(base, sequence: sequence), cellValue(sequence: sequence, sent))
    }

    /// Moves the cell of job `sequence` from `sent` to `state`; false when the other side
    /// claimed it first (or the cell has moved on to a later job).
    static func claimCell(_ base: UnsafeMutableRawPointer, sequence: Int, to state: UInt32) -> Bool {
        var expected = cellValue(sequence: sequence, sent)
        return cthreading_word_cas(
            cell(base, sequence: sequence), &expected, cellValue(sequence: sequence, state))
    }
}
