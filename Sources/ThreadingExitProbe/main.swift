import Threading

if let mode = CommandLine.arguments.dropFirst().first, mode.hasPrefix("lock-order-") {
    try runLockOrderProbe(mode)
}
