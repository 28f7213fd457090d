import Foundation

/// The machine a benchmark ran on.
package struct MachineInfo: Sendable, Codable, Equatable {
    package var cores: Int
    package var cpuModel: String
    package var system: String

    /// This machine: cores online, the CPU model from `/proc/cpuinfo`, the kernel.
    package static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: &names.release) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        return MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, system: "Linux \(release)")
    }
}
