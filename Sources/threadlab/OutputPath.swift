import ArgumentParser
import Foundation

/// Checks, before any work, that an output file can be written.
enum OutputPath {
    static func check(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue, access(path, W_OK) == 0 else {
                throw ValidationError("cannot write to '\(path)'")
            }
            return
        }
        let directory = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue,
            access(directory, W_OK) == 0
        else { throw ValidationError("cannot write to '\(path)': no writable directory '\(directory)'") }
    }
}
