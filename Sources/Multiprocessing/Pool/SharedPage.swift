import CThreadingShims

/// The pool's handle on one worker process's shared memory (`SharedLayout`): made before
/// the process starts, kept while any job's ticket may still point into it, unmapped
/// when the last reference goes.
///
/// `@unchecked Sendable` without a lock: its words are read and written only with the
/// shim's atomic operations (the worker process writes them too), and the answer bytes
/// are read only by the slot's reader thread once the worker has been reaped.
final class SharedPage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    /// The descriptor the worker maps; -1 for memory that is not shared (model tests).
    let descriptor: Int32

    /// A fresh shared mapping, all zero.
    static func make() throws(SystemCallError) -> SharedPage {
        let shared = try ProcessSyscalls.makeSharedMemory(size: SharedLayout.size)
        return SharedPage(base: shared.memory, descriptor: shared.fd)
    }

    /// Private zeroed memory with the words and cells of the layout but no answer area,
    /// for tests without processes (and a placeholder when `make` failed).
    static func inMemory() -> SharedPage {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: SharedLayout.answersOffset, alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: SharedLayout.answersOffset)
        return SharedPage(base: memory, descriptor: -1)
    }

    private init(base: UnsafeMutableRawPointer, descriptor: Int32) {
        self.base = base
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 {
            ProcessSyscalls.unmapShared(base, size: SharedLayout.size)
            ProcessSyscalls.close(descriptor)
        } else {
            base.deallocate()
        }
    }

    /// How many jobs the worker has reached.
    var startedCount: UInt32 {
        cthreading_word_load_acquire(SharedLayout.word(base, at: SharedLayout.startedWord))
    }

    /// Marks the cell of job `sequence` `sent` before the job is written.
    func resetCell(sequence: Int) { SharedLayout.resetCell(base, sequence: sequence) }

    /// Claims the cell of job `sequence` for cancelling: true when the worker had not
    /// started the job (it will skip it), false when it had.
    func cancelCell(sequence: Int) -> Bool {
        SharedLayout.claimCell(base, sequence: sequence, to: SharedLayout.cancelled)
    }

    /// The answers the worker had finished but not yet sent (or not known to be sent),
    /// as channel bytes. Read after the worker is gone; a bad length reads as nothing.
    func unsentAnswers() -> [UInt8] {
        guard descriptor >= 0 else { return [] }
        let count = Int(cthreading_word_load_acquire(SharedLayout.word(base, at: SharedLayout.unsentWord)))
        guard count > 0, count <= SharedLayout.answersCapacity else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + SharedLayout.answersOffset, count: count))
    }
}
