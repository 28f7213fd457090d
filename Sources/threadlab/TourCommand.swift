import ArgumentParser
import ThreadLab
import Threading

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
