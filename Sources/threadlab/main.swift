import ArgumentParser
import Foundation
import Multiprocessing
import ThreadLab

// Parsing and printing only: the scenarios and the benchmark live in ThreadLab.
// Every user mistake ends with one line on standard error and exit status 2.

// In a worker process of a ProcessPoolExecutor this serves tasks and never returns.
ProcessPoolExecutor.runWorkerIfRequested(tasks: LabTasks.all)

do {
    var command = try ThreadLabCommand.parseAsRoot()
    try command.run()
    InterruptCleanup.holdExitWhileInterrupted()
} catch let code as ExitCode {
    InterruptCleanup.holdExitWhileInterrupted()
    exit(code.rawValue)
} catch {
    InterruptCleanup.holdExitWhileInterrupted()
    if ThreadLabCommand.exitCode(for: error) == .success {
        ThreadLabCommand.exit(withError: error)  // --help, --version
    }
    let message = ThreadLabCommand.message(for: error)
    let line = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("threadlab: \(line)\n".utf8))
    exit(2)
}
