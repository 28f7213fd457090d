/// One entry of the tour: a name, the tutorial's section, and how to run it.
package struct Scenario: Sendable {
    package var name: String
    /// What it shows, for `threadlab demo --help` and the tour's headings.
    package var title: String
    package var run: @Sendable (LabContext) throws -> Verdict

    /// Every scenario of `docs/SCENARIOS.md`, in the tour's order.
    package static let all: [Scenario] = [
        Scenario(name: "basic", title: "main thread and a sub-thread, join (3.1)") {
            try BasicScenario.run($0).verdict
        },
        Scenario(name: "daemon", title: "daemon threads end with the program (3.2)") {
            try DaemonScenario.run($0).verdict
        },
        Scenario(name: "pool", title: "ThreadPoolExecutor: submit, result, map (3.3)") {
            try PoolScenario.run($0).verdict
        },
        Scenario(name: "race", title: "a lost update without a lock (3.4)") {
            try RaceScenario.run($0).verdict
        },
        Scenario(name: "lock", title: "the same with a lock (3.4)") {
            try LockScenario.run($0).verdict
        },
        Scenario(name: "deadlock", title: "two locks in opposite order, caught by the checker (3.4)") {
            try DeadlockScenario.run($0).verdict
        },
        Scenario(name: "producer-consumer", title: "a bounded Queue between two threads (3.5)") {
            try ProducerConsumerScenario.run($0).verdict
        },
        Scenario(name: "responsiveness", title: "a running total reported while the sum runs (1.b.1)") {
            try ResponsivenessScenario.run($0).verdict
        },
        Scenario(name: "many-threads", title: "many threads, many context switches (1.b.1)") {
            try ManyThreadsScenario.run($0).verdict
        },
        Scenario(name: "gil", title: "the GIL made visible (2)") {
            try GILScenario.run($0).verdict
        },
        Scenario(name: "processes", title: "processes vs threads (1.b)") {
            try ProcessesScenario.run($0).verdict
        },
        Scenario(name: "cluster", title: "the same tasks through PostgreSQL, a killed worker's job rescued") {
            try ClusterScenario.run($0).verdict
        },
    ]

    /// The scenario called `name`.
    package static func named(_ name: String) -> Scenario? {
        all.first { $0.name == name }
    }
}
