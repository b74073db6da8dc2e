#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PostgresNIO
import Synchronization

/// The connection pool and every call through it.
extension SharedStateService {
    /// The connection pool in use now.
    var client: PostgresClient { pool.withLock { $0 } }

    /// Runs the connection pool until cancelled, and replaces it while the database stays away.
    ///
    /// postgres-nio's pool waits longer after each failed connection attempt (100 ms × 1.25ⁿ,
    /// up to a minute, with no setting for it), so after a long outage it would notice the
    /// database back up to a minute late. A fresh pool tries at once: one replaces the pool every
    /// ``Settings/rejoinInterval`` while no call has succeeded. The old one is cancelled and not
    /// waited for: it closes its connections as they come back to it.
    func clientLoop() async {
        var current = client
        var runner = Task { [current] in await current.run() }
        var started = ContinuousClock.now
        while (try? await Task.sleep(for: settings.retryInterval)) != nil {
            guard let away = health.awaySince, ContinuousClock.now - max(away, started) >= settings.rejoinInterval else { continue }
            current = PostgresClient(configuration: settings.url.clientConfiguration, backgroundLogger: driverLogger)
            let old = runner
            runner = Task { [current] in await current.run() }
            // Handed out once it runs: a lease from a pool not yet running logs a warning.
            try? await Task.sleep(for: .milliseconds(20))
            pool.withLock { $0 = current }
            old.cancel()
            started = ContinuousClock.now
            logger.debug("connection pool replaced while the database is away")
        }
        runner.cancel()
        await runner.value
    }

    // MARK: Database calls

    /// Runs `body` against the database (migrating first, once), bounded by the operation
    /// timeout; records the outcome in ``health``.
    func operation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            let value = try await withTimeout(settings.operationTimeout) { [self] in
                try await ensureSchema()
                return try await body()
            }
            health.succeeded()
            return value
        } catch {
            if !Task.isCancelled { health.failed(error) }
            throw error
        }
    }

    func ensureSchema() async throws {
        guard !migrated.withLock({ $0 }) else { return }
        let outcome = try await SharedSchema.migrate(client, logger: logger)
        migrated.withLock { $0 = true }
        if outcome.from != outcome.to {
            logger.notice("shared state schema migrated", metadata: ["llmrouter.from": "\(outcome.from)", "llmrouter.to": "\(outcome.to)"])
        }
    }

    func pause() async {
        try? await Task.sleep(for: settings.retryInterval)
    }
}
