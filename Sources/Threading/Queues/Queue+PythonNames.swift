// Python's spellings of the size snapshots for `SimpleQueue`; the three bounded queues get
// theirs from `BlockingQueue`.

extension SimpleQueue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
}
