// Python's spellings of the size snapshots, for code ported from `queue`: the obvious
// guess of a Python programmer compiles and means the same. The Swift names (`count`,
// `isEmpty`, `isFull`) are the primary ones; these only forward.

extension Queue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
    /// Python's `full()`: the same snapshot as `isFull`. Never blocks.
    public func full() -> Bool { isFull }
}

extension LifoQueue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
    /// Python's `full()`: the same snapshot as `isFull`. Never blocks.
    public func full() -> Bool { isFull }
}

extension PriorityQueue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
    /// Python's `full()`: the same snapshot as `isFull`. Never blocks.
    public func full() -> Bool { isFull }
}

extension SimpleQueue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
}
