import Foundation

/// Finds and runs the peer programs kept in the repository's `bench/peers/`.
package enum PeerPrograms {
    /// The `bench/peers` directory: `$THREADLAB_PEERS`, else the first found walking up from
    /// the executable (`.build/debug/threadlab` sits two levels below the checkout) and from
    /// the current directory.
    package static func directory(executable: String = LabContext.currentExecutable) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["THREADLAB_PEERS"] { return explicit }
        var starts = [URL(fileURLWithPath: executable).deletingLastPathComponent()]
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in starts {
            var directory = start
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("bench/peers")
                if FileManager.default.fileExists(
                    atPath: candidate.appendingPathComponent("peer_python.py").path)
                {
                    return candidate.path
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// One line of a peer's output: `{"id": "W4", "n": …, "value": …, "unit": "…", …}`.
    package struct Figure: Sendable, Codable, Equatable {
        package var id: String
        /// The thread count of a `--scaling` line.
        package var k: Int?
        package var n: Int
        package var value: Double
        /// The smallest and largest figure over the runs (absent from older peer programs).
        package var low: Double?
        package var high: Double?
        package var unit: String
        package var seconds: Double?
        package var ok: Bool?
        package var note: String?
    }

    /// The program and its first arguments that run `peer`'s benchmark program from
    /// `directory`; throws, saying why, when its tool is missing or the peer is unknown.
    package static func command(_ peer: String, in directory: String) throws -> (String, [String]) {
        switch peer {
        case "python":
            guard let python = ChildProcess.which("python3") else {
                throw PeerError.failed("python3 not on the PATH")
            }
            return (python, ["\(directory)/peer_python.py"])
        case "java":
            guard let java = ChildProcess.which("java") else {
                throw PeerError.failed("java not on the PATH")
            }
            return (java, ["\(directory)/PeerJava.java"])
        default:
            throw PeerError.failed("unknown peer")
        }
    }

    /// Runs `program` with `arguments` and parses every JSON line it prints; gives up on a
    /// program still running after `timeout`.
    package static func run(
        _ program: String, _ arguments: [String], timeout: Duration = .seconds(600)
    ) throws -> [Figure] {
        let child = try ChildProcess.run(program, arguments, timeout: timeout)
        if child.timedOut {
            throw PeerError.failed("\(program) did not finish within \(timeout) and was stopped")
        }
        guard child.status == 0 else {
            let reason = child.standardError.split(separator: "\n").last.map(String.init) ?? "no message"
            throw PeerError.failed("\(program) exited with status \(child.status): \(reason)")
        }
        return child.standardOutput.split(separator: "\n").compactMap { line in
            try? JSONDecoder().decode(Figure.self, from: Data(line.utf8))
        }
    }

    package enum PeerError: Error, CustomStringConvertible {
        case failed(String)
        package var description: String {
            switch self {
            case .failed(let message): message
            }
        }
    }
}
