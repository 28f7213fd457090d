import Foundation
import Multiprocessing

/// Ends its worker process abruptly, as a crash would.
package struct CrashTask: ProcessTask {
    package init() {}
    package func run() throws -> Int {
        // The point of the task: take the whole worker process down.
        Foundation.exit(3)
    }
}
