import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

/// The programs in `Examples/`, run as child processes with a bound: each must exit 0
/// and print what its docs promise. One at a time: each blocks a test thread while its
/// child runs, and the children (a process pool among them) load the shared cores.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ExamplesTests {
    /// A bound no healthy run comes near (the slowest, under ThreadSanitizer, takes
    /// seconds); a hang is killed and fails the test instead of stalling the suite.
    static let bound = Duration.seconds(300)

    static func run(_ name: String, _ arguments: [String] = []) throws -> ChildProcess {
        let path = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent(name)
            .path
        try #require(FileManager.default.isExecutableFile(atPath: path), "no example at \(path)")
        let result = try ChildProcess.run(path, arguments, timeout: bound)
        #expect(!result.timedOut, "\(name) was still running after \(bound)")
        // Built with --sanitize=thread, the example reports races on its own stderr.
        #expect(!result.standardError.contains("WARNING: ThreadSanitizer"), "\(result.standardError)")
        return result
    }

    /// The docs' pattern, 1,000 times in one process: no run hangs, none loses an item.
    @Test func producerConsumerRunsAThousandTimesWithoutAHang() throws {
        let result = try Self.run("ProducerConsumer", ["1000"])
        #expect(result.status == 0)
        let last = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.wholeMatch(of: /1000 runs, \d+ items consumed, 0 mismatches/) != nil)
    }

    @Test func parallelChecksumIsTheSameOnOneTwoAndFourWorkers() throws {
        let result = try Self.run("ParallelChecksum")
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        for (line, workers) in zip(lines, [1, 2, 4]) {
            #expect(line.hasPrefix("workers \(workers): 24 files, combined checksum "))
        }
        #expect(lines.last == "same on 1, 2 and 4 workers: true")
    }

    @Test func threadsFeedATaskGroupThatIsCancelledAfterNItems() throws {
        let result = try Self.run("ThreadsToTasks", ["500"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "consumers stopped by: CancellationError, CancellationError")
        #expect(lines.dropFirst().first?.hasSuffix("(at least N)") == true)
        #expect(lines.last?.hasSuffix(": true") == true)
    }

    /// The crash is contained: one task fails with `.workerDied`, the count is right.
    @Test func primeCountSurvivesACrashingTask() throws {
        let result = try Self.run("PrimeCount")
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "primes below 200000: 17984 (expected 17984)")
        #expect(lines.last?.hasPrefix("failed tasks: 1: a worker died (") == true)
    }
}
