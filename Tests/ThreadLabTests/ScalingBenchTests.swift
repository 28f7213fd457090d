import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

/// `threadlab bench --scaling`: the curves, their verdict, the peers' points.
@Suite("threadlab bench --scaling", .hangGuard)
struct ScalingBenchTests {
    @Test func quickRunHasEveryCurveAtEveryK() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "threadlab-scaling-\(getpid())")
        let (json, html) = (base.path + ".json", base.path + ".html")
        defer {
            try? FileManager.default.removeItem(atPath: json)
            try? FileManager.default.removeItem(atPath: html)
        }
        let run = try Binary.run([
            "bench", "--scaling", "--quick", "--scale", "0.002", "--peers", "none", "--rounds", "2", "--ks",
            "1,2,4", "--json", json, "--html", html,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let report = try JSONDecoder().decode(
            ScalingReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(report.ks == [1, 2, 4])
        #expect(report.curves.map(\.id) == ["W1", "W3", "W5"])
        for curve in report.curves {
            let swift = try #require(curve.series("swift"))
            #expect(swift.points.map(\.k) == [1, 2, 4])
            for point in swift.points {
                #expect(point.figure.value != nil, "\(curve.id) k=\(point.k): \(point.figure.note ?? "")")
                #expect(point.figure.ok == true, "\(curve.id) k=\(point.k)")
                let (low, high, value) = (
                    point.figure.low ?? .nan, point.figure.high ?? .nan, point.figure.value ?? .nan
                )
                #expect(low <= value && value <= high, "\(curve.id) k=\(point.k)")
            }
        }
        #expect(run.standardOutput.contains("at k = 4, share of the best k: swift"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.components(separatedBy: "<polyline").count == 4, "one curve per workload")
    }

    /// The share kept at the largest k, and the word for falling below half of the best.
    @Test func theLargestKIsJudgedAgainstTheBestK() {
        func series(_ values: [Double]) -> ScalingReport.Series {
            ScalingReport.Series(
                implementation: "swift",
                points: zip([1, 2, 64], values).map { k, value in
                    ScalingReport.Point(
                        k: k, figure: BenchFigure(implementation: "swift", id: "W1", value: value))
                })
        }
        #expect(series([10, 40, 30]).retainedAtLargestK == 0.75)
        #expect(series([10, 40, 30]).best?.k == 2)
        #expect(series([10, 40, 10]).retainedAtLargestK == 0.25)
        #expect(ScalingReport.retained(series([10, 40, 10])).contains("collapses"))
        #expect(!ScalingReport.retained(series([10, 40, 30])).contains("collapses"))
        let empty = ScalingReport.Series(
            implementation: "java",
            points: [ScalingReport.Point(k: 1, figure: BenchFigure(implementation: "java", id: "W1"))])
        #expect(empty.retainedAtLargestK == nil)
        #expect(ScalingReport.retained(empty) == "java —")
    }

    @Test func pythonPeerReportsEveryPoint() throws {
        guard ChildProcess.which("python3") != nil else { return }
        let bench = ScalingBench(
            quick: true, scale: 0.01, peers: ["python"], ks: [1, 2], context: quietContext(), runs: 1)
        let lines = bench.runPeer("python")
        #expect(lines.failure == nil, "\(lines.failure ?? "")")
        for id in ["W1", "W3", "W5"] {
            for k in [1, 2] {
                let figure = lines.figure("python", id, k)
                #expect(figure?.value != nil && figure?.ok == true, "\(id) k=\(k)")
            }
        }
    }
}
