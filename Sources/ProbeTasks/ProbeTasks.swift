// The task types of the probe worker program (`ProcessWorkerProbe`) and the process-pool
// tests, one library both link, so both sides agree on the Codable types. The tests reach
// the fixtures with `@testable import`; what the probe's release-built bench uses is
// `package`. Each type names itself with an explicit `taskName`.
import Multiprocessing

/// The types the probe's workers know.
package let probeTasks: [any ProcessTask.Type] = [
    AddOne.self, SumSquaresMod7.self, SleepTask.self, FailTask.self, CrashTask.self, GarbageTask.self,
    BadOutputTask.self, UndecodableInWorker.self, UnencodableTask.self, UndecodableOutputTask.self,
    BlockAndReport.self, PidTask.self, EchoTask.self, DieTask.self, HoldTask.self, TouchTask.self,
    Square.self, AppendTask.self,
]
