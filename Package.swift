// swift-tools-version: 6.2
import PackageDescription

// Every target of ours is built in Swift 6 language mode with warnings as errors.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "swift-threading",
    products: [
        .library(name: "Threading", targets: ["Threading"]),
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .library(name: "ThreadingPostgres", targets: ["ThreadingPostgres"]),
        .executable(name: "threadlab", targets: ["threadlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Only ThreadingPostgres (and the lab) depend on it: SwiftPM builds a product's own
        // targets only, so users of Threading or Multiprocessing never build swift-nio.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // The one place that calls futex, gettid, prctl and friends.
        .target(name: "CThreadingShims"),
        .target(
            name: "Threading",
            dependencies: [
                "CThreadingShims",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Multiprocessing",
            dependencies: ["Threading", "CThreadingShims"],
            swiftSettings: strict
        ),
        // The same ProcessTasks on worker processes of many machines, through PostgreSQL.
        .target(
            name: "ThreadingPostgres",
            dependencies: [
                "Threading", "Multiprocessing", "CThreadingShims",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A throwaway PostgreSQL server (initdb in a temp dir), for the tests and the lab.
        .target(
            name: "PostgresScratchServer",
            swiftSettings: strict
        ),
        .target(
            name: "ThreadLab",
            dependencies: [
                "Threading", "Multiprocessing", "ThreadingPostgres", "PostgresScratchServer",
                "CThreadingShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "threadlab",
            dependencies: [
                "ThreadLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Small programs the tests run as child processes.
        .executableTarget(
            name: "ThreadingExitProbe",
            dependencies: ["Threading", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Two threads racing on purpose: ThreadSanitizer must report it (tests only).
        .executableTarget(
            name: "TSanCanary",
            dependencies: ["Threading"],
            swiftSettings: strict
        ),
        // The task types the probe worker and the process-pool tests share.
        .target(
            name: "ProbeTasks",
            dependencies: ["Multiprocessing"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ProcessWorkerProbe",
            dependencies: ["Threading", "Multiprocessing", "ProbeTasks"],
            swiftSettings: strict
        ),
        // A PostgresWorker serving the probe tasks, for the tests that kill a worker.
        .executableTarget(
            name: "PostgresWorkerProbe",
            dependencies: ["ThreadingPostgres", "ProbeTasks"],
            swiftSettings: strict
        ),
        // What the test targets share: delays, bounded waits, threads, child programs.
        .target(
            name: "ThreadingTestSupport",
            dependencies: ["Threading", "CThreadingShims"],
            path: "Tests/ThreadingTestSupport",
            swiftSettings: strict
        ),
        // The README's first programs, built by `swift build` and run by ExamplesTests.
        .executableTarget(
            name: "ProducerConsumer", dependencies: ["Threading"], path: "Examples/ProducerConsumer",
            swiftSettings: strict),
        .executableTarget(
            name: "ParallelChecksum", dependencies: ["Threading"], path: "Examples/ParallelChecksum",
            swiftSettings: strict),
        .executableTarget(
            name: "ThreadsToTasks", dependencies: ["Threading"], path: "Examples/ThreadsToTasks",
            swiftSettings: strict),
        .executableTarget(
            name: "PrimeCount", dependencies: ["Multiprocessing"], path: "Examples/PrimeCount",
            swiftSettings: strict),
        .testTarget(
            name: "ThreadingTests",
            dependencies: ["Threading", "ThreadingTestSupport", "ThreadingExitProbe", "TSanCanary"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MultiprocessingTests",
            dependencies: ["Multiprocessing", "ThreadingTestSupport", "ProbeTasks", "ProcessWorkerProbe"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ThreadingPostgresTests",
            dependencies: [
                "ThreadingPostgres", "ThreadingTestSupport", "ProbeTasks", "PostgresScratchServer",
                "PostgresWorkerProbe", "ProcessWorkerProbe",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ThreadLabTests",
            dependencies: [
                "ThreadLab", "ThreadingTestSupport", "threadlab", "ProducerConsumer", "ParallelChecksum",
                "ThreadsToTasks",
                "PrimeCount",
            ],
            swiftSettings: strict
        ),
    ]
)
