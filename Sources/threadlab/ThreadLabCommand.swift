import ArgumentParser
import ThreadLab
import Threading

struct ThreadLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threadlab",
        abstract: "The tutorial on Python threads and the GIL, replayed with swift-threading.",
        subcommands: [
            TourCommand.self, DemoCommand.self, BenchCommand.self, WorkerCommand.self,
            DaemonChildCommand.self,
        ],
        defaultSubcommand: TourCommand.self)
}
