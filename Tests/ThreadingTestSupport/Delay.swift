/// Delays the tests use, named and generous: the machine is a busy 2-core VM.
package enum Delay {
    /// Long enough that a thread that was going to run has surely reached its wait.
    package static let settle = Duration.milliseconds(50)
    /// A short timeout that a test expects to run out.
    package static let short = Duration.milliseconds(20)
    /// The bound on anything a test waits for that should happen "soon", child processes
    /// and worker pools included.
    package static let bound = Duration.seconds(30)
    /// The bound on joining a test's threads: a stress test's threads do seconds of work,
    /// and several times that on a loaded 2-core CI machine (a fair `Semaphore` once ran
    /// past 10 s there). A hang still fails, within the suites' hang guard.
    package static let join = Duration.seconds(40)
}
