import ArgumentParser
import ThreadLab
import Threading

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "One scenario: " + Scenario.all.map(\.name).joined(separator: ", ") + ".")

    @Argument(help: "The scenario's name.")
    var name: String

    @Option(help: "Write a Chrome trace (Perfetto, chrome://tracing) of what every primitive did.")
    var trace: String?

    @Option(help: "Write a self-contained HTML timeline, a lane per thread.")
    var timeline: String?

    @OptionGroup var options: ScenarioOptions

    func validate() throws {
        guard Scenario.named(name) != nil else {
            throw ValidationError(
                "unknown demo '\(name)'; choose one of: " + Scenario.all.map(\.name).joined(separator: ", "))
        }
        for path in [trace, timeline].compactMap({ $0 }) { try OutputPath.check(path) }
    }

    func run() throws {
        guard let scenario = Scenario.named(name) else { throw ExitCode(2) }
        let context = options.context()
        let tracing = trace != nil || timeline != nil
        if tracing { Tracing.start() }
        let verdict = runScenario(scenario, context)
        if tracing {
            let recorded = Tracing.stop()
            do {
                if let trace {
                    try recorded.writeChromeTrace(to: trace)
                    context.log.plain(
                        "trace: \(recorded.eventCount) events in \(trace) (open it in https://ui.perfetto.dev)"
                    )
                }
                if let timeline {
                    try recorded.writeTimeline(to: timeline)
                    context.log.plain("timeline: \(timeline)")
                }
            } catch {
                throw ValidationError("cannot write the trace: \(error)")
            }
        }
        if !verdict.isAcceptable { throw ExitCode(1) }
    }
}
