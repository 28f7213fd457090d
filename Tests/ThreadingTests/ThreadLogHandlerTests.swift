import Logging
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

@Suite(.hangGuard)
struct ThreadLogHandlerTests {
    @Test func formatsTimeThreadAndMessage() {
        let time = LocalTime(hour: 9, minute: 5, second: 7, millisecond: 42)
        #expect(time.formatted == "09:05:07.042")
        let line = ThreadLogHandler.formatLine(
            time: time, threadName: "First", message: "Thread First: starting")
        #expect(line == "09:05:07.042 [First] Thread First: starting\n")
        let late = LocalTime(hour: 23, minute: 59, second: 59, millisecond: 999)
        #expect(
            ThreadLogHandler.formatLine(time: late, threadName: "MainThread", message: "")
                == "23:59:59.999 [MainThread] \n")
    }

    @Test func metadataFollowsSortedByKey() {
        let time = LocalTime(hour: 0, minute: 0, second: 0, millisecond: 0)
        let line = ThreadLogHandler.formatLine(
            time: time, threadName: "T", message: "m", metadata: ["b": "2", "a": "1"])
        #expect(line == "00:00:00.000 [T] m a=1 b=2\n")
    }

    @Test func nowIsAValidTimeOfDay() {
        let now = LocalTime.now()
        #expect((0..<24).contains(now.hour))
        #expect((0..<60).contains(now.minute))
        #expect((0..<61).contains(now.second))
        #expect((0..<1000).contains(now.millisecond))
        #expect(now.formatted.count == 12)
    }

    /// Through a real `Logger`: the level filter, the thread's name, metadata merging.
    @Test func logsWithTheThreadNameAndFiltersByLevel() throws {
        let lines = StateLock<[String]>([])
        let thread = try spawn(name: "Logger-Thread") {
            var logger = Logger(label: "test") { label in
                var handler = ThreadLogHandler(label: label, logLevel: .info)
                handler.output = { line in lines.withLock { $0.append(line) } }
                return handler
            }
            logger[metadataKey: "run"] = "1"
            logger.debug("hidden")
            logger.info("shown", metadata: ["extra": "x"])
            logger.logLevel = .debug
            logger.debug("now shown")
        }
        try joinAll([thread])
        let got = lines.withLock { $0 }
        #expect(got.count == 2)
        #expect(got.first?.dropFirst(12) == " [Logger-Thread] shown extra=x run=1\n")
        #expect(got.last?.hasSuffix(" [Logger-Thread] now shown run=1\n") == true)
    }

    @Test func handlerIsAValue() {
        var a = ThreadLogHandler(label: "a")
        var b = a
        a[metadataKey: "k"] = "v"
        b.logLevel = .error
        #expect(a[metadataKey: "k"] == "v")
        #expect(b[metadataKey: "k"] == nil)
        #expect(a.logLevel == .info)
        #expect(a.label == "a")
    }

    /// The stream is a parameter; a custom one receives each finished line.
    @Test func customStreamReceivesTheLines() {
        let lines = StateLock<[String]>([])
        let logger = Logger(label: "custom") { label in
            ThreadLogHandler(label: label, stream: .custom { line in lines.withLock { $0.append(line) } })
        }
        logger.info("to my stream")
        let got = lines.withLock { $0 }
        #expect(got.count == 1)
        #expect(got.first?.hasSuffix("] to my stream\n") == true)
    }

    /// The default except hook names the error's type, as Python's traceback line does.
    @Test func exceptLineNamesTheErrorsType() {
        let thread = OSThread(name: "reader-1", daemon: true) {}
        #expect(
            ThreadRegistry.exceptLine(QueueError.shutDown, in: thread)
                == "Exception in thread reader-1: QueueError: the queue is shut down\n")
    }
}
