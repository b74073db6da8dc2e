#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOCore
public import NIOPosix
import Synchronization

/// A thread that writes to disk below the priority of the event loops, out of their way: the
/// usage log's and the SQLite response cache's (one each, named in `top -H`).
///
/// It runs a store's SQLite calls (it is the connection's thread pool) and, as the
/// ``BatchWriter``'s task executor, everything between them: taking a batch, building its
/// binds, resuming after each call. Before, the usage log built a batch's binds on an event
/// loop, which then served no request for that long, and SQLite ran on NIO's shared blocking pool.
///
/// A lower priority alone does not keep a batch out of the tail: Linux's scheduler (EEVDF) lets
/// a running thread finish its time slice before a waking one takes its CPU, whatever their
/// nice values, so an event loop woken on the writer's CPU waited for the batch (measured: p99
/// +0.5 ms at one connection at nice 0, 10 and 19 alike). So while it keeps up, the thread
/// yields the CPU before each piece of work, and stores write small statements (the usage log
/// 16 rows): a loop waits at most one statement. `SCHED_IDLE` gave the same tail, but an idle
/// thread never gets a busy CPU (most rows dropped at 64 connections) and cannot be raised back
/// without `CAP_SYS_NICE`. When the writer falls behind, it sets ``isCatchingUp``: no yields
/// and large statements, so a saturated server still writes everything at the thread's niced share.
public final class BackgroundWriterThread: TaskExecutor {
    /// How many `nice` steps below the thread that starts it (the server's own priority) the
    /// thread runs: a saturated server's event loops get most of the CPU, the writer enough to
    /// keep up before the buffer fills.
    public static let defaultNiceness: Int32 = 10

    /// The one-thread pool behind it: a SQLite connection's `threadPool`.
    public let pool: NIOThreadPool
    /// Where a SQLite connection completes its calls (its `on:` loop), at the thread's priority
    /// too. On one of the server's event loops every statement's completion woke a loop that
    /// serves requests: one wake per statement, thousands a second when the cache file stores
    /// every answer.
    public let completions: MultiThreadedEventLoopGroup
    private let catchingUp = Atomic(false)

    /// Whether the writer is behind: the thread then stops yielding between jobs and the store
    /// writes large statements.
    public var isCatchingUp: Bool {
        get { catchingUp.load(ordering: .relaxed) }
        set { catchingUp.store(newValue, ordering: .relaxed) }
    }

    /// Starts the thread, called `name` (at most 15 bytes are kept), `niceness` steps below the
    /// calling thread's priority. Stop it with ``shutdown()`` once nothing uses it any more.
    public init(name: String, niceness: Int32 = BackgroundWriterThread.defaultNiceness) {
        pool = NIOThreadPool(numberOfThreads: 1)
        completions = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // A new thread starts at its creator's priority, so this is the caller's plus `niceness`.
        let target = min(19, Self.currentNiceness() + niceness)
        pool.start()
        pool.submit { _ in Self.nameAndLowerPriority(name: name, to: target) }
        completions.next().execute { Self.nameAndLowerPriority(name: String(name.prefix(12)) + "-cb", to: target) }
    }

    /// The loop a SQLite connection should complete on (``completions``'s one).
    public var eventLoop: any EventLoop { completions.next() }

    /// Whether a writer is behind after taking `taken` items: more than four batches waited (its
    /// yielding thread found too little CPU), until a take finds one batch or less.
    public static func catchingUp(taken: Int, batchSize: Int, wasCatchingUp: Bool) -> Bool {
        if taken > 4 * batchSize { return true }
        if taken <= batchSize { return false }
        return wasCatchingUp
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { state in
            switch state {
            case .active:
                // Between two pieces of work, an event loop waiting for this CPU goes first.
                if !self.isCatchingUp { sched_yield() }
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
        try? await completions.shutdownGracefully()
    }

    /// The thread's nice value, as the kernel reports it (Linux; 0 elsewhere).
    public func niceness() async -> Int32 {
        (try? await pool.runIfActive { Self.currentNiceness() }) ?? 0
    }

    private static func nameAndLowerPriority(name: String, to niceness: Int32) {
        #if os(Linux)
        // Named so `top -H` and `perf` show what the writer costs (glibc's pthread_setname_np is
        // not visible to Swift; the kernel takes the name from this file, 15 bytes at most).
        let comm = open("/proc/thread-self/comm", O_WRONLY)
        if comm >= 0 {
            let bytes = Array(name.utf8.prefix(15))
            _ = bytes.withUnsafeBytes { write(comm, $0.baseAddress, $0.count) }
            close(comm)
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
