// swift-tools-version:6.0
// Before/after figures for W1–W5, W7 and W8 (docs/WORKLOADS.md) through the public API
// only, so the same program builds against any commit of the package: `run.sh` builds it
// twice, against two worktrees, and runs the two interleaved.
import PackageDescription

let threading = Context.environment["THREADING_PATH"] ?? "../.."

let package = Package(
    name: "compare",
    dependencies: [.package(name: "swift-threading", path: threading)],
    targets: [
        .executableTarget(
            name: "compare",
            dependencies: [
                .product(name: "Threading", package: "swift-threading"),
                .product(name: "Multiprocessing", package: "swift-threading"),
            ])
    ]
)
