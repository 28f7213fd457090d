import ArgumentParser
import ThreadLab

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Workloads W1–W10 on this package and its peers (use -c release).")

    func run() throws {}
}
