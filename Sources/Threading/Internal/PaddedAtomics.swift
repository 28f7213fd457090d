import Synchronization

/// Atomic words laid out on cache lines of their own, for counters that different threads
/// write: a producer's enqueue counter must not share a line with a consumer's dequeue
/// counter, or every put invalidates the line every get reads.
///
/// One layout for the whole package: a line here is 128 bytes (16 words), aligned to 128,
/// because x86's adjacent-line prefetcher fetches 64-byte lines in pairs. Owners name
/// their words with `index(line:word:)` and keep the pointer for the fast paths'
/// `words[index].load(…)`; words on one line are for counters written together.
@usableFromInline
enum PaddedAtomics {
    /// Words per line.
    @usableFromInline static var wordsPerLine: Int { 16 }

    /// The index of word `word` (0 ..< 16) of line `line`.
    @inlinable @inline(__always)
    static func index(line: Int, word: Int = 0) -> Int { line &* wordsPerLine &+ word }

    /// `lines` lines of atomic words, all 0, aligned to a line.
    static func allocate(lines: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        let count = lines * wordsPerLine
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Atomic<Int>>.stride,
            alignment: wordsPerLine * MemoryLayout<Int>.size)
        let words = raw.bindMemory(to: Atomic<Int>.self, capacity: count)
        for index in 0..<count { (words + index).initialize(to: Atomic(0)) }
        return words
    }

    /// Frees what `allocate(lines:)` returned.
    static func deallocate(_ words: UnsafeMutablePointer<Atomic<Int>>, lines: Int) {
        words.deinitialize(count: lines * wordsPerLine)
        UnsafeMutableRawPointer(words).deallocate()
    }
}
