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

/// Options shared by `tour` and `demo`.
struct ScenarioOptions: ParsableArguments {
    @Option(help: "The simulated GIL's switch interval in milliseconds (CPython: 5).")
    var switchInterval: Double = 5

    @Flag(help: "Do not run CPython beside the GIL demo.")
    var noPeers = false

    func validate() throws {
        guard switchInterval.isFinite, switchInterval > 0, switchInterval <= 10_000 else {
            throw ValidationError("--switch-interval must be a number of milliseconds in (0, 10000]")
        }
    }

    func context(log: LabLog = LabLog()) -> LabContext {
        LabContext(
            log: log, switchInterval: .microseconds(Int64(switchInterval * 1000)), runPeers: !noPeers)
    }
}

/// Runs one scenario and prints its verdict; returns whether it matched.
func runScenario(_ scenario: Scenario, _ context: LabContext) -> Verdict {
    let verdict: Verdict
    do {
        verdict = try scenario.run(context)
    } catch {
        verdict = Verdict(name: scenario.name, summary: "the scenario failed: \(error)", matched: false)
    }
    context.log.plain(verdict.description)
    return verdict
}

struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Every scenario of the tutorial, in order, each with its verdict (the default).")

    @OptionGroup var options: ScenarioOptions

    func run() throws {
        let context = options.context()
        let (verdicts, elapsed) = LabClock.measure {
            Scenario.all.map { scenario in
                context.log.plain("")
                context.log.plain("── \(scenario.name): \(scenario.title)")
                return runScenario(scenario, context)
            }
        }
        let unexpected = verdicts.filter { !$0.isAcceptable }.map(\.name)
        let pending = verdicts.filter { if case .unavailable = $0.outcome { true } else { false } }.map(
            \.name)
        let skipped = verdicts.filter { $0.outcome == .skipped }.map(\.name)
        let expected = verdicts.count - unexpected.count - pending.count - skipped.count
        context.log.plain("")
        var summary = "tour: \(expected) of \(verdicts.count) verdicts as expected"
        if !pending.isEmpty {
            summary += ", \(pending.count) not built yet (\(pending.joined(separator: ", ")))"
        }
        if !skipped.isEmpty { summary += ", \(skipped.count) skipped (\(skipped.joined(separator: ", ")))" }
        if !unexpected.isEmpty { summary += ", UNEXPECTED: \(unexpected.joined(separator: ", "))" }
        context.log.plain(summary + " — \(LabClock.format(elapsed))")
        if !unexpected.isEmpty { throw ExitCode(1) }
    }
}

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
