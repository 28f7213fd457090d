import CThreadingShims
import Foundation

/// Blocks until every process of `pids` has ended (or, with `any`, the first of them),
/// at most `bound`; returns whether that happened. A zombie nobody reaped yet counts as
/// ended. Sleeps in `poll` on a pidfd per process (Linux 5.3), which the kernel makes
/// readable when the process exits: no check on a timer.
package func waitUntilEnded(_ pids: [Int32], any: Bool = false, within bound: Duration = Delay.bound) -> Bool
{
    let deadline = ContinuousClock.now + bound
    var open: [pollfd] = []
    defer { for entry in open { close(entry.fd) } }
    var ended = 0
    for pid in pids {
        let fd = cthreading_pidfd_open(pid)
        if fd >= 0 {
            open.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        } else {
            ended += 1  // -ESRCH: gone already (reaped)
        }
    }
    func done() -> Bool { any ? ended > 0 : ended == pids.count }
    while !done() {
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return false }
        let ready = poll(&open, nfds_t(open.count), pollMilliseconds(left))
        if ready < 0, errno == EINTR { continue }
        if ready <= 0 { return done() }
        ended += open.filter { $0.revents != 0 }.count
        open = open.filter { entry in
            if entry.revents != 0 { close(entry.fd) }
            return entry.revents == 0
        }
    }
    return true
}
