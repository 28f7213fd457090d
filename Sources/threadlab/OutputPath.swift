import ArgumentParser
import Foundation

/// Checks, before any work, that an output file can be written: by opening it for writing
/// (creating it, then removing it again, when it does not exist yet), which is what counts
/// even for root, for whom `access(2)` says yes to nearly everything.
enum OutputPath {
    static func check(_ path: String) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue {
            throw ValidationError("cannot write to '\(path)': it is a directory")
        }
        let fd = exists ? open(path, O_WRONLY) : open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw ValidationError("cannot write to '\(path)': \(String(cString: strerror(errno)))")
        }
        close(fd)
        if !exists { unlink(path) }
    }
}
