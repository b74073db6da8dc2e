import NIOCore
import Synchronization

/// Runs a task's nonisolated async code on one event loop.
///
/// A connection's requests run with their channel's event loop as the preferred task executor
/// (see ``GuardedHTTP1Channel``), so a request is parsed, routed, proxied and answered on the loop
/// that serves its connection and its upstream call. Without a preference, every call into a
/// nonisolated async function is a trip through an executor's queue: about a hundred per proxied
/// request on NIO's event loops (they run global jobs as their own serial executor, so each
/// switch back to the generic executor is enqueued again), or a thread hop to Swift's global pool
/// and back for each await on a channel.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    private init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    private static let byEventLoop = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The executor of `eventLoop`, one per loop for the life of the process (loops are few and
    /// never replaced).
    static func of(_ eventLoop: any EventLoop) -> EventLoopTaskExecutor {
        byEventLoop.withLock { executors in
            if let executor = executors[ObjectIdentifier(eventLoop)] { return executor }
            let executor = EventLoopTaskExecutor(eventLoop)
            executors[ObjectIdentifier(eventLoop)] = executor
            return executor
        }
    }
}
