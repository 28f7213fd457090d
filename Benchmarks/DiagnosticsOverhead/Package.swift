// swift-tools-version: 6.2
import PackageDescription

// W4 and W5 of docs/WORKLOADS.md with diagnostics off, on, or compiled out of the library:
// see run.sh, which builds this twice (once with -D THREADING_NO_DIAGNOSTICS) and runs
// both builds interleaved in one run.
let package = Package(
    name: "DiagnosticsOverhead",
    dependencies: [.package(name: "swift-threading", path: "../..")],
    targets: [
        .executableTarget(
            name: "DiagnosticsOverhead",
            dependencies: [.product(name: "Threading", package: "swift-threading")],
            swiftSettings: [.treatAllWarnings(as: .error)]
        )
    ]
)
