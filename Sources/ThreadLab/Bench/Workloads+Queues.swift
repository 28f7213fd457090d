import Threading

extension Workloads {
    /// W2 / W3: a `Queue` of capacity 1024 between producers and consumers; n items in all.
    static func queue(_ n: Int, producers: Int, consumers: Int) throws -> Sample {
        let queue = Queue<Int>(maxsize: 1024)
        let share = n / producers
        let total = share * producers
        let sums = SharedInt()
        let (_, elapsed) = try LabClock.measure {
            let consumerThreads = (0..<consumers).map { _ in
                OSThread {
                    var sum = 0
                    while true {
                        let item = try queue.get()
                        if item < 0 { break }
                        sum &+= item
                    }
                    sums.add(sum)
                }
            }
            let producerThreads = (0..<producers).map { k in
                OSThread { for i in (k * share)..<((k + 1) * share) { try queue.put(i) } }
            }
            for thread in consumerThreads + producerThreads { try thread.start() }
            for thread in producerThreads { try thread.join() }
            for _ in 0..<consumers { try queue.put(-1) }
            for thread in consumerThreads { try thread.join() }
        }
        let seconds = LabClock.seconds(elapsed)
        return Sample(
            value: Double(total) / seconds, seconds: seconds, ok: sums.value == total * (total - 1) / 2,
            note: nil)
    }
}
