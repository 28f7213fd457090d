import Multiprocessing

/// W7's tiny task: x → x + 1.
public struct IncrementTask: ProcessTask {
    public var x: Int
    public init(_ x: Int) { self.x = x }
    public func run() throws -> Int { x + 1 }
}
