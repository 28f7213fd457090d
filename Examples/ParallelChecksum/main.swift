// A checksum of every file in a folder, computed with `ThreadPoolExecutor.map` on 1, 2
// and 4 workers: the results must not depend on the number of workers.
//
// Usage: ParallelChecksum [FOLDER]   (default: a folder of 24 files made for the run)
import Foundation
import Threading

/// FNV-1a, 64 bits, over the file's bytes.
func checksum(_ path: String) throws -> UInt64 {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

/// Makes `count` files of different sizes in a fresh temporary folder.
func makeFolder(count: Int) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("checksum-\(ProcessInfo.processInfo.processIdentifier)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for i in 0..<count {
        let bytes = (0..<(i + 1) * 10_000).map { UInt8(truncatingIfNeeded: $0 &* (i + 7)) }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/file-\(i).bin"))
    }
    return folder
}

let given = CommandLine.arguments.dropFirst().first
let folder = try given ?? makeFolder(count: 24)
let paths = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { "\(folder)/\($0)" }

var sums: [[UInt64]] = []
for workers in [1, 2, 4] {
    let started = ContinuousClock.now
    let results = try withThreadPool(maxWorkers: workers) { pool in
        try pool.map(paths) { try checksum($0) }
    }
    sums.append(results)
    let combined = results.reduce(0, ^)
    print(
        "workers \(workers): \(paths.count) files, combined checksum \(String(combined, radix: 16)) in \(ContinuousClock.now - started)"
    )
}
print("same on 1, 2 and 4 workers: \(sums.allSatisfy { $0 == sums[0] })")
if given == nil { try FileManager.default.removeItem(atPath: folder) }
