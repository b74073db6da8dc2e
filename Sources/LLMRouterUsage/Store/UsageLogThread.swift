#if canImport(Glibc)
import Glibc
#endif
import NIOPosix

/// The one thread the usage log works on, below the priority of the event loops.
///
/// It runs the store's SQLite calls (it is the connection's thread pool) and, as the writer's
/// task executor, everything between them: taking a batch, building its binds, resuming after
/// each call. Without it a batch's binds were built on an event loop, which then served no
/// request for that long, and SQLite ran on NIO's shared blocking pool at the event loops'
/// priority, so a request's wake-up could wait behind a batch. With the thread niced, the
/// scheduler hands the CPU to an event loop as soon as one has work: the log costs requests
/// CPU time, not latency.
public final class UsageLogThread: TaskExecutor {
    /// How many `nice` steps below the thread that starts it (the server's own priority) the
    /// thread runs: low enough that a waking event loop preempts it, high enough that a
    /// saturated server still leaves it time to keep up before the buffer fills.
    public static let defaultNiceness: Int32 = 10

    let pool: NIOThreadPool

    /// Starts the thread `niceness` steps below the calling thread's priority. Stop it with
    /// ``shutdown()`` once nothing uses it any more.
    public init(niceness: Int32 = UsageLogThread.defaultNiceness) {
        pool = NIOThreadPool(numberOfThreads: 1)
        // A new thread starts at its creator's priority, so this is the caller's plus `niceness`.
        let target = min(19, Self.currentNiceness() + niceness)
        pool.start()
        pool.submit { _ in Self.nameAndLowerPriority(to: target) }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { state in
            switch state {
            case .active:
                job.runSynchronously(on: self.asUnownedTaskExecutor())
            case .cancelled:
                // The thread has stopped: the job runs elsewhere rather than leave its task
                // suspended for ever.
                globalConcurrentExecutor.enqueue(ExecutorJob(job))
            }
        }
    }

    /// Stops the thread. Jobs still queued then run on the global executor.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// The thread's nice value, as the kernel reports it (Linux; 0 elsewhere).
    public func niceness() async -> Int32 {
        (try? await pool.runIfActive { Self.currentNiceness() }) ?? 0
    }

    private static func nameAndLowerPriority(to niceness: Int32) {
        #if os(Linux)
        // Named so `top -H` and `perf` show what the log costs (glibc's pthread_setname_np is
        // not visible to Swift; the kernel takes the name from this file).
        let name = open("/proc/thread-self/comm", O_WRONLY)
        if name >= 0 {
            _ = write(name, "usage-log", 9)
            close(name)
        }
        // On Linux a nice value belongs to a thread: `who` 0 is the calling thread, not the process.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// The calling thread's nice value (Linux; 0 elsewhere).
    public static func currentNiceness() -> Int32 {
        #if os(Linux)
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
