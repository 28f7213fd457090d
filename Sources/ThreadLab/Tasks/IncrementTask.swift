import Multiprocessing

/// W7's tiny task: x → x + 1.
package struct IncrementTask: ProcessTask {
    package var x: Int
    package init(_ x: Int) { self.x = x }
    package func run() throws -> Int { x + 1 }
}
