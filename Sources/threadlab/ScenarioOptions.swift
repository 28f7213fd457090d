import ArgumentParser
import ThreadLab
import Threading

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
