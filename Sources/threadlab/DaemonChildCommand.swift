import ArgumentParser
import ThreadLab
import Threading

/// The child of the daemon scenario: `threadlab _daemon-child --daemon | --no-daemon`.
struct DaemonChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_daemon-child", shouldDisplay: false)

    @Flag(inversion: .prefixedNo, help: "Whether the two threads are daemon threads.")
    var daemon = true

    @Option var paceMicroseconds: Int = 2_000

    func run() throws {
        try DaemonScenario.child(daemon: daemon, pace: .microseconds(max(0, paceMicroseconds)))
    }
}
