import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

@Suite("threadlab command line", .hangGuard)
struct CommandLineTests {
    /// Each mistake: one line on standard error, exit status 2, no stack trace.
    @Test(arguments: [
        ["demo", "no-such-demo"],
        ["demo", "gil", "--switch-interval", "abc"],
        ["demo", "gil", "--switch-interval=-3"],
        ["demo", "basic", "--trace", "/no/such/dir/trace.json"],
        ["bench", "--json", "/no/such/dir/out.json"],
        ["bench", "--html", "/tmp"],
        ["bench", "--peers", "cobol"],
        ["bench", "--ks", "1,2"],
        ["bench", "--scaling", "--ks", "0,2"],
        ["bench", "--scaling", "--ks", "two"],
        ["bench", "--scaling", "--cluster"],
        ["worker"],
        ["worker", "--postgres", "postgres://u@localhost/db", "--lease-ms", "5"],
        ["worker", "--postgres", "mysql://u@localhost/db"],
        ["frobnicate"],
    ])
    func badInputIsOneLineAndStatus2(_ arguments: [String]) throws {
        let run = try Binary.run(arguments)
        #expect(run.status == 2)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(run.standardError)")
        #expect(lines.first?.hasPrefix("threadlab: ") == true)
        #expect(run.standardOutput.isEmpty)
    }

    @Test func demoRunsOneScenarioAndPrintsItsVerdict() throws {
        let run = try Binary.run(["demo", "race"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("verdict race: 3 updates without a lock ended at"))
        #expect(run.standardOutput.contains("[ThreadPoolExecutor-0_0]"))
    }

    @Test func demoWritesATraceAndATimeline() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "threadlab-trace-\(getpid())"
        ).path
        let (trace, timeline) = (base + ".json", base + ".html")
        defer {
            try? FileManager.default.removeItem(atPath: trace)
            try? FileManager.default.removeItem(atPath: timeline)
        }
        let run = try Binary.run(["demo", "race", "--trace", trace, "--timeline", timeline])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace)))
        let events = (json as? [String: Any])?["traceEvents"] as? [Any]
        #expect((events?.count ?? 0) > 0)
        #expect(try String(contentsOfFile: timeline, encoding: .utf8).contains("<svg"))
    }

    @Test func benchQuickJSONHasEveryWorkload() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "threadlab-bench-\(getpid()).json"
        ).path
        let html = path.replacingOccurrences(of: ".json", with: ".html")
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: html)
        }
        let run = try Binary.run([
            "bench", "--quick", "--scale", "0.002", "--peers", "none", "--rounds", "2", "--json", path,
            "--html",
            html,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let report = try JSONDecoder().decode(
            BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(report.rows.map(\.id) == (1...10).map { "W\($0)" })
        #expect(report.quick)
        #expect(report.machine.cores >= 1)
        for row in report.rows {
            let swift = try #require(row.figure("swift"))
            if swift.requires == nil {
                #expect(swift.value != nil, "\(row.id): \(swift.note ?? "")")
                #expect(swift.ok == true, "\(row.id)")
                // Two rounds: the spread brackets the median.
                let (low, high, value) = (swift.low ?? .nan, swift.high ?? .nan, swift.value ?? .nan)
                #expect(low <= value && value <= high, "\(row.id): \(low) \(value) \(high)")
            } else {
                #expect(swift.note == "n/a (not built yet)")
            }
        }
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(run.standardOutput.contains("W10"))
    }

    @Test func pythonPeerReportsEveryWorkload() throws {
        guard ChildProcess.which("python3") != nil else { return }
        let report = BenchRunner(
            quick: true, scale: 0.01, peers: ["python"], context: quietContext(), runs: 1)
        let figures = report.runPeer("python", runs: 1)
        #expect(figures.map(\.id) == (1...10).map { "W\($0)" })
        for figure in figures {
            #expect(figure.value != nil, "\(figure.id): \(figure.note ?? "")")
            #expect(figure.ok == true)
            #expect(figure.low != nil && figure.high != nil, "\(figure.id): no spread")
        }
    }

    @Test func aLeadAboveOneMeansThisPackageIsAheadWhicheverWayTheUnitPoints() {
        func row(_ higherIsBetter: Bool, swift: Double, peer: Double) -> BenchReport.Row {
            BenchReport.Row(
                id: "W0", name: "x", unit: "u", higherIsBetter: higherIsBetter,
                figures: [
                    BenchFigure(
                        implementation: "swift", id: "W0", value: swift, low: swift * 0.9, high: swift * 1.1),
                    BenchFigure(implementation: "java", id: "W0", value: peer),
                ])
        }
        #expect(row(true, swift: 30, peer: 10).ratio(to: "java") == 3)  // a rate: 3× the peer's
        #expect(row(false, swift: 10, peer: 30).ratio(to: "java") == 3)  // a time: a third of it
        #expect(row(false, swift: 30, peer: 10).ratio(to: "java").map { $0 < 1 } == true)
        #expect(row(true, swift: 30, peer: 0).ratio(to: "java") == nil)
        let report = BenchReport(
            machine: .current(), quick: false, date: "d", implementations: ["swift", "java"],
            rows: [row(false, swift: 10, peer: 30)])
        #expect(report.table().contains("10.0 [9.00–11.0]"))
        #expect(report.table().contains("lead over java"))
    }
}
