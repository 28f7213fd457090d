// swift-tools-version: 6.2
// The benchmarks live in their own package so `swift test` of the library stays lean.
// Run: `cd Benchmarks && swift package benchmark` (ordo-one/benchmark).
import PackageDescription

let package = Package(
    name: "swift-threading-benchmarks",
    dependencies: [
        .package(name: "swift-threading", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: ["Core", "Queues", "Executors"].map { name in
        .executableTarget(
            name: name,
            dependencies: [
                .product(name: "Threading", package: "swift-threading"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/\(name)",
            swiftSettings: [.treatAllWarnings(as: .error)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    }
)
