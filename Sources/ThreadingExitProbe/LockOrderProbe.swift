import Threading

/// `ThreadingExitProbe lock-order-abort` / `lock-order-env`: takes two locks in opposite
/// orders on two threads, one after the other. With `lock-order-abort` the probe sets the
/// checker to `.abort`; with `lock-order-env` it leaves the mode to `THREADING_LOCK_ORDER`.
/// In `.abort` the second thread's acquisition closes the cycle, so the process ends
/// non-zero with the report on standard error before printing "finished".
func runLockOrderProbe(_ mode: String) throws {
    if mode == "lock-order-abort" { LockOrderChecking.mode = .abort }
    let first = Lock(name: "probe-A")
    let second = Lock(name: "probe-B")
    let forward = OSThread(name: "forward") { first.withLock { second.withLock {} } }
    try forward.start()
    try forward.join()
    let backward = OSThread(name: "backward") { second.withLock { first.withLock {} } }
    try backward.start()
    try backward.join()
    print("finished")
}
