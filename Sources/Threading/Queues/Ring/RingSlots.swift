import Synchronization

/// Where the ring's slots live: one allocation of `capacity` slots, each a sequence number
/// (an `Atomic<Int>`, see `RingPositions`) followed by the item while it is published.
///
/// The two fields are reached through separate typed pointers rather than one struct, so
/// an access to the item never overlaps the atomic: Swift treats a mutation through a
/// struct pointer as an access to the whole struct, which ThreadSanitizer reports as a race
/// with a concurrent atomic load of its sequence number. Side by side, a hand-over touches
/// one cache line for small items.
@usableFromInline
struct RingSlots<Element>: @unchecked Sendable {
    // The memory is owned by `RingQueueStorage`, which frees it in `deinit`; the atomics
    // order every access to an item (see `item(_:)`).
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let stride: Int
    @usableFromInline let itemOffset: Int
    let count: Int

    init(count: Int) {
        let alignment = Swift.max(MemoryLayout<Atomic<Int>>.alignment, MemoryLayout<Element?>.alignment)
        let itemOffset = Self.roundUp(MemoryLayout<Atomic<Int>>.size, to: MemoryLayout<Element?>.alignment)
        self.itemOffset = itemOffset
        stride = Self.roundUp(itemOffset + MemoryLayout<Element?>.size, to: alignment)
        self.count = count
        base = .allocate(byteCount: stride * count, alignment: alignment)
        for index in 0..<count {
            (base + index * stride).bindMemory(to: Atomic<Int>.self, capacity: 1)
                .initialize(to: Atomic(RingPositions.free(for: index)))
            (base + index * stride + itemOffset).bindMemory(to: Element?.self, capacity: 1).initialize(
                to: nil)
        }
    }

    static func roundUp(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    /// The sequence number of slot `index`.
    @inlinable @inline(__always)
    func sequence(_ index: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        (base + index &* stride).assumingMemoryBound(to: Atomic<Int>.self)
    }

    /// The item of slot `index`: written only by the put that claimed the slot's position,
    /// read only by the get that claimed it (or by an immediate shutdown that took the
    /// position away); the sequence number hands it from one to the other.
    @inlinable @inline(__always)
    func item(_ index: Int) -> UnsafeMutablePointer<Element?> {
        (base + (index &* stride &+ itemOffset)).assumingMemoryBound(to: Element?.self)
    }

    /// Releases the items still held and frees the memory. Only when no put or get runs.
    func free() {
        for index in 0..<count {
            item(index).deinitialize(count: 1)
            sequence(index).deinitialize(count: 1)
        }
        base.deallocate()
    }
}
