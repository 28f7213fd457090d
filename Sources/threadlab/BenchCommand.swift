import ArgumentParser
import Foundation
import ThreadLab

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Workloads W1–W10 on this package and on its peers (run with `swift run -c release`).")

    @Flag(help: "Smaller sizes, one run each: under a minute.")
    var quick = false

    @Option(help: "Write every figure as JSON to this file.")
    var json: String?

    @Option(help: "Write a self-contained HTML report with bar charts to this file.")
    var html: String?

    @Option(help: "Peers to run beside this package, comma-separated: python, java, or none.")
    var peers = "python,java"

    @Flag(
        help:
            "The distributed workloads D1–D4 through PostgreSQL instead, beside the Python peers of bench/peers/cluster (set up by its setup.sh)."
    )
    var cluster = false

    @Flag(
        help:
            "How the cost grows: W1, W3 and W5 at k = 1, 2, 4, 8, 16, 64 threads, as curves beside the peers'."
    )
    var scaling = false

    @Option(help: "With --scaling: the thread counts, comma-separated (default 1,2,4,8,16,64).")
    var ks: String?

    @Option(help: .hidden)
    var scale: Double = 1

    @Option(
        name: [.customLong("rounds"), .customLong("runs")],
        help:
            "Rounds per figure (each side); the median is shown with its spread. Default: 3 (peers: 1 with --quick)."
    )
    var rounds: Int?

    var peerList: [String] {
        peers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0 != "none" }
    }

    /// `--ks` as numbers; `nil` when absent or not a list of counts in 1…1024.
    var kList: [Int]? {
        guard let ks else { return ScalingWorkload.defaultKs }
        let counts = ks.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0.map { (1...1024).contains($0) } ?? false }) else {
            return nil
        }
        return counts.compactMap { $0 }
    }

    func validate() throws {
        if scaling && cluster {
            throw ValidationError("--scaling and --cluster are separate runs; choose one")
        }
        if ks != nil && !scaling { throw ValidationError("--ks goes with --scaling") }
        if kList == nil { throw ValidationError("--ks takes thread counts in 1…1024, comma-separated") }
        for peer in peerList where !BenchRunner.knownPeers.contains(peer) && !cluster {
            throw ValidationError("unknown peer '\(peer)'; choose from: python, java, none")
        }
        guard scale.isFinite, scale > 0, scale <= 100 else {
            throw ValidationError("--scale must be in (0, 100]")
        }
        if let rounds, rounds < 1 || rounds > 100 { throw ValidationError("--rounds must be in 1…100") }
        for path in [json, html].compactMap({ $0 }) { try OutputPath.check(path) }
    }

    func run() throws {
        #if DEBUG
            FileHandle.standardError.write(
                Data(
                    "note: a debug build; for real figures run `swift run -c release threadlab bench`\n".utf8)
            )
        #endif
        if cluster {
            try runCluster()
            return
        }
        if scaling {
            try runScaling()
            return
        }
        let runner = BenchRunner(
            quick: quick, scale: scale, peers: peerList, context: LabContext(log: LabLog(quiet: true)),
            runs: rounds)
        let progress = Progress()
        let report = runner.run { step, total, what in progress.show("[\(step)/\(total)] \(what)…") }
        progress.finish()
        try show(table: report.table(), json: report.json, html: report.html)
    }

    /// Prints a report's table, then writes its JSON and HTML where `--json` and `--html` ask.
    func show(table: String, json makeJSON: () throws -> Data, html makeHTML: () -> String) throws {
        print(table)
        do {
            if let json { try makeJSON().write(to: URL(fileURLWithPath: json)) }
            if let html { try Data(makeHTML().utf8).write(to: URL(fileURLWithPath: html)) }
        } catch {
            throw ValidationError("cannot write the report: \(error.localizedDescription)")
        }
    }
}

extension BenchCommand {
    /// `--scaling`: the curves of W1, W3 and W5 over k.
    func runScaling() throws {
        let bench = ScalingBench(
            quick: quick, scale: scale, peers: peerList, ks: kList ?? ScalingWorkload.defaultKs,
            context: LabContext(log: LabLog(quiet: true)), runs: rounds)
        let progress = Progress()
        let report = bench.run { step, total, what in progress.show("[\(step)/\(total)] \(what)…") }
        progress.finish()
        try show(table: report.table(), json: report.json, html: report.html)
    }

    /// `--cluster`: `--peers python` (the default) runs every Python peer of D1–D4.
    func runCluster() throws {
        var peers = peerList.contains("python") ? ClusterBench.knownPeers : []
        peers += peerList.filter { ClusterBench.knownPeers.contains($0) }
        let bench = ClusterBench(quick: quick, peers: peers, context: LabContext(log: LabLog(quiet: true)))
        let progress = Progress()
        let figures = try bench.run { progress.show("\($0)…") }
        progress.finish()
        print(ClusterBench.table(figures))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(figures).write(to: URL(fileURLWithPath: json))
        }
    }
}

/// The progress line on standard error: rewritten in place on a terminal, a line per step
/// otherwise.
struct Progress {
    let isTerminal = isatty(2) == 1

    func show(_ text: String) {
        let line = isTerminal ? "\r\u{1B}[K" + text : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
