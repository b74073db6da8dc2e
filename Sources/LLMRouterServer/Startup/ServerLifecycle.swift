#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LLMRouterCore
public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// Runs the service group under the process's signals:
/// - SIGHUP reloads (``ConfigurationReloader``) and serving goes on;
/// - SIGINT or SIGTERM starts a drain: no new connections, requests in flight finish, up to the
///   group's graceful-shutdown deadline, after which they are cut. Its start and end are logged;
/// - a second SIGINT or SIGTERM during the drain exits at once.
public enum ServerLifecycle {
    public static func run(
        _ group: ServiceGroup,
        reload: @escaping @Sendable () async -> Void,
        drainTimeout: Duration,
        logger: Logger
    ) async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigint, .sigterm)
        let drainStarted = DrainStart()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                for await signal in signals {
                    if signal == .sighup {
                        await reload()
                        continue
                    }
                    guard drainStarted.begin() else {
                        logger.warning("second stop signal; exiting without waiting for requests in flight", metadata: ["llmrouter.signal": "\(signal)"])
                        exit(128 + signal.rawValue)
                    }
                    logger.notice(
                        "drain started: no new connections; waiting for requests in flight",
                        metadata: ["llmrouter.signal": "\(signal)", "llmrouter.drain_timeout_seconds": "\(drainTimeout.components.seconds)"]
                    )
                    await group.triggerGracefulShutdown()
                }
            }
            _ = try await tasks.next()
            tasks.cancelAll()
        }
        if let started = drainStarted.instant {
            logger.notice("drain finished; stopped", metadata: ["llmrouter.drain_seconds": "\((ContinuousClock.now - started).seconds)"])
        }
    }
}

/// When the drain began, set once by the first stop signal.
private final class DrainStart: Sendable {
    private let started = Mutex<ContinuousClock.Instant?>(nil)

    var instant: ContinuousClock.Instant? { started.withLock { $0 } }

    /// Records the start; `false` when a drain had begun already.
    func begin() -> Bool {
        started.withLock { started in
            guard started == nil else { return false }
            started = .now
            return true
        }
    }
}
